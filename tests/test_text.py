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
