"""Migrate the database (DATABASE_URL) to the newest schema, safely when several replicas start
at once: `python -m app.devtools.migrate_lock [--timeout S] [--wait S]`.

On PostgreSQL the upgrade runs while this process holds a session-level advisory lock
(`pg_advisory_lock(MIGRATION_LOCK_KEY)`) on a connection of its own: the first replica migrates,
the others wait for the lock and then find the schema at head (a no-op). The lock goes with the
connection, so a replica that dies mid-migration never leaves it behind. On SQLite (one host,
development) it just migrates. The upgrade itself is `python -m app migrate` (app.cli).

Exit status: 0 migrated or already at head; 1 the database stayed unreachable for `--wait`
seconds, or the lock was not free within `--timeout` seconds, or the migration failed; 2 the
settings are refused (e.g. production with a short WEGWIJZER_HASH_SECRET).
docker/entrypoint.sh runs this before it starts the API or the referral worker.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
from collections.abc import Sequence

import structlog
from pydantic import ValidationError
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from app.config import get_settings
from app.db import make_engine, normalise_url
from app.observability import configure_logging

# Fixed, shared by every replica and release: the ASCII bytes of "WEGWIJZR" as a signed 64-bit
# integer (fits: the first byte is below 0x80). Another application using the same database would
# have to pick the same number by accident to interfere.
MIGRATION_LOCK_KEY = int.from_bytes(b"WEGWIJZR", "big")

log = structlog.get_logger("wegwijzer.migrate")


def _upgrade() -> None:
    """`python -m app migrate`: Alembic, configured in pyproject.toml, to head."""
    from app.cli import main as cli

    if cli(["migrate"]) != 0:
        raise RuntimeError("alembic upgrade failed")


def _revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _connect(engine: Engine, wait_s: float) -> Connection:
    """A connection outside any transaction (AUTOCOMMIT: an idle transaction could be cut by the
    server's idle_in_transaction_session_timeout, and the lock with it), retried while the
    database is starting."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except OperationalError as e:
            if time.monotonic() >= deadline:
                raise
            log.info("migrate_waiting_for_database", error=type(e.orig or e).__name__)
            time.sleep(1.0)


def _migrate(engine: Engine) -> str | None:
    """Upgrade to head; the revision the database was at before."""
    before = _revision(engine)
    _upgrade()
    return before


def _locked_migrate(engine: Engine, timeout_s: float, wait_s: float) -> str | None:
    conn = _connect(engine, wait_s)
    try:
        if not conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY}):
            log.info("migrate_lock_waiting", timeout_s=timeout_s)
            started = time.monotonic()
            # lock_timeout bounds the wait for an advisory lock too (then: an error, exit 1).
            conn.execute(text(f"SET lock_timeout = {max(1, int(timeout_s * 1000))}"))
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            conn.execute(text("RESET lock_timeout"))
            log.info("migrate_lock_acquired", waited_s=round(time.monotonic() - started, 3))
        try:
            return _migrate(engine)
        finally:  # best effort: closing the connection releases the lock anyway
            with contextlib.suppress(SQLAlchemyError):
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
    finally:
        conn.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.devtools.migrate_lock",
                                     description="Migrate to head under a PostgreSQL advisory lock.")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds to wait for another replica's migration (PostgreSQL; default 600)")
    parser.add_argument("--wait", type=float, default=60.0,
                        help="seconds to wait for the database to accept connections (default 60)")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as e:  # the messages only: the input holds DATABASE_URL and secrets
        for err in e.errors(include_url=False, include_input=False):
            where = ".".join(str(x) for x in err["loc"]) or "settings"
            print(f"migrate: invalid settings: {where}: {err['msg']}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    # Alembic's "Running upgrade 0004 -> 0005" lines stay; its plugin set-up chatter goes.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").setLevel(settings.log_level.upper())
    url = normalise_url(settings.database_url)
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    engine = make_engine(url, poolclass=NullPool)
    started = time.monotonic()
    try:
        # SQLite: one host, one file, nothing to serialise across machines: just migrate.
        before = _locked_migrate(engine, args.timeout, args.wait) if dialect == "postgresql" else _migrate(engine)
        after = _revision(engine)
    except Exception as e:  # one log line with the trace; never the URL (it holds the password)
        first = (str(getattr(e, "orig", None) or e).strip().splitlines() or [""])[0][:300]
        log.error("migrate_failed", database=dialect, error=type(e).__name__, detail=first, exc_info=True)
        return 1
    finally:
        engine.dispose()
    log.info("migrate_done", database=dialect, revision_before=before, revision=after,
             seconds=round(time.monotonic() - started, 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
