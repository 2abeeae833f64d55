"""Readiness of this worker: the rules are loaded and route, the database answers at the
migrations' head, and the background writers have not given up. The database check runs in a
thread with a hard budget, one at a time: a hung database costs `/readyz` about a second and
one thread, never the event loop or a thread per probe."""

from __future__ import annotations

import ast
import asyncio
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app.config import PROJECT_ROOT
from app.db import missing_table, unavailable

_VERSION = text("SELECT version_num FROM alembic_version")


def _script_location() -> Path:
    """migrations/ as Alembic finds it: pyproject.toml [tool.alembic] script_location."""
    with open(PROJECT_ROOT / "pyproject.toml", "rb") as f:
        location = str(tomllib.load(f)["tool"]["alembic"]["script_location"])
    return Path(location.replace("%(here)s", str(PROJECT_ROOT)))


@lru_cache(maxsize=1)
def migrations_head() -> str:
    """The newest revision of migrations/ (read once: the files do not change while serving),
    from each script's `revision` and `down_revision` assignments, parsed, never imported.
    Alembic would take ~0.7 s to import and read them, all of it on the first readiness probe
    and so on every cold start; tests check this against Alembic's own ScriptDirectory."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((_script_location() / "versions").glob("*.py")):
        found: dict[str, Any] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target: ast.expr
            if isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                found[target.id] = ast.literal_eval(value)
        if isinstance(found.get("revision"), str):
            revisions.add(found["revision"])
            down = found.get("down_revision")
            parents.update([down] if isinstance(down, str) else list(down or ()))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"migrations/ has {len(heads)} heads; expected one")
    return heads.pop()


def schema_state(engine: Engine) -> str:
    """"ok", or why the database cannot serve this code (blocking: call it in a thread)."""
    head = migrations_head()
    try:
        with engine.connect() as conn:
            current = [str(v) for v in conn.execute(_VERSION).scalars()]
    except SQLAlchemyError as e:
        if missing_table(e) is not None:
            current = []
        else:
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
