"""The decision log: what is stored per answer, off the request path, and the endpoints that
read it (GET /v1/decisions/{id}, feedback, stats, purge). Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, insert, select

from app.clients import store as clients
from app.db import normalise_url
from app.decisions.models import AnswerRow, DecisionRow, FeedbackRow
from app.decisions.service import purge
from app.main import create_app
from tests.conftest import AUTH, SHIPPED_VERSION, fresh_database, settings_for
from tests.pgproxy import proxied

PII = ["jan.jansen@example.com", "06-12345678", "NL91ABNA0417164300", "123456782", "5038 AB 12"]


def flush(client: TestClient) -> None:
    assert client.app.state.decision_log.writer.flush(10)  # type: ignore[attr-defined]


def count(db_url: str, **where: object) -> int:
    engine = create_engine(normalise_url(db_url))
    with engine.connect() as c:
        q = select(func.count(DecisionRow.id))
        for k, v in where.items():
            q = q.where(getattr(DecisionRow, k) == v)
        n = c.scalar(q) or 0
    engine.dispose()
    return n


def test_every_answer_is_stored_with_its_trace(fresh_client: TestClient) -> None:
    q = ("Wij willen zonnepanelen op ons bedrijfspand. Mail jan.jansen@example.com of bel 06-12345678. "
         "Welke subsidie is er?")
    r = fresh_client.post("/v1/route", json={"question": q, "location": {"postcode": "5038 AB"},
                                             "company": {"kvk_number": "12345678"}},
                          headers={"X-Wegwijzer-Channel": "call_centre", "Origin": "https://www.kvk.nl"})
    rid = r.json()["request_id"]
    stored = fresh_client.get(f"/v1/decisions/{rid}").json()
    assert stored["request_id"] == rid and stored["outcome"] == "routed" and stored["language"] == "nl"
    assert stored["channel"] == "call_centre" and stored["origin"] == "https://www.kvk.nl"
    assert stored["routes"][0]["provider_id"] == "rvo" and stored["routes"][0]["rule"] == "sustainability.scheme.rvo"
    assert stored["routes"][0]["principle"] == "P2"
    assert stored["needs"][0]["theme"] == "sustainability" and stored["needs"][0]["score"] > 0
    assert any(t["concept"] == "theme.sustainability.core" for t in stored["trace"])
    assert stored["location"] == {"postcode4": "5038", "municipality_code": "GM0855", "province_code": "PV30",
                                  "labour_market_region_code": "AM26", "source": "request"}
    assert stored["ruleset"]["version"] == SHIPPED_VERSION and stored["ruleset"]["checksum"].startswith("sha256:")
    assert stored["latency_ms"] > 0
    assert "[e-mail]" in stored["question"] and "[telefoon]" in stored["question"]
    assert not any(p in stored["question"] for p in PII)
    engine = create_engine(normalise_url(fresh_client.app.state.settings.database_url))  # type: ignore[attr-defined]
    with engine.connect() as c:
        kvk_hash = c.scalar(select(DecisionRow.kvk_hash).where(DecisionRow.request_id == rid))
    engine.dispose()
    assert kvk_hash and "12345678" not in kvk_hash and len(kvk_hash) == 64


def test_text_postgresql_cannot_hold_is_stored_without_it(fresh_client: TestClient) -> None:
    question = "Wat is de KOR?\x00 Zie map C:\\u0000\\"
    r = fresh_client.post("/v1/route", json={"question": question})
    assert r.status_code == 200
    flush(fresh_client)
    assert fresh_client.app.state.decision_log.writer.dropped == 0  # type: ignore[attr-defined]
    stored = fresh_client.get(f"/v1/decisions/{r.json()['request_id']}").json()
    assert stored["question"] == "Wat is de KOR?  Zie map C:\\u0000\\"  # the NUL is a space: words stay apart


def test_referer_gives_only_the_origin(fresh_client: TestClient) -> None:
    r = fresh_client.post("/v1/route", json={"question": "Wat is de KOR?"},
                          headers={"Referer": "https://portal.brabant.nl/ondernemen/vraag?naam=jan"})
    stored = fresh_client.get(f"/v1/decisions/{r.json()['request_id']}").json()
    assert stored["origin"] == "https://portal.brabant.nl"


@pytest.mark.parametrize(("headers", "origin", "channel"), [
    ({"Referer": "http://[::1"}, None, None),
    ({"Referer": "not a url"}, None, None),
    ({"Origin": "https://a.example", "Referer": "https://b.example/x"}, "https://a.example", None),
    ({"X-Wegwijzer-Channel": "call\tcentre " + "x" * 100}, None, "callcentre " + "x" * 53),
])
def test_odd_caller_headers_are_answered_and_logged(fresh_client: TestClient, headers: dict[str, str],
                                                    origin: str | None, channel: str | None) -> None:
    r = fresh_client.post("/v1/route", json={"question": "Wat is de KOR?"}, headers=headers)
    assert r.status_code == 200
    flush(fresh_client)
    stored = fresh_client.get(f"/v1/decisions/{r.json()['request_id']}").json()
    assert (stored["origin"], stored["channel"]) == (origin, channel)


def test_unknown_decision_is_404(client: TestClient) -> None:
    r = client.get("/v1/decisions/nope-00000000")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


def test_500_concurrent_requests_give_500_decisions(db_url: str) -> None:
    fresh_database(db_url)
    app = create_app(settings_for(db_url))
    questions = ["Hoe vraag ik de WBSO aan?", "Heb ik een terrasvergunning nodig?", "Wat is de KOR?",
                 "Ik zoek personeel voor mijn bakkerij", "Mijn webshop is gehackt"]

    async def fire() -> list[int]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as ac:
                rs = await asyncio.gather(*(
                    ac.post("/v1/route", json={"question": f"{questions[i % 5]} ({i})"},
                            headers={"X-Wegwijzer-Channel": "load-test"})
                    for i in range(500)))
            assert app.state.decision_log.writer.flush(20)
            return [r.status_code for r in rs]

    statuses = asyncio.run(fire())
    assert statuses == [200] * 500
    assert count(db_url, channel="load-test") == 500


def test_the_writers_memo_of_stored_answers_is_bounded(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new question is a new answer: the writer keeps the ids of at most ANSWER_IDS_KEPT
    stored answers (a worker's memory), and answers it no longer holds are found again in the
    database, so repeated questions still share one stored answer."""
    from app.decisions import writer as writer_module

    monkeypatch.setattr(writer_module, "ANSWER_IDS_KEPT", 20)
    fresh_database(db_url)
    with TestClient(create_app(settings_for(db_url))) as client:
        writer = client.app.state.decision_log.writer  # type: ignore[attr-defined]
        for _round in range(2):
            for i in range(60):
                assert client.post("/v1/route", json={"question": f"Wat is de KOR? ({i})"}).status_code == 200
                if i % 10 == 9:
                    flush(client)
                    assert len(writer._answer_ids) <= 20 + 10
            flush(client)
    engine = create_engine(normalise_url(db_url))
    with engine.connect() as c:
        assert c.scalar(select(func.count(AnswerRow.id))) == 60  # the second round found its answers
        assert c.scalar(select(func.count(DecisionRow.id))) == 120
    engine.dispose()


