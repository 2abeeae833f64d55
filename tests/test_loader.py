"""Loading a rule set: references are checked and errors name the file and row."""

from pathlib import Path

import pytest

from app.routing.loader import RuleSetError, load_ruleset
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
