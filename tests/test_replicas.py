"""Scale-out on loopback: two server processes with two uvicorn workers each, on one database,
under load from a generator spread over both. Zero errors, every decision logged exactly once,
rate limits shared by all four workers, a rule-set activation served by both within 5 s."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clients import store as clients
from app.db import make_engine
from app.decisions.models import DecisionRow
from app.devtools.server import serve
from tests.conftest import fresh_database
from tests.test_rulesets import TAX_QUESTION, as_body, variant

ADMIN = {"Authorization": "Bearer replica-admin-token-0123456789"}
QUESTIONS = ["Hoe vraag ik de WBSO aan?", TAX_QUESTION, "Ik zoek een investering voor mijn bedrijf in Eindhoven",
             "Waar vind ik personeel?", "Hoe beveilig ik mijn webshop tegen hackers?"]
NEW = "2030.1.20"


def test_two_replicas_with_two_workers_each(db_url: str) -> None:
    fresh_database(db_url)
    engine = make_engine(db_url)
    limited = clients.create(engine, "limited-portal", "portal", rate_limit=40).key
    env = {"DATABASE_URL": db_url, "WEGWIJZER_ADMIN_TOKENS": f"ops:{ADMIN['Authorization'][7:]}",
           "WEGWIJZER_ANONYMOUS_RATE_LIMIT": "1000000", "WEGWIJZER_DECISION_LINGER_S": "0.05",
           "WEGWIJZER_REFERRAL_WORKER": "false",
           # four workers and four load threads share 2 cores, and each worker rebuilds the rule set
           # when it follows: a poll every 0.5 s leaves that rebuild the rest of the 5 s
           "WEGWIJZER_RULESET_POLL_S": "0.5"}
    sent: list[str] = []
    codes: Counter[int | str] = Counter()
    versions: dict[str, list[tuple[float, str]]] = {}
    lock = threading.Lock()
    with serve("app.main:app", env, workers=2) as one, serve("app.main:app", env, workers=2) as two:
        versions = {one: [], two: []}
        rule = httpx.post(f"{one}/v1/route", json={"question": TAX_QUESTION}).json()["routes"][0]["rule"]
        files = variant(NEW, row=rule, reason_nl="Deze aangifte doet u bij de Belastingdienst (v2).")
        assert httpx.post(f"{one}/v1/rulesets", json=as_body(files), headers=ADMIN, timeout=60).status_code == 201
        stop = threading.Event()
        ids = itertools.count()

        def load(base: str) -> None:
            with httpx.Client(base_url=base, timeout=10) as c:
                while not stop.is_set():
                    i = next(ids)
                    try:
                        r = c.post("/v1/route", json={"question": QUESTIONS[i % len(QUESTIONS)]},
                                   headers={"Connection": "close" if i % 3 == 0 else "keep-alive"})
                    except httpx.HTTPError as e:
                        with lock:
                            codes[type(e).__name__] += 1
                        continue
                    with lock:
                        codes[r.status_code] += 1
                        if r.status_code == 200:
                            sent.append(r.json()["request_id"])
                            versions[base].append((time.monotonic(), r.json()["ruleset"]["version"]))

        threads = [threading.Thread(target=load, args=(b,)) for b in (one, two, one, two)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        activated = time.monotonic()
        assert httpx.post(f"{two}/v1/rulesets/{NEW}/activate", headers=ADMIN).status_code == 200
        time.sleep(6.0)
        stop.set()
        for t in threads:
            t.join()

        # rate limits are shared by the four workers: exactly 40 pass, alternating replicas
        limited_codes = Counter(httpx.get(f"{(one, two)[i % 2]}/v1/themes", headers={"X-API-Key": limited},
                                          timeout=10).status_code for i in range(56))
        assert limited_codes == Counter({200: 40, 429: 16}), limited_codes
        time.sleep(1.0)  # the writers' last batches (linger 0.05 s)

    assert set(codes) == {200}, codes  # zero errors
    assert len(sent) > 100
    with Session(engine) as s:
        logged = Counter(s.scalars(select(DecisionRow.request_id).where(DecisionRow.request_id.in_(sent))))
        assert (s.scalar(select(func.count()).select_from(DecisionRow)) or 0) >= len(sent)
    assert set(logged) == set(sent) and set(logged.values()) == {1}  # every decision logged, once
    for base, seen in versions.items():
        late = [v for at, v in seen if at > activated + 5.0]
        assert late and set(late) == {NEW}, (base, Counter(late))  # both replicas, all workers, within 5 s
    engine.dispose()
    fresh_database(db_url)
