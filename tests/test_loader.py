"""Loading a rule set: references are checked and errors name the file and row."""

from pathlib import Path

import pytest

from app.routing.engine import Router
from app.routing.loader import REGIONAL_SCHEMES, RuleSetData, RuleSetError, _Reader, load_ruleset, read_rule_files
from app.routing.model import RouteInput
from tests.conftest import RULES, SHIPPED_VERSION, rules_copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_rules_load_with_version_and_checksum() -> None:
    data = load_ruleset(RULES)
    assert data.meta.version == SHIPPED_VERSION
    assert data.meta.checksum.startswith("sha256:") and len(data.meta.checksum) == 71


def test_checksum_follows_the_content(tmp_path: Path) -> None:
    rules = rules_copy(tmp_path)
    before = load_ruleset(rules).meta.checksum
    edit(rules / "messages.yaml", "Stel bijvoorbeeld", "Vraag bijvoorbeeld")
    assert load_ruleset(rules).meta.checksum != before


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("decisions/tier2_needs.yaml", "primary: belastingdienst", "primary: belastingkantoor",
     "(tax.any.belastingdienst): unknown primary 'belastingkantoor'"),
    ("decisions/tier2_needs.yaml", "principle: P5", "principle: P9", "principle must be one of P1-P5"),
    ("decisions/tier1_named.yaml", "when: {instrument: slim}", "when: {instrument: slimm}",
     "unknown instrument 'slimm'"),
    ("decisions/tier2_needs.yaml", "when: {theme: tax}", "when: {theme: taxes}", "unknown theme 'taxes'"),
    ("lexicon/themes.yaml", "theme: growth\n", "theme: groei\n", "unknown theme 'groei'"),
    ("lexicon/instruments.yaml", 'provider: "rom:bom"', 'provider: "rom:brabant"',
     "unknown provider 'rom:brabant'"),
    ("taxonomy.yaml", "label: {nl: Verduurzaming, en: Sustainability}", "label: {nl: Verduurzaming}",
     "taxonomy.yaml theme sustainability: label needs non-empty nl and en texts"),
    ("regions/aliases.csv", "Den Haag,GM0518", "Den Haag,GM9999", "unknown code 'GM9999'"),
    ("thresholds.yaml", "min_margin: 0.15", "min_margin: veel", "thresholds.yaml"),
    ("thresholds.yaml", "local_families: [gemeente, wsp, provincie]", "local_families: [gemeente, kvk]",
     "learned.local_families: 'kvk' is not a regional provider family"),
    ("thresholds.yaml", "local_families: [gemeente, wsp, provincie]", "local_families: gemeente",
     "local_families must be a list of provider families"),
    ("thresholds.yaml", "back_in_roles: [homeowner, tenant, consumer]", "back_in_roles: [homeowner, huurder]",
     "learned.back_in_roles: 'huurder' is not a private role of lexicon/roles.yaml"),
    ("thresholds.yaml", "back_in_roles: [homeowner, tenant, consumer]", "back_in_roles: [employer]",
     "learned.back_in_roles: 'employer' is not a private role of lexicon/roles.yaml"),
    ("thresholds.yaml", "back_in_roles: [homeowner, tenant, consumer]", "back_in_roles: homeowner",
     "back_in_roles must be a list of role names"),
    ("messages.yaml", 'en: "RVO executes national schemes"', 'fr: "RVO"', "principles.P2 needs nl and en labels"),
    ("lexicon/roles.yaml", "    private: false\n    label: {nl: \"ondernemer\"",
     "    private: false\n    outweighs_firm: true\n    label: {nl: \"ondernemer\"",
     "`outweighs_firm` is true or false, and true only for a private role"),
    ("lexicon/roles.yaml", "outweighs_firm: true", "outweighs_firm: ja",
     "`outweighs_firm` is true or false, and true only for a private role"),
    ("lexicon/roles.yaml", "    private: false\n    label: {nl: \"ondernemer\"",
     "    private: false\n    of_others: true\n    label: {nl: \"ondernemer\"",
     "`of_others` is true or false, and true only for a private role"),
])
def test_broken_tables_are_refused_with_a_pointer(tmp_path: Path, file: str, old: str, new: str,
                                                    message: str) -> None:
    rules = rules_copy(tmp_path)
    edit(rules / file, old, new)
    with pytest.raises(RuleSetError) as err:
        load_ruleset(rules)
    assert any(message in p for p in err.value.problems), err.value.problems


def test_bad_cue_syntax_is_reported(tmp_path: Path) -> None:
    rules = rules_copy(tmp_path)
    edit(rules / "lexicon/signals.yaml", '"klein bedrag"', '"... bedrag"')
    with pytest.raises(RuleSetError) as err:
        load_ruleset(rules)
    assert any("lexicon/signals.yaml" in p and "..." in p for p in err.value.problems)


