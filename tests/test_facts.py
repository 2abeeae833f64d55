import pytest

from app.routing.engine import Router
from app.routing.facts import extract, parse_number
from app.routing.text import clean, tokenize


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
    assert f.employees_span == (2, 3)


@pytest.mark.parametrize(("raw", "value"), [
    ("250.000", 250_000), ("250,000", 250_000), ("1,5", 1.5), ("2.5", 2.5), ("1.2.3", None),
])
def test_parse_number(raw: str, value: float | None) -> None:
    assert parse_number(raw) == value


def test_grouped_number_is_money_unless_it_counts_something_else(router: Router) -> None:
    assert facts(router, "ik heb 40.000 nodig voor mijn bakkerij").amount == 40_000
    assert facts(router, "moet ik 1.225 uur werken?").amount is None
    assert facts(router, "we hebben 12.000 klanten").amount is None
