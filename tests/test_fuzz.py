"""Schemathesis against the served /openapi.json: no answer is a 5xx, and every answer (status
code, content type, required headers, body) is one the document promises.

Every operation in the document is fuzzed with positive and negative data (its examples, the
coverage phase's boundary cases, then random cases), from a fixed seed and with a bounded number
of examples, so that the file fits in CI (it runs there on SQLite and on PostgreSQL). Half of the
identifiers the fuzzer sends are ones that exist (the published rule set, its tables, providers,
places, a logged decision), so the fuzzer gets past the 404s into the answers themselves.
The first run carries the bootstrap admin key, so every scoped operation is reached; a second,
shorter run carries no key (401s, and anonymous use where it is allowed).

Nothing is excluded: /metrics and the static pages are not in the document.

(The schema is loaded when the module is collected, so each operation is a test of its own;
schemathesis' fixture-based loader does not work with pytest 9.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.types import ASGIApp, Receive, Scope, Send

from app import middleware
from app.main import create_app
from app.routing.engine import Router
from tests.conftest import AUTH, RULES, fresh_database, settings_for

SEED = 20261127
MAX_EXAMPLES = 40  # random cases per operation, after its examples and the coverage phase's cases
KEYLESS_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
KNOWN_DECISION = "fuzz-known-decision-0001"  # the fixture's decision (its server id pinned for the test)
REFERRAL: dict[str, str] = {}  # the referral the fixture makes: its id is only known then

_rules = Router.from_directory(RULES)
NUL = "nul\x00char"  # PostgreSQL text cannot hold it; nothing stored can contain it
# Values that exist, and values that once broke something, mixed into what the fuzzer sends.
KNOWN: dict[str, list[str]] = {
    "version": [_rules.version, NUL],
    "table": sorted(p.stem for p in (RULES / "decisions").glob("*.yaml")),
    "provider": ["kvk", "rvo", "rom:bom", "gemeente", "uwv", NUL],
    "family": sorted(_rules.data.directory.families),
    "postcode": ["5038 AB", "1012", "9999"],
    "municipality": ["Tilburg", "GM0363", "Huizen"],
    "province": ["Noord-Brabant", "PV30", "Friesland"],
    "decision": [KNOWN_DECISION, NUL],
    "moment": ["2026-11-27", "9999-12-31", "0001-01-01", "2026-11-27T12:00:00+14:00"],
    "text": ["Klopt", NUL],
    "referral": [NUL],
    "idempotency": ["fuzz-key-1", "fuzz-key-2"],
}
_PARAMETERS = {"path.version": "version", "path.a": "version", "path.b": "version", "path.name": "table",
               "path.provider_id": "provider", "query.family": "family", "query.postcode": "postcode",
               "query.municipality": "municipality", "query.province": "province",
               "path.request_id": "decision", "body.actual_provider_id": "provider",
               "query.from": "moment", "query.to": "moment", "body.from": "moment", "body.to": "moment",
               "body.note": "text", "body.channel": "text", "body.reason": "text", "body.contact.name": "text",
               "body.decision_id": "decision", "body.provider_id": "provider", "body.forward_to": "provider",
               "query.provider": "provider", "path.referral_id": "referral",
               "header.Idempotency-Key": "idempotency"}


def _served_document() -> dict[str, Any]:
    # GET /openapi.json needs no lifespan (no database): this service only serves the document.
    served = TestClient(create_app(settings_for("sqlite://"))).get("/openapi.json")
    assert served.status_code == 200, served.text
    document: dict[str, Any] = served.json()
    return document


def _load(document: dict[str, Any], *, key: bool, max_examples: int, phases: list[str]) -> Any:
    config = SchemathesisConfig.from_dict({
        "seed": SEED,
        "headers": AUTH if key else {},
        "dictionaries": {name: {"values": values} for name, values in KNOWN.items()},
        "parameters": {where: {"dictionary": name, "probability": 0.5} for where, name in _PARAMETERS.items()},
        "generation": {"max-examples": max_examples, "database": "none"},
        "phases": {name: {"enabled": name in phases} for name in ("examples", "coverage", "fuzzing", "stateful")},
    })
    return schemathesis.openapi.from_dict(document, config=config)


def _known_referral(context: Any, strategy: Any) -> Any:
    """Half of the referral ids are the fixture's referral (read when a case is drawn)."""
    if context.operation is None or "{referral_id}" not in context.operation.path:
        return strategy
    return st.one_of(strategy, st.builds(lambda: {"referral_id": REFERRAL["id"]}))


