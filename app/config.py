"""Settings, validated at start-up (pydantic-settings). Safe defaults for the embedded run:
SQLite under var/, the shipped rule tables. Outside development, unsafe defaults are refused."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_HASH_SECRET = "development-only-hash-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WEGWIJZER_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'wegwijzer.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "WEGWIJZER_DATABASE_URL"),
    )
    rules_dir: Path = PROJECT_ROOT / "routing_rules"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=10 * 1024 * 1024)
    log_level: str = "INFO"
    # Answers kept for identical requests (0 = off); see app.route.cache.
    decision_cache_size: int = Field(default=4096, ge=0, le=1_000_000)
    # Decision log (app.decisions): written off the request path by a batch writer.
    decision_log: bool = True
    decision_queue_size: int = Field(default=10_000, ge=1, le=1_000_000)
    decision_batch_size: int = Field(default=500, ge=1, le=10_000)
    # Longest a decision waits before a part-filled batch is written (seconds).
    decision_linger_s: float = Field(default=0.5, ge=0.001, le=60)
    question_retention_days: int = Field(default=180, ge=1, le=3650)
    # Key for hashing KVK numbers (HMAC-SHA256). Must be set outside development.
    hash_secret: str = Field(default=DEV_HASH_SECRET, min_length=16)
    reach_target: int = Field(default=100_000, ge=1)

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        if self.environment == "production" and self.database_url.startswith("sqlite"):
            raise ValueError("production needs DATABASE_URL pointing at PostgreSQL, not SQLite")
        if self.environment == "production" and self.hash_secret == DEV_HASH_SECRET:
            raise ValueError("production needs its own WEGWIJZER_HASH_SECRET")
        if not (self.rules_dir / "ruleset.yaml").is_file():
            raise ValueError(f"rules_dir {self.rules_dir} holds no ruleset.yaml")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
