import pytest

from app.routing.engine import Router
from tests.conftest import route


@pytest.mark.parametrize(("question", "lang"), [
    ("Hoe vraag ik een omgevingsvergunning aan?", "nl"),
    ("How do I register my business with KVK?", "en"),
    ("Is a zzp'er the same as a freelancer?", "en"),
    ("Moet ik btw betalen over mijn webshop?", "nl"),
    ("asdf qwerty", "nl"),
])
def test_language_is_detected(router: Router, question: str, lang: str) -> None:
    assert route(router, question).language == lang


def test_requested_language_wins_and_answers_in_it(router: Router) -> None:
    d = route(router, "Hoe vraag ik de WBSO aan?", language="en")
    assert d.language == "en"
    assert "RVO" in d.routes[0].reason and "regeling" not in d.routes[0].reason
