import pytest

from app.routing.engine import Router
from app.routing.lexicon import Concept, Cue, CueSyntaxError, Lexicon, parse_cue
from app.routing.model import RouteInput
from app.routing.text import clean, tokenize


def lex(*entries: tuple[str, Concept]) -> Lexicon:
    cues = [Cue(c, "nl", raw, seq) for raw, c in entries for seq in parse_cue(raw)]
    return Lexicon(cues)


PERMITS = Concept("permits", themes=(("permits", 1.0),))
TERRACE = Concept("terrace", instrument="municipal", weight=2.0)
TAX = Concept("tax", themes=(("tax", 1.0),))
LEVY = Concept("levy", instrument="municipal", weight=2.0)
SCHEME = Concept("scheme", services=(("scheme", 1.0),))
SCHEME_ASK = Concept("scheme.ask", services=(("scheme", 0.6),))
SLIM = Concept("slim", instrument="slim", weight=2.0)
STAFF = Concept("staff", needs=(("labour_market", "staff", 1.0),))


def ids(lexicon: Lexicon, text: str) -> list[str]:
    return [m.concept.id for m in lexicon.match(tokenize(clean(text)))]


def test_default_word_matches_inflections_and_compound_starts() -> None:
    lx = lex(("subsidie", SCHEME))
    assert ids(lx, "subsidies") == ["scheme"]
    assert ids(lx, "de subsidieregeling") == ["scheme"]
    assert ids(lx, "subsidiabel") == []


def test_short_words_do_not_match_as_compound_start() -> None:
    lx = lex(("btw", TAX))
    assert ids(lx, "btw") == ["tax"]
    assert ids(lx, "btwnummer") == []


def test_explicit_prefix_and_compound_head() -> None:
    lx = lex(("btw*", TAX), ("*vergunning", PERMITS))
    assert ids(lx, "btwnummer") == ["tax"]
    assert ids(lx, "terrasvergunningen") == ["permits"]


def test_exact_marker_blocks_compounds() -> None:
    lx = lex(("=bank", TAX))
    assert ids(lx, "banken") == ["tax"]
    assert ids(lx, "bankier") == []


def test_case_sensitive_acronym() -> None:
    lx = lex(("!SLIM", SLIM))
    assert ids(lx, "de SLIM-regeling") == ["slim"]
    assert ids(lx, "een slim idee") == []


def test_phrase_with_gap() -> None:
    lx = lex(("personeel ... vinden", STAFF))
    assert ids(lx, "personeel vinden") == ["staff"]
    assert ids(lx, "personeel voor mijn winkel vinden") == ["staff"]
    assert ids(lx, "personeel voor mijn nieuwe grote winkel in Tilburg vinden") == []


def test_hyphenated_cue_also_matches_written_together_and_apart() -> None:
    lx = lex(("btw-nummer", TAX))
    for text in ("mijn btw-nummer", "mijn btwnummer", "mijn btw nummer"):
        assert ids(lx, text) == ["tax"], text


def test_a_word_the_question_hyphenates_matches_a_cue_written_together() -> None:
    # "start-upvisum" where the table writes "startupvisum"; a compound-head or suffix cue that
    # matches only the second part does not read the joined word ("Bbz-lening" is not a plain loan)
    visa = Concept("visa", instrument="ind", weight=2.0)
    loan = Concept("loan", themes=(("financing", 1.0),))
    lx = lex(("startupvisum", visa), ("lening", loan), ("**lening", loan), ("bbz", TAX))
    assert ids(lx, "een start-upvisum aanvragen") == ["visa"]
    found = lx.match(tokenize(clean("een start-upvisum")))
    assert [(m.first, m.last, m.evidence) for m in found] == [(1, 2, "start-upvisum")]
    assert ids(lx, "een Bbz-lening") == ["tax", "loan"]
    assert ids(lx, "een start upvisum") == []  # apart, without the hyphen: two words


def test_longest_match_wins_over_a_word_inside_it_with_another_effect() -> None:
    lx = lex(("precariobelasting", LEVY), ("*belasting", TAX))
    assert ids(lx, "precariobelasting") == ["levy"]
    assert ids(lx, "inkomstenbelasting") == ["tax"]


def test_phrase_and_word_with_the_same_effect_both_count() -> None:
    lx = lex(("welke subsidie", SCHEME_ASK), ("subsidie", SCHEME))
    assert sorted(ids(lx, "welke subsidie is er")) == ["scheme", "scheme.ask"]


def test_gapped_phrase_does_not_hide_the_words_in_its_gap() -> None:
    info = Concept("info", services=(("information", 0.5),))
    lx = lex(("wat houdt ... in", info), ("informatieplicht", TERRACE))
    assert sorted(ids(lx, "wat houdt de informatieplicht in")) == ["info", "terrace"]


def test_typo_at_distance_one_matches_at_lower_weight() -> None:
    lx = lex(("terrasvergunning", TERRACE))
    [m] = lx.match(tokenize(clean("terasvergunning")))
    assert m.fuzzy and m.weight < TERRACE.weight


def test_short_words_are_not_typo_matched() -> None:
    lx = lex(("router", TAX))
    assert ids(lx, "routes") == []