def test_invalid_yaml_is_reported(tmp_path: Path) -> None:
    rules = rules_copy(tmp_path)
    (rules / "profile.yaml").write_text("phase: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleSetError) as err:
        load_ruleset(rules)
    assert any(p.startswith("profile.yaml: not valid YAML") for p in err.value.problems)


def test_named_provider_rows_need_named_concepts(tmp_path: Path) -> None:
    rules = rules_copy(tmp_path)
    edit(rules / "lexicon/instruments.yaml", '    provider: "rom:liof"\n', "")
    with pytest.raises(RuleSetError) as err:
        load_ruleset(rules)
    assert any("(named.rom)" in p and "instr.rom.liof" in p for p in err.value.problems), err.value.problems


def test_loading_a_rule_set_leaves_the_garbage_collector_as_it_found_it() -> None:
    """The collector is paused while a set loads (start-up time) and switched back on after,
    also when loading fails; it stays off when it was off."""
    import gc

    assert gc.isenabled()
    load_ruleset(RULES)
    assert gc.isenabled()
    with pytest.raises(RuleSetError):
        load_ruleset({"ruleset.yaml": b"version: broken"})
    assert gc.isenabled()
    gc.disable()
    try:
        load_ruleset(RULES)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _changed(files: dict[str, bytes], rel: str, old: bytes, new: bytes) -> dict[str, bytes]:
    assert old in files[rel]
    return {**files, rel: files[rel].replace(old, new, 1)}


def _rule(data: RuleSetData, question: str) -> str:
    return Router(data).route(RouteInput(question=question)).routes[0].rule


def test_a_new_version_with_other_rules_shares_the_lexicon_of_the_last_one() -> None:
    """Following an activation rebuilds what changed: a set whose lexicon files, and the files
    the lexicon derives from, are the same shares the built lexicon (most of a load) instead of
    building it again, so a worker under load installs a new version sooner."""
    files = read_rule_files(RULES)
    first = load_ruleset(files)
    newer = _changed(_changed(files, "ruleset.yaml", b"\nversion:", b"\n# a later version\nversion:"),
                     "thresholds.yaml", b"\n", b"\n# a threshold reviewed\n")
    second = load_ruleset(newer)
    assert second.meta.checksum != first.meta.checksum
    assert second.lexicon is first.lexicon and second.concepts is first.concepts


QUESTION = "Hoe vraag ik zwoelkrediet aan voor mijn bedrijf?"


@pytest.mark.parametrize("change", ["cue", "new lexicon file", "provider", "region table", "language"])
def test_a_set_whose_lexicon_inputs_changed_builds_its_own(change: str) -> None:
    """Never a stale lexicon: a changed cue, a lexicon file added, or a change to what the
    lexicon derives from (providers, region tables, language lists) builds it anew."""
    files = read_rule_files(RULES)
    shipped = load_ruleset(files)
    if change == "cue":
        other = _changed(files, "lexicon/instruments.yaml", b"nl: [innovatiekrediet]",
                         b"nl: [innovatiekrediet, zwoelkrediet]")
    elif change == "new lexicon file":
        other = {**files, "lexicon/zwoel.yaml": (
            b"concepts:\n  - id: instr.zwoel\n    instrument: innovatiekrediet\n    need: innovation/scheme\n"
            b"    weight: 2.0\n    business: true\n    nl: [zwoelkrediet]\n")}
    elif change == "provider":
        other = _changed(files, "providers.yaml", b"\n", b"\n# a contact fact checked\n")
    elif change == "region table":
        other = _changed(files, "regions/provinces.csv", b"\n", b"\r\n")
    else:
        other = _changed(files, "language.yaml", b"\n", b"\n# a word list reviewed\n")
    data = load_ruleset(other)
    assert data.lexicon is not shipped.lexicon
    if change in ("cue", "new lexicon file"):
        assert _rule(data, QUESTION) == "named.rd_schemes" != _rule(shipped, QUESTION)


def test_a_file_the_last_set_lacked_is_not_overlooked() -> None:
    """The inputs include the optional files a set lacked: what was built for a set without the
    regional schemes is not taken for one that has them."""
    files = read_rule_files(RULES)
    without = _Reader({rel: data for rel, data in files.items() if rel != REGIONAL_SCHEMES})
    assert without.optional_yaml(REGIONAL_SCHEMES) is None
    assert not _Reader(files).has(without.inputs())
    full = _Reader(files)
    assert full.optional_yaml(REGIONAL_SCHEMES) is not None
    assert _Reader(dict(files)).has(full.inputs())
