"""Alembic environment: the URL comes from the service settings (DATABASE_URL), the metadata
from app.db, so `make run` and the tests migrate the same database the service uses."""

from __future__ import annotations

from alembic import context

import app.clients.models
import app.decisions.models
import app.referrals.models
import app.rulesets.models  # noqa: F401
from app.config import get_settings
from app.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def url() -> str:
    return config.attributes.get("url") or get_settings().database_url


def run_offline() -> None:
    context.configure(url=url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = make_engine(url())
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connectable)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # render_as_batch: SQLite needs table copies for ALTER; harmless on PostgreSQL.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
