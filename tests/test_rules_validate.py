"""app.rules.validate: the shipped rule set passes, and every validator catches a small broken
edit of it, naming the file, the row/concept/provider/cell and the line.

validate() takes ~0.5 s, so each broken rule set below is built and validated once (a
module-scoped fixture) and holds the variants of one check; the edits of one set never touch
each other, and every set's test asserts its complete list of findings (nothing spurious).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from app.cli import main
from app.config import PROJECT_ROOT
from app.routing.loader import read_rule_files
from app.rules.coverage import NO_LOCATION
from app.rules.validate import CODES, ERROR, STALE_AFTER_DAYS, WARNING, Finding, Report, render_report, validate

Files = dict[str, bytes]
Case = tuple[Files, Report]

RULES = PROJECT_ROOT / "routing_rules"
# The shipped provider facts were checked on this day: a fixed `today` keeps stale_fact out of the
# tests of the other checks whatever the calendar says (stale_fact has its own tests).
TODAY = date(2026, 11, 27)
PROVINCES = tuple(f"PV{n}" for n in range(20, 32))
T2 = "decisions/tier2_needs.yaml"
T3 = "decisions/tier3_fallback.yaml"
THEMES = "lexicon/themes.yaml"
INSTRUMENTS = "lexicon/instruments.yaml"
PROVIDERS = "providers.yaml"
_ID_LINE = re.compile(r"^\s*-\s+id:\s*[\"']?([^\"'#\s]+)")

# A shipped tier-2 row (exact text), the template of the table edits.
TAX_ROW = """  - id: tax.any.belastingdienst
    when: {theme: tax}
    primary: belastingdienst
    also: [kvk]
    principle: P5
    reason:
      nl: "Belastingvragen beantwoordt de Belastingdienst (BelastingTelefoon 0800-0543)."
      en: "Tax questions are answered by the Tax Administration (BelastingTelefoon 0800-0543)."
"""


# -- editing the shipped files -----------------------------------------------------------------------
def edit(files: Files, rel: str, old: str, new: str) -> Files:
    """A copy of `files` with `old` replaced once in `rel`; fails loudly when the text drifted."""
    text = files[rel].decode("utf-8")
    assert text.count(old) == 1, f"fixture drift: {old!r} occurs {text.count(old)} times in {rel}"
    return {**files, rel: text.replace(old, new).encode("utf-8")}


def _entry_span(text: str, rel: str, ident: str, after: str = "") -> tuple[int, int]:
    """Start and end of the list entry "  - id: <ident>" (the first one after `after`)."""
    m = re.compile(rf"^  - id: {re.escape(ident)}\n(?:(?:    .*)?\n)*?(?=[ ]{{0,3}}\S|\Z)", re.M).search(
        text, text.index(after) if after else 0)
    assert m, f"fixture drift: no entry {ident} in {rel}"
    return m.span()


def edit_entry(files: Files, rel: str, ident: str, old: str, new: str, after: str = "") -> Files:
    """Replace `old` once inside the entry `ident` of `rel`."""
    text = files[rel].decode("utf-8")
    start, end = _entry_span(text, rel, ident, after)
    block = text[start:end]
    assert block.count(old) == 1, f"fixture drift: {old!r} occurs {block.count(old)} times in {ident}"
    return {**files, rel: (text[:start] + block.replace(old, new) + text[end:]).encode("utf-8")}


def drop_entry(files: Files, rel: str, ident: str) -> Files:
    text = files[rel].decode("utf-8")
    start, end = _entry_span(text, rel, ident)
    return {**files, rel: (text[:start] + text[end:]).encode("utf-8")}


def line_text(files: Files, f: Finding) -> str:
    assert f.line is not None, f
    return files[f.file].decode("utf-8").splitlines()[f.line - 1]


def entry_at(files: Files, f: Finding) -> str | None:
    """The id of the list entry ("- id: x") the finding's line lies in."""
    assert f.line is not None, f
    for text in reversed(files[f.file].decode("utf-8").splitlines()[: f.line]):
        m = _ID_LINE.match(text)
        if m:
            return m.group(1)
    return None


def find(report: Report, code: str, where: str) -> Finding:
    found = [f for f in report.findings if f.code == code and f.where == where]
    assert len(found) == 1, f"no single {code} finding for {where!r}:\n{render_report(report)}"
    return found[0]


def summary(report: Report) -> list[tuple[str, str, str]]:
    return sorted((f.level, f.code, f.where) for f in report.findings)


