"""Referrals (warm hand-over), their status events and the delivery outbox.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONDoc = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("decision_id", sa.String(64), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("contact", JSONDoc, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("consent_at", TS, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.String(32), nullable=True),
        sa.Column("forwarded_to", sa.String(32), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("purged_at", TS, nullable=True),
        sa.Column("pull", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["referrals.id"], name="fk_referrals_parent_id_referrals"),
        sa.PrimaryKeyConstraint("id", name="pk_referrals"),
        sa.UniqueConstraint("created_by", "idempotency_key", name="uq_referrals_created_by_idempotency_key"),
    )
    op.create_index("ix_referrals_decision_id", "referrals", ["decision_id"])
    op.create_index("ix_referrals_created_at", "referrals", ["created_at"])
    op.create_index("ix_referrals_provider_status", "referrals", ["provider_id", "status"])
    op.create_table(
        "referral_events",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE",
                                name="fk_referral_events_referral_id_referrals"),
        sa.PrimaryKeyConstraint("id", name="pk_referral_events"),
    )
    op.create_index("ix_referral_events_referral_id", "referral_events", ["referral_id"])
    op.create_table(
        "outbox",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(32), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.Float(), nullable=False),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.Column("leased_by", sa.String(64), nullable=True),
        sa.Column("last_error", sa.String(255), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("delivered_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE",
                                name="fk_outbox_referral_id_referrals"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("idempotency_key", name="uq_outbox_idempotency_key"),
    )
    op.create_index("ix_outbox_referral_id", "outbox", ["referral_id"])
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("referral_events")
    op.drop_table("referrals")
