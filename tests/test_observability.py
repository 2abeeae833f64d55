"""Metrics: requests by route template and status, latency, decisions by outcome and door, the
rule-set version each worker serves."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from app.devtools.server import serve
from tests.conftest import fresh_database


def _value(metrics: str, name: str, **labels: str) -> float:
    """The sample of `name` with exactly these labels (0 when absent)."""
    for line in metrics.splitlines():
        m = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if m and dict(re.findall(r'(\w+)="([^"]*)"', m[1])) == labels:
            return float(m[2])
    return 0.0


def test_requests_latency_decisions_and_ruleset_are_measured(client: TestClient) -> None:
    before = client.get("/metrics").text
    client.post("/v1/route", json={"question": "Hoe vraag ik de WBSO aan?"})
    client.post("/v1/route", json={"question": "Waar vraag ik een terrasvergunning aan?",
                                   "location": {"postcode": "5038"}})
    client.post("/v1/route", json={"question": ""})  # 422
    rid = client.post("/v1/route", json={"question": "Wat is de KOR?"}).json()["request_id"]
    client.get(f"/v1/decisions/{rid}")
    client.get("/v1/no-such-thing")
    after = client.get("/metrics").text

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("wegwijzer_http_requests_total", route="/v1/route", method="POST", status="200") == 3
    assert delta("wegwijzer_http_requests_total", route="/v1/route", method="POST", status="422") == 1
    # the template, never the id itself
    assert delta("wegwijzer_http_requests_total", route="/v1/decisions/{request_id}", method="GET",
                 status="200") == 1
    assert rid not in after
    assert delta("wegwijzer_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert delta("wegwijzer_http_request_duration_seconds_count", route="/v1/route") == 4
    assert delta("wegwijzer_decisions_total", outcome="routed", provider="rvo") == 1
    # a door generated per municipality counts under its family
    assert delta("wegwijzer_decisions_total", outcome="routed", provider="gemeente") == 1
    assert "gemeente:GM" not in after
    version = client.get("/").json()["ruleset"]["version"]
    assert _value(after, "wegwijzer_ruleset_active", version=version) == 1


def test_metrics_add_up_all_worker_processes(db_url: str, tmp_path: Path) -> None:
    """With PROMETHEUS_MULTIPROC_DIR (as docker/entrypoint.sh sets it) one scrape counts the
    requests of both uvicorn workers, whichever worker answers the scrape."""
    fresh_database(db_url)
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {"DATABASE_URL": db_url, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
           "WEGWIJZER_ANONYMOUS_RATE_LIMIT": "1000000", "WEGWIJZER_REFERRAL_WORKER": "false"}
    with serve("app.main:app", env, workers=2) as base:
        for _ in range(40):  # new connections: both workers answer some
            httpx.get(f"{base}/v1/themes", headers={"Connection": "close"})
        pids = {p.name.split("_")[-1] for p in metrics_dir.glob("counter_*.db")}
        scrapes = [httpx.get(f"{base}/metrics", headers={"Connection": "close"}).text for _ in range(4)]
    assert len(pids) == 2  # both workers counted something
    for text in scrapes:
        assert _value(text, "wegwijzer_http_requests_total", route="/v1/themes", method="GET", status="200") == 40
    fresh_database(db_url)


def test_a_stalled_event_loop_shows_in_the_lag_histogram(db_url: str) -> None:
    """wegwijzer_event_loop_lag_seconds: a tick that runs late because something blocked the
    loop lands in the high buckets (here a synchronous 0.4 s sleep run on the loop itself)."""
    import time

    from app.main import create_app
    from tests.conftest import settings_for

    fresh_database(db_url)
    with TestClient(create_app(settings_for(db_url, ruleset_follow=False, event_loop_tick_s=0.02))) as c:
        def slow_ticks() -> float:
            text = c.get("/metrics").text
            return (_value(text, "wegwijzer_event_loop_lag_seconds_bucket", le="+Inf")
                    - _value(text, "wegwijzer_event_loop_lag_seconds_bucket", le="0.25"))

        time.sleep(0.2)  # a few ticks on time
        before = slow_ticks()
        c.portal.call(time.sleep, 0.4)  # type: ignore[union-attr]  # blocks the event loop itself
        time.sleep(0.1)
        assert slow_ticks() - before >= 1
        text = c.get("/metrics").text
        assert _value(text, "wegwijzer_event_loop_lag_seconds_bucket", le="0.005") >= 1  # on-time ticks too
    fresh_database(db_url)


def test_the_long_lived_heap_is_frozen_out_of_the_garbage_collector(db_url: str) -> None:
    """gc.freeze() after start-up: a full collection no longer walks the routing core (in a
    process of its own: the suite's own processes keep it off)."""
    import os
    import subprocess
    import sys

    fresh_database(db_url)
    script = ("import gc\nfrom fastapi.testclient import TestClient\nfrom app.main import create_app\n"
              "with TestClient(create_app()):\n    print(gc.get_freeze_count())\n")
    env = {**os.environ, "DATABASE_URL": db_url, "WEGWIJZER_RULESET_FOLLOW": "false"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1], timeout=120).stdout
    assert int(out.strip().splitlines()[-1]) > 50_000


def test_the_gil_switch_interval_is_set_at_start_up_when_configured(db_url: str) -> None:
    """gil_switch_interval_s: shorter GIL slices, so the event loop waits less for the GIL while
    the decision writer works (measured with make bench; left at Python's default otherwise)."""
    import sys

    from app.main import create_app
    from tests.conftest import settings_for

    default = sys.getswitchinterval()
    fresh_database(db_url)
    try:
        with TestClient(create_app(settings_for(db_url, ruleset_follow=False))):
            assert sys.getswitchinterval() == default
        with TestClient(create_app(settings_for(db_url, ruleset_follow=False, gil_switch_interval_s=0.0005))):
            assert abs(sys.getswitchinterval() - 0.0005) < 1e-9
    finally:
        sys.setswitchinterval(default)
    fresh_database(db_url)
