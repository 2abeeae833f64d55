"""The HTTP API as in api-contract.md, including every bad input a client can send."""

import json
import time
import uuid

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.conftest import MODEL_PRIVATE_QUESTION, SHIPPED_VERSION, fresh_database, settings_for

PROBLEM = "application/problem+json"


def test_route_answers_in_the_contract_shape(client: TestClient) -> None:
    r = client.post("/v1/route", json={
        "question": "Wij willen zonnepanelen op ons bedrijfspand, welke subsidie of aftrek is er?",
        "location": {"postcode": "5038 AB"}})
    assert r.status_code == 200
    body = r.json()
    assert body["request_id"] == r.headers["x-request-id"]
    assert body["ruleset"]["version"] == SHIPPED_VERSION and body["ruleset"]["checksum"].startswith("sha256:")
    assert body["language"] == "nl" and body["out_of_scope"] is False and body["outcome"] == "routed"
    assert body["needs"][0]["theme"] == "sustainability" and body["needs"][0]["service"] == "scheme"
    assert body["location"]["municipality"] == {"code": "GM0855", "name": "Tilburg"}
    assert body["location"]["province"] == {"code": "PV30", "name": "Noord-Brabant"}
    assert body["location"]["source"] == "request"
    first = body["routes"][0]
    assert first["rank"] == 1 and first["role"] == "primary"
    assert first["provider"]["id"] == "rvo" and first["provider"]["family"] == "rvo"
    assert first["provider"]["url"] == "https://www.rvo.nl"
    assert first["rule"] == "sustainability.scheme.rvo" and first["principle"] == "P2" and first["reason"]
    assert all(r["role"] == "also" for r in body["routes"][1:])
    assert [r["rank"] for r in body["routes"]] == list(range(1, len(body["routes"]) + 1))


def test_regional_family_without_location(client: TestClient) -> None:
    body = client.post("/v1/route", json={"question": "Ik zoek risicokapitaal voor mijn innovatieve startup"}).json()
    first = body["routes"][0]
    assert first["provider"]["id"] == "rom" and first["needs_location"] is True
    assert first["provider"]["url"]  # the family's finder
    assert body["clarify"][0]["field"] == "location" and body["clarify"][0]["question"]


def test_out_of_scope_is_200_without_routes(client: TestClient) -> None:
    body = client.post("/v1/route", json={"question": "Wie won het WK voetbal in 2010?"}).json()
    assert body["out_of_scope"] is True and body["outcome"] == "out_of_scope"
    assert body["routes"] == [] and body["message"]


def test_an_answer_the_model_sent_out_of_scope_says_so_and_why(client: TestClient) -> None:
    q = MODEL_PRIVATE_QUESTION
    r = client.post("/v1/route?explain=true", json={"question": q})
    body = r.json()
    assert r.status_code == 200 and body["out_of_scope"] is True and body["routes"] == []
    facts = body["facts"]
    assert facts["scope"] == "private" and facts["scope_by"] == "model" and 0.5 < facts["model_p"] <= 1.0
    assert all(w in q for w in facts["model_words"].split(", "))


def test_english_question_gets_english_answer(client: TestClient) -> None:
    body = client.post("/v1/route", json={"question": "How do I apply for the WBSO?"}).json()
    assert body["language"] == "en"
    assert body["routes"][0]["provider"]["name"] == "Netherlands Enterprise Agency (RVO)"


def test_explain_adds_the_trace(client: TestClient) -> None:
    body = client.post("/v1/route?explain=true", json={"question": "Wat is de KOR?"}).json()
    assert any(t["concept"] == "instr.tax" for t in body["trace"])
    assert "trace" not in client.post("/v1/route", json={"question": "Wat is de KOR?"}).json()


def test_a_client_request_id_is_echoed_as_correlation_id_never_the_decision_key(client: TestClient) -> None:
    r = client.post("/v1/route", json={"question": "Wat is de KOR?"}, headers={"X-Request-ID": "call-12345678"})
    assert r.headers["x-request-id"] == "call-12345678"  # echoed for the caller's own logs
    handle = r.json()["request_id"]
    assert handle != "call-12345678" and uuid.UUID(handle).version == 4  # the server's, unguessable
    assert client.get(f"/v1/decisions/{handle}").status_code == 200
    assert client.get("/v1/decisions/call-12345678").status_code == 404
    r = client.post("/v1/route", json={"question": "Wat is de KOR?"}, headers={"X-Request-ID": "<bad id>"})
    assert r.headers["x-request-id"] == r.json()["request_id"] != "<bad id>"