# -- fixtures: the shipped set and the broken sets ----------------------------------------------------
@pytest.fixture(scope="module")
def shipped() -> Files:
    return read_rule_files(RULES)


@pytest.fixture(scope="module")
def shipped_report(shipped: Files) -> Report:
    return validate(shipped, today=TODAY)


@pytest.fixture(scope="module")
def taxonomy(shipped: Files) -> tuple[list[str], list[str]]:
    doc = yaml.safe_load(shipped["taxonomy.yaml"])
    return [t["id"] for t in doc["themes"]], [s["id"] for s in doc["services"]]


def _case(files: Files) -> Case:
    return files, validate(files, today=TODAY)


def _copy_of_tax_row(ident: str, primary: str = "belastingdienst") -> str:
    return TAX_ROW.replace("id: tax.any.belastingdienst", f"id: {ident}").replace(
        "primary: belastingdienst", f"primary: {primary}")


@pytest.fixture(scope="module")
def duplicate(shipped: Files) -> Case:
    return _case(edit(shipped, T2, TAX_ROW, TAX_ROW + _copy_of_tax_row("tax.any.copy")))


@pytest.fixture(scope="module")
def conflicting(shipped: Files) -> Case:
    return _case(edit(shipped, T2, TAX_ROW, TAX_ROW + _copy_of_tax_row("tax.any.kvk", primary="kvk")))


@pytest.fixture(scope="module")
def shadowed(shipped: Files) -> Case:
    # 1. equal specificity (theme + signal): the earlier, wider row always wins;
    # 2. a tier-3 row that the tier-2 row of the theme always beats;
    # 3. (no finding) a narrower row after a wider one: more conditions win whatever the order.
    within = """  - id: permits.starting.kvk
    when: {theme: permits, signal: [starter, growing]}
    primary: kvk
    principle: P1
    reason: {nl: "Starters en groeiers: KVK.", en: "Starters and growers: KVK."}
  - id: permits.starter.gemeente
    when: {theme: permits, signal: starter}
    primary: gemeente
    principle: P5
    reason: {nl: "Starters: de gemeente.", en: "Starters: the municipality."}
"""
    by_tier = """  - id: fallback.tax
    when: {theme: tax}
    primary: kvk
    principle: P4
    reason: {nl: "Belasting: KVK.", en: "Tax: KVK."}
"""
    narrower = _copy_of_tax_row("tax.information.kvk", primary="kvk").replace(
        "when: {theme: tax}", "when: {theme: tax, service: information}")
    files = edit(shipped, T2, "  - id: permits.any.gemeente\n", within + "  - id: permits.any.gemeente\n")
    files = edit(files, T3, "rows:\n", "rows:\n" + by_tier)
    return _case(edit(files, T2, TAX_ROW, TAX_ROW + narrower))


@pytest.fixture(scope="module")
def gap_without_row(shipped: Files) -> Case:
    files = drop_entry(shipped, T2, "cybersecurity.any.dtc")
    files = drop_entry(files, T3, "fallback.kvk")
    return _case(edit(files, T3, "rows:\n", "rows: []\n"))


