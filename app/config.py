"""Settings, validated at start-up (pydantic-settings). Safe defaults for the embedded run:
SQLite under var/, the shipped rule tables. Outside development, unsafe defaults are refused."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.db import Timeouts
from app.routing import PROJECT_ROOT as PROJECT_ROOT  # the one definition (the routing core needs it too)

DEV_HASH_SECRET = "development-only-hash-secret"
ORIGIN_PATTERN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WEGWIJZER_", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        default="development", validation_alias=AliasChoices("WEGWIJZER_ENVIRONMENT", "ENVIRONMENT", "environment"))
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'wegwijzer.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "WEGWIJZER_DATABASE_URL"),
    )
    rules_dir: Path = PROJECT_ROOT / "routing_rules"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=10 * 1024 * 1024)
    log_level: str = "INFO"
    # Answers kept for identical requests (0 = off); see app.route.cache. About 10 KB each (the
    # rendered body, the log's fields): 1,024 keep a worker near its memory budget (4,096: ~40 MB).
    decision_cache_size: int = Field(default=1024, ge=0, le=1_000_000)
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
    # Bootstrap administrators, "name:token,name:token" (tokens of 16+ characters): keys with
    # every scope, for setting up a deployment before its clients exist in the database
    # (python -m app clients create is the normal way). The name is what audit logs record.
    admin_tokens: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict, repr=False)
    # Rule sets: publish the shipped set to the database and follow the active one there.
    max_ruleset_bytes: int = Field(default=8 * 1024 * 1024, ge=64 * 1024, le=64 * 1024 * 1024)
    # Golden scenarios replayed by POST /v1/rulesets/{version}/simulate next to the logged questions.
    scenarios_dir: Path = PROJECT_ROOT / "tests" / "golden"
    ruleset_follow: bool = True
    ruleset_poll_s: float = Field(default=1.0, ge=0.05, le=60)
    # Origins (scheme://host[:port]) whose pages may call the API from a browser, on top of the
    # origins registered on API clients (python -m app clients create --origin ...).
    # Comma-separated or a JSON list.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Callers without a key may use /v1/route and the reference data (providers, themes,
    # principles, regions) under the per-IP limit below.
    allow_anonymous: bool = True
    anonymous_rate_limit: int = Field(default=60, ge=1, le=1_000_000)  # requests per minute per IP
    admin_rate_limit: int = Field(default=600, ge=1, le=1_000_000)  # for WEGWIJZER_ADMIN_TOKENS
    # Where rate-limit counters live: "database" (shared by all workers and replicas),
    # "redis://host:6379" (needs the redis extra) or "memory://" (one process only).
    rate_limit_storage: str = Field(default="database", pattern=r"^(database|memory://.*|redis(\+\w+)?://.+)$")
    # Freeze the long-lived heap out of the garbage collector after start-up (app.main.freeze_heap);
    # off only for processes that build many apps (the test suite).
    freeze_heap: bool = True
    # How long a thread may hold the GIL while another waits (sys.setswitchinterval). The event
    # loop gives the GIL up at every poll for I/O; with the decision writer or the rule-set
    # follower busy, each time it takes the GIL back it may wait this long (Python's "convoy
    # effect"), so a request that polls several times waits several slices. None: Python's 5 ms.
    gil_switch_interval_s: float | None = Field(default=None, ge=0.0001, le=0.1)
    # How often each worker's event loop is timed (wegwijzer_event_loop_lag_seconds).
    event_loop_tick_s: float = Field(default=0.25, ge=0.01, le=60)
    # What the service waits for its database at most (seconds): a connection, a free pooled
    # connection, a statement and a lock (PostgreSQL; SQLite waits 2 s for a lock),
    # and how long a transaction may stay idle. A hung server is caught by these and by the
    # budgets of the request path (rate limits, key lookups, readiness).
    db_connect_timeout_s: float = Field(default=3.0, ge=1, le=60)
    db_pool_timeout_s: float = Field(default=3.0, ge=0.1, le=60)
    db_statement_timeout_s: float = Field(default=15.0, ge=0, le=3600)
    db_lock_timeout_s: float = Field(default=5.0, ge=0, le=600)
    db_idle_in_transaction_timeout_s: float = Field(default=60.0, ge=0, le=3600)
    # A request waits at most this long for its (single-flight) trip to the shared counter store;
    # past it the request is counted per process (the shared count still lands) and answered.
    # Not a few milliseconds: under load a shared write can take tens of them, and each answer
    # given locally near the limit can let a request too many through (20 ms let 41-47 of 40
    # through on a loaded 2-core machine; the limit is exact only through the store).
    rate_limit_budget_s: float = Field(default=0.25, ge=0.001, le=5)
    # A key not in the worker's cache is looked up in the database within this budget (503 past it).
    key_lookup_budget_s: float = Field(default=1.0, ge=0.01, le=10)
    # Per IP and worker, in memory: requests with a key that needs a database lookup or was
    # refused (unknown, revoked). A flood of random keys is refused (429) without database cost.
    unverified_key_rate_limit: int = Field(default=120, ge=1, le=1_000_000)
    # Referrals (app.referrals): intake webhooks, the delivery worker and retention.
    intake_file: Path | None = None  # default: <rules_dir>/intake.yaml
    referral_worker: bool = True  # deliver from a thread of each API process; off: python -m app worker
    referral_poll_s: float = Field(default=1.0, ge=0.05, le=60)
    referral_batch: int = Field(default=20, ge=1, le=1000)
    referral_lease_s: float = Field(default=60.0, ge=0.5, le=3600)
    referral_timeout_s: float = Field(default=10.0, ge=0.1, le=120)
    referral_max_attempts: int = Field(default=12, ge=1, le=100)
    referral_backoff_base_s: float = Field(default=2.0, ge=0.0, le=3600)
    referral_backoff_cap_s: float = Field(default=3600.0, ge=0.0, le=86400)
    referral_retention_days: int = Field(default=90, ge=1, le=3650)  # after closing: contact details go
    # Longest a request may take before it is answered 503 (seconds).
    request_timeout_s: float = Field(default=10.0, ge=0.1, le=300)
    # Request heads, enforced by the HTTP protocol (app.server) before the app sees a request:
    # longer URLs get 414, larger or more headers 431, a head not complete in time 408.
    max_request_line_bytes: int = Field(default=8 * 1024, ge=256, le=1024 * 1024)  # the URL
    max_header_line_bytes: int = Field(default=8 * 1024, ge=256, le=1024 * 1024)  # one header
    max_header_bytes: int = Field(default=32 * 1024, ge=1024, le=4 * 1024 * 1024)  # all headers
    max_header_count: int = Field(default=100, ge=8, le=10_000)
    # From a connection's opening, or a request's first byte, until its headers are complete.
    header_timeout_s: float = Field(default=10.0, ge=0.1, le=300)
    # Deprecation of /v1 (RFC 9745 / RFC 8594): when set, every /v1 answer carries Deprecation,
    # Sunset and a Link to the migration notes. Unset while /v1 is current.
    v1_deprecated_on: date | None = None
    v1_sunset_on: date | None = None
    v1_migration_url: str = "/docs#api-versions"

    @field_validator("admin_tokens", mode="before")
    @classmethod
    def _tokens(cls, value: Any) -> Any:
        if isinstance(value, str):
            pairs = [p.strip() for p in value.split(",") if p.strip()]
            value = {}
            for pair in pairs:
                name, sep, token = pair.partition(":")
                if not sep or not name.strip() or len(token.strip()) < 16:
                    raise ValueError("admin tokens are name:token pairs with tokens of 16 or more characters")
                value[name.strip()] = token.strip()
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = json.loads(value) if value.strip().startswith("[") else value.split(",")
        if not isinstance(value, list):
            return value
        origins = [str(v).strip().rstrip("/") for v in value if str(v).strip()]
        for origin in origins:
            if origin != "*" and not ORIGIN_PATTERN.match(origin):
                raise ValueError(f"not an origin (scheme://host[:port]): {origin!r}")
        return origins

    def _refuse_unsafe_in_production(self) -> None:
        problems = []
        if self.hash_secret == DEV_HASH_SECRET or len(self.hash_secret) < 32:
            problems.append("WEGWIJZER_HASH_SECRET must be set to a secret of 32+ characters")
        weak = [name for name, token in self.admin_tokens.items() if len(token) < 32]
        if weak:
            problems.append(f"WEGWIJZER_ADMIN_TOKENS: the tokens of {', '.join(weak)} are shorter than 32 characters")
        if "*" in self.cors_origins:
            problems.append("WEGWIJZER_CORS_ORIGINS must list origins, not '*'")
        if self.rate_limit_storage.startswith("memory://"):
            problems.append("WEGWIJZER_RATE_LIMIT_STORAGE=memory:// counts per process; use database or redis://")
        if problems:
            raise ValueError("unsafe settings for production: " + "; ".join(problems))

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        if self.environment == "production" and self.database_url.startswith("sqlite"):
            raise ValueError("production needs DATABASE_URL pointing at PostgreSQL, not SQLite")
        if self.environment == "production":
            self._refuse_unsafe_in_production()
        if self.v1_sunset_on and self.v1_deprecated_on and self.v1_sunset_on < self.v1_deprecated_on:
            raise ValueError("v1_sunset_on must not come before v1_deprecated_on")
        if not (self.rules_dir / "ruleset.yaml").is_file():
            raise ValueError(f"rules_dir {self.rules_dir} holds no ruleset.yaml")
        return self


def db_timeouts(settings: Settings) -> Timeouts:
    """The serving process's database timeouts (app.db.Timeouts) from its settings."""
    return Timeouts(settings.db_connect_timeout_s, settings.db_pool_timeout_s, settings.db_statement_timeout_s,
                    settings.db_lock_timeout_s, settings.db_idle_in_transaction_timeout_s)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
