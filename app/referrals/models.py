"""Referrals, their status history, and the delivery outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONDoc
from app.decisions.models import BigId


class ReferralRow(Base):
    """One hand-over of a decision to a provider. `contact` holds the entrepreneur's details
    (given with consent) until the retention after closing has passed."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("created_by", "idempotency_key", name="uq_referrals_created_by_idempotency_key"),
        Index("ix_referrals_provider_status", "provider_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # "ref_" + ULID
    decision_id: Mapped[str] = mapped_column(String(64), index=True)  # the decision's request id
    provider_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    note: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))  # the client's name
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[str | None] = mapped_column(String(32), ForeignKey("referrals.id"))
    forwarded_to: Mapped[str | None] = mapped_column(String(32))  # the follow-up referral
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pull: Mapped[bool] = mapped_column(Boolean)  # no webhook: the provider fetches it


class ReferralEventRow(Base):
    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(String(32), ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)


class OutboxRow(Base):
    """One delivery to a provider's intake webhook. A worker leases due rows (lease_until), posts
    them, and marks them delivered, or schedules a retry, or after the last attempt `dead`. A
    worker that dies mid-delivery leaves a lease that expires: the row is delivered again, with
    the same idempotency key."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(String(32), ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    provider_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # pending | delivered | dead
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[float] = mapped_column(Float)  # Unix time
    lease_until: Mapped[float | None] = mapped_column(Float)
    leased_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