def test_a_repeated_x_request_id_is_a_correlation_id_and_every_answer_is_logged(fresh_client: TestClient) -> None:
    """A client that repeats its X-Request-ID (a retry, a script): each answer is its own
    decision with its own id; nothing is refused or dropped."""
    writer = fresh_client.app.state.decision_log.writer  # type: ignore[attr-defined]
    rid = "portal-retry-0001"
    ids = []
    for q, headers in (("Wat is de KOR?", {"X-Request-ID": rid}), ("Hoe vraag ik de WBSO aan?", {}),
                       ("Heb ik een terrasvergunning nodig?", {"X-Request-ID": rid}),
                       ("Ik zoek personeel voor mijn bakkerij", {})):
        r = fresh_client.post("/v1/route", json={"question": q}, headers=headers)
        assert r.status_code == 200
        ids.append(r.json()["request_id"])
    flush(fresh_client)
    assert writer.dropped == 0 and len(set(ids)) == 4
    assert fresh_client.get(f"/v1/decisions/{ids[0]}").json()["question"] == "Wat is de KOR?"
    assert fresh_client.get(f"/v1/decisions/{ids[2]}").json()["question"] == "Heb ik een terrasvergunning nodig?"
    assert fresh_client.get("/v1/stats").json()["decisions"] == 4


