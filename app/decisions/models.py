"""The decision log and feedback tables (SQLAlchemy 2.0, typed). Only structured fields, a
scrubbed question (purged after the retention period) and a keyed hash of a KVK number are
stored: no names, e-mail addresses, phone numbers or full addresses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONDoc

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class AnswerRow(Base):
    """What the service answered to one distinct input under one rule set: outcome, first door,
    location, the scrubbed question and the needs/routes/trace documents. Decisions with the
    same input share one row (call-centre scripts, portal examples and retries repeat exactly),
    so the log writes a short decision row per request and an answer row per new question.
    The question text is set to NULL once every decision that refers to it is past retention."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # NULL once purged, so that the same question asked again gets a fresh row with its text
    digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    outcome: Mapped[str] = mapped_column(String(16))
    theme: Mapped[str | None] = mapped_column(String(32))
    service: Mapped[str | None] = mapped_column(String(32))
    provider_id: Mapped[str | None] = mapped_column(String(64))
    provider_family: Mapped[str | None] = mapped_column(String(32))
    rule_id: Mapped[str | None] = mapped_column(String(96))
    principle: Mapped[str | None] = mapped_column(String(4))
    postcode4: Mapped[str | None] = mapped_column(String(4))
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    province_code: Mapped[str | None] = mapped_column(String(4))
    labour_market_region_code: Mapped[str | None] = mapped_column(String(4))
    location_source: Mapped[str | None] = mapped_column(String(16))
    ruleset_version: Mapped[str] = mapped_column(String(32))
    ruleset_checksum: Mapped[str] = mapped_column(String(80))
    question: Mapped[str | None] = mapped_column(Text)  # scrubbed; NULL once purged
    needs: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    routes: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    trace: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)


class DecisionRow(Base):
    """One /v1/route answer: who asked, when, through which channel, and which answer it got.
    Narrow on purpose: the log writes one per request."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    day: Mapped[str] = mapped_column(String(10))  # 2026-11-27 (UTC)
    week: Mapped[str] = mapped_column(String(8))  # 2026-W48 (ISO week)
    month: Mapped[str] = mapped_column(String(7))  # 2026-11
    client: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(64))
    origin: Mapped[str | None] = mapped_column(String(255))
    latency_ms: Mapped[float] = mapped_column(Float)
    kvk_hash: Mapped[str | None] = mapped_column(String(64))
    answer_id: Mapped[int] = mapped_column(BigId, ForeignKey("answers.id"))
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # question hidden since


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("decision_id", "source", name="uq_feedback_decision_id_source"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(BigId, ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(96))  # the client (or channel) giving feedback
    correct: Mapped[bool] = mapped_column(Boolean)
    actual_provider_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)  # scrubbed; NULL once purged
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