@pytest.fixture(scope="module")
def gap_in_a_province(shipped: Files) -> Case:
    # Flevoland (PV24) without municipalities in the region tables: a municipality-based family
    # (gemeente) and a labour-market-region family (wsp) have no door there.
    muni = shipped["regions/municipalities.csv"].decode("utf-8")
    codes = [line.split(",")[0] for line in muni.splitlines() if ",PV24," in line]
    assert codes, "fixture drift: no municipality in PV24"
    files = dict(shipped)
    for rel in ("regions/municipalities.csv", "regions/pc4.csv", "regions/aliases.csv", "regions/places.csv"):
        lines = files[rel].decode("utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not any(c in line for c in codes)]
        assert len(kept) < len(lines), f"fixture drift: no PV24 line in {rel}"
        files[rel] = "".join(kept).encode("utf-8")
    schemes = yaml.safe_load(files["regional_schemes.yaml"])  # no scheme of those gemeenten
    schemes["schemes"] = [x for x in schemes["schemes"] if x["owner"].split(":")[-1] not in codes]
    files["regional_schemes.yaml"] = yaml.safe_dump(schemes, allow_unicode=True).encode("utf-8")
    return _case(files)


@pytest.fixture(scope="module")
def lexicon_conflicts(shipped: Files) -> Case:
    # instr.wbso has "wbso" (weight 2.0, instrument wbso): error, the router cannot choose;
    # theme.sustainability.core has "duurzaam" (weight 1.2, theme sustainability): warning;
    # theme.cybersecurity.weak (weight 0.6) gets "duurzaam" too: another weight, no finding.
    files = edit(shipped, INSTRUMENTS, "    nl: [innovatiekrediet]\n", "    nl: [innovatiekrediet, wbso]\n")
    files = edit(files, THEMES, '    nl: ["cyber*", ', '    nl: ["cyber*", duurzaam, ')
    return _case(edit(files, THEMES, "    nl: [beveiliging, ", "    nl: [beveiliging, duurzaam, "))


NEVER = ("klaar. daarna", "why? because", "**x")  # a stop before a space ends a sentence; a one-letter compound head


@pytest.fixture(scope="module")
def never_matching(shipped: Files) -> Case:
    cues = "".join(f'"{c}", ' for c in NEVER)
    files = edit(shipped, THEMES, "    en: [eherkenning, ", f"    en: [eherkenning, {cues}")
    # (no finding) "**kas" matches "testkas" alone, but there the longer cue "testkas" of another
    # concept hides it (longest wins): the cue itself works
    files = edit(files, THEMES, "    nl: [eherkenning, ", '    nl: [eherkenning, "**kas", ')
    return _case(edit(files, THEMES, '    nl: ["innovati*", ', '    nl: ["innovati*", testkas, '))


def set_checked(files: Files, provider: str, day: date) -> Files:
    return edit_entry(files, PROVIDERS, provider, "    checked: 2026-11-27\n", f"    checked: {day.isoformat()}\n",
                      after="\nproviders:\n")


STALE = {"rvo": STALE_AFTER_DAYS + 1, "kvk": 800}  # provider -> age in days on TODAY


@pytest.fixture(scope="module")
def stale(shipped: Files) -> Case:
    files = shipped
    for pid, age in STALE.items():
        files = set_checked(files, pid, TODAY - timedelta(days=age))
    # exactly a year old: not yet stale
    return _case(set_checked(files, "rom:nom", TODAY - timedelta(days=STALE_AFTER_DAYS)))


@pytest.fixture(scope="module")
def not_loading(shipped: Files) -> Case:
    # The loader reports every problem at once, so one set holds four rows with a mistake.
    files = edit_entry(shipped, T2, "tax.any.belastingdienst", "    primary: belastingdienst\n", "")
    files = edit_entry(files, T2, "permits.any.gemeente", '      en: "Permits and local rules', '      fr: "Permits')
    files = edit_entry(files, T2, "cybersecurity.any.dtc", "{theme: cybersecurity}", "{theme: cybersecurity, size: 5}")
    return _case(edit_entry(files, T2, "general.any.kvk", "    primary: kvk\n", "    primary: kvkk\n"))


# -- the shipped rule set --------------------------------------------------------------------------
def test_shipped_rule_set_passes(shipped_report: Report) -> None:
    assert shipped_report.ok
    assert shipped_report.errors == ()
    assert shipped_report.warnings == ()  # 0 warnings expected (facts checked on TODAY)
    assert shipped_report.findings == ()


@pytest.mark.parametrize("code", CODES)
def test_no_check_fires_on_the_shipped_set(shipped_report: Report, code: str) -> None:
    assert [f for f in shipped_report.findings if f.code == code] == []


def test_shipped_coverage_has_every_cell_and_province_and_no_gap(
    shipped_report: Report, taxonomy: tuple[list[str], list[str]]
) -> None:
    cov = shipped_report.coverage
    assert cov is not None
    themes, services = taxonomy
    assert cov.columns == (NO_LOCATION, *PROVINCES)
    assert [p.code for p in cov.provinces] == list(PROVINCES)
    assert cov.province_name("PV30") == "Noord-Brabant"
    assert all(p.municipalities > 0 for p in cov.provinces)
    assert [(r.theme, r.service) for r in cov.rows] == [(t, s) for t in themes for s in services]
    assert all(r.rule is not None and len(r.provinces) == len(PROVINCES) for r in cov.rows)
    assert cov.gap_count == 0 and cov.ok and list(cov.gaps()) == []

    table = cov.as_table()
    header = [c.strip() for c in table.splitlines()[0].strip("|").split("|")]
    assert header == ["theme/service", NO_LOCATION, *PROVINCES]
    assert "| permits/information" in table and "No gaps" in table and "GAP" not in table

    as_dict = json.loads(json.dumps(cov.as_dict()))
    assert as_dict["gaps"] == 0 and as_dict["columns"] == [NO_LOCATION, *PROVINCES]
    assert len(as_dict["rows"]) == len(themes) * len(services)
    assert all(list(r["cells"]) == as_dict["columns"] for r in as_dict["rows"])


def test_shipped_coverage_resolves_regional_doors(shipped_report: Report) -> None:
    cov = shipped_report.coverage
    assert cov is not None
    rom = next(r for r in cov.rows if r.need == "innovation/partners")
    assert rom.rule == "innovation.partners_capital.rom" and rom.no_location.needs_location
    cells = dict(cov.cells(rom))
    assert cells["PV30"].door == "rom:bom" and cells["PV20"].door == "rom:nom"
    permits = dict(cov.cells(next(r for r in cov.rows if r.need == "permits/information")))
    assert permits.pop(NO_LOCATION).needs_location
    assert all(cell.per_municipality and cell.door == "gemeente" for cell in permits.values())


def test_render_report_and_as_dict_of_the_shipped_set(
    shipped_report: Report, taxonomy: tuple[list[str], list[str]]
) -> None:
    themes, services = taxonomy
    assert render_report(shipped_report) == (
        f"OK: 0 errors, 0 warnings; coverage: {len(themes) * len(services)} theme/service cells x 13 columns "
        "(no location + 12 provinces), 0 with a gap."
    )
    d = json.loads(json.dumps(shipped_report.as_dict()))
    assert d["ok"] is True and d["errors"] == 0 and d["warnings"] == 0 and d["findings"] == []
    assert d["coverage"]["gaps"] == 0


# -- decision tables -------------------------------------------------------------------------------
def test_a_set_already_loaded_is_validated_as_if_loaded_again(shipped_report: Report, shipped: Files,
                                                            duplicate: Case) -> None:
    """A starting worker hands the validator the rule set its router was built from (no second
    load); the report is the same, for the shipped set and for one with an error."""
    from app.routing.loader import load_ruleset

    assert validate(shipped, today=TODAY, loaded=load_ruleset(shipped)) == shipped_report
    files, report = duplicate
    assert validate(files, today=TODAY, loaded=load_ruleset(files)) == report and report.errors


def test_duplicate_row(duplicate: Case) -> None:
    files, report = duplicate
    assert summary(report) == [(ERROR, "duplicate_row", "tax.any.copy")]
    f = report.findings[0]
    assert f.file == T2 and line_text(files, f).strip() == "- id: tax.any.copy"
    assert "tax.any.belastingdienst" in f.message


def test_conflicting_rows(conflicting: Case) -> None:
    files, report = conflicting
    assert summary(report) == [(ERROR, "conflicting_rows", "tax.any.kvk")]
    f = report.findings[0]
    assert f.file == T2 and line_text(files, f).strip() == "- id: tax.any.kvk"
    assert "tax.any.belastingdienst" in f.message and "primary kvk" in f.message


def test_shadowed_rows(shadowed: Case) -> None:
    files, report = shadowed
    assert summary(report) == [(ERROR, "shadowed_row", "fallback.tax"),
                               (ERROR, "shadowed_row", "permits.starter.gemeente")]
    within = find(report, "shadowed_row", "permits.starter.gemeente")
    assert within.file == T2 and line_text(files, within).strip() == "- id: permits.starter.gemeente"
    assert "permits.starting.kvk" in within.message and "comes first" in within.message
    by_tier = find(report, "shadowed_row", "fallback.tax")
    assert by_tier.file == T3 and line_text(files, by_tier).strip() == "- id: fallback.tax"
    assert "tax.any.belastingdienst" in by_tier.message and "tier 2" in by_tier.message


# -- coverage gaps ---------------------------------------------------------------------------------
def test_gap_when_no_row_applies(gap_without_row: Case, taxonomy: tuple[list[str], list[str]]) -> None:
    _, services = taxonomy
    _, report = gap_without_row
    # one finding per theme/service (not one per column), on the tier-2 table; no row, so no line
    assert summary(report) == sorted((ERROR, "gap", f"cybersecurity/{s}") for s in services)
    assert all(f.file == T2 and f.line is None for f in report.findings)
    f = find(report, "gap", "cybersecurity/information")
    assert "theme cybersecurity x service information" in f.message
    cov = report.coverage
    assert cov is not None and cov.gap_count == len(services) * len(cov.columns)
    assert "- cybersecurity/information @ no location: no decision row applies" in cov.as_table()
    assert render_report(report).endswith(f"{cov.gap_count} with a gap.")


def test_gap_where_a_regional_family_has_no_door(gap_in_a_province: Case,
                                                 taxonomy: tuple[list[str], list[str]]) -> None:
    _, services = taxonomy
    files, report = gap_in_a_province
    assert summary(report) == sorted(
        [(ERROR, "gap", f"permits/{s} @ PV24") for s in services] + [(ERROR, "gap", "labour_market/staff @ PV24")])
    for f in report.findings:
        rule = "labour_market.staff.wsp" if f.where.startswith("labour_market") else "permits.any.gemeente"
        assert f.file == T2 and line_text(files, f).strip() == f"- id: {rule}"
        assert "Flevoland" in f.message
    cov = report.coverage
    assert cov is not None
    cell = dict(cov.cells(next(r for r in cov.rows if r.need == "permits/information")))["PV24"]
    assert cell.is_gap and cell.door is None and cell.label == "GAP 1/1"


# -- lexicon ---------------------------------------------------------------------------------------
def test_lexicon_conflicts(lexicon_conflicts: Case) -> None:
    files, report = lexicon_conflicts
    error_at = "concept instr.innovatiekrediet cue 'wbso'"
    warning_at = "concept theme.cybersecurity cue 'duurzaam'"
    assert summary(report) == [(ERROR, "lexicon_conflict", error_at), (WARNING, "lexicon_conflict", warning_at)]

    error = find(report, "lexicon_conflict", error_at)
    assert error.file == INSTRUMENTS and entry_at(files, error) == "instr.innovatiekrediet"
    assert "wbso" in line_text(files, error)
    assert "instr.wbso" in error.message and "instrument" in error.message

    warning = find(report, "lexicon_conflict", warning_at)
    assert warning.file == THEMES and entry_at(files, warning) == "theme.cybersecurity"
    assert "duurzaam" in line_text(files, warning) and "theme.sustainability.core" in warning.message


def test_findings_are_sorted_errors_first(lexicon_conflicts: Case) -> None:
    _, report = lexicon_conflicts
    assert [f.level for f in report.findings] == [ERROR, WARNING]
    assert len(report.errors) == 1 and len(report.warnings) == 1 and not report.ok
    lines = render_report(report).splitlines()
    assert lines[0].startswith(f"ERROR {INSTRUMENTS}:") and "(concept instr.innovatiekrediet cue 'wbso')" in lines[0]
    assert lines[1].startswith(f"WARNING {THEMES}:")
    assert lines[-1].startswith("FAILED: 1 error, 1 warning; coverage:")


def test_cue_never_matches(never_matching: Case) -> None:
    files, report = never_matching
    assert summary(report) == sorted((ERROR, "cue_never_matches", f"concept theme.general cue '{c}'") for c in NEVER)
    for cue in NEVER:
        f = find(report, "cue_never_matches", f"concept theme.general cue '{cue}'")
        assert f.file == THEMES and entry_at(files, f) == "theme.general"
        assert f'"{cue}"' in line_text(files, f)
        assert ("ends a sentence" in f.message) == (cue != "**x")


# -- stale facts -----------------------------------------------------------------------------------
def test_stale_facts(stale: Case) -> None:
    files, report = stale
    assert report.ok  # warnings only
    assert summary(report) == sorted((WARNING, "stale_fact", pid) for pid in STALE)  # not rom:nom (365 days)
    for pid, age in STALE.items():
        f = find(report, "stale_fact", pid)
        checked = TODAY - timedelta(days=age)
        assert f.file == PROVIDERS and entry_at(files, f) == pid
        assert line_text(files, f).strip() == f"checked: {checked.isoformat()}"
        assert f"{age} days ago" in f.message


def test_stale_facts_count_from_today(shipped: Files) -> None:
    report = validate(shipped, today=TODAY + timedelta(days=STALE_AFTER_DAYS + 1))
    assert report.ok and report.warnings and {f.code for f in report.findings} == {"stale_fact"}
    assert {"kvk", "rvo", "rom:nom"} <= {f.where for f in report.findings}


# -- schema and references -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "where", "message"),
    [
        ("schema", "tax.any.belastingdienst", "primary is missing"),
        ("schema", "permits.any.gemeente", "reason needs non-empty nl and en texts"),
        ("schema", "cybersecurity.any.dtc", "unknown condition 'size'"),
        ("reference", "general.any.kvk", "unknown primary 'kvkk'"),
    ],
)
def test_schema_and_reference_errors_are_findings(not_loading: Case, code: str, where: str, message: str) -> None:
    files, report = not_loading
    assert report.coverage is None and not report.ok
    assert len(report.findings) == 4  # one per broken row, nothing else
    f = find(report, code, where)
    assert f.level == ERROR and f.file == T2
    assert line_text(files, f).strip() == f"- id: {where}"
    assert message in f.message


