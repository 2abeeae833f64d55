"""Alembic: upgrade -> downgrade -> upgrade round-trips, and the models match the migrations."""

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect

from app.cli import main
from app.config import PROJECT_ROOT
from app.db import normalise_url
from app.routing.loader import read_rule_files
from app.rulesets import store
from tests.conftest import fresh_database, migrate


def test_round_trip_and_no_drift(db_url: str) -> None:
    fresh_database(db_url)
    engine = create_engine(normalise_url(db_url))
    assert {"decisions", "feedback", "alembic_version"} <= set(inspect(engine).get_table_names())
    migrate(db_url, "base", down=True)
    assert not {"decisions", "feedback"} & set(inspect(engine).get_table_names())
    migrate(db_url)
    cfg = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    cfg.attributes["url"] = db_url
    command.check(cfg)  # raises when the models and the migrations disagree
    engine.dispose()


def test_cli_migrate(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'm.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        assert main(["migrate"]) == 0
        assert "decisions" in inspect(create_engine(url)).get_table_names()
        # the shipped rule set is published by the migration, not by each worker's first start
        shipped = store.meta_of(read_rule_files(get_settings().rules_dir))
        engine = create_engine(url)
        row = store.find(engine, shipped.version)
        assert row is not None and row.checksum == shipped.checksum and row.published_by == "shipped"
        engine.dispose()
        assert main(["migrate"]) == 0  # again: nothing to do, the same row
        engine = create_engine(url)
        again = store.find(engine, shipped.version)
        assert again is not None and again.published_at == row.published_at
        engine.dispose()
        assert main(["migrate", "--downgrade", "base"]) == 0
        assert "decisions" not in inspect(create_engine(url)).get_table_names()
    finally:
        get_settings.cache_clear()
