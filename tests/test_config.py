"""Settings refuse unsafe values when ENVIRONMENT=production, with messages that say what to fix."""

from __future__ import annotations

from typing import Any

import pytest

from app.config import Settings

PG = "postgresql://wegwijzer:secret@db:5432/wegwijzer"
SAFE: dict[str, Any] = {"database_url": PG, "environment": "production", "hash_secret": "h" * 40}


def test_a_safe_production_configuration_is_accepted() -> None:
    s = Settings(**SAFE, admin_tokens={"ops": "t" * 40}, cors_origins=["https://portal.example"])
    assert s.environment == "production"


@pytest.mark.parametrize(("change", "message"), [
    ({"database_url": "sqlite:///var/x.db"}, "PostgreSQL"),
    ({"hash_secret": "development-only-hash-secret"}, "WEGWIJZER_HASH_SECRET"),
    ({"hash_secret": "short-but-16-chars"}, "32+"),
    ({"admin_tokens": {"ops": "only-sixteen-chars"}}, "ADMIN_TOKENS: the tokens of ops"),
    ({"cors_origins": ["*"]}, "not '*'"),
    ({"rate_limit_storage": "memory://"}, "per process"),
])
def test_unsafe_production_settings_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(**{**SAFE, **change})
    Settings(**{**SAFE, **change, "environment": "development"})  # fine for a developer's machine


def test_environment_is_read_from_ENVIRONMENT(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("DATABASE_URL", PG)
    monkeypatch.setenv("WEGWIJZER_HASH_SECRET", "h" * 40)
    assert Settings().environment == "production"
    monkeypatch.delenv("WEGWIJZER_HASH_SECRET")
    with pytest.raises(ValueError, match="HASH_SECRET"):
        Settings()