def test_dutch_elision_completes_the_first_compound() -> None:
    lx = lex(("energiebesparingsplicht", TERRACE), ("informatieplicht", LEVY))
    assert sorted(ids(lx, "de energiebesparings- en informatieplicht")) == ["levy", "terrace"]


def test_elision_borrows_a_head_of_at_least_four_letters() -> None:
    # "ongevallen-" + the "ing" of "...verzekering" would read as "ongevallening", a loan
    loan = Concept("loan", themes=(("financing", 1.0),))
    lx = lex(("**lening", loan))
    assert ids(lx, "een ongevallen- en aansprakelijkheidsverzekering") == []
    assert ids(lx, "een starters- en overbruggingslening") == ["loan", "loan"]


@pytest.mark.parametrize("raw", ["", "...", "... vinden", "personeel ...", "!!!"])
def test_malformed_cues_are_rejected(raw: str) -> None:
    with pytest.raises(CueSyntaxError):
        parse_cue(raw)


def test_compound_head_only_marker() -> None:
    fund = Concept("fund", instrument="rom_fund", weight=1.3)
    lx = lex(("**fonds", fund))
    assert ids(lx, "het innovatiefonds") == ["fund"]
    assert ids(lx, "banken en fondsen") == []


def test_words_never_seen_again_do_not_grow_the_memos_without_bound() -> None:
    """Numbers, names and typos are new in almost every question: each per-word memo of the core
    stays within WORD_MEMO entries (issue 14: a worker's memory after 100,000 varied questions)."""
    from app.config import get_settings
    from app.routing import lexicon as lexicon_mod
    from app.routing import text as text_mod
    from app.routing.engine import Router
    from app.routing.model import RouteInput
    from app.routing.text import WORD_MEMO

    router = Router.from_directory(get_settings().rules_dir)
    words = iter(range(3 * WORD_MEMO))
    for _ in range(3 * WORD_MEMO // 150):
        batch = " ".join(f"zq{next(words)}x" for _ in range(150))
        router.route(RouteInput(question=f"Welke subsidie is er voor ons bedrijf {batch}?"))
    lex = router.data.lexicon
    assert len(lex._memo) <= WORD_MEMO + 1 and len(lex._offers) <= WORD_MEMO + 1
    assert len(lex._fuzzy_memo) <= WORD_MEMO + 1
    if router.data.model is not None:
        assert router.data.model.memo_size <= WORD_MEMO
    for cached in (lexicon_mod._forms, text_mod.strip_accents):
        assert cached.cache_info().maxsize == WORD_MEMO


def test_a_compound_head_is_not_found_inside_another_word_that_ends_like_it(router: Router) -> None:
    # language.yaml not_heads: "dienstverlening" and "hulpverlening" end like "lening" but are no loan
    def loans(question: str) -> list[str]:
        return [m.evidence for m in router.route(RouteInput(question=question)).matches
                if m.concept.id == "theme.financing.capital"]

    assert loans("Wij zijn een bureau voor zakelijke dienstverlening en zoeken een nieuwe boekhouder.") == []
    assert loans("Wat kost schuldhulpverlening via de gemeente?") == []
    assert set(loans("Kan ik voor mijn kapsalon een bedrijfslening krijgen?")) == {"bedrijfslening"}


def test_a_phrase_gap_never_runs_across_but(router: Router) -> None:
    # fresh set bn: "company ~ start*" read "another company, but it only starts" as founding a company
    d = router.route(RouteInput(question="I work for a bank in Utrecht and I was offered a job at another "
                                         "company, but it only starts in May. Do I keep my 30% ruling in between?"))
    assert d.outcome == "out_of_scope", [r.provider_id for r in d.routes]
    d = router.route(RouteInput(question="Ik wil een bedrijf starten maar weet niet hoe ik het moet noemen. "
                                         "Mag elke naam?"))
    assert d.outcome != "out_of_scope" and d.routes[0].family == "kvk"


def test_a_word_after_a_gap_is_tried_wherever_it_stands_in_the_gap() -> None:
    # the first "in" is followed by "deeltijd", not by "dienst": the phrase goes on to the next "in"
    lx = lex(("ik heb ... mensen ... in dienst", STAFF))
    assert ids(lx, "ik heb twee mensen in deeltijd in dienst") == ["staff"]
    assert ids(lx, "ik heb twee mensen in deeltijd") == []


def test_a_short_part_of_a_hyphenated_cue_does_not_match_other_words(router: Router) -> None:
    # "wi-fi" was a cue whose parts "wi" and "fi*" read "Wie financiert" as Wi-Fi (fresh set fx);
    # the question's own hyphenated "wi-fi" still matches "wifi*" (Lexicon._joined)
    def concepts(q: str) -> set[str]:
        return {t.concept for t in router.route(RouteInput(question=q)).trace}

    assert "theme.cybersecurity.weak" not in concepts("Onze nieuwe hal kost 2 miljoen euro. Wie financiert mee?")
    assert "theme.cybersecurity.weak" in concepts("Onze wi-fi in de winkel is onveilig. Wat moet ik doen?")