def test_invalid_yaml_is_a_finding(shipped: Files) -> None:
    files = edit(shipped, T2, TAX_ROW, TAX_ROW.replace("    also: [kvk]\n", "    also: [kvk]\n   bogus: [\n"))
    report = validate(files, today=TODAY)
    # one finding: the loader's follow-on problems of the unread file ("tier must be 1, 2 or 3") are left out
    assert summary(report) == [(ERROR, "schema", "")]
    f = report.findings[0]
    assert f.file == T2 and "not valid YAML" in f.message
    assert line_text(files, f).strip() == "bogus: ["
    assert report.coverage is None and "does not load" in render_report(report)


def test_missing_file_is_a_finding(shipped: Files) -> None:
    report = validate({k: v for k, v in shipped.items() if k != "messages.yaml"}, today=TODAY)
    assert [(f.code, f.file, f.message) for f in report.findings] == [("schema", "messages.yaml", "file missing")]


def test_a_file_the_loader_chokes_on_is_a_finding(shipped: Files) -> None:
    files = edit(shipped, PROVIDERS, "\nproviders:\n", "\nproviders:\n  - kvk\n")
    report = validate(files, today=TODAY)
    assert [(f.level, f.code) for f in report.findings] == [(ERROR, "schema")]
    assert "cannot be loaded" in report.findings[0].message and report.coverage is None


