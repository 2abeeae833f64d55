"""Deployment: replicas that start at once migrate one after the other under the advisory lock."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text

from app.db import normalise_url
from tests.conftest import fresh_database, migrate


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.config import PROJECT_ROOT

    head = ScriptDirectory.from_config(Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))).get_current_head()
    assert head is not None
    return head


def test_replicas_starting_together_migrate_once(db_url: str) -> None:
    if not db_url.startswith("postgres"):
        pytest.skip("the advisory lock is PostgreSQL's; SQLite deployments run one host")
    fresh_database(db_url)
    migrate(db_url, "base", down=True)  # an empty database, as at a first deployment
    env = {**os.environ, "DATABASE_URL": db_url}
    cmd = [sys.executable, "-m", "app.devtools.migrate_lock", "--timeout", "120", "--wait", "10"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=180)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    engine = create_engine(normalise_url(db_url))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head()]
        held = conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).scalar_one()
    engine.dispose()
    assert held == 0  # nobody keeps the lock
    fresh_database(db_url)


def test_migrate_lock_on_sqlite_just_migrates(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/deploy.db"
    r = subprocess.run([sys.executable, "-m", "app.devtools.migrate_lock"], env={**os.environ, "DATABASE_URL": url},
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    with create_engine(url).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == _head()
