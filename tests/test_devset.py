"""Regression guard: the shared dev set (a measuring set, read from ../shared/eval; never copied
into the repository) keeps top-1 >= 0.85 through the real HTTP handler. Scoring follows
../shared/eval/README.md: routes[0].provider.family must be `primary` or in `acceptable`."""

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT

DEV_SET = Path(os.environ.get("WEGWIJZER_DEV_SET", PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"))


@pytest.mark.skipif(not DEV_SET.is_file(), reason=f"dev set not found at {DEV_SET}")
def test_dev_set_top1_stays_above_085(client: TestClient) -> None:
    rows = [json.loads(line) for line in DEV_SET.open(encoding="utf-8") if line.strip()]
    hits = total = oos_wrong = 0
    for r in rows:
        payload: dict[str, object] = {"question": r["text"]}
        if r.get("location"):
            payload["location"] = r["location"]
        resp = client.post("/v1/route", json=payload)
        assert resp.status_code == 200, (r["id"], resp.text)
        body = resp.json()
        if r.get("out_of_scope"):
            oos_wrong += not body["out_of_scope"]
            continue
        total += 1
        routes = body["routes"]
        fam = routes[0]["provider"]["family"] if routes else None
        hits += fam in {r["primary"], *r.get("acceptable", [])}
    assert total > 100
    assert hits / total >= 0.85, f"top-1 {hits / total:.3f}"
    assert oos_wrong <= 1