# -- the database goes away ----------------------------------------------------------------
@contextmanager
def outage_setup(db_url: str) -> Iterator[tuple[str, object, object]]:
    """(the URL the app uses, take-down, bring-back) for this database."""
    if db_url.startswith("sqlite"):
        path = db_url.split("///", 1)[1]
        holder: dict[str, sqlite3.Connection] = {}

        def down() -> None:
            conn = sqlite3.connect(path, timeout=5, isolation_level=None)
            conn.execute("BEGIN EXCLUSIVE")  # nobody else can write: the log writer fails
            holder["c"] = conn

        def up() -> None:
            holder.pop("c").execute("ROLLBACK")

        yield db_url, down, up
    else:
        proxy, url = proxied(normalise_url(db_url))
        try:
            yield url, proxy.down, proxy.up
        finally:
            proxy.down()


def test_route_keeps_answering_while_the_database_is_down_and_recovers(db_url: str) -> None:
    fresh_database(db_url)
    with outage_setup(db_url) as (app_url, down, up), TestClient(create_app(settings_for(app_url)), headers=AUTH) as c:
        writer = c.app.state.decision_log.writer  # type: ignore[attr-defined]
        c.post("/v1/route", json={"question": "Wat is de KOR?"}, headers={"X-Wegwijzer-Channel": "before"})
        assert writer.flush(10)
        down()  # type: ignore[operator]
        for i in range(20):
            r = c.post("/v1/route", json={"question": f"Hoe vraag ik de WBSO aan? {i}"},
                       headers={"X-Wegwijzer-Channel": "during"})
            assert r.status_code == 200 and r.json()["routes"][0]["provider"]["id"] == "rvo"
        assert not writer.flush(1.5)  # nothing can be written now
        up()  # type: ignore[operator]
        for i in range(5):
            c.post("/v1/route", json={"question": f"Wat is de KOR? {i}"}, headers={"X-Wegwijzer-Channel": "after"})
        assert writer.flush(20)
        assert writer.dropped == 0
    assert count(db_url, channel="before") == 1
    assert count(db_url, channel="during") == 20  # kept in the queue, written after recovery
    assert count(db_url, channel="after") == 5


def test_a_full_queue_drops_and_counts(db_url: str) -> None:
    fresh_database(db_url)
    with outage_setup(db_url) as (app_url, down, up):
        settings = settings_for(app_url, decision_queue_size=5, decision_batch_size=2)
        with TestClient(create_app(settings), headers=AUTH) as c:
            writer = c.app.state.decision_log.writer  # type: ignore[attr-defined]
            down()  # type: ignore[operator]
            for i in range(30):
                assert c.post("/v1/route", json={"question": f"Wat is de KOR? {i}"}).status_code == 200
            assert writer.dropped > 0
            metrics = c.get("/metrics").text
            assert "wegwijzer_decision_log_dropped_total" in metrics
            up()  # type: ignore[operator]
            assert writer.flush(20)


# -- feedback ----------------------------------------------------------------------------------
def test_feedback_is_stored_once_per_client_and_updated(fresh_client: TestClient) -> None:
    engine = fresh_client.app.state.engine  # type: ignore[attr-defined]
    centre = {"Authorization": f"Bearer {clients.create(engine, 'kvk-centre', 'call_centre').key}"}
    site = {"Authorization": f"Bearer {clients.create(engine, 'rvo-site', 'provider_site', provider_id='rvo').key}"}
    asked = fresh_client.post("/v1/route", json={"question": "Hoe vraag ik de WBSO aan?"}, headers=centre)
    rid = asked.json()["request_id"]  # asked by the call centre, routed to RVO: both may give feedback
    body = {"correct": False, "actual_provider_id": "rom:bom", "channel": "call_centre",
            "note": "Klant belde terug, 06-12345678"}
    first = fresh_client.post(f"/v1/decisions/{rid}/feedback", json=body, headers=centre)
    assert first.status_code == 201
    assert first.json()["actual_provider_id"] == "rom:bom" and "06-12345678" not in first.json()["note"]
    again = fresh_client.post(f"/v1/decisions/{rid}/feedback", json={**body, "correct": True}, headers=centre)
    assert again.status_code == 200 and again.json()["correct"] is True
    fresh_client.post(f"/v1/decisions/{rid}/feedback", json={"correct": True, "channel": "provider_site"},
                      headers=site)
    decision = fresh_client.get(f"/v1/decisions/{rid}").json()  # an admin sees every client's feedback
    assert decision["client"] == "kvk-centre"  # the client that asked
    assert [(f["source"], f["correct"]) for f in decision["feedback"]] == [("client:kvk-centre", True),
                                                                          ("client:rvo-site", True)]


