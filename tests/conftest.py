from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT, Settings
from app.main import create_app
from app.routing.engine import Router

RULES = PROJECT_ROOT / "routing_rules"
# The version of the shipped rule set, as ruleset.yaml states it (bumped with every change).
SHIPPED_VERSION = str(yaml.safe_load((RULES / "ruleset.yaml").read_text(encoding="utf-8"))["version"])


@pytest.fixture(scope="session")
def router() -> Router:
    return Router.from_directory(RULES)


# The whole suite runs once on SQLite (default) and, when this is set, once more on PostgreSQL.
TEST_DATABASE_URL = os.environ.get("WEGWIJZER_TEST_DATABASE_URL")


def migrate(url: str, target: str = "head", down: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    cfg.attributes["url"] = url
    if down:
        command.downgrade(cfg, target)
    else:
        command.upgrade(cfg, target)


def fresh_database(url: str) -> str:
    """An empty database at the newest schema."""
    migrate(url, "base", down=True)
    migrate(url)
    return url


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


# An employee's own leave, with no word the rules read as who asks: the learned model sends it out of scope
# (a parent's "mijn dochter van ..." was the example until rule set 2026.12.55, when it became a private role
# of the lexicon; "Hoeveel vakantiedagen heb ik nog over als ik in maart ben begonnen?" until 2026.12.91,
# whose model puts it at P 0.54, under scope_none_p, and leaves it to the clarifying question).
MODEL_PRIVATE_QUESTION = "Heb ik recht op vakantiegeld als ik maar drie maanden heb gewerkt?"

# A bootstrap administrator (every scope) that the shared test clients send by default.
TEST_ADMIN = ("test-admin", "test-admin-token-0123456789")
AUTH = {"Authorization": f"Bearer {TEST_ADMIN[1]}"}


def settings_for(url: str, **kw: object) -> Settings:
    """Test settings: limits out of the way unless a test sets its own."""
    # freeze_heap off: frozen cyclic garbage of the suite's many apps would never be freed.
    # A client key's first lookup (a thread-pool trip to a fresh database) may take over the 1 s
    # production budget on a loaded 2-core CI machine; the service then answers 503 by design, which
    # is not what tests of other things are about (CI, 2026-12-06: a referral test got a 503 route).
    base: dict[str, object] = {"admin_tokens": dict([TEST_ADMIN]), "anonymous_rate_limit": 1_000_000,
                               "admin_rate_limit": 1_000_000, "freeze_heap": False, "key_lookup_budget_s": 10}
    return Settings(database_url=url, environment="test", **{**base, **kw})  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def _shared_client(db_url: str) -> Iterator[TestClient]:
    fresh_database(db_url)
    # It lives through every test module: it must not follow rule sets that a test activates,
    # nor deliver referrals: its outbox thread would take rows from the tests that move an
    # outbox themselves (with another policy and other webhooks).
    with TestClient(create_app(settings_for(db_url, ruleset_follow=False, referral_worker=False)),
                    headers=AUTH) as c:
        yield c


@pytest.fixture
def client(_shared_client: TestClient) -> Iterator[TestClient]:
    """One service for the whole session. Its decision log is flushed after each test, so no
    late write lands in a database that a later test has just emptied."""
    yield _shared_client
    assert _shared_client.app.state.decision_log.writer.flush(10)  # type: ignore[attr-defined]


@pytest.fixture
def fresh_client(db_url: str) -> Iterator[TestClient]:
    """A service on an empty database, for tests that count what was stored."""
    fresh_database(db_url)
    with TestClient(create_app(settings_for(db_url)), headers=AUTH) as c:
        yield c


def route(router: Router, question: str, **kw: object):  # type: ignore[no-untyped-def]
    from app.routing.model import CompanyInput, LocationInput, RouteInput

    loc = kw.pop("location", None)
    comp = kw.pop("company", None)
    return router.route(RouteInput(
        question=question,
        location=LocationInput(**loc) if isinstance(loc, dict) else None,
        company=CompanyInput(**comp) if isinstance(comp, dict) else None,
        **kw,  # type: ignore[arg-type]
    ))


def rules_copy(tmp_path: Path) -> Path:
    import shutil

    dst = tmp_path / "rules"
    shutil.copytree(RULES, dst)
    return dst
