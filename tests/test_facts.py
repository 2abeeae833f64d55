import pytest

from app.routing.engine import Router
from app.routing.facts import extract, parse_number
from app.routing.text import clean, tokenize
from tests.conftest import route


def facts(router: Router, text: str):  # type: ignore[no-untyped-def]
    t = clean(text)
    return extract(t, tokenize(t), router.data.language)


@pytest.mark.parametrize(("text", "pc"), [
    ("Mijn postcode is 9711.", "9711"),
    ("My company is in 5038.", "5038"),
    ("we zitten op 5038 AB", "5038AB"),
    ("adres: 5038ab", "5038AB"),
    ("postcode 2011", "2011"),
])
def test_postcode_in_text(router: Router, text: str, pc: str) -> None:
    assert facts(router, text).postcode == pc


@pytest.mark.parametrize("text", [
    "Wat gebeurt er als mijn kantoor in 2023 geen label C heeft?",
    "Moet ik 1.225 uur werken?",
    "Ik leen 5000 euro",
    "We hebben 1200 medewerkers",
    "in 2023 en 2024",
])
def test_numbers_that_are_not_postcodes(router: Router, text: str) -> None:
    assert facts(router, text).postcode is None


@pytest.mark.parametrize(("text", "amount"), [
    ("Ik zoek € 40.000 voor een foodtruck", 40_000),
    ("we need EUR 250,000", 250_000),
    ("2 miljoen euro aan kapitaal", 2_000_000),
    ("€15 million to scale up", 15_000_000),
    ("ongeveer 1,5 mln", 1_500_000),
    ("een lening van 50k", 50_000),
])
def test_amounts(router: Router, text: str, amount: float) -> None:
    assert facts(router, text).amount == amount


def test_bare_numbers_are_not_money(router: Router) -> None:
    assert facts(router, "We hebben 12 medewerkers sinds 2019").amount is None


def test_staff_size_and_its_span(router: Router) -> None:
    f = facts(router, "Wij hebben 12 medewerkers in dienst")
    assert f.employees == 12
    assert f.staff_spans == ((2, 3),)


@pytest.mark.parametrize(("text", "spans"), [
    ("Wij hebben 15 medewerkers; de regeling is voor bedrijven met 2 tot 50 werknemers", ((2, 3), (10, 13))),
    ("open to firms with 10-49 employees", ((4, 6),)),
])
def test_every_staff_count_and_range_is_a_size(router: Router, text: str, spans: tuple[tuple[int, int], ...]) -> None:
    assert facts(router, text).staff_spans == spans


def test_a_staff_range_named_as_a_criterion_is_no_labour_topic(router: Router) -> None:
    # the firm's own count and the scheme's range are sizes; sustainability is what is asked about
    d = route(router, "Wij hebben een drukkerij met 15 medewerkers. Ik las dat de provincie bedrijven met 2 tot "
                      "50 werknemers gratis helpt met een verduurzamingsplan. Hoe meld ik me aan?",
              location={"municipality": "Zwolle"})
    assert not [m for m in d.matches if m.concept.id.startswith("theme.labour")], d.matches
    assert d.routes[0].provider_id == "provincie:PV23"


@pytest.mark.parametrize(("text", "count", "spans"), [
    ("Ik heb een installatiebedrijf met negen monteurs en zeven medewerkers op kantoor", 7, ((8, 9),)),
    ("We are a bakery with twelve staff", 12, ((5, 6),)),
    ("firms with between five and twenty employees", 20, ((3, 6),)),  # a range, as with digits
])
def test_staff_counts_written_as_words(router: Router, text: str, count: int,
                                      spans: tuple[tuple[int, int], ...]) -> None:
    f = facts(router, text)
    assert (f.employees, f.staff_spans) == (count, spans)


def test_hiring_one_person_is_no_staff_size(router: Router) -> None:
    # "een" is an article as often as a number: hiring "een medewerker" stays a labour topic
    assert facts(router, "Ik wil een medewerker aannemen").staff_spans == ()


def test_a_staff_count_in_words_is_no_labour_topic(router: Router) -> None:
    # the size says who asks; what is asked is how to make the building sustainable
    d = route(router, "Ik heb een drukkerij met acht medewerkers en wil ons pand en onze machines verduurzamen, "
                      "maar ik weet niet waar ik moet beginnen.")
    assert d.facts["employees"] == 8
    assert not [m for m in d.matches if m.concept.id.startswith("theme.labour")], d.matches
    assert [n.theme for n in d.needs][:1] == ["sustainability"]


@pytest.mark.parametrize(("raw", "value"), [
    ("250.000", 250_000), ("250,000", 250_000), ("1,5", 1.5), ("2.5", 2.5), ("1.2.3", None),
])
def test_parse_number(raw: str, value: float | None) -> None:
    assert parse_number(raw) == value


def test_grouped_number_is_money_unless_it_counts_something_else(router: Router) -> None:
    assert facts(router, "ik heb 40.000 nodig voor mijn bakkerij").amount == 40_000
    assert facts(router, "moet ik 1.225 uur werken?").amount is None
    assert facts(router, "we hebben 12.000 klanten").amount is None


