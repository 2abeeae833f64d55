"""API clients and the shared rate-limit counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONDoc
from app.decisions.models import BigId


class ClientRow(Base):
    """One API client. The key itself is never stored: only its SHA-256 and a short prefix that
    lets people recognise it in a list ("wwz_AbCd…")."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[str]] = mapped_column(JSONDoc)
    origins: Mapped[list[str]] = mapped_column(JSONDoc)
    rate_limit: Mapped[int] = mapped_column(Integer)  # requests per minute
    provider_id: Mapped[str | None] = mapped_column(String(64))
    key_prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RateCounterRow(Base):
    """A fixed-window hit counter, shared by every worker and replica on this database."""

    __tablename__ = "rate_limit_counters"

    bucket: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float)  # Unix time