def _with_consent(context: Any, strategy: Any) -> Any:
    """Half of the new referrals have the entrepreneur's consent (a random boolean rarely is true
    together with everything else that must be right)."""
    if context.operation is None or (context.operation.method.upper(), context.operation.path) != (
            "POST", "/v1/referrals"):
        return strategy
    return st.one_of(strategy, strategy.map(lambda body: {**body, "consent": True} if isinstance(body, dict)
                                            else body))


DOCUMENT = _served_document()
schema = _load(DOCUMENT, key=True, max_examples=MAX_EXAMPLES, phases=["examples", "coverage", "fuzzing"])
keyless = _load(DOCUMENT, key=False, max_examples=KEYLESS_EXAMPLES, phases=["examples", "fuzzing"])
for _loaded in (schema, keyless):
    _loaded.hook("before_generate_path_parameters")(_known_referral)
    _loaded.hook("before_generate_body")(_with_consent)


class _Requests:
    """The service as schemathesis reaches it: its requests, without a lifespan of their own (the
    fixture below runs the service's lifespan once for the whole module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            return  # refused before the first message: "no lifespan support" to the caller
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def service(db_url: str) -> Iterator[TestClient]:
    """A service of its own on an empty database, running (lifespan) through the module. It
    publishes the shipped rule set at start-up and follows the active one, as in production."""
    fresh_database(db_url)
    with TestClient(create_app(settings_for(db_url)), headers=AUTH) as client:
        with pytest.MonkeyPatch.context() as mp:  # ids are random: pin this one, for the dictionaries
            mp.setattr(middleware, "new_request_id", lambda: KNOWN_DECISION)
            logged = client.post("/v1/route", json={"question": "Hoe schrijf ik mijn bedrijf in bij de KVK?"})
        assert logged.status_code == 200 and logged.json()["request_id"] == KNOWN_DECISION
        assert client.app.state.decision_log.writer.flush(10)  # type: ignore[attr-defined]
        referral = client.post("/v1/referrals", json={"decision_id": KNOWN_DECISION, "provider_id": "kvk",
                                                      "contact": {"email": "ondernemer@example.nl"}, "consent": True})
        assert referral.status_code == 201, referral.text
        REFERRAL["id"] = referral.json()["id"]
        yield client
        assert client.app.state.decision_log.writer.flush(10)  # type: ignore[attr-defined]
    fresh_database(db_url)  # what the fuzzer stored is no business of later tests


@pytest.fixture(scope="module")
def target(service: TestClient) -> _Requests:
    app = service.app
    assert isinstance(app, FastAPI)
    return _Requests(app)


def test_the_fuzzed_document_is_the_served_one(service: TestClient) -> None:
    assert service.get("/openapi.json").json() == DOCUMENT


def test_every_operation_documents_its_problems_and_access() -> None:
    assert {"Problem"} <= DOCUMENT["components"]["schemas"].keys()
    assert "HTTPValidationError" not in DOCUMENT["components"]["schemas"]
    assert DOCUMENT["components"]["securitySchemes"]["apiKeyAuth"]["name"] == "X-API-Key"
    for path, item in DOCUMENT["paths"].items():
        for method, op in item.items():
            responses = op["responses"]
            for code, answer in responses.items():
                if int(code) >= 400 and not (path == "/readyz" and code == "503"):
                    assert answer["content"] == {"application/problem+json": {
                        "schema": {"$ref": "#/components/schemas/Problem"}}}, (method, path, code)
            assert "503" in responses
            if "requestBody" in op:
                assert {"400", "413", "415", "422"} <= responses.keys(), (method, path)
            if op.get("parameters"):
                assert "422" in responses, (method, path)
            if path in ("/", "/healthz", "/readyz"):
                assert "security" not in op and "401" not in responses and "429" not in responses
            else:
                assert {"401", "403", "429"} <= responses.keys(), (method, path)
                assert {"bearerAuth": []} in op["security"] and {"apiKeyAuth": []} in op["security"]
                assert ({} in op["security"]) == (path == "/v1/route" or path.startswith(("/v1/providers",
                                                                                          "/v1/principles",
                                                                                          "/v1/themes",
                                                                                          "/v1/regions")))


@schema.parametrize()  # type: ignore[untyped-decorator]
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_answers_as_documented(case: schemathesis.Case[Any], target: _Requests) -> None:
    case.call_and_validate(app=target, checks=CHECKS)


@keyless.parametrize()  # type: ignore[untyped-decorator]
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_answers_as_documented_without_a_key(case: schemathesis.Case[Any], target: _Requests) -> None:
    case.call_and_validate(app=target, checks=CHECKS)


# What the fuzzer found (each was a 500), kept as plain cases: (method, path, operation path, body,
# expected status or statuses). Some only failed on PostgreSQL; they run on both.
FOUND = [
    # the day after 9999-12-31 overflowed
    ("GET", "/v1/stats?to=9999-12-31", "/v1/stats", None, 422),
    ("POST", "/v1/rulesets/0/simulate", "/v1/rulesets/{version}/simulate", {"to": "9999-12-31"}, 422),
    # a ruleset.yaml that is YAML but not a mapping
    ("POST", "/v1/rulesets", "/v1/rulesets", {"files": {"ruleset.yaml": "x"}}, 422),
    ("POST", "/v1/rulesets", "/v1/rulesets", {"files": {"ruleset.yaml": "- 2026.12.1"}}, 422),
    # NUL characters reached PostgreSQL (which cannot store or compare them); in a path or query
    # they are now refused before any handler runs (app.middleware)
    ("GET", "/v1/decisions/nul%00char", "/v1/decisions/{request_id}", None, 422),
    ("GET", "/v1/rulesets/nul%00char", "/v1/rulesets/{version}", None, 422),
    ("GET", "/v1/rulesets/nul%00char/diff/nul%00char", "/v1/rulesets/{a}/diff/{b}", None, 422),
    ("POST", "/v1/decisions/nul%00char/feedback", "/v1/decisions/{request_id}/feedback",
     {"correct": True, "channel": "call_centre"}, 422),
    ("POST", f"/v1/decisions/{KNOWN_DECISION}/feedback", "/v1/decisions/{request_id}/feedback",
     {"correct": False, "channel": NUL, "note": NUL, "actual_provider_id": "rvo"}, (200, 201)),
    ("POST", "/v1/rulesets/unpin", "/v1/rulesets/unpin", {"note": NUL}, 200),
    ("POST", f"/v1/rulesets/{_rules.version}/activate", "/v1/rulesets/{version}/activate", {"note": NUL}, 200),
    ("POST", "/v1/rulesets/validate", "/v1/rulesets/validate", {"files": {NUL: "x"}}, 422),
    ("GET", "/v1/referrals?provider=nul%00char", "/v1/referrals", None, 422),
    ("POST", "/v1/referrals", "/v1/referrals",
     {"decision_id": NUL, "provider_id": "kvk", "contact": {"email": "a@example.nl"}, "consent": True}, 422),
    ("POST", "/v1/referrals", "/v1/referrals", {"decision_id": KNOWN_DECISION, "provider_id": "rvo", "consent": True,
                                                "contact": {"name": NUL, "email": "a@example.nl"}, "note": NUL}, 201),
    ("POST", "/v1/referrals/{referral}/status", "/v1/referrals/{referral_id}/status",
     {"status": "closed", "reason": NUL}, (200, 409)),
    # a page far past the end: its offset did not fit the database's integers
    ("GET", "/v1/referrals?page=48975632322125952", "/v1/referrals", None, 200),
]


@pytest.mark.parametrize(("method", "url", "operation", "body", "status"), FOUND)
def test_what_the_fuzzer_found_stays_fixed(service: TestClient, method: str, url: str, operation: str,
                                           body: object, status: int | tuple[int, ...]) -> None:
    r = service.request(method, url.replace("{referral}", REFERRAL["id"]), json=body)
    assert r.status_code in (status if isinstance(status, tuple) else (status,)), r.text
    assert str(r.status_code) in DOCUMENT["paths"][operation][method.lower()]["responses"]
    if r.status_code >= 400:
        assert r.headers["content-type"] == "application/problem+json"


def test_a_body_that_is_not_utf8_is_a_documented_400(service: TestClient) -> None:
    r = service.post("/v1/route", content=b'{"question": "caf\xe9"}', headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert "400" in DOCUMENT["paths"]["/v1/route"]["post"]["responses"]


def test_a_rule_set_author_with_nul_is_stored_without_it(service: TestClient) -> None:
    from app.routing.loader import read_rule_files
    from app.rulesets.store import find

    files = {rel: data.decode("utf-8") for rel, data in read_rule_files(RULES).items()}
    meta = files["ruleset.yaml"]
    assert 'author: "Wegwijzer team"' in meta
    files["ruleset.yaml"] = (meta.replace(f'version: "{_rules.version}"', 'version: "2099.1.1-fuzz"')
                             .replace('author: "Wegwijzer team"', 'author: "a\\0b"'))  # an escaped NUL in YAML
    r = service.post("/v1/rulesets", json={"files": files})
    assert r.status_code == 201, r.text
    row = find(service.app.state.engine, "2099.1.1-fuzz")  # type: ignore[attr-defined]
    assert row is not None and row.author == "a b"  # the NUL became a space (app.db.storable)
