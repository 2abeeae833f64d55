"""Database engine and metadata with naming conventions. SQLite (embedded default) and
PostgreSQL (psycopg 3) through the same models and migrations."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import JSON, Engine, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON documents: JSONB on PostgreSQL, JSON text on SQLite.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


class PreJSON(str):
    """A JSON document already serialised (the decision log renders its documents once per
    answer); the engine's serializer passes it through instead of encoding it again."""


def _json_dumps(value: Any) -> str:
    return value if isinstance(value, PreJSON) else orjson.dumps(value).decode()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# NUL becomes a space: PostgreSQL text and JSONB cannot hold it, and dropping it would join two
# words ("foo\x00bar" is read as two words by the router). Bidirectional controls are dropped:
# stored questions and notes are shown to agents, where an override (U+202E) can make a text
# read as something else ("Trojan Source"). Nothing of the meaning is lost.
_STORABLE = str.maketrans({"\x00": " ", **dict.fromkeys(
    ["\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))])})


def storable(value: str) -> str:
    """A client's text as it may be stored and shown: see _STORABLE. (NUL in a path or query is
    refused by app.middleware; this is for texts in bodies.)"""
    if value.isascii() and "\x00" not in value:
        return value
    return value.translate(_STORABLE)


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Timeouts:
    """What a serving process waits for the database at most (seconds; 0 = no limit). Tools
    and migrations run without a statement limit; the service sets all of them (app.config)."""

    connect: float = 3.0
    pool: float = 30.0  # waiting for a free connection of the pool
    statement: float = 0.0  # PostgreSQL statement_timeout (a hung SQLite has no equivalent)
    lock: float = 0.0  # PostgreSQL lock_timeout (SQLite waits 2 s for a lock, always)
    idle_in_transaction: float = 0.0  # PostgreSQL: a transaction left open is cut after this


def make_engine(url: str, timeouts: Timeouts | None = None, **kw: Any) -> Engine:
    t = timeouts or Timeouts()
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, hide_parameters=True, connect_args={"timeout": 2.0},
                               json_serializer=_json_dumps, json_deserializer=orjson.loads, **kw)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL: readers do not block the log writer; NORMAL: no fsync per commit in WAL.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    settings = [f"-c {name}={int(seconds * 1000)}" for name, seconds in (
        ("statement_timeout", t.statement), ("lock_timeout", t.lock),
        ("idle_in_transaction_session_timeout", t.idle_in_transaction)) if seconds > 0]
    connect: dict[str, Any] = {"connect_timeout": max(1, round(t.connect))}
    if settings:
        connect["options"] = " ".join(settings)
    if "poolclass" not in kw:
        kw["pool_timeout"] = t.pool
    # hide_parameters: a database error must never print a question into a log line
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args=connect,
                         json_serializer=_json_dumps, json_deserializer=orjson.loads, **kw)


def missing_table(exc: BaseException) -> str | None:
    """The driver's message when `exc` says a table does not exist (an unmigrated schema):
    SQLite's "no such table: ...", PostgreSQL's undefined_table (SQLSTATE 42P01, psycopg's
    `UndefinedTable`: 'relation "..." does not exist'). None for any other error."""
    orig: object = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) == "42P01":
        return (str(orig).splitlines() or ["undefined table"])[0]
    if isinstance(orig, sqlite3.OperationalError) and str(orig).startswith("no such table"):
        return str(orig)
    return None


def unavailable(exc: BaseException) -> bool:
    """Whether a database error means "the database cannot serve right now" (gone, hung past a
    timeout, pool exhausted, schema not migrated) rather than a bug: the client may retry."""
    return isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)) or missing_table(exc) is not None