@pytest.mark.parametrize(("body", "field"), [
    ({"question": ""}, "question"),
    ({"question": "   "}, "question"),
    ({"question": "x" * 2001}, "question"),
    ({}, "question"),
    ({"language": "nl"}, "question"),
    ({"question": 42}, "question"),
    ({"question": ["a"]}, "question"),
    ({"question": "hoi", "language": "de"}, "language"),
    ({"question": "hoi", "needs": [{"theme": "weather", "service": "information"}]}, "needs[0].theme"),
    ({"question": "hoi", "needs": [{"theme": "tax", "service": "magic"}]}, "needs[0].service"),
    ({"question": "hoi", "needs": [{"theme": "tax"}]}, "needs[0].service"),
    ({"question": "hoi", "needs": "tax"}, "needs"),
    ({"question": "hoi", "location": {"postcode": "12345"}}, "location.postcode"),
    ({"question": "hoi", "location": {"postcode": "AB 5038"}}, "location.postcode"),
    ({"question": "hoi", "location": {"postcode": 5038}}, "location.postcode"),
    ({"question": "hoi", "location": {"municipality": "Atlantis"}}, "location.municipality"),
    ({"question": "hoi", "location": {"province": "Holland"}}, "location.province"),
    ({"question": "hoi", "location": {"municipality": "Tilburg", "province": "Limburg"}}, "location"),
    ({"question": "hoi", "location": "Tilburg"}, "location"),
    ({"question": "hoi", "company": {"employees": "12"}}, "company.employees"),
    ({"question": "hoi", "company": {"employees": -1}}, "company.employees"),
    ({"question": "hoi", "company": {"employees": True}}, "company.employees"),
    ({"question": "hoi", "company": {"phase": "booming"}}, "company.phase"),
    ({"question": "hoi", "company": {"kvk_number": "123"}}, "company.kvk_number"),
    ({"question": "hoi", "questoin": "typo"}, "questoin"),
])
def test_bad_input_is_a_422_problem(client: TestClient, body: dict[str, object], field: str) -> None:
    r = client.post("/v1/route", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == PROBLEM
    p = r.json()
    assert p["status"] == 422 and p["title"] == "Invalid input" and p["detail"]
    assert p["type"] == "/problems/invalid-input" and p["instance"] == "/v1/route"
    assert field in [e["field"] for e in p["errors"]], p["errors"]


@pytest.mark.parametrize("raw", [b"{bad json", b"", b"null", b"[]", b'"question"'])
def test_malformed_json_is_a_422_problem(client: TestClient, raw: bytes) -> None:
    r = client.post("/v1/route", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM


def test_oversized_body_is_a_413_problem(client: TestClient) -> None:
    big = json.dumps({"question": "a", "pad": "x" * 70_000}).encode()
    r = client.post("/v1/route", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM
    assert r.json()["status"] == 413


def test_oversized_chunked_body_is_a_413_problem(client: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"question": "'
        for _ in range(70):
            yield b"x" * 1024
        yield b'"}'

    r = client.post("/v1/route", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM


def test_unknown_path_and_method_are_problems(client: TestClient) -> None:
    r = client.get("/v1/nothing")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    r = client.get("/v1/route")
    assert r.status_code == 405 and r.headers["content-type"] == PROBLEM


def test_providers_page_envelope(client: TestClient) -> None:
    r = client.get("/v1/providers", params={"per_page": 10})
    page = r.json()
    assert r.status_code == 200
    assert page["page_number"] == 1 and page["size"] == 10 and page["first_page"] and not page["last_page"]
    assert page["total_items"] > 400 and page["total_pages"] == -(-page["total_items"] // 10)
    assert page["contents"][0]["id"] == "kvk"
    kvk = page["contents"][0]
    assert kvk["phone"] == "0800-2117" and kvk["checked"] and kvk["source"] and kvk["name"]["en"]
    last = client.get("/v1/providers", params={"per_page": 10, "page": page["total_pages"]}).json()
    assert last["last_page"] and last["size"] >= 1
    beyond = client.get("/v1/providers", params={"per_page": 10, "page": 999}).json()
    assert beyond["empty"] and beyond["contents"] == []


def test_providers_by_family(client: TestClient) -> None:
    roms = client.get("/v1/providers", params={"family": "rom", "per_page": 100}).json()
    ids = {p["id"] for p in roms["contents"]}
    assert {"rom:nom", "rom:bom", "rom:inwest", "rom"} <= ids and len(ids) == 10
    r = client.get("/v1/providers", params={"family": "bakery"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert client.get("/v1/providers", params={"per_page": 0}).status_code == 422


def test_one_provider(client: TestClient) -> None:
    p = client.get("/v1/providers/gemeente:GM0855").json()
    assert p["name"]["nl"] == "Gemeente Tilburg" and p["family"] == "gemeente"
    r = client.get("/v1/providers/rvo").json()
    assert "phone" in r["unconfirmed"]
    r2 = client.get("/v1/providers/nobody")
    assert r2.status_code == 404 and r2.headers["content-type"] == PROBLEM


def test_principles_have_both_languages(client: TestClient) -> None:
    p = client.get("/v1/principles").json()
    assert [x["id"] for x in p] == ["P1", "P2", "P3", "P4", "P5"]
    assert "RVO" in p[1]["label"]["nl"] and "ROM" in p[2]["label"]["en"]


def test_themes(client: TestClient) -> None:
    t = client.get("/v1/themes").json()
    themes = {x["id"]: x for x in t["themes"]}
    assert {"sustainability", "digitalisation", "labour_market", "general"} <= set(themes)
    assert themes["sustainability"]["transition"] is True and themes["sustainability"]["label"]["nl"]
    assert {s["id"] for s in t["services"]} == {
        "information", "scheme", "capital", "compliance", "partners", "hands_on", "staff"}


@pytest.mark.parametrize(("params", "municipality", "rom", "wsp"), [
    ({"postcode": "5038"}, "GM0855", "rom:bom", "wsp:AM26"),
    ({"postcode": "5038 AB"}, "GM0855", "rom:bom", "wsp:AM26"),
    ({"municipality": "Den Haag"}, "GM0518", "rom:innovationquarter", None),
    ({"municipality": "GM0402"}, "GM0402", "rom:inwest", None),
])
def test_regions_resolve(client: TestClient, params: dict[str, str], municipality: str, rom: str,
                         wsp: str | None) -> None:
    r = client.get("/v1/regions/resolve", params=params)
    body = r.json()
    assert r.status_code == 200
    assert body["municipality"]["code"] == municipality and body["rom"] == rom
    assert body["providers"]["gemeente"] == f"gemeente:{municipality}"
    if wsp:
        assert body["providers"]["wsp"] == wsp


def test_regions_resolve_province_and_gooi(client: TestClient) -> None:
    body = client.get("/v1/regions/resolve", params={"province": "Friesland"}).json()
    assert body["province"]["code"] == "PV21" and body["rom"] == "rom:nom" and body["municipality"] is None
    gooi = client.get("/v1/regions/resolve", params={"municipality": "Huizen"}).json()
    assert gooi["rom_also"] == ["rom:utrecht-region"]


@pytest.mark.parametrize(("params", "status"), [
    ({}, 422), ({"postcode": "12"}, 422), ({"municipality": "Atlantis"}, 422),
    ({"province": "Holland"}, 422), ({"postcode": "1099"}, 404),
])
def test_regions_resolve_errors(client: TestClient, params: dict[str, str], status: int) -> None:
    r = client.get("/v1/regions/resolve", params=params)
    assert r.status_code == status and r.headers["content-type"] == PROBLEM


def test_meta_health_and_readiness(client: TestClient) -> None:
    meta = client.get("/").json()
    assert meta["ruleset"]["version"] == SHIPPED_VERSION and meta["openapi_url"] == "/openapi.json"
    assert client.get("/healthz").json() == {"status": "ok"}
    # Other tests empty this database under the shared service (down to no tables and back):
    # its background writers notice a missing table and look again every 2 s.
    deadline = time.monotonic() + 10
    while (ready := client.get("/readyz")).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ready.status_code == 200 and ready.json()["checks"] == {
        "routing": "ok", "database": "ok", "decision_log": "ok"}  # the shared service delivers no referrals


def test_readiness_reports_the_referral_outbox_when_this_process_delivers(db_url: str) -> None:
    fresh_database(db_url)
    with TestClient(create_app(settings_for(db_url, ruleset_follow=False, referral_worker=True))) as c:
        ready = c.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {
        "routing": "ok", "database": "ok", "decision_log": "ok", "referral_outbox": "ok"}


def test_openapi_operation_ids_and_problem_responses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ops = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"route_question", "list_providers", "get_provider", "list_themes", "resolve_region",
            "service_info", "healthz", "readyz"} <= ops
    route = spec["paths"]["/v1/route"]["post"]
    assert "application/problem+json" in route["responses"]["422"]["content"]
    assert "application/problem+json" in route["responses"]["413"]["content"]


@pytest.mark.parametrize("raw", [
    b'{"question": "\\ud800 subsidie"}',  # a lone surrogate is not text
    b'{"question": "subsidie", "location": {"municipality": "\\udfff"}}',
])
def test_invalid_unicode_is_a_422_problem(client: TestClient, raw: bytes) -> None:
    r = client.post("/v1/route", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("question", ["\u0000", "caf\u00e9 \u0301 \ufb01nanciering", "🚀" * 500, "ـ" * 2000])
def test_odd_text_is_answered(client: TestClient, question: str) -> None:
    r = client.post("/v1/route", json={"question": question})
    assert r.status_code == 200 and r.json()["outcome"] in ("routed", "clarify", "out_of_scope")


def test_repeated_question_is_answered_from_the_cache(client: TestClient) -> None:
    cache = client.app.state.answers  # type: ignore[attr-defined]
    body = {"question": "Hoe vraag ik een tewerkstellingsvergunning aan voor een kok uit India?"}
    first = client.post("/v1/route", json=body).json()
    size = len(cache)
    second = client.post("/v1/route", json=body).json()
    assert len(cache) == size  # served from the cache, not added again
    assert first["request_id"] != second["request_id"]
    first.pop("request_id"), second.pop("request_id")
    assert first == second


def test_answer_cache_is_bounded_and_skips_invalid_input(router) -> None:  # type: ignore[no-untyped-def]
    from app.route.cache import AnswerCache
    from app.routing.model import InvalidInput, RouteInput

    cache = AnswerCache(router, size=4)
    for i in range(10):
        cache.answer(RouteInput(question=f"Hoe vraag ik de WBSO aan voor project {i}?"), False)
    assert len(cache) == 4
    with pytest.raises(InvalidInput):
        cache.answer(RouteInput(question="   "), False)
    assert len(cache) == 4
    off = AnswerCache(router, size=0)
    off.answer(RouteInput(question="Wat is de KOR?"), False)
    assert len(off) == 0


def test_route_refusals_read_as_fastapis_own(client: TestClient) -> None:
    """POST /v1/route parses its body itself (app.route.router._direct): every body is accepted
    or refused exactly as a plain FastAPI endpoint with the same request model does."""
    from fastapi import FastAPI

    from app import problems
    from app.route.schemas import RouteRequest

    plain = FastAPI()
    problems.install(plain)

    @plain.post("/v1/route")
    async def route(body: RouteRequest) -> dict[str, str]:
        return {}

    reference = TestClient(plain)
    bodies = [b"", b"{", b"[1]", b"null", b"NaN", b'{"question": 5}', b'{"question": NaN}', b'{"question": "caf\xe9"}',
              b'{"question": "\\ud800 een vraag over btw"}', b'{"question": "Wat is de KOR?", "extra": 1}',
              b'{"question": "a"}', b'{"question": "Wat is de KOR?", "location": {"postcode": 5}}',
              b'{"question": "Wat is de KOR?", "language": "fr"}', b'{"question": "Wat is de KOR?"} x',
              b'{"question": "Wat is de KOR?", "question": "Wat is de btw?"}']
    for raw in bodies:
        ours = client.post("/v1/route", content=raw, headers={"content-type": "application/json"})
        theirs = reference.post("/v1/route", content=raw, headers={"content-type": "application/json"})
        assert ours.status_code == theirs.status_code, raw
        if theirs.status_code != 200:
            assert {k: v for k, v in ours.json().items() if k != "request_id"} == theirs.json(), raw