# -- the command line ------------------------------------------------------------------------------
def write(files: Files, root: Path) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def test_cli_check_passes_on_the_shipped_rules(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_file = tmp_path / "coverage.json"
    assert main(["rules", "check", str(RULES), "--coverage", "--coverage-out", str(out_file)]) == 0
    out = capsys.readouterr().out
    # (with the real date, stale_fact warnings may come first: they do not change the exit code)
    assert any(line.startswith("OK: 0 errors") for line in out.splitlines())
    assert "| theme/service" in out and "PV30" in out
    assert json.loads(out_file.read_text(encoding="utf-8"))["gaps"] == 0


def test_cli_check_fails_on_a_broken_copy(capsys: pytest.CaptureFixture[str], duplicate: Case, tmp_path: Path) -> None:
    root = write(duplicate[0], tmp_path / "rules")
    assert main(["rules", "check", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"ERROR {T2}:" in out and "(tax.any.copy)" in out and "FAILED: 1 error" in out


def test_cli_check_json(capsys: pytest.CaptureFixture[str], not_loading: Case, tmp_path: Path) -> None:
    root = write(not_loading[0], tmp_path / "rules")
    assert main(["rules", "check", str(root), "--json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["ok"] is False and body["errors"] == 4 and body["warnings"] == 0 and body["coverage"] is None
    assert sorted(f["code"] for f in body["findings"]) == ["reference", "schema", "schema", "schema"]
    assert {"file", "where", "line", "message", "level", "code"} <= set(body["findings"][0])


def test_signal_and_phase_values_nothing_produces(shipped: Files) -> None:
    row = "sustainability.capital.rom"
    files = edit_entry(shipped, T2, row, "signal: [innovative, growing, risk_capital]",
                       "signal: [innovative, growign], phase: scaleup")
    report = validate(files, today=TODAY)
    assert summary(report) == [("error", "reference", row), ("error", "reference", row)]
    signal, phase = sorted(report.findings, key=lambda f: "phase" in f.message)
    assert "signal 'growign'" in signal.message and "growing" in signal.message  # the known ones are listed
    assert "phase 'scaleup'" in phase.message and "established" in phase.message
    assert entry_at(files, signal) == row and signal.file == T2


def test_intake_webhooks_are_checked(shipped: Files) -> None:
    files = edit(shipped, "intake.yaml", "webhooks: []", "webhooks:\n"
                 "  - {provider: rom:atlantis, url: https://intake.example/x, secret_env: SECRET_A}\n"
                 "  - {provider: kvk, url: http://intake.example/x, secret_env: the secret}\n")
    report = validate(files, today=TODAY)
    assert summary(report) == [("error", "reference", "webhooks[0] (rom:atlantis)"),
                               ("error", "schema", "webhooks[1] (kvk)"), ("error", "schema", "webhooks[1] (kvk)")]
    assert all(f.file == "intake.yaml" for f in report.findings)