# -- numbers with a unit are quantities, not money ----------------------------------------------
@pytest.mark.parametrize("text", [
    "Haal ik het urencriterium als ik 1.250 uur per jaar aan mijn zaak werk?",   # hours
    "Het btw-tarief van 21% geldt toch voor alle diensten?",                      # percent
    "We gebruiken ruim 60.000 kWh elektriciteit per jaar.",                       # energy
    "Ons magazijn is 2.500 m2 groot; wat mag er op het dak?",                     # area
    "Wij bestaan al 25 jaar en hebben 1.400 vaste klanten.",                      # years, people
    "We verbruiken 30.000 m3 aardgas per jaar.",                                  # volume
])
def test_a_number_with_a_unit_is_not_money(router: Router, text: str) -> None:
    f = facts(router, text)
    assert f.amount is None and not f.quantities


@pytest.mark.parametrize(("text", "role"), [
    ("Mijn omzet blijft onder de € 20.000; mag ik de kleineondernemersregeling gebruiken?", "threshold"),
    ("Is er subsidie voor een investering van € 45.000 in isolatie?", "value"),
    ("We export machines worth €80,000 to Canada.", "value"),
    ("Ik wil € 35.000 lenen voor een bestelbus.", "raise"),
    ("Kan ik tot € 60.000 lenen voor mijn webwinkel?", "raise"),   # a comparison word next to money raised
    ("Ik heb 25.000 euro nodig om mijn atelier in te richten.", "raise"),
    # a budget a government sets aside is no money the firm raises (fresh set z)
    ("Ik las dat het ministerie 12 miljoen euro vrijmaakt voor bedrijven in de glastuinbouw.", "value"),
    # what the asker earns is income, never money to raise (fresh set by)
    ("Met mijn hoveniersbedrijf verdien ik netto ongeveer 1.400 euro per maand.", "income"),
    ("My freelance income last year was only EUR 11,000.", "income"),
    ("Ik verdien nu 2.000 euro per maand, maar ik wil 15.000 euro lenen voor een bus.", "raise"),
    # a rate is what something costs, not money to raise (fresh set ey) ...
    ("We betalen voor de muziek in de zaak zo'n 200 euro per jaar aan een aanbieder. Mag dat nog?", "value"),
    ("Our cleaner charges €45 an hour. Is that VAT-exempt?", "value"),
    ("De huur is 1.500 euro per maand en de verhuurder wil omhoog.", "value"),
    # ... unless its sentence borrows it
    ("Ik wil 500 euro per maand lenen om mijn voorraad te financieren.", "raise"),
    # money owed to the firm is a value, not money to raise (fresh set fp)
    ("Een klant is failliet en ik heb nog 4.800 euro openstaan.", "value"),
    ("The bankrupt wholesaler still owes us EUR 9,500 in outstanding invoices.", "value"),
])
def test_money_has_a_role(router: Router, text: str, role: str) -> None:
    f = facts(router, text)
    assert {q.role for q in f.quantities} == {role}
    # only money to raise counts as a capital need
    assert (f.amount is not None) == (role == "raise")


def test_a_threshold_or_a_value_does_not_make_a_financing_question(router: Router) -> None:
    d = route(router, "Mijn jaaromzet is hoger dan € 20.000. Moet ik dan btw aangeven?")
    assert d.routes[0].family == "belastingdienst" and "amount_eur" not in d.facts
    d = route(router, "Welke subsidie is er voor een investering van € 45.000 in ledverlichting voor ons pand?")
    assert d.routes[0].family == "rvo"
    d = route(router, "Ik wil € 35.000 lenen voor een bestelbus voor mijn klusbedrijf.")
    assert d.routes[0].family == "qredits" and d.facts["amount_eur"] == 35_000
    assert d.facts["amount_role"] == "raise"


def test_a_sole_trader_who_earns_too_little_asks_the_municipality_not_a_lender(router: Router) -> None:
    """Income named in euros is no loan request: a self-employed person whose earnings are too low
    to live on asks for the municipality's income support (Bbz), not for financing."""
    d = route(router, "Ik heb al jaren een fietsenwinkel en verdien er nu nog maar 8.000 euro per jaar mee. "
                      "Dat is te weinig om van te leven. Kan ik een aanvulling krijgen zonder mijn zaak te sluiten?")
    assert d.routes[0].family == "gemeente" and "amount_eur" not in d.facts


def test_above_qredits_ceiling_a_firm_the_bank_turned_down_goes_to_its_rom(router: Router) -> None:
    """Qredits lends up to EUR 250,000 (routing-policy.md §4b); a larger loan the bank refused is for
    the regional development company's SME funds, a smaller one stays Qredits'."""
    d = route(router, "Ons bouwbedrijf in Assen wil een nieuwe hal bouwen van 450.000 euro, maar de bank wijst de "
                      "lening af. Waar kunnen we nog terecht?")
    assert d.routes[0].provider_id == "rom:nom" and d.routes[0].rule == "financing.capital.rom.above_qredits"
    d = route(router, "Ons bouwbedrijf in Assen wil een bus kopen van 45.000 euro, maar de bank wijst de lening af. "
                      "Waar kunnen we nog terecht?")
    assert d.routes[0].family == "qredits"


def test_a_fee_per_year_does_not_send_the_question_to_a_lender(router: Router) -> None:
    d = route(router, "Ik heb een lunchroom en betaal 250 euro per jaar voor achtergrondmuziek. Nu zegt Buma dat "
                      "ik extra moet betalen. Klopt dat?")
    assert d.routes[0].family not in ("qredits", "invest-nl", "rom")
