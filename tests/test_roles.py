"""Who is asking (routing_rules/lexicon/roles.yaml): private roles are out of scope even when the
question names a scheme or a body; a firm role keeps the question in scope; personas describe who
asks, not what the question is about. Questions written for these tests."""

import pytest

from app.routing.engine import Router
from tests.conftest import route

PRIVATE_WITH_A_SCHEME = [
    # (question, role)
    ("Als werknemer wil ik weten of ik recht heb op de 30%-regeling.", "employee"),
    ("Mijn werkgever betaalt mijn reiskostenvergoeding te laat, kan de Belastingdienst daar iets aan doen?",
     "employee"),
    ("Mijn tijdelijke contract wordt niet verlengd. Hoe vraag ik een WW-uitkering aan bij het UWV?", "employee"),
    ("Kan ik ISDE-subsidie krijgen voor een warmtepomp in mijn eigen woning?", "homeowner"),
    ("As a homeowner, can I get a grant from RVO to insulate my house?", "homeowner"),
    ("Mijn bestelling bij een webshop is na drie weken nog steeds niet geleverd. Waar kan ik klagen?",
     "consumer"),
    ("My order from an online store never arrived and the shop does not answer. Who can help?", "consumer"),
    ("Wij willen met de buren een straatfeest houden. Hebben we een evenementenvergunning nodig?", "neighbour"),
    ("Hoeveel mag ik bijverdienen zonder dat mijn studiefinanciering van DUO wordt gekort?", "student"),
    ("Ik ben huurder en mijn verhuurder wil de huur flink verhogen, mag dat?", "tenant"),
    ("Ik ben werkloos en zoek een nieuwe baan, kan het UWV mij helpen met mijn cv?", "job_seeker"),
    ("Als particulier wil ik weten of ik btw moet betalen over een tweedehands auto uit Duitsland.",
     "private_person"),
]


@pytest.mark.parametrize(("question", "role"), PRIVATE_WITH_A_SCHEME)
def test_a_private_role_is_out_of_scope_even_with_a_scheme_named(router: Router, question: str,
                                                                  role: str) -> None:
    d = route(router, question)
    assert d.out_of_scope, [r.provider_id for r in d.routes]
    assert d.routes == ()
    assert d.facts["scope"] == "private" and d.facts["role"] == role
    # the answer names the role in the question's language, and gives an example that works
    label = router.data.roles[role].label[d.language]
    assert label in (d.message or "")


BUSINESS_ROLES = [
    # (question, first door's family)
    ("Ik ben werknemer en wil daarnaast een eigen bedrijf starten. Wat moet ik regelen?", "kvk"),
    ("Mijn werknemer vraagt of hij de 30%-regeling kan krijgen; hoe regel ik dat als werkgever?",
     "belastingdienst"),
    ("Ik heb een kapsalon en mijn verhuurder wil de huur van het winkelpand verhogen. Mag dat?", "kvk"),
    ("Mag ik in mijn woning een bed & breakfast beginnen?", "gemeente"),
    ("Mag ik de kosten van een werkruimte in mijn eigen woning aftrekken van de winst van mijn eenmanszaak?",
     "belastingdienst"),
    ("Een klant zegt dat zijn pakket nooit is aangekomen. Moet ik als webwinkel het geld terugbetalen?", "kvk"),
    ("Do I still meet the hours criterion if I also work two days a week as an employee?", "belastingdienst"),
    ("We run a small bakery and our landlord wants to raise the rent of the shop. What can we do?", "kvk"),
]


@pytest.mark.parametrize(("question", "family"), BUSINESS_ROLES)
def test_a_firm_role_keeps_the_question_in_scope(router: Router, question: str, family: str) -> None:
    d = route(router, question)
    assert not d.out_of_scope, d.facts
    assert d.routes[0].family == family, [r.provider_id for r in d.routes]


PERSONA_AND_TOPIC = [
    # the persona says who asks; the topic decides the door
    ("Ik ben zzp'er. Mag ik mijn bonnetjes digitaal bewaren in plaats van op papier?", "belastingdienst"),
    ("Als zzp'er rijd ik soms zakelijk met mijn privéauto. Hoe zit dat met de kilometers en de belasting?",
     "belastingdienst"),
    ("Als eenmanszaak: moet ik btw rekenen over diensten aan klanten in België?", "belastingdienst"),
    ("As a freelancer, how long do I have to keep my invoices and receipts?", "belastingdienst"),
    ("Ik ben starter en mijn website is gehackt, wat nu?", "dtc"),
    ("Als werkgever wil ik mijn webshop beter beveiligen tegen phishing.", "dtc"),
]


@pytest.mark.parametrize(("question", "family"), PERSONA_AND_TOPIC)
def test_a_persona_does_not_decide_the_theme(router: Router, question: str, family: str) -> None:
    d = route(router, question)
    assert d.routes[0].family == family, [(n.theme, n.service) for n in d.needs]


def test_a_persona_alone_still_gets_its_theme(router: Router) -> None:
    # no topic at all: the persona is all there is to go on (starting -> KVK first, §4b)
    d = route(router, "Ik ben starter. Waar moet ik allemaal aan denken?")
    assert d.routes[0].family == "kvk"
    assert d.needs[0].theme == "starting"


def test_business_words_alone_do_not_outweigh_a_plain_private_role(router: Router) -> None:
    # "een webshop" and "het bedrijf" name business things, not the asker's firm
    d = route(router, "Ik werk bij een bedrijf met een webshop en mijn werkgever wil mijn contract niet verlengen.")
    assert d.out_of_scope and d.facts["role"] == "employee"


def test_a_weak_business_word_loses_to_a_private_role(router: Router) -> None:
    # "home office" is also an employee's word: weight 0.5, below min_firm_weight
    d = route(router, "I am an employee. Can I deduct the costs of my home office?")
    assert d.out_of_scope and d.facts["role"] == "employee"
    d = route(router, "Can I deduct the costs of my home office from the profit of my sole proprietorship?")
    assert not d.out_of_scope and d.routes[0].family == "belastingdienst"
