"""Decision log and feedback tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONDoc = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("digest", sa.String(64), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("theme", sa.String(32), nullable=True),
        sa.Column("service", sa.String(32), nullable=True),
        sa.Column("provider_id", sa.String(64), nullable=True),
        sa.Column("provider_family", sa.String(32), nullable=True),
        sa.Column("rule_id", sa.String(96), nullable=True),
        sa.Column("principle", sa.String(4), nullable=True),
        sa.Column("postcode4", sa.String(4), nullable=True),
        sa.Column("municipality_code", sa.String(6), nullable=True),
        sa.Column("province_code", sa.String(4), nullable=True),
        sa.Column("labour_market_region_code", sa.String(4), nullable=True),
        sa.Column("location_source", sa.String(16), nullable=True),
        sa.Column("ruleset_version", sa.String(32), nullable=False),
        sa.Column("ruleset_checksum", sa.String(80), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("needs", JSONDoc, nullable=False),
        sa.Column("routes", JSONDoc, nullable=False),
        sa.Column("trace", JSONDoc, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sa.UniqueConstraint("digest", name="uq_answers_digest"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("client", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("origin", sa.String(255), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("kvk_hash", sa.String(64), nullable=True),
        sa.Column("answer_id", BigId, nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name="fk_decisions_answer_id_answers"),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.UniqueConstraint("request_id", name="uq_decisions_request_id"),
    )
    # Few indexes: every one costs the log writer; statistics scan a time range.
    op.create_index("ix_decisions_created_at", "decisions", ["created_at"])
    op.create_table(
        "feedback",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("decision_id", BigId, nullable=False),
        sa.Column("source", sa.String(96), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("actual_provider_id", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], name="fk_feedback_decision_id_decisions",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.UniqueConstraint("decision_id", "source", name="uq_feedback_decision_id_source"),
    )
    op.create_index("ix_feedback_decision_id", "feedback", ["decision_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_decision_id", table_name="feedback")
    op.drop_table("feedback")
    op.drop_index("ix_decisions_created_at", table_name="decisions")
    op.drop_table("decisions")
    op.drop_table("answers")
