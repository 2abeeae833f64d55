from app.routing.text import clean, fold, tokenize


def test_fold_removes_case_accents_and_apostrophes() -> None:
    assert fold("Fryslân") == "fryslan"
    assert fold("ZZP'er") == "zzper"
    assert fold("'s-Hertogenbosch") == "s hertogenbosch"
    assert fold("Súdwest-Fryslân") == "sudwest fryslan"


def test_typographic_apostrophes_and_dashes_are_unified() -> None:
    assert [t.norm for t in tokenize(clean("zzp’er – mkb‘er"))] == ["zzper", "mkber"]


def test_grouped_numbers_become_one_token_with_their_surface() -> None:
    toks = tokenize(clean("ik werk 1.225 uur en leen € 250,000"))
    nums = [(t.norm, t.surface) for t in toks if t.norm.isdigit()]
    assert nums == [("1225", "1.225"), ("250000", "250,000")]


def test_decimal_numbers_are_not_grouped() -> None:
    assert [t.norm for t in tokenize(clean("1,5 miljoen"))] == ["1", "5", "miljoen"]


def test_token_offsets_point_at_the_surface_text() -> None:
    text = clean("Mijn café in Súdwest-Fryslân")
    for t in tokenize(text):
        assert text[t.start : t.end] == t.surface


def test_hyphen_flags_mark_compounds_and_elisions() -> None:
    toks = tokenize(clean("energiebesparings- en informatieplicht, SLIM-subsidie"))
    by = {t.norm: t for t in toks}
    assert by["energiebesparings"].hyphen_after and by["energiebesparings"].space_after_hyphen
    assert by["slim"].hyphen_after and not by["slim"].space_after_hyphen
    assert by["slim"].cased == "SLIM"
    assert not by["informatieplicht"].hyphen_after


def test_ampersand_words_stay_whole() -> None:
    assert [t.norm for t in tokenize(clean("R&D en S&O"))] == ["r&d", "en", "s&o"]


def test_a_sentence_ends_at_a_stop_followed_by_a_space_or_the_end() -> None:
    def sentences(text: str) -> list[int]:
        return [t.sent for t in tokenize(clean(text))]

    # between sentences, also after closing quotes and brackets, and after "?!"
    assert sentences("Klaar. Nu dan?! Ja (zeker.) \"Goed.\" Oké") == [0, 1, 1, 2, 2, 3, 4]
    # not inside a decimal number, a web address or a name with a "!" in it
    assert sentences("Het kost 2.5 procent") == [0, 0, 0, 0, 0]
    assert sentences("zie www.kvk.nl voor meer") == [0] * 6
    assert sentences("het traject GO!-NH van de provincie") == [0] * 7
