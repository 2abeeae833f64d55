"""Published rule sets: publish, inspect, compare, simulate, activate, roll back; admin only
where it changes something; workers follow the active set (also across processes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from app.clients import store as clients
from app.devtools.server import serve
from app.main import create_app
from app.routing.loader import read_rule_files
from app.rulesets import store
from tests.conftest import RULES, fresh_database, settings_for

ADMIN = {"Authorization": "Bearer admin-token-0123456789"}
TOKENS = {"anna": "admin-token-0123456789", "bert": "bert-token-0123456789"}
SHIPPED = yaml.safe_load((RULES / "ruleset.yaml").read_text(encoding="utf-8"))["version"]
TAX_QUESTION = "Hoe doe ik aangifte omzetbelasting voor mijn eenmanszaak?"


def variant(version: str, *, valid_from: date = date(2099, 1, 1), row: str | None = None,
            primary: str | None = None, reason_nl: str | None = None, extra_row: dict[str, Any] | None = None,
            cue: tuple[str, str] | None = None) -> dict[str, bytes]:
    """The shipped files with a new version and one hand-made change."""
    files = dict(read_rule_files(RULES))
    meta = yaml.safe_load(files["ruleset.yaml"])
    meta.update(version=version, valid_from=valid_from, note=f"test variant {version}")
    files["ruleset.yaml"] = yaml.safe_dump(meta, allow_unicode=True).encode()
    if row is not None or extra_row is not None:
        for rel in [r for r in files if r.startswith("decisions/")]:
            doc = yaml.safe_load(files[rel])
            hit = False
            for r in doc["rows"]:
                if r["id"] == row:
                    hit = True
                    if primary is not None:
                        r["primary"] = primary
                    if reason_nl is not None:
                        r["reason"]["nl"] = reason_nl
            if extra_row is not None and doc.get("tier") == 2:
                doc["rows"].insert(0, extra_row)
                extra_row, hit = None, True
            if hit:
                files[rel] = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()
    if cue is not None:
        concept, word = cue
        for rel in [r for r in files if r.startswith("lexicon/")]:
            doc = yaml.safe_load(files[rel])
            for c in doc["concepts"]:
                if c["id"] == concept:
                    c["nl"] = [*c.get("nl", []), word]
                    files[rel] = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()
    return files


def as_body(files: dict[str, bytes]) -> dict[str, Any]:
    return {"files": {rel: data.decode() for rel, data in files.items()}}


@pytest.fixture
def app_client(db_url: str) -> Iterator[TestClient]:
    fresh_database(db_url)
    with TestClient(create_app(settings_for(db_url, admin_tokens=TOKENS)), headers=ADMIN) as c:
        yield c
    fresh_database(db_url)  # no pin or published set leaks into later tests


def follow(c: TestClient) -> None:
    """What the follower thread does within a second, done now."""
    c.app.state.follower_check()  # type: ignore[attr-defined]


def tax_rule(c: TestClient) -> str:
    rule: str = c.post("/v1/route", json={"question": TAX_QUESTION}).json()["routes"][0]["rule"]
    return rule


# -- publishing and reading ----------------------------------------------------------------
def test_the_shipped_set_is_published_at_start_and_active(app_client: TestClient) -> None:
    listing = app_client.get("/v1/rulesets").json()
    assert listing["active"] == SHIPPED and listing["serving"] == SHIPPED and listing["pinned"] is None
    [row] = listing["rulesets"]
    assert row["published_by"] == "shipped" and row["errors"] == 0 and row["active"] is True
    one = app_client.get(f"/v1/rulesets/{SHIPPED}").json()
    assert one["checksum"] == app_client.post("/v1/route", json={"question": "Wat is de KOR?"}).json()[
        "ruleset"]["checksum"]
    assert {"path": "decisions/tier2_needs.yaml", "bytes": len((RULES / "decisions/tier2_needs.yaml").read_bytes())
            } in one["files"]


def test_publishing_is_immutable_and_idempotent(app_client: TestClient) -> None:
    files = variant("2030.1.1", row="fallback.kvk", reason_nl="Nieuwe tekst.")
    first = app_client.post("/v1/rulesets", json=as_body(files), headers=ADMIN)
    assert first.status_code == 201 and first.json()["errors"] == 0 and first.json()["activatable"]
    again = app_client.post("/v1/rulesets", json=as_body(files), headers=ADMIN)
    assert again.status_code == 200 and again.json()["created"] is False
    other = variant("2030.1.1", row="fallback.kvk", reason_nl="Weer een andere tekst.")
    clash = app_client.post("/v1/rulesets", json=as_body(other), headers=ADMIN)
    assert clash.status_code == 409 and clash.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("change", "detail"), [
    ({"ruleset.yaml": "note: no version\n"}, "version"),
    ({"ruleset.yaml": "version: '1'\nvalid_from: soon\n"}, "valid_from"),
    ({"../etc/passwd": "x"}, "relative file path"),
])
def test_unpublishable_files_are_refused(app_client: TestClient, change: dict[str, str], detail: str) -> None:
    body = as_body(dict(read_rule_files(RULES)))
    body["files"].update(change)
    r = app_client.post("/v1/rulesets", json=body, headers=ADMIN)
    assert r.status_code == 422 and detail in r.json()["detail"]


def test_rule_set_endpoints_need_the_rulesets_scope(app_client: TestClient, db_url: str) -> None:
    body = as_body(variant("2030.1.1"))
    none = {"Authorization": ""}  # the client sends the admin key by default
    assert app_client.post("/v1/rulesets", json=body, headers=none).status_code == 401
    assert app_client.post("/v1/rulesets", json=body, headers=none).headers["www-authenticate"].startswith("Bearer")
    assert app_client.post("/v1/rulesets", json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert app_client.post(f"/v1/rulesets/{SHIPPED}/activate", headers=none).status_code == 401
    assert app_client.get("/v1/rulesets/audit", headers={"Authorization": "Basic abc"}).status_code == 401
    assert app_client.get("/v1/rulesets", headers=none).status_code == 401
    portal = clients.create(app_client.app.state.engine, "portal-x", "portal").key  # type: ignore[attr-defined]
    assert app_client.get("/v1/rulesets", headers={**none, "X-API-Key": portal}).status_code == 403
    officer = clients.create(app_client.app.state.engine, "officer", "admin", scopes=["rulesets"]).key  # type: ignore[attr-defined]
    assert app_client.get("/v1/rulesets", headers={**none, "X-API-Key": officer}).status_code == 200
    with TestClient(create_app(settings_for(db_url, ruleset_follow=False, admin_tokens={}))) as no_admins:
        assert no_admins.post("/v1/rulesets", json=body, headers=ADMIN).status_code == 401


def test_admin_tokens_setting_is_checked(tmp_path: Any) -> None:
    with pytest.raises(ValueError):
        settings_for(f"sqlite:///{tmp_path}/x.db", admin_tokens="anna:short")
    assert settings_for(f"sqlite:///{tmp_path}/x.db", admin_tokens="anna:0123456789abcdef, bo:fedcba9876543210"
                        ).admin_tokens == {"anna": "0123456789abcdef", "bo": "fedcba9876543210"}


# -- activation ----------------------------------------------------------------------------
def test_a_set_with_errors_is_published_but_never_activated(app_client: TestClient) -> None:
    broken = variant("2030.1.9", valid_from=date(2026, 1, 1), row="fallback.kvk", primary="kvk-new")
    r = app_client.post("/v1/rulesets", json=as_body(broken), headers=ADMIN)
    assert r.status_code == 201 and r.json()["errors"] > 0 and r.json()["activatable"] is False
    assert any("kvk-new" in f["message"] for f in r.json()["findings"])
    refused = app_client.post("/v1/rulesets/2030.1.9/activate", headers=ADMIN)
    assert refused.status_code == 409 and "validation errors" in refused.json()["detail"]
    follow(app_client)  # its valid_from has passed, yet it is not chosen either
    listing = app_client.get("/v1/rulesets").json()
    assert listing["active"] == SHIPPED and listing["serving"] == SHIPPED
    assert app_client.post("/v1/route", json={"question": "Wat is de KOR?"}).json()["ruleset"]["version"] == SHIPPED


def test_activate_roll_back_and_unpin_are_audited(app_client: TestClient) -> None:
    rule = tax_rule(app_client)
    new = variant("2030.1.2", row=rule, reason_nl="Deze aangifte doet u bij de Belastingdienst (v2).")
    assert app_client.post("/v1/rulesets", json=as_body(new), headers=ADMIN).status_code == 201
    follow(app_client)
    assert app_client.get("/v1/rulesets").json()["serving"] == SHIPPED  # valid from 2099: not yet

    r = app_client.post("/v1/rulesets/2030.1.2/activate", json={"note": "new tax text"}, headers=ADMIN)
    assert r.json() == {"from": SHIPPED, "to": "2030.1.2", "action": "activate"}
    follow(app_client)
    answer = app_client.post("/v1/route", json={"question": TAX_QUESTION}).json()
    assert answer["ruleset"]["version"] == "2030.1.2" and answer["routes"][0]["reason"].endswith("(v2).")

    back = app_client.post(f"/v1/rulesets/{SHIPPED}/activate",
                           headers={"Authorization": "Bearer bert-token-0123456789"})
    assert back.json() == {"from": "2030.1.2", "to": SHIPPED, "action": "rollback"}
    follow(app_client)
    assert app_client.post("/v1/route", json={"question": TAX_QUESTION}).json()["ruleset"]["version"] == SHIPPED

    assert app_client.post("/v1/rulesets/unpin", headers=ADMIN).json() == {
        "from": SHIPPED, "to": SHIPPED, "action": "unpin"}
    assert app_client.post("/v1/rulesets/nope/activate", headers=ADMIN).status_code == 404
    log = app_client.get("/v1/rulesets/audit", headers=ADMIN).json()["entries"]
    assert [(e["action"], e["actor"], e["from"], e["to"]) for e in reversed(log)] == [
        ("publish", "shipped", None, SHIPPED),
        ("publish", "anna", None, "2030.1.2"),
        ("activate", "anna", SHIPPED, "2030.1.2"),
        ("rollback", "bert", "2030.1.2", SHIPPED),
        ("unpin", "anna", SHIPPED, SHIPPED),
    ]
    assert log[1]["note"] is None and log[2]["note"] == "new tax text"


def test_without_a_pin_the_newest_valid_set_is_active(app_client: TestClient, db_url: str) -> None:
    engine = app_client.app.state.engine  # type: ignore[attr-defined]
    later = variant("2030.1.3", valid_from=date(2026, 1, 2))
    app_client.post("/v1/rulesets", json=as_body(later), headers=ADMIN)
    future = variant("2030.1.4", valid_from=date(2099, 1, 1))
    app_client.post("/v1/rulesets", json=as_body(future), headers=ADMIN)
    assert store.active_version(engine) == "2030.1.3"
    assert store.active_version(engine, today=date(2099, 1, 1)) == "2030.1.4"
    follow(app_client)
    assert app_client.get("/v1/rulesets").json()["serving"] == "2030.1.3"


# -- comparing, coverage, spreadsheets ------------------------------------------------------
def test_diff_lists_rows_and_lexicon_entries(app_client: TestClient) -> None:
    rule = tax_rule(app_client)
    extra = {"id": "test.extra.row", "when": {"theme": "tax", "signal": ["non_eu_founder"]}, "primary": "kvk",
             "also": [], "principle": "P1", "reason": {"nl": "Test.", "en": "Test."}}
    new = variant("2030.1.5", row=rule, primary="kvk", extra_row=extra,
                  cue=("theme.sustainability.weak", "testwoordje"))
    app_client.post("/v1/rulesets", json=as_body(new), headers=ADMIN)
    d = app_client.get(f"/v1/rulesets/{SHIPPED}/diff/2030.1.5").json()
    assert [r["id"] for r in d["rows"]["added"]] == ["test.extra.row"]
    assert d["rows"]["removed"] == []
    assert d["rows"]["changed"] == [{"id": rule, "file": d["rows"]["changed"][0]["file"],
                                     "fields": {"primary": {"from": "belastingdienst", "to": "kvk"}}}]
    assert d["lexicon"]["added"] == [{"concept": "theme.sustainability.weak", "file": "lexicon/themes.yaml",
                                      "lang": "nl", "cue": "testwoordje"}]
    assert d["files"]["changed"] == ["ruleset.yaml"]
    back = app_client.get(f"/v1/rulesets/2030.1.5/diff/{SHIPPED}").json()
    assert [r["id"] for r in back["rows"]["removed"]] == ["test.extra.row"]
    assert app_client.get(f"/v1/rulesets/{SHIPPED}/diff/nope").status_code == 404


def test_coverage_and_table_export(app_client: TestClient) -> None:
    cov = app_client.get(f"/v1/rulesets/{SHIPPED}/coverage")
    assert cov.status_code == 200 and cov.json()
    table = app_client.get(f"/v1/rulesets/{SHIPPED}/coverage", headers={"Accept": "text/plain"})
    assert table.headers["content-type"].startswith("text/plain") and "PV30" in table.text
    csv_ = app_client.get(f"/v1/rulesets/{SHIPPED}/tables/tier2_needs", params={"format": "csv"})
    assert csv_.status_code == 200 and "starting.information.kvk" in csv_.content.decode("utf-8-sig")
    xlsx = app_client.get(f"/v1/rulesets/{SHIPPED}/tables/tier2_needs", params={"format": "xlsx"})
    assert xlsx.content[:2] == b"PK" and "attachment" in xlsx.headers["content-disposition"]
    assert app_client.get(f"/v1/rulesets/{SHIPPED}/tables/nope").status_code == 404
    assert app_client.get(f"/v1/rulesets/{SHIPPED}/tables/tier2_needs",
                          params={"format": "ods"}).status_code == 422


def test_validate_without_publishing(app_client: TestClient) -> None:
    broken = variant("2030.1.6", row="fallback.kvk", primary="nobody")
    r = app_client.post("/v1/rulesets/validate", json=as_body(broken), headers=ADMIN).json()
    assert r["ok"] is False and r["errors"] >= 1
    assert app_client.get("/v1/rulesets/2030.1.6").status_code == 404
    ok = app_client.post("/v1/rulesets/validate", json=as_body(variant("2030.1.7")), headers=ADMIN).json()
    assert ok["ok"] is True


# -- simulation ----------------------------------------------------------------------------
def test_simulation_counts_a_hand_made_change_exactly(app_client: TestClient) -> None:
    rule = tax_rule(app_client)
    flush = app_client.app.state.decision_log.writer.flush  # type: ignore[attr-defined]
    for _ in range(3):
        app_client.post("/v1/route", json={"question": TAX_QUESTION})
    for _ in range(2):
        app_client.post("/v1/route", json={"question": "Hoe vraag ik de WBSO aan?"})
    app_client.post("/v1/route", json={"question": "Heb ik een terrasvergunning nodig?",
                                       "location": {"postcode": "5038"}})
    assert flush(10)
    candidate = variant("2030.1.8", row=rule, primary="kvk")
    app_client.post("/v1/rulesets", json=as_body(candidate), headers=ADMIN)
    r = app_client.post("/v1/rulesets/2030.1.8/simulate", json={"golden": False}, headers=ADMIN).json()
    # 4 tax questions were logged (3 here, 1 by tax_rule); 2 + 1 others keep their door
    assert r["sources"]["log"] == {"questions": 7, "distinct_inputs": 3, "changed": 4, "skipped": 0, "purged": 0}
    assert r["changed"] == 4
    assert r["matrix"] == [{"from": "belastingdienst", "to": "kvk", "count": 4}]
    assert r["summary"] == ["4 questions would move from belastingdienst to kvk"]
    assert r["examples"][0]["question"] == TAX_QUESTION and r["examples"][0]["count"] == 4
    with_golden = app_client.post("/v1/rulesets/2030.1.8/simulate", headers=ADMIN).json()
    golden = with_golden["sources"]["golden"]
    assert golden["questions"] >= 200 and golden["changed"] >= 1
    assert all(m["to"] == "kvk" for m in with_golden["matrix"])
    window = app_client.post("/v1/rulesets/2030.1.8/simulate", headers=ADMIN,
                             json={"golden": False, "from": "2020-01-01", "to": "2020-12-31"}).json()
    assert window["sources"]["log"]["questions"] == 0 and window["changed"] == 0
    bad = app_client.post("/v1/rulesets/2030.1.8/simulate", headers=ADMIN, json={"from": "gisteren"})
    assert bad.status_code == 422


# -- following the active set across processes --------------------------------------------
def test_a_second_process_follows_within_five_seconds_without_failed_requests(db_url: str) -> None:
    fresh_database(db_url)
    env = {"DATABASE_URL": db_url, "WEGWIJZER_ADMIN_TOKENS": "anna:admin-token-0123456789",
           "WEGWIJZER_ANONYMOUS_RATE_LIMIT": "1000000"}
    reason = "Deze aangifte doet u bij de Belastingdienst (v2)."
    with serve("app.main:app", env) as one, serve("app.main:app", env) as two:
        rule = httpx.post(f"{one}/v1/route", json={"question": TAX_QUESTION}).json()["routes"][0]["rule"]
        files = variant("2030.1.10", row=rule, reason_nl=reason)
        assert httpx.post(f"{one}/v1/rulesets", json=as_body(files), headers=ADMIN, timeout=60).status_code == 201
        failures: list[str] = []
        seen: dict[str, list[tuple[float, str, float]]] = {one: [], two: []}  # (sent, version, answered)
        stop = threading.Event()

        def load(base: str) -> None:
            with httpx.Client(base_url=base, timeout=10) as c:
                while not stop.is_set():
                    started = time.monotonic()
                    try:
                        r = c.post("/v1/route", json={"question": TAX_QUESTION})
                    except httpx.HTTPError as e:
                        failures.append(f"{base}: {type(e).__name__}")
                        continue
                    if r.status_code != 200:
                        failures.append(f"{base}: {r.status_code}")
                        continue
                    body = r.json()
                    version = body["ruleset"]["version"]
                    # never a mix: the v2 version always comes with the v2 text, and only then
                    if (version == "2030.1.10") != (body["routes"][0]["reason"] == reason):
                        failures.append(f"{base}: mixed answer {version}")
                    seen[base].append((started, version, time.monotonic()))

        workers = [threading.Thread(target=load, args=(b,)) for b in (one, two, two)]
        for w in workers:
            w.start()
        time.sleep(1.0)
        activated_at = time.monotonic()
        assert httpx.post(f"{one}/v1/rulesets/2030.1.10/activate", headers=ADMIN).status_code == 200
        deadline = activated_at + 5.0
        while time.monotonic() < deadline and not (seen[two] and seen[two][-1][1] == "2030.1.10"):
            time.sleep(0.05)
        time.sleep(0.5)
        stop.set()
        for w in workers:
            w.join()
    assert not failures, failures[:5]
    first_new = min(done for _, v, done in seen[two] if v == "2030.1.10")
    assert first_new - activated_at < 5.0
    # no flapping back: every request sent after the first new answer got the new set
    assert all(v == "2030.1.10" for sent, v, _ in seen[two] if sent > first_new)
    assert len(seen[two]) > 50  # it was under load the whole time
    fresh_database(db_url)


def test_a_slow_check_never_installs_a_set_after_a_newer_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two checks at once (the follower thread, and a tool catching up): the one that read the
    active version before a rollback and is still loading that set must not install it after
    the rollback's check installed the shipped set."""
    from types import SimpleNamespace

    from app.rulesets import follower as follower_mod

    active = {"version": "2030.9.9"}
    loading = threading.Event()

    def slow_load(_files: object) -> object:
        loading.set()
        time.sleep(0.3)
        return SimpleNamespace(version="2030.9.9")

    from app.routing.engine import Router
    from app.rulesets import store as store_mod

    monkeypatch.setattr(store_mod, "active_version", lambda _e: active["version"])
    monkeypatch.setattr(store_mod, "files_of", lambda _e, _v: {"ruleset.yaml": b""})
    monkeypatch.setattr(Router, "from_files", staticmethod(slow_load))
    shipped: Any = SimpleNamespace(version="2026.1.1")
    served: dict[str, Any] = {"router": shipped}

    def install(router: Any) -> None:
        served["router"] = router

    f = follower_mod.RuleFollower(None, lambda: str(served["router"].version), install, shipped)  # type: ignore[arg-type]
    first = threading.Thread(target=f.check)
    first.start()
    assert loading.wait(5)
    active["version"] = shipped.version  # the rollback, while the first check is still loading
    f.check()
    first.join()
    assert served["router"].version == shipped.version
