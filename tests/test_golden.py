"""Golden scenarios (tests/golden/*.yaml): question -> door, written as data."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from app.routing.engine import Router
from tests.conftest import route

GOLDEN = Path(__file__).parent / "golden"


def load() -> list[Any]:
    cases = []
    for f in sorted(GOLDEN.glob("*.yaml")):
        for c in yaml.safe_load(f.read_text(encoding="utf-8")):
            marks = [pytest.mark.xfail(reason=c["xfail"], strict=True)] if c.get("xfail") else []
            cases.append(pytest.param(c, id=c["id"], marks=marks))
    return cases


CASES = load()


def test_golden_set_is_large_and_unique() -> None:
    ids = [c.values[0]["id"] for c in CASES]
    assert len(ids) >= 80 and len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES)
def test_golden(router: Router, case: dict[str, Any]) -> None:
    d = route(router, case["question"], location=case.get("location"), company=case.get("company"))
    e = case["expect"]
    ids = [r.provider_id for r in d.routes]
    if "primary" in e:
        assert ids and ids[0] == e["primary"], (ids, d.outcome)
    if "outcome" in e:
        # a clear answer that still offers a clarifying question keeps its door
        ok = d.outcome == e["outcome"] or (e["outcome"] == "routed" and d.outcome == "clarify"
                                           and "primary" in e)
        assert ok, d.outcome
    if "needs_location" in e:
        assert d.routes[0].needs_location == e["needs_location"]
    for a in e.get("also_includes") or []:
        assert any(i == a or i.split(":")[0] == a for i in ids[1:]), (a, ids)
    if "language" in e:
        assert d.language == e["language"]
