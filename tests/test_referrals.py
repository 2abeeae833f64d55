"""Referrals: consent, idempotency, the lifecycle and who may move it, pull and webhook delivery
(signed, retried, never lost, idempotent at the receiver, also when a worker is killed)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clients import store as clients
from app.db import make_engine
from app.devtools.server import free_port
from app.main import create_app
from app.referrals import service
from app.referrals.intake import Webhook
from app.referrals.models import OutboxRow, ReferralRow
from app.referrals.outbox import Policy, Worker, retry_dead
from app.referrals.signing import HEADER, sign, verify
from tests.conftest import fresh_database, settings_for

PROBLEM = "application/problem+json"
SECRET = "intake-secret-for-tests-0123456789"
SECRET_ENV = "WEGWIJZER_INTAKE_SECRET_TEST"
CONTACT = {"name": "Jan Jansen", "email": "jan@example.nl", "phone": "06-12345678"}


# -- a provider's intake endpoint on loopback ---------------------------------------------------
class Receiver:
    """Refuses the first `fail_first` attempts of every idempotency key (500), then accepts;
    processes each key once, however often it arrives."""

    def __init__(self, fail_first: int = 0, delay_s: float = 0.0, always_fail: bool = False) -> None:
        self.fail_first, self.delay_s, self.always_fail = fail_first, delay_s, always_fail
        self.attempts: Counter[str] = Counter()
        self.processed: Counter[str] = Counter()
        self.bad_signatures = 0
        self.bodies: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                key = self.headers.get("Wegwijzer-Idempotency-Key", "")
                with receiver.lock:
                    receiver.attempts[key] += 1
                    ok_sig = verify(SECRET, body, self.headers.get(HEADER, ""))
                    if not ok_sig:
                        receiver.bad_signatures += 1
                    accept = ok_sig and not receiver.always_fail and receiver.attempts[key] > receiver.fail_first
                    if accept and key not in receiver.processed:
                        receiver.bodies[key] = json.loads(body)
                    if accept:
                        receiver.processed[key] += 0 if key in receiver.processed else 1
                self.send_response(200 if accept else (401 if not ok_sig else 500))
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/intake"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def intake_file(tmp_path: Path, url: str, provider: str = "rom:bom") -> Path:
    path = tmp_path / "intake.yaml"
    path.write_text(f"webhooks:\n  - provider: {provider}\n    url: {url}\n    secret_env: {SECRET_ENV}\n")
    return path


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


class World:
    """A service with a call centre, the BOM (webhook), the KVK (pull) and a stranger."""

    def __init__(self, c: TestClient) -> None:
        self.c = c
        engine = c.app.state.engine  # type: ignore[attr-defined]
        self.engine = engine
        self.centre = bearer(clients.create(engine, "kvk-centre", "call_centre").key)
        self.bom = bearer(clients.create(engine, "bom-site", "provider_site", provider_id="rom:bom").key)
        self.kvk = bearer(clients.create(engine, "kvk-site", "provider_site", provider_id="kvk").key)
        self.rvo = bearer(clients.create(engine, "rvo-site", "provider_site", provider_id="rvo").key)
        self.portal = bearer(clients.create(engine, "portal", "portal").key)

    def decision(self) -> str:
        r = self.c.post("/v1/route", json={"question": "Ik zoek een investering voor mijn bedrijf in Eindhoven"},
                        headers=self.centre)
        assert self.c.app.state.decision_log.writer.flush(10)  # type: ignore[attr-defined]
        return str(r.json()["request_id"])

    def refer(self, provider: str = "rom:bom", key: str | None = None, **extra: Any) -> Any:
        body = {"decision_id": self.decision(), "provider_id": provider, "contact": CONTACT, "consent": True,
                "note": "Zoekt 250.000 euro voor een nieuwe productielijn", **extra}
        headers = {**self.centre, **({"Idempotency-Key": key} if key else {})}
        return self.c.post("/v1/referrals", json=body, headers=headers)

    def move(self, ref_id: str, status: str, who: dict[str, str], **extra: Any) -> Any:
        return self.c.post(f"/v1/referrals/{ref_id}/status", json={"status": status, **extra}, headers=who)


@pytest.fixture
def world(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """Without a delivery worker: the tests move the outbox themselves."""
    fresh_database(db_url)
    monkeypatch.setenv(SECRET_ENV, SECRET)
    settings = settings_for(db_url, ruleset_follow=False, referral_worker=False,
                            intake_file=intake_file(tmp_path, "http://127.0.0.1:9/intake"))
    with TestClient(create_app(settings)) as c:
        yield World(c)
    fresh_database(db_url)


# -- creating ----------------------------------------------------------------------------------
def test_a_referral_needs_consent_and_a_way_to_reach_the_entrepreneur(world: World) -> None:
    for extra, field in (({"consent": False}, "consent"), ({"contact": {"name": "Jan"}}, "contact"),
                         ({"provider_id": "rom:atlantis"}, "provider_id")):
        r = world.refer(**extra)
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM, extra
        assert field in r.json()["detail"], extra
    body = {"decision_id": "01NOPE", "provider_id": "kvk", "contact": CONTACT, "consent": True}
    unknown = world.c.post("/v1/referrals", json=body, headers=world.centre)
    assert unknown.status_code == 422 and "decision_id" in unknown.json()["detail"]
    for bad in ({**body, "consent": "yes"}, {**body, "contact": {"email": "not-an-address"}}, {**body, "x": 1}):
        assert world.c.post("/v1/referrals", json=bad, headers=world.centre).status_code == 422
    assert world.c.post("/v1/referrals", json=body, headers=world.portal).status_code == 403  # no scope
    with Session(world.engine) as s:
        assert s.scalar(select(ReferralRow.id)) is None  # nothing stored without consent


def test_a_created_referral_is_returned_with_its_history(world: World) -> None:
    r = world.refer()
    assert r.status_code == 201
    ref = r.json()
    assert ref["status"] == "created" and ref["provider_id"] == "rom:bom" and ref["created_by"] == "kvk-centre"
    assert ref["contact"] == CONTACT and ref["delivery"] == {"mode": "webhook", "status": "pending", "attempts": 0,
                                                             "last_error": None}
    assert [(e["from"], e["to"], e["actor"]) for e in ref["events"]] == [(None, "created", "kvk-centre")]
    assert world.c.get(f"/v1/referrals/{ref['id']}", headers=world.centre).json()["id"] == ref["id"]
    pull = world.refer("kvk").json()
    assert pull["delivery"]["mode"] == "pull"


def test_a_retry_with_the_same_idempotency_key_returns_the_same_referral(world: World) -> None:
    decision = world.decision()
    body = {"decision_id": decision, "provider_id": "rom:bom", "contact": CONTACT, "consent": True}
    headers = {**world.centre, "Idempotency-Key": "call-4711"}
    first = world.c.post("/v1/referrals", json=body, headers=headers)
    again = world.c.post("/v1/referrals", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200) and again.json()["id"] == first.json()["id"]
    other = world.c.post("/v1/referrals", json={**body, "note": "anders"}, headers=headers)
    assert other.status_code == 409 and other.headers["content-type"] == PROBLEM
    # the same key from another client is another referral
    site = world.c.post("/v1/referrals", json=body, headers={**world.kvk, "Idempotency-Key": "call-4711"})
    assert site.status_code == 201 and site.json()["id"] != first.json()["id"]
    with Session(world.engine) as s:
        assert len(s.scalars(select(ReferralRow)).all()) == 2
        assert len(s.scalars(select(OutboxRow)).all()) == 2  # one delivery each, never two
    bad_key = world.c.post("/v1/referrals", json=body, headers={**world.centre, "Idempotency-Key": "a b"})
    assert bad_key.status_code == 422


def test_concurrent_retries_make_one_referral(world: World) -> None:
    decision = world.decision()
    body = {"decision_id": decision, "provider_id": "kvk", "contact": CONTACT, "consent": True}
    headers = {**world.centre, "Idempotency-Key": "double-click"}
    results: list[Any] = []

    def post() -> None:
        results.append(world.c.post("/v1/referrals", json=body, headers=headers))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.json()["id"] for r in results}) == 1
    assert sorted(r.status_code for r in results) == [200] * 5 + [201]


# -- the lifecycle -------------------------------------------------------------------------------
PATHS = {"created": [], "delivered": ["delivered"], "accepted": ["delivered", "accepted"],
         "declined": ["delivered", "declined"], "forwarded": ["delivered", "forwarded"],
         "closed": ["delivered", "accepted", "closed"]}


@pytest.mark.parametrize("start", list(PATHS))
def test_every_allowed_and_forbidden_transition(world: World, start: str) -> None:
    for target in ("delivered", "accepted", "declined", "forwarded", "closed"):
        ref = world.refer("kvk").json()["id"]
        for step in PATHS[start]:
            extra = {"forward_to": "rvo"} if step == "forwarded" else {}
            assert world.move(ref, step, world.kvk, **extra).status_code == 200, (start, step)
        extra = {"forward_to": "rvo"} if target == "forwarded" else {}
        r = world.move(ref, target, world.kvk, **extra)
        allowed = target in service.TRANSITIONS[start]
        assert r.status_code == (200 if allowed else 409), (start, target, r.text)
        if allowed:
            assert r.json()["status"] == target
        else:
            assert r.headers["content-type"] == PROBLEM and start in r.json()["detail"]
            assert world.c.get(f"/v1/referrals/{ref}", headers=world.kvk).json()["status"] == start


def test_forwarding_creates_the_follow_up_referral(world: World) -> None:
    ref = world.refer("kvk").json()["id"]
    world.move(ref, "delivered", world.kvk)
    assert world.move(ref, "forwarded", world.kvk).status_code == 422  # forward to whom?
    assert world.move(ref, "forwarded", world.kvk, forward_to="kvk").status_code == 422  # not to itself
    assert world.move(ref, "forwarded", world.kvk, forward_to="rom:atlantis").status_code == 422
    moved = world.move(ref, "forwarded", world.kvk, forward_to="rvo", reason="Subsidievraag").json()
    child = world.c.get(f"/v1/referrals/{moved['forwarded_to']}", headers=world.rvo).json()
    assert child["parent_id"] == ref and child["provider_id"] == "rvo" and child["status"] == "created"
    assert child["contact"] == CONTACT and child["created_by"] == "kvk-site"
    assert moved["events"][-1] == {"from": "delivered", "to": "forwarded", "actor": "kvk-site",
                                   "at": moved["events"][-1]["at"], "reason": "Subsidievraag"}
    assert world.move(ref, "closed", world.centre).status_code == 200  # the creator may close


def test_providers_see_and_change_only_their_own_referrals(world: World) -> None:
    ref = world.refer("kvk").json()["id"]
    world.refer("rom:bom")
    assert world.c.get(f"/v1/referrals/{ref}", headers=world.rvo).status_code == 404
    assert world.move(ref, "delivered", world.rvo).status_code == 404
    assert world.move(ref, "delivered", world.centre).status_code == 403  # the creator cannot accept for KVK
    assert world.c.get(f"/v1/referrals/{ref}", headers=world.kvk).status_code == 200
    mine = world.c.get("/v1/referrals", headers=world.kvk).json()
    assert [r["provider_id"] for r in mine["contents"]] == ["kvk"] and mine["total_items"] == 1
    assert world.c.get("/v1/referrals?provider=rom:bom", headers=world.kvk).json()["total_items"] == 0
    assert world.c.get("/v1/referrals", headers=world.centre).json()["total_items"] == 2
    assert world.c.get("/v1/referrals", headers=world.rvo).json()["total_items"] == 0
    assert world.c.get("/v1/referrals", headers={"Authorization": ""}).status_code == 401


def test_a_pull_provider_fetches_new_referrals_and_acknowledges_them(world: World) -> None:
    ref = world.refer("kvk").json()["id"]
    new = world.c.get("/v1/referrals?provider=kvk&status=created", headers=world.kvk).json()
    assert [r["id"] for r in new["contents"]] == [ref] and new["contents"][0]["contact"] == CONTACT
    world.move(ref, "delivered", world.kvk)
    assert world.c.get("/v1/referrals?provider=kvk&status=created", headers=world.kvk).json()["empty"] is True
    today = datetime.now(UTC).date()
    assert world.c.get(f"/v1/referrals?from={today}&to={today}", headers=world.kvk).json()["total_items"] == 1
    assert world.c.get("/v1/referrals?from=2020-01-01&to=2020-12-31", headers=world.kvk).json()["total_items"] == 0
    assert world.c.get("/v1/referrals?status=lost", headers=world.kvk).status_code == 422
    assert world.c.get("/v1/referrals?from=yesterday", headers=world.kvk).status_code == 422


def test_contact_details_are_purged_after_the_retention(world: World) -> None:
    ref = world.refer("kvk").json()["id"]
    for step in ("delivered", "accepted", "closed"):
        world.move(ref, step, world.kvk)
    open_ref = world.refer("kvk").json()["id"]
    assert service.purge(world.engine, 90) == 0
    assert service.purge(world.engine, 90, now=datetime.now(UTC) + timedelta(days=91)) == 1
    gone = world.c.get(f"/v1/referrals/{ref}", headers=world.kvk).json()
    assert gone["contact"] is None and gone["note"] is None and gone["purged_at"] is not None
    assert world.c.get(f"/v1/referrals/{open_ref}", headers=world.kvk).json()["contact"] == CONTACT


# -- delivery --------------------------------------------------------------------------------------
def test_signature_round_trip() -> None:
    body = b'{"a":1}'
    header = sign(SECRET, body, at=1_800_000_000)
    assert verify(SECRET, body, header, now=1_800_000_100)
    assert not verify(SECRET, body + b" ", header, now=1_800_000_100)
    assert not verify("another-secret-0123456789", body, header, now=1_800_000_100)
    assert not verify(SECRET, body, header, now=1_800_001_000)  # too old: a replay
    assert not verify(SECRET, body, "garbage", now=1_800_000_100)


def _run_until(worker: Worker, done: Any, timeout: float = 30.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=5) as http:
        while not done():
            assert time.monotonic() < deadline, "deliveries did not finish in time"
            if not worker.run_once(http):
                time.sleep(0.02)


def test_every_referral_arrives_signed_and_once_despite_refusals(world: World) -> None:
    receiver = Receiver(fail_first=2)
    try:
        webhooks = {"rom:bom": Webhook("rom:bom", receiver.url, SECRET_ENV)}
        refs = [world.refer().json()["id"] for _ in range(6)]
        worker = Worker(world.engine, webhooks, Policy(batch=4, base_s=0.01, cap_s=0.05), poll_s=0.02)
        _run_until(worker, lambda: len(receiver.processed) == 6)
    finally:
        receiver.close()
    keys = {f"{r}.created" for r in refs}
    assert set(receiver.processed) == keys and all(n == 1 for n in receiver.processed.values())
    # two refusals, then accepted (a response lost on a loaded machine means one more attempt)
    assert all(receiver.attempts[k] >= 3 for k in keys) and receiver.bad_signatures == 0
    body = receiver.bodies[f"{refs[0]}.created"]
    assert body["referral"]["contact"] == CONTACT and body["event"] == "referral.created"
    for r in refs:
        got = world.c.get(f"/v1/referrals/{r}", headers=world.bom).json()
        assert got["status"] == "delivered" and got["delivery"]["status"] == "delivered"
        assert got["delivery"]["attempts"] >= 3 and got["events"][-1]["actor"] == "outbox"


def test_a_delivery_that_keeps_failing_ends_dead_and_can_be_retried(world: World) -> None:
    receiver = Receiver(always_fail=True)
    try:
        webhooks = {"rom:bom": Webhook("rom:bom", receiver.url, SECRET_ENV)}
        ref = world.refer().json()["id"]
        worker = Worker(world.engine, webhooks, Policy(max_attempts=3, base_s=0.01, cap_s=0.02), poll_s=0.02)
        _run_until(worker, lambda: world.c.get(f"/v1/referrals/{ref}", headers=world.bom
                                               ).json()["delivery"]["status"] == "dead")
        got = world.c.get(f"/v1/referrals/{ref}", headers=world.bom).json()
        assert got["delivery"] == {"mode": "webhook", "status": "dead", "attempts": 3, "last_error": "HTTP 500"}
        assert got["status"] == "created" and receiver.attempts[f"{ref}.created"] == 3
        metrics = world.c.get("/metrics").text
        assert 'wegwijzer_referral_deliveries_total{outcome="dead"}' in metrics
        receiver.always_fail = False
        assert retry_dead(world.engine) == 1
        _run_until(worker, lambda: len(receiver.processed) == 1)
    finally:
        receiver.close()


def test_a_missing_secret_is_a_failed_attempt_not_an_unsigned_post(world: World,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    receiver = Receiver()
    monkeypatch.delenv(SECRET_ENV)
    try:
        webhooks = {"rom:bom": Webhook("rom:bom", receiver.url, SECRET_ENV)}
        ref = world.refer().json()["id"]
        worker = Worker(world.engine, webhooks, Policy(max_attempts=2, base_s=0.0, cap_s=0.0), poll_s=0.02)
        _run_until(worker, lambda: world.c.get(f"/v1/referrals/{ref}", headers=world.bom
                                               ).json()["delivery"]["status"] == "dead")
    finally:
        receiver.close()
    assert not receiver.attempts
    assert SECRET_ENV in world.c.get(f"/v1/referrals/{ref}", headers=world.bom).json()["delivery"]["last_error"]


def test_two_workers_never_deliver_the_same_row_twice(world: World) -> None:
    receiver = Receiver(delay_s=0.02)
    try:
        webhooks = {"rom:bom": Webhook("rom:bom", receiver.url, SECRET_ENV)}
        refs = [world.refer().json()["id"] for _ in range(20)]
        workers = [Worker(world.engine, webhooks, Policy(batch=3), poll_s=0.01) for _ in range(2)]
        workers[1].me += "-second"
        threads = [threading.Thread(target=_run_until, args=(w, lambda: len(receiver.processed) == 20))
                   for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        receiver.close()
    assert set(receiver.processed) == {f"{r}.created" for r in refs}
    assert all(n == 1 for n in receiver.attempts.values())  # no row was posted twice


def _all_delivered(db_url: str, n: int) -> bool:
    engine = make_engine(db_url)
    try:
        with Session(engine) as s:
            return Counter(s.scalars(select(OutboxRow.status))) == Counter({"delivered": n})
    finally:
        engine.dispose()


def test_killing_the_worker_mid_batch_loses_nothing(db_url: str, tmp_path: Path) -> None:
    """A worker process is killed (SIGKILL) while it delivers a batch; a new one finishes: every
    referral arrives, and what arrives twice carries the same idempotency key."""
    fresh_database(db_url)
    receiver = Receiver(delay_s=0.3)
    intake = intake_file(tmp_path, receiver.url)
    env = {**os.environ, "DATABASE_URL": db_url, "WEGWIJZER_INTAKE_FILE": str(intake), SECRET_ENV: SECRET,
           "WEGWIJZER_REFERRAL_BATCH": "10", "WEGWIJZER_REFERRAL_LEASE_S": "2", "WEGWIJZER_REFERRAL_POLL_S": "0.1",
           "WEGWIJZER_REFERRAL_BACKOFF_BASE_S": "0.05", "WEGWIJZER_REFERRAL_BACKOFF_CAP_S": "0.2"}
    settings = settings_for(db_url, ruleset_follow=False, referral_worker=False, intake_file=intake)
    try:
        with TestClient(create_app(settings)) as c:
            world = World(c)
            refs = [world.refer().json()["id"] for _ in range(8)]
        first = subprocess.Popen([sys.executable, "-m", "app", "worker"], env=env)
        deadline = time.monotonic() + 30
        while sum(receiver.attempts.values()) < 3:  # in the middle of its batch of 8
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        delivered_before = len(receiver.processed)
        assert delivered_before < 8
        second = subprocess.Popen([sys.executable, "-m", "app", "worker"], env=env)
        try:
            # until the outbox says all is delivered: a row the first worker posted but could not
            # record is delivered again (with its key) once its lease expires after 2 s
            until = time.monotonic() + 60
            while not _all_delivered(db_url, 8) and time.monotonic() < until and second.poll() is None:
                time.sleep(0.2)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(20) == 0  # a clean stop on SIGTERM
    finally:
        receiver.close()
    keys = {f"{r}.created" for r in refs}
    engine = make_engine(db_url)
    with Session(engine) as s:
        rows = [(b.idempotency_key, b.status, b.attempts, b.last_error) for b in s.scalars(select(OutboxRow))]
    assert set(receiver.processed) == keys, (rows, dict(receiver.attempts))  # nothing lost
    assert all(n == 1 for n in receiver.processed.values())  # processed once each
    assert set(receiver.attempts) == keys  # any second arrival came with the same key
    with Session(engine) as s:
        states = Counter(s.scalars(select(OutboxRow.status)))
        assert states == Counter({"delivered": 8})
        s.execute(update(OutboxRow).values(lease_until=None))
    engine.dispose()
    fresh_database(db_url)