@pytest.mark.parametrize(("body", "status"), [
    ({"correct": True, "channel": "call_centre", "actual_provider_id": "rom:atlantis"}, 422),
    ({"correct": "yes", "channel": "call_centre"}, 422),
    ({"channel": "call_centre"}, 422),
    ({"correct": True}, 422),
    ({"correct": True, "channel": "x", "note": "n" * 2001}, 422),
])
def test_bad_feedback_is_refused(client: TestClient, body: dict[str, object], status: int) -> None:
    rid = client.post("/v1/route", json={"question": "Wat is de KOR?"}).json()["request_id"]
    r = client.post(f"/v1/decisions/{rid}/feedback", json=body)
    assert r.status_code == status and r.headers["content-type"] == "application/problem+json"


def test_feedback_on_an_unknown_decision_is_404(client: TestClient) -> None:
    r = client.post("/v1/decisions/unknown-0000000/feedback", json={"correct": True, "channel": "x"})
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


# -- statistics ----------------------------------------------------------------------------------
def _seed(db_url: str) -> None:
    """Eight decisions and three feedbacks with hand-checkable figures."""
    fresh_database(db_url)
    t = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday
    rows = [
        # (days after t, outcome, theme, provider, province, channel, kvk_hash)
        (0, "routed", "tax", "belastingdienst", "PV30", "web", "a" * 64),
        (0, "routed", "tax", "belastingdienst", "PV30", "web", "a" * 64),  # the same firm again
        (1, "clarify", "sustainability", "kvk", "PV31", "web", None),
        (1, "routed", "sustainability", "rvo", "PV31", "call_centre", "b" * 64),
        (8, "out_of_scope", None, None, None, "web", None),
        (8, "routed", "permits", "gemeente:GM0855", "PV30", "portal", None),
        (9, "routed", "tax", "belastingdienst", "PV20", "call_centre", "c" * 64),
        (40, "routed", "tax", "belastingdienst", "PV20", "web", None),  # outside the window below
    ]
    engine = create_engine(normalise_url(db_url))
    with engine.begin() as c:
        for i, (days, outcome, theme, provider, province, channel, kvk) in enumerate(rows):
            when = t + timedelta(days=days)
            iso = when.isocalendar()
            answer_id = c.execute(insert(AnswerRow).values(
                digest=f"seed-{i}", language="nl", outcome=outcome, theme=theme, service="information",
                provider_id=provider, provider_family=provider.split(":")[0] if provider else None,
                province_code=province, ruleset_version=SHIPPED_VERSION, ruleset_checksum="sha256:x",
                question=f"vraag {i}", needs=[], routes=[], trace=[])).inserted_primary_key[0]  # type: ignore[index]
            c.execute(insert(DecisionRow).values(
                request_id=f"seed-{i:04d}", created_at=when, day=when.strftime("%Y-%m-%d"),
                week=f"{iso.year}-W{iso.week:02d}", month=when.strftime("%Y-%m"), channel=channel,
                answer_id=answer_id, latency_ms=1.0, kvk_hash=kvk))
        ids = dict(c.execute(select(DecisionRow.request_id, DecisionRow.id)).all())
        now = datetime.now(UTC)
        for rid, source, correct in (("seed-0000", "a", True), ("seed-0000", "b", False), ("seed-0003", "a", True)):
            c.execute(insert(FeedbackRow).values(decision_id=ids[rid], source=source, correct=correct,
                                                 channel="call_centre", created_at=now, updated_at=now))
    engine.dispose()


