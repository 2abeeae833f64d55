"""Answer quality: a door per distinct need, "also" doors with a reason and rule of their own,
clarify options that carry a signal back into the re-route, helplines chosen by topic."""

from fastapi.testclient import TestClient

from app.routing.engine import Router
from tests.conftest import route

TERRACE_AND_SOLAR = "Ik heb een restaurant in Tilburg en wil een terras. En kan ik subsidie krijgen voor zonnepanelen?"


def test_two_distinct_needs_get_a_door_each(router: Router) -> None:
    d = route(router, TERRACE_AND_SOLAR)
    ids = [r.provider_id for r in d.routes]
    assert ids[:2] == ["gemeente:GM0855", "rvo"], ids
    first, second = d.routes[0], d.routes[1]
    assert first.rule == "named.municipal" and first.principle == "P5"
    # the second need's door carries its own row, principle and reason
    assert second.rule == "sustainability.scheme.rvo" and second.principle == "P2"
    assert "RVO" in second.reason and second.reason != first.reason
    assert {(n.theme, n.service) for n in d.needs} >= {("permits", "compliance"), ("sustainability", "scheme")}


def test_an_also_door_never_carries_the_primarys_rule_or_reason(router: Router) -> None:
    for q in (TERRACE_AND_SOLAR, "Hoe vraag ik de WBSO aan?", "Welke subsidie is er voor zonnepanelen op ons pand?",
              "Mijn werknemer is al zes weken ziek, wat moet ik doen?"):
        d = route(router, q)
        primary = d.routes[0]
        for r in d.routes[1:]:
            assert (r.rule, r.reason) != (primary.rule, primary.reason), (q, r)
            prov = router.data.directory.get(r.provider_id)
            assert prov is not None
            if r.rule.startswith("mandate."):
                # a door a row only lists: the provider's own mandate and principle
                assert r.reason == prov.mandate[d.language]
                assert r.principle == router.data.directory.families[r.family].principle


def test_kvk_as_also_door_explains_what_kvk_does(router: Router) -> None:
    d = route(router, TERRACE_AND_SOLAR)
    kvk = next(r for r in d.routes if r.provider_id == "kvk")
    assert kvk.rule == "mandate.kvk" and kvk.principle == "P1"
    assert "KVK" in kvk.reason and "gemeente" not in kvk.reason.split(".")[0].lower()


def test_a_vague_money_question_asks_which_kind_of_financing(router: Router) -> None:
    d = route(router, "Ik heb geld nodig voor mijn zaak.")
    assert d.outcome == "clarify"
    item = next(c for c in d.clarify if c.field == "need")
    assert len(item.options) == 3
    assert {s for o in item.options for s in o.signals} == {"microcredit", "risk_capital", "large"}
    assert all(o.needs == (("financing", "capital"),) for o in item.options)
    # an amount already decides: no refining question
    d = route(router, "Ik heb € 20.000 nodig voor mijn zaak.")
    assert d.routes[0].family == "qredits"
    assert all(c.field != "need" or "financiering" not in c.question for c in d.clarify)


def test_a_chosen_option_is_routed_by_its_signal(client: TestClient) -> None:
    q = "Ik heb geld nodig voor mijn zaak."
    body = client.post("/v1/route", json={"question": q}).json()
    options = {o["needs"][0]["signals"][0]: o for o in body["clarify"][0]["options"]}
    doors = {}
    for signal, option in options.items():
        again = client.post("/v1/route", json={"question": q, "needs": option["needs"]})
        assert again.status_code == 200
        doors[signal] = again.json()["routes"][0]["provider"]["family"]
    assert doors == {"microcredit": "qredits", "risk_capital": "rom", "large": "invest-nl"}


def test_an_unknown_signal_is_a_client_error(client: TestClient) -> None:
    resp = client.post("/v1/route", json={"question": "Ik heb geld nodig.",
                                          "needs": [{"theme": "financing", "service": "capital",
                                                     "signals": ["lots_of_money"]}]})
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert "lots_of_money" in resp.text


def test_a_helpline_is_chosen_by_its_topic(router: Router) -> None:
    hacked = "Is er een hulplijn die ik kan bellen nu onze systemen gehackt zijn?"
    assert route(router, hacked).routes[0].family == "dtc"
    assert route(router, "Is er een hulplijn voor ondernemers met schulden?").routes[0].family == "geldfit"
    assert route(router, "Which helpline do I call after a ransomware attack on my shop?").routes[0].family == "dtc"
    # a helpline without a topic: KVK's first line (P4)
    assert route(router, "Welke hulplijn kan ik als ondernemer bellen?").routes[0].family == "kvk"
