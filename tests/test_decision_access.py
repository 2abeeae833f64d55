"""Object-level authorization of stored decisions (issue 13): a client sees and acts on the
decisions it made, a provider's client on those routed to its door, an admin on all; everyone
else gets 404, whatever scopes its key holds. Decision ids are the server's, unguessable, and
a client's X-Request-ID never becomes one."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient

from app.clients import store
from app.clients.keys import SCOPES
from app.main import create_app
from tests.conftest import AUTH, fresh_database, settings_for

NO_KEY = {"Authorization": ""}
EVERY_SCOPE = [s for s in SCOPES if s != "admin"]
WBSO = "Hoe vraag ik de WBSO aan voor ons softwareproject?"  # routed to RVO first
TERRACE = "Heb ik een vergunning nodig voor een terras bij mijn café in Tilburg?"  # gemeente Tilburg


@dataclass
class World:
    c: TestClient
    keys: dict[str, dict[str, str]]  # who -> headers
    ids: dict[str, str]  # which decision -> its id

    def flush(self) -> None:
        assert self.c.app.state.decision_log.writer.flush(10)  # type: ignore[attr-defined]


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    fresh_database(db_url)
    with TestClient(create_app(settings_for(db_url, ruleset_follow=False))) as c:
        engine = c.app.state.engine  # type: ignore[attr-defined]

        def key(name: str, kind: str, **kw: object) -> dict[str, str]:
            made = store.create(engine, name, kind, scopes=EVERY_SCOPE, **kw)  # type: ignore[arg-type]
            return {"Authorization": f"Bearer {made.key}"}

        keys = {
            "centre": key("kvk-centre", "call_centre"),
            "site": key("ondernemersplein", "provider_site"),
            "rvo": key("rvo-site", "provider_site", provider_id="rvo"),
            "tilburg": key("tilburg-loket", "provider_site", provider_id="gemeente:GM0855"),
            "admin": AUTH,
        }
        ids = {
            "centre_wbso": c.post("/v1/route", json={"question": WBSO}, headers=keys["centre"]).json()["request_id"],
            "site_terrace": c.post("/v1/route", json={"question": TERRACE}, headers=keys["site"]).json()["request_id"],
            "anonymous_wbso": c.post("/v1/route", json={"question": WBSO}, headers=NO_KEY).json()["request_id"],
        }
        w = World(c, keys, ids)
        w.flush()
        yield w
    fresh_database(db_url)


# Who may act on which decision: the maker, the provider it was routed to, an admin.
MAY = {
    "centre_wbso": {"centre", "rvo", "admin"},
    "site_terrace": {"site", "tilburg", "admin"},
    "anonymous_wbso": {"rvo", "admin"},
}
WHO = ["centre", "site", "rvo", "tilburg", "admin"]


def _read(w: World, rid: str, who: str) -> httpx.Response:
    return w.c.get(f"/v1/decisions/{rid}", headers=w.keys[who])


def _feedback(w: World, rid: str, who: str) -> httpx.Response:
    return w.c.post(f"/v1/decisions/{rid}/feedback", headers=w.keys[who],
                    json={"correct": True, "channel": "test", "note": f"from {who}"})


def _refer(w: World, rid: str, who: str) -> httpx.Response:
    return w.c.post("/v1/referrals", headers=w.keys[who],
                    json={"decision_id": rid, "provider_id": "kvk", "consent": True,
                          "contact": {"email": "ondernemer@example.nl"}})


# Every route that takes a decision id: how it answers when the id is the caller's to use, and
# when it is not (as for an id that does not exist).
ROUTES: list[tuple[str, Callable[[World, str, str], httpx.Response], set[int], int]] = [
    ("GET /v1/decisions/{id}", _read, {200}, 404),
    ("POST /v1/decisions/{id}/feedback", _feedback, {200, 201}, 404),
    ("POST /v1/referrals", _refer, {201}, 422),
]


@pytest.mark.parametrize(("route", "call", "allowed", "refused"), ROUTES, ids=[r[0] for r in ROUTES])
def test_every_decision_route_is_limited_to_whom_the_decision_concerns(
        world: World, route: str, call: Callable[[World, str, str], httpx.Response], allowed: set[int],
        refused: int) -> None:
    for decision, rid in world.ids.items():
        for who in WHO:
            r = call(world, rid, who)
            if who in MAY[decision]:
                assert r.status_code in allowed, (route, decision, who, r.text)
            else:
                assert r.status_code == refused, (route, decision, who, r.text)
                assert not any(x in r.text for x in ("WBSO", "terras", "kvk-centre", "ondernemersplein"))
    # an id nobody has answers exactly like a decision one may not see
    for who in WHO:
        assert call(world, str(uuid.uuid4()), who).status_code == refused


def test_a_client_sees_only_its_own_feedback_and_a_provider_not_the_maker(world: World) -> None:
    rid = world.ids["centre_wbso"]
    for who in ("centre", "rvo", "admin"):
        assert _feedback(world, rid, who).status_code == 201
    mine = _read(world, rid, "centre").json()
    assert [f["note"] for f in mine["feedback"]] == ["from centre"]
    assert mine["client"] == "kvk-centre"
    theirs = _read(world, rid, "rvo").json()
    assert [f["note"] for f in theirs["feedback"]] == ["from rvo"]
    assert theirs["client"] is None and theirs["origin"] is None  # who asked is not the provider's business
    assert theirs["question"] == WBSO  # the question itself is: it was routed to them
    everything = _read(world, rid, "admin").json()
    assert sorted(f["note"] for f in everything["feedback"]) == ["from admin", "from centre", "from rvo"]
    assert everything["client"] == "kvk-centre"


def test_feedback_from_others_cannot_skew_the_statistics(world: World) -> None:
    for rid in world.ids.values():
        _feedback(world, rid, "site")  # the site made only the terrace decision
    accuracy = world.c.get("/v1/stats", headers=AUTH).json()["accuracy_by_provider"]
    assert sum(a["n"] for a in accuracy) == 1


def test_a_pre_claimed_request_id_changes_nothing_for_the_real_caller(world: World) -> None:
    # An anonymous caller sends the X-Request-ID it expects a call centre to use ...
    claimed = "callcentre-0000042"
    attacker = world.c.post("/v1/route", json={"question": "Wat is de KOR?"}, headers={**NO_KEY,
                                                                                       "X-Request-ID": claimed})
    assert attacker.status_code == 200 and attacker.json()["request_id"] != claimed
    # ... then the call centre asks its question with that id: it is its own decision, logged,
    # readable and open to its feedback; the attacker's question is nowhere in it.
    real = world.c.post("/v1/route", json={"question": WBSO}, headers={**world.keys["centre"], "X-Request-ID": claimed})
    assert real.headers["x-request-id"] == claimed
    rid = real.json()["request_id"]
    world.flush()
    stored = _read(world, rid, "centre").json()
    assert stored["question"] == WBSO and stored["client"] == "kvk-centre"
    assert _feedback(world, rid, "centre").status_code == 201
    assert world.c.get(f"/v1/decisions/{claimed}", headers=AUTH).status_code == 404


def test_decision_ids_are_random_not_counted(world: World) -> None:
    ids = [world.c.post("/v1/route", json={"question": f"Wat is de KOR? ({i})"}, headers=NO_KEY).json()["request_id"]
           for i in range(20)]
    parsed = [uuid.UUID(i) for i in ids]
    assert all(u.version == 4 for u in parsed) and len(set(ids)) == len(ids)
    # neighbours differ in many bits (a ULID counts up by one within a millisecond)
    assert min(bin(a.int ^ b.int).count("1") for a, b in itertools.pairwise(parsed)) > 20


def test_stored_texts_keep_their_words_apart_and_drop_bidi_controls(world: World) -> None:
    # a NUL between two words must not join them; a right-to-left override must not reach an
    # agent's screen (it can make a stored text read as something else)
    question = "Hoe vraag ik de WBSO\x00aan voor \u202eons\u202c softwareproject?"
    rid = world.c.post("/v1/route", json={"question": question}, headers=world.keys["centre"]).json()["request_id"]
    _feedback(world, rid, "centre")
    world.c.post(f"/v1/decisions/{rid}/feedback", headers=world.keys["centre"],
                 json={"correct": False, "channel": "test", "note": "fout\x00loket \u2066zie\u2069 notitie"})
    world.flush()
    stored = _read(world, rid, "centre").json()
    assert stored["question"] == "Hoe vraag ik de WBSO aan voor ons softwareproject?"
    assert stored["feedback"][0]["note"] == "fout loket zie notitie"