def test_stats_match_hand_computed_figures(db_url: str) -> None:
    _seed(db_url)
    with TestClient(create_app(settings_for(db_url, reach_target=1000)), headers=AUTH) as c:
        s = c.get("/v1/stats", params={"from": "2026-11-01", "to": "2026-11-30", "group_by": "theme"}).json()
        # 7 decisions in November; firms: a, b, c distinct (3) + 3 without a KVK number = 6
        assert s["decisions"] == 7 and s["entrepreneurs"] == 6
        assert s["target"] == 1000 and s["progress"] == 0.006
        assert s["clarify_share"] == round(1 / 7, 4) and s["out_of_scope_share"] == round(1 / 7, 4)
        groups = {g["key"]: g for g in s["groups"]}
        assert groups["tax"] == {"key": "tax", "decisions": 3, "entrepreneurs": 2, "clarify_share": 0.0,
                                 "out_of_scope_share": 0.0}
        assert groups["sustainability"]["decisions"] == 2 and groups["sustainability"]["clarify_share"] == 0.5
        assert groups[None]["out_of_scope_share"] == 1.0
        acc = {a["key"]: a for a in s["accuracy_by_provider"]}
        assert acc["belastingdienst"] == {"key": "belastingdienst", "n": 2, "correct_share": 0.5}
        assert acc["rvo"] == {"key": "rvo", "n": 1, "correct_share": 1.0}
        assert {a["key"]: a["n"] for a in s["accuracy_by_theme"]} == {"tax": 2, "sustainability": 1}

        weeks = c.get("/v1/stats", params={"from": "2026-11-01", "to": "2026-11-30", "group_by": "week"}).json()
        assert {g["key"]: g["decisions"] for g in weeks["groups"]} == {"2026-W45": 4, "2026-W46": 3}
        allt = c.get("/v1/stats", params={"group_by": "province"}).json()
        assert allt["decisions"] == 8
        assert {g["key"]: g["decisions"] for g in allt["groups"]} == {"PV30": 3, "PV31": 2, "PV20": 2, None: 1}
        channels = c.get("/v1/stats", params={"group_by": "channel", "to": "2026-11-03"}).json()
        assert {g["key"]: g["decisions"] for g in channels["groups"]} == {"web": 3, "call_centre": 1}

        r = c.get("/v1/stats", params={"from": "2026-11-01", "to": "2026-11-30", "group_by": "theme"},
                  headers={"Accept": "text/csv"})
        assert r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.text)))
        total = rows[0]
        assert total["section"] == "total" and total["decisions"] == "7" and total["entrepreneurs"] == "6"
        assert total["progress"] == "0.006" and total["clarify_share"] == "0.1429"
        tax = next(x for x in rows if x["section"] == "group:theme" and x["key"] == "tax")
        assert tax["decisions"] == "3" and tax["entrepreneurs"] == "2"
        bd = next(x for x in rows if x["section"] == "accuracy:provider" and x["key"] == "belastingdienst")
        assert bd["feedback_n"] == "2" and bd["correct_share"] == "0.5"


@pytest.mark.parametrize("params", [
    {"group_by": "colour"}, {"from": "yesterday"}, {"from": "2026-11-30", "to": "2026-11-01"},
])
def test_bad_stats_parameters(client: TestClient, params: dict[str, str]) -> None:
    r = client.get("/v1/stats", params=params)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


