"""The console, widget and demo as HTTP resources, and CORS for the widget (no browser needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.main import create_app
from app.web.router import STATIC
from tests.conftest import AUTH, fresh_database, settings_for

PORTAL = "https://ondernemen.brabant.example"


@pytest.fixture(scope="module")
def cors_client(db_url: str) -> Iterator[TestClient]:
    fresh_database(db_url)
    with TestClient(create_app(settings_for(db_url, cors_origins=[PORTAL])), headers=AUTH) as c:
        yield c


def test_widget_is_small(capsys: pytest.CaptureFixture[str]) -> None:
    size = (STATIC / "widget.js").stat().st_size
    with capsys.disabled():
        print(f"\nwidget.js: {size:,} bytes unminified (limit 30,720)")
    assert size < 30 * 1024


@pytest.mark.parametrize(("path", "media"), [
    ("/console", "text/html"), ("/console.js", "text/javascript"), ("/console.css", "text/css"),
    ("/widget.js", "text/javascript"), ("/demo", "text/html"), ("/demo.css", "text/css"),
])
def test_pages_are_served_with_an_etag(client: TestClient, path: str, media: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert r.headers["x-content-type-options"] == "nosniff"
    again = client.get(path, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    for path in ("/console", "/demo"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


def test_demo_names_the_api_by_its_address(client: TestClient) -> None:
    page = client.get("/demo").text
    assert '<script src="http://testserver/widget.js" defer></script>' in page
    assert 'api="http://testserver" region="PV30"' in page
    assert "{{API}}" not in page


def test_demo_escapes_a_hostile_host_header(client: TestClient) -> None:
    page = client.get("/demo", headers={"Host": 'evil.example"><script>alert(1)</script>'}).text
    assert "<script>alert(1)</script>" not in page


def test_static_files_hold_no_template_left_over() -> None:
    for name in ("console.html", "console.js", "widget.js"):
        assert "{{" not in (STATIC / name).read_text(encoding="utf-8")


# -- CORS ------------------------------------------------------------------------------------
def test_an_allowed_origin_may_call_the_api(cors_client: TestClient) -> None:
    pre = cors_client.options("/v1/route", headers={
        "Origin": PORTAL, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-wegwijzer-channel,x-api-key"})
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == PORTAL
    assert "x-wegwijzer-channel" in pre.headers["access-control-allow-headers"].lower()
    r = cors_client.post("/v1/route", json={"question": "Wat is de KOR?"},
                         headers={"Origin": PORTAL, "X-Wegwijzer-Channel": "widget"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == PORTAL
    assert "x-request-id" in r.headers["access-control-expose-headers"].lower()


def test_an_error_answer_still_carries_cors_headers(cors_client: TestClient) -> None:
    r = cors_client.post("/v1/route", json={"question": ""}, headers={"Origin": PORTAL})
    assert r.status_code == 422 and r.headers["access-control-allow-origin"] == PORTAL


def test_another_origin_is_refused(cors_client: TestClient) -> None:
    pre = cors_client.options("/v1/route", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 400 and "access-control-allow-origin" not in pre.headers
    r = cors_client.post("/v1/route", json={"question": "Wat is de KOR?"},
                         headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers  # the browser withholds the answer


def test_without_configured_origins_no_cors_headers_are_sent(client: TestClient) -> None:
    r = client.post("/v1/route", json={"question": "Wat is de KOR?"}, headers={"Origin": PORTAL})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("value", ["https://a.example/path", "ftp://a.example", "a.example"])
def test_a_malformed_origin_setting_is_refused(value: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        settings_for(f"sqlite:///{tmp_path}/x.db", cors_origins=[value])


def test_origins_may_be_given_comma_separated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from app.config import Settings

    monkeypatch.setenv("WEGWIJZER_CORS_ORIGINS", "https://a.example, http://127.0.0.1:8080/")
    assert Settings(database_url=f"sqlite:///{tmp_path}/x.db").cors_origins == [
        "https://a.example", "http://127.0.0.1:8080"]
