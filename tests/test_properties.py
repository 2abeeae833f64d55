"""Property tests of the routing core and of POST /v1/route: whatever a client sends, the answer
is a well-formed decision or a clean refusal (InvalidInput naming the field, a 422 problem),
never an exception or a 5xx.

Derandomized with a bounded number of examples, so the suite is reproducible and fits in CI.
"""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from app.routing.engine import MAX_QUESTION_CHARS, Router
from app.routing.model import CompanyInput, Decision, InvalidInput, LocationInput, RouteInput
from tests.conftest import RULES

ROUTER = Router.from_directory(RULES)  # built once: the core is immutable
DATA = ROUTER.data
THEMES = sorted(DATA.taxonomy.themes)
SERVICES = sorted(DATA.taxonomy.services)
PHASES = sorted(DATA.profile.get("phase") or {})
OUTCOMES = {"routed", "clarify", "out_of_scope"}
# Words the lexicon knows and function words, so that generated questions also reach the
# decision tables (random text mostly ends as gibberish).
WORDS = sorted({c.raw for c in DATA.lexicon.cues} | DATA.language.stopwords["nl"] | DATA.language.stopwords["en"])
MUNICIPALITIES = sorted({m.name for m in DATA.geo.municipalities.values()} | set(DATA.geo.municipalities))
PROVINCES = sorted({p.name for p in DATA.geo.provinces.values()} | set(DATA.geo.provinces))

CORE = settings(derandomize=True, max_examples=400, deadline=None)

# -- text strategies -------------------------------------------------------------------------------
_controls = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"])  # NUL, bidi marks, odd spaces
_rtl = st.characters(min_codepoint=0x0590, max_codepoint=0x08FF)  # Hebrew, Arabic, Syriac, Thaana
_emoji = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
_combining = st.characters(categories=["Mn", "Me"])
_odd = st.one_of(_controls, _rtl, _emoji, _combining, st.sampled_from("\u202e\u200f\ufeff\u0301ﬁ"))
_any_char = st.characters(exclude_categories=["Cs"])  # every code point that is text (no surrogates)

_sentence = st.lists(
    st.one_of(st.sampled_from(WORDS), st.text(_any_char, max_size=12), st.text(_odd, min_size=1, max_size=4),
              st.sampled_from(MUNICIPALITIES), st.from_regex(r"[1-9][0-9]{3} ?[A-Z]{2}", fullmatch=True)),
    max_size=40,
).map(" ".join)

