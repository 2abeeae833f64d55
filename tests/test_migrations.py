from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from app.cli import main


def test_migrations_go_up_and_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        assert main(["migrate"]) == 0
        assert "alembic_version" in inspect(create_engine(url)).get_table_names()
        assert main(["migrate", "--downgrade", "base"]) == 0
        assert main(["migrate"]) == 0
    finally:
        get_settings.cache_clear()