# -- retention ---------------------------------------------------------------------------------
def test_purge_removes_old_question_texts_only(db_url: str) -> None:
    _seed(db_url)
    engine = create_engine(normalise_url(db_url))
    with engine.begin() as c:  # a recent decision that got the same answer as seed-0000
        c.execute(insert(DecisionRow).values(
            request_id="seed-recent", created_at=datetime(2026, 12, 9, tzinfo=UTC), day="2026-12-09",
            week="2026-W50", month="2026-12", answer_id=1, latency_ms=1.0))
    questions, _ = purge(engine, days=30, now=datetime(2026, 12, 10, tzinfo=UTC))
    assert questions == 4  # decisions created before 10 November, 00:00 UTC
    with engine.connect() as c:
        kept = c.execute(select(AnswerRow.question).where(AnswerRow.question.is_not(None)).order_by(AnswerRow.id))
        # seed-0000's text stays for the recent decision that shares its answer
        assert [r[0] for r in kept] == ["vraag 0", "vraag 4", "vraag 5", "vraag 6", "vraag 7"]
        assert c.scalar(select(func.count(AnswerRow.id)).where(AnswerRow.digest.is_(None))) == 3
        assert c.scalar(select(func.count(AnswerRow.id)).where(AnswerRow.theme.is_not(None))) == 7
    engine.dispose()
    assert purge(create_engine(normalise_url(db_url)), days=30, now=datetime(2026, 12, 10, tzinfo=UTC))[0] == 0
    with TestClient(create_app(settings_for(db_url)), headers=AUTH) as c:
        old = c.get("/v1/decisions/seed-0000").json()
        assert old["question"] is None and old["question_purged_at"].startswith("2026-12-10")
        assert old["outcome"] == "routed" and old["routes"] == []  # the structured fields stay
        assert c.get("/v1/decisions/seed-recent").json()["question"] == "vraag 0"


def test_a_question_asked_again_after_purge_is_stored_afresh(db_url: str) -> None:
    fresh_database(db_url)
    question = {"question": "Hoe vraag ik de WBSO aan?"}
    with TestClient(create_app(settings_for(db_url)), headers=AUTH) as c:
        first = c.post("/v1/route", json=question).json()["request_id"]
        flush(c)
    engine = create_engine(normalise_url(db_url))
    assert purge(engine, days=1, now=datetime.now(UTC) + timedelta(days=2)) == (1, 0)
    engine.dispose()
    with TestClient(create_app(settings_for(db_url)), headers=AUTH) as c:
        again = c.post("/v1/route", json=question).json()["request_id"]
        flush(c)
        assert c.get(f"/v1/decisions/{first}").json()["question"] is None
        assert c.get(f"/v1/decisions/{again}").json()["question"] == question["question"]


# -- no personal data in logs ---------------------------------------------------------------
def test_logs_carry_no_personal_data(db_url: str, capsys: pytest.CaptureFixture[str],
                                     caplog: pytest.LogCaptureFixture) -> None:
    fresh_database(db_url)
    question = "Mijn BSN is 123456782, mail jan.jansen@example.com, IBAN NL91ABNA0417164300. Wat is de KOR?"
    with outage_setup(db_url) as (app_url, down, up), TestClient(create_app(settings_for(app_url)), headers=AUTH) as c:
        down()  # type: ignore[operator]
        c.post("/v1/route", json={"question": question, "company": {"kvk_number": "87654321"}})
        c.post("/v1/route", json={"question": "x" * 3000})  # a 422 that echoes nothing
        writer = c.app.state.decision_log.writer  # type: ignore[attr-defined]
        assert not writer.flush(3.5)  # longer than SQLite's 2 s busy timeout: a write has failed
        up()  # type: ignore[operator]
        assert writer.flush(20)
    logged = capsys.readouterr().err + capsys.readouterr().out + caplog.text
    assert "decision_log_write_failed" in logged  # the outage was logged ...
    for secret in ("123456782", "jan.jansen@example.com", "NL91ABNA0417164300", "87654321", "Wat is de KOR"):
        assert secret not in logged  # ... without anything personal


def test_purge_command_uses_the_configured_database(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main
    from app.config import get_settings

    _seed(db_url)
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        assert main(["purge", "--days", "1"]) == 0
    finally:
        get_settings.cache_clear()
    cutoff = datetime.now(UTC) - timedelta(days=1)
    seeded = [datetime(2026, 11, 2, 10, tzinfo=UTC) + timedelta(days=d) for d in (0, 0, 1, 1, 8, 8, 9, 40)]
    expected = sum(when < cutoff for when in seeded)
    assert f"purged the question of {expected} decisions and 0 feedback notes" in capsys.readouterr().out
