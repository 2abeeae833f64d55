"""Published rule sets (immutable), the administrator's pin, and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONDoc
from app.decisions.models import BigId


class RuleSetRow(Base):
    """One published rule set: its files (gzip of a JSON object path -> text), identity and
    the validation result at publication. Never updated after it is written."""

    __tablename__ = "rulesets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(32), unique=True)
    checksum: Mapped[str] = mapped_column(String(80))
    valid_from: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    errors: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(64))


class RuleSetPinRow(Base):
    """At most one row (id 1): the version an administrator activated, overriding the rule
    "newest published set whose valid_from has passed". No row, or version NULL: no pin."""

    __tablename__ = "ruleset_pin"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str | None] = mapped_column(String(32))
    pinned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    pinned_by: Mapped[str] = mapped_column(String(64))


class RuleSetAuditRow(Base):
    """Who published, activated, rolled back or unpinned which version, and when."""

    __tablename__ = "ruleset_audit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # publish | activate | rollback | unpin
    from_version: Mapped[str | None] = mapped_column(String(32))
    to_version: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