questions = st.one_of(
    st.text(max_size=MAX_QUESTION_CHARS),  # Hypothesis' own unicode text
    st.text(_any_char, max_size=300),
    st.text(st.one_of(_odd, st.sampled_from(string.ascii_letters + " .,?!")), max_size=300),
    _sentence,
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzé"), min_size=200, max_size=MAX_QUESTION_CHARS),  # one long word
    st.integers(0, 40).map(lambda n: "ـ" * (MAX_QUESTION_CHARS - n)),  # up to the limit exactly
    st.integers(1, 50).map(lambda n: "a " * ((MAX_QUESTION_CHARS + n) // 2 + 1)),  # just over it
)
maybe_text = st.one_of(st.none(), st.text(max_size=120), st.text(_odd, max_size=20))


# -- the core --------------------------------------------------------------------------------------
def check(decision: Decision) -> None:
    """A decision the API can render: a known outcome, doors that exist, ranks in order."""
    assert decision.outcome in OUTCOMES
    assert decision.language in ("nl", "en")
    if decision.outcome == "out_of_scope":
        assert not decision.routes and decision.message
    for rank, r in enumerate(decision.routes, start=1):
        assert r.rank == rank
        assert r.role == ("primary" if rank == 1 else "also")
        assert DATA.directory.get(r.provider_id) is not None, r.provider_id
        assert DATA.directory.public(r.provider_id, decision.language)["id"] == r.provider_id
        assert r.principle and r.rule and r.reason
        assert r.score == r.score  # not NaN
    for n in decision.needs:
        assert n.theme in DATA.taxonomy.themes and n.service in DATA.taxonomy.services
    for c in decision.clarify:
        assert c.field in ("need", "location")
        labels = [o.label for o in c.options]
        assert len(set(labels)) == len(labels), labels  # every option can be told apart
    list(decision.trace)  # the explanation renders


def _event(name: str) -> None:
    if currently_in_test_context():  # statistics (--hypothesis-show-statistics) of what was reached
        event(name)


def route_or_refuse(inp: RouteInput, fields: tuple[str, ...]) -> Decision | None:
    """The decision, or None when the input was refused with InvalidInput naming one of `fields`
    (a prefix such as "needs[" names every item). Anything else raised fails the test."""
    try:
        decision = ROUTER.route(inp)
    except InvalidInput as e:
        assert e.field.startswith(fields), e.field
        assert e.message
        _event(f"refused: {e.field.split('[')[0]}")
        return None
    check(decision)
    _event(f"outcome: {decision.outcome}")
    return decision


@CORE
@given(questions)
def test_any_question_routes_or_is_refused_cleanly(question: str) -> None:
    decision = route_or_refuse(RouteInput(question=question), ("question",))
    if len(question) > MAX_QUESTION_CHARS or not question.strip():
        assert decision is None  # over the limit or blank: refused
    else:
        assert decision is not None  # any other text gets an answer, even if out of scope
        again = ROUTER.route(RouteInput(question=question))  # and the same one every time
        assert (again.outcome, again.routes, again.needs, again.clarify) == \
            (decision.outcome, decision.routes, decision.needs, decision.clarify)


_postcodes = st.from_regex(r"[1-9][0-9]{3}( ?[A-Z]{2})?", fullmatch=True)
_known_place = st.tuples(st.one_of(st.none(), _postcodes), st.one_of(st.none(), st.sampled_from(MUNICIPALITIES)),
                         st.one_of(st.none(), st.sampled_from(PROVINCES)))
_any_place = st.tuples(st.one_of(maybe_text, st.from_regex(r"[0-9]{4} ?[A-Za-z]{0,2}", fullmatch=True)),
                       st.one_of(maybe_text, st.sampled_from(MUNICIPALITIES)),
                       st.one_of(maybe_text, st.sampled_from(PROVINCES)))


@CORE
@given(question=st.one_of(st.none(), questions), place=st.one_of(_known_place, _any_place))
def test_any_location_routes_or_is_refused_cleanly(question: str | None,
                                                   place: tuple[str | None, str | None, str | None]) -> None:
    inp = RouteInput(question=question or "Ik zoek subsidie voor zonnepanelen op mijn bedrijfspand",
                     location=LocationInput(*place))
    route_or_refuse(inp, ("question", "location"))


_known_need = st.tuples(st.sampled_from(THEMES), st.sampled_from(SERVICES))
_any_need = st.tuples(st.one_of(st.sampled_from(THEMES), st.text(max_size=40)),
                      st.one_of(st.sampled_from(SERVICES), st.text(max_size=40)))


@CORE
@given(
    question=st.one_of(st.none(), questions),
    needs=st.one_of(st.lists(_known_need, max_size=10), st.lists(st.one_of(_known_need, _any_need), max_size=10)),
    language=st.one_of(st.none(), st.sampled_from(["nl", "en"]), st.text(max_size=5)),
    employees=st.one_of(st.none(), st.integers(-10, 2_000_000)),
    phase=st.one_of(st.none(), st.sampled_from(PHASES), st.text(max_size=12)),
)
def test_any_needs_and_profile_route_or_are_refused_cleanly(question: str | None, needs: list[tuple[str, str]],
                                                             language: str | None, employees: int | None,
                                                             phase: str | None) -> None:
    inp = RouteInput(question=question, language=language, needs=tuple(needs),
                     company=CompanyInput(employees=employees, phase=phase))
    decision = route_or_refuse(inp, ("question", "language", "needs[", "company."))
    if decision is not None and language is not None:
        assert decision.language == language


# -- over HTTP -------------------------------------------------------------------------------------
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                     st.text(max_size=40), st.text(st.characters(), max_size=10))  # lone surrogates too
_json = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                       st.dictionaries(st.text(max_size=12), inner, max_size=5)),
                     max_leaves=20)
