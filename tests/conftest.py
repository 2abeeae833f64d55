from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT, Settings
from app.main import create_app
from app.routing.engine import Router

RULES = PROJECT_ROOT / "routing_rules"


@pytest.fixture(scope="session")
def router() -> Router:
    return Router.from_directory(RULES)


@pytest.fixture(scope="session")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("db") / "test.db"
    settings = Settings(database_url=f"sqlite:///{db}", environment="test")
    with TestClient(create_app(settings)) as c:
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
