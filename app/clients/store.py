"""Create, list, find and revoke API clients."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clients.keys import DEFAULT_SCOPES, KINDS, MAX_SCOPES, SCOPES, digest, new_key, shown_prefix
from app.clients.models import ClientRow
from app.config import ORIGIN_PATTERN

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class ClientError(ValueError):
    """A client that cannot be created as asked (bad name, kind, scope, origin, ...)."""


@dataclass(frozen=True)
class NewClient:
    row: dict[str, Any]
    key: str  # shown once, never stored


def _check(name: str, kind: str, scopes: list[str], origins: list[str], rate_limit: int) -> None:
    if not _NAME.match(name):
        raise ClientError("name: 2-64 characters a-z, 0-9, '.', '_' or '-', starting with a letter or digit")
    if kind not in KINDS:
        raise ClientError(f"kind: one of {', '.join(KINDS)}")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ClientError(f"unknown scope(s) {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    beyond = [s for s in scopes if s not in MAX_SCOPES[kind]]
    if beyond:
        raise ClientError(f"a {kind} client may not hold scope(s) {', '.join(beyond)} "
                          f"(at most: {', '.join(MAX_SCOPES[kind])})")
    for origin in origins:
        if not ORIGIN_PATTERN.match(origin):
            raise ClientError(f"not an origin (scheme://host[:port]): {origin!r}")
    if not 1 <= rate_limit <= 1_000_000:
        raise ClientError("rate limit: 1 to 1,000,000 requests per minute")


def as_dict(row: ClientRow) -> dict[str, Any]:
    return {
        "id": row.id, "name": row.name, "kind": row.kind, "scopes": list(row.scopes),
        "origins": list(row.origins), "rate_limit_per_minute": row.rate_limit, "provider_id": row.provider_id,
        "key_prefix": row.key_prefix + "…", "created_at": row.created_at.isoformat(), "created_by": row.created_by,
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
    }


def create(engine: Engine, name: str, kind: str, *, scopes: list[str] | None = None,
           origins: list[str] | None = None, rate_limit: int = 600, provider_id: str | None = None,
           created_by: str = "cli") -> NewClient:
    wanted = set(scopes if scopes else DEFAULT_SCOPES.get(kind, ()))
    chosen = sorted(wanted, key=lambda s: (SCOPES.index(s) if s in SCOPES else len(SCOPES), s))
    origins = [o.strip().rstrip("/") for o in (origins or []) if o.strip()]
    _check(name, kind, chosen, origins, rate_limit)
    key = new_key()
    row = ClientRow(name=name, kind=kind, scopes=chosen, origins=origins, rate_limit=rate_limit,
                    provider_id=provider_id, key_prefix=shown_prefix(key), key_hash=digest(key),
                    created_at=datetime.now(UTC), created_by=created_by[:64], revoked_at=None)
    with Session(engine) as s:
        s.add(row)
        try:
            s.commit()
        except IntegrityError:
            raise ClientError(f"a client named {name!r} already exists") from None
        return NewClient(as_dict(row), key)


def list_clients(engine: Engine, include_revoked: bool = True) -> list[dict[str, Any]]:
    with Session(engine) as s:
        q = select(ClientRow).order_by(ClientRow.id)
        if not include_revoked:
            q = q.where(ClientRow.revoked_at.is_(None))
        return [as_dict(r) for r in s.scalars(q)]


def revoke(engine: Engine, name: str) -> dict[str, Any] | None:
    """Revoke by name (or numeric id). Revoking twice keeps the first date."""
    with Session(engine) as s:
        row = s.scalar(select(ClientRow).where(ClientRow.name == name))
        if row is None and name.isdigit():
            row = s.get(ClientRow, int(name))
        if row is None:
            return None
        if row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
            s.commit()
        return as_dict(row)


def find_by_key_hash(engine: Engine, key_hash: str) -> ClientRow | None:
    with Session(engine, expire_on_commit=False) as s:
        return s.scalar(select(ClientRow).where(ClientRow.key_hash == key_hash))


def active_origins(engine: Engine) -> frozenset[str]:
    with Session(engine) as s:
        rows = s.scalars(select(ClientRow.origins).where(ClientRow.revoked_at.is_(None)))
        return frozenset(o for origins in rows for o in (origins or []))