_field_values = st.one_of(_json, maybe_text)
_request_like = st.fixed_dictionaries({}, optional={
    "question": st.one_of(questions, _json),
    "language": st.one_of(st.sampled_from(["nl", "en"]), _json),
    "location": st.one_of(st.fixed_dictionaries({}, optional={"postcode": _field_values,
                                                              "municipality": _field_values,
                                                              "province": _field_values}), _json),
    "company": st.one_of(st.fixed_dictionaries({}, optional={
        "employees": st.one_of(st.integers(-5, 2_000_000), _json), "phase": st.one_of(st.sampled_from(PHASES), _json),
        "kvk_number": st.one_of(st.from_regex(r"[0-9]{8}", fullmatch=True), _json),
        "sbi": st.one_of(st.from_regex(r"[0-9]{1,5}", fullmatch=True), _json)}), _json),
    "needs": st.one_of(st.lists(st.fixed_dictionaries({"theme": st.one_of(st.sampled_from(THEMES), _json),
                                                       "service": st.one_of(st.sampled_from(SERVICES), _json)}),
                                max_size=11), _json),
    "extra": _json,
})


# Well-typed requests (as a form or widget sends them), so that most get past validation into the core.
_well_typed = st.fixed_dictionaries({"question": questions}, optional={
    "language": st.sampled_from(["nl", "en"]),
    "location": st.one_of(
        st.fixed_dictionaries({}, optional={"postcode": _postcodes, "municipality": st.sampled_from(MUNICIPALITIES),
                                            "province": st.sampled_from(PROVINCES)}),
        st.fixed_dictionaries({}, optional={"postcode": st.text(max_size=16), "municipality": st.text(max_size=100),
                                            "province": st.text(max_size=100)})),
    "company": st.fixed_dictionaries({}, optional={"employees": st.integers(0, 1_000_000),
                                                   "phase": st.sampled_from(PHASES)}),
    "needs": st.lists(st.builds(lambda t, s: {"theme": t, "service": s}, st.sampled_from(THEMES),
                                st.sampled_from(SERVICES)), max_size=3),
})


@settings(derandomize=True, max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.one_of(_json, _request_like, _well_typed), explain=st.booleans())
def test_any_json_body_is_answered_or_refused_as_a_problem(client: TestClient, body: Any, explain: bool) -> None:
    # Serialised here with escapes, so that lone surrogates reach the service as JSON text.
    r = client.post("/v1/route", content=json.dumps(body), params={"explain": "true"} if explain else None,
                    headers={"content-type": "application/json"})
    assert r.status_code in (200, 422), (r.status_code, r.text)
    event(f"status: {r.status_code}")
    if r.status_code == 200:
        answer = r.json()
        assert answer["outcome"] in OUTCOMES and answer["request_id"]
        assert all(DATA.directory.get(route["provider"]["id"]) for route in answer["routes"])
    else:
        problem = r.json()
        assert r.headers["content-type"] == "application/problem+json"
        assert problem["status"] == 422 and problem["errors"] and problem["request_id"]
        assert all(e["field"] and e["message"] for e in problem["errors"])


def test_the_api_and_the_core_share_the_question_limit() -> None:
    from app.route.schemas import RouteRequest

    limits = [m.max_length for m in RouteRequest.model_fields["question"].metadata if hasattr(m, "max_length")]
    assert limits == [MAX_QUESTION_CHARS]


@pytest.mark.parametrize("question", ["\x00", "\u202e\u202d", "🚀" * MAX_QUESTION_CHARS, "a" * MAX_QUESTION_CHARS])
def test_edge_questions_route(question: str) -> None:
    assert route_or_refuse(RouteInput(question=question), ("question",)) is not None
