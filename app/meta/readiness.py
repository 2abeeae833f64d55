"""Readiness of this worker: the rules are loaded and route, the database answers at the
migrations' head, and the background writers have not given up. The database check runs in a
thread with a hard budget, one at a time: a hung database costs `/readyz` about a second and
one thread, never the event loop or a thread per probe."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app.config import PROJECT_ROOT
from app.db import unavailable


@lru_cache(maxsize=1)
def migrations_head() -> str:
    """The newest revision of migrations/ (read once: the files do not change while serving).
    Importing Alembic and reading the scripts takes ~0.7 s, so it is done off the start-up path,
    by the first probe."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations/ has {len(heads)} heads; expected one")
    return str(heads[0])


def schema_state(engine: Engine) -> str:
    """"ok", or why the database cannot serve this code (blocking: call it in a thread)."""
    from alembic.runtime.migration import MigrationContext

    head = migrations_head()
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
    except SQLAlchemyError as e:
        return f"unreachable ({type(e).__name__})" if unavailable(e) else f"error ({type(e).__name__})"
    if not current:
        return f"not migrated (expected revision {head}; run `python -m app migrate`)"
    if head not in current:
        return f"schema at revision {', '.join(current)}, expected {head} (run `python -m app migrate`)"
    return "ok"


class DatabaseProbe:
    """`await probe.state()`: schema_state within `budget_s`, at most one check in flight (a
    probe that arrives while one is running waits on that one)."""

    def __init__(self, engine: Engine, budget_s: float = 1.0) -> None:
        self.engine = engine
        self.budget_s = budget_s
        self._running: asyncio.Future[str] | None = None

    async def state(self) -> str:
        await run_in_threadpool(migrations_head)  # once, outside the budget: no database in it
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(run_in_threadpool(schema_state, self.engine))
        try:
            return await asyncio.wait_for(asyncio.shield(self._running), self.budget_s)
        except TimeoutError:
            return f"no answer within {self.budget_s:g} s"


def background_state(component: Any) -> str:
    """"ok", or why a background writer (decision log, referral outbox) stopped for good."""
    fatal = getattr(component, "fatal", None) if component is not None else None
    return "ok" if not fatal else f"stopped: {fatal}"
