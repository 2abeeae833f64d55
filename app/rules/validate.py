"""Validate a rule set before it is published: schema and references, the decision tables
(duplicate, conflicting and shadowed rows), coverage gaps, the lexicon (equal-weight conflicts,
cues that cannot match) and stale provider facts.

Pure Python: the input is a rule set as content (relative path -> bytes, as produced by
`app.routing.loader.read_rule_files`), the output a `Report` of findings, each naming the file,
the row (or concept, cue, provider, cell) and, where it can be found, the line.

    report = validate(read_rule_files("routing_rules"))
    print(render_report(report))
    print(report.coverage.as_table())
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from app.routing.engine import Router
from app.routing.lexicon import GAPS, Concept, Cue, Lexicon
from app.routing.loader import RuleSetData, RuleSetError, load_ruleset
from app.routing.tables import Conditions, Row
from app.routing.text import SENTENCE_END, clean, tokenize
from app.rules.coverage import NO_LOCATION, Cell, Coverage, CoverageRow, build_coverage

__all__ = ["CODES", "Coverage", "Finding", "Report", "render_report", "validate"]

ERROR = "error"
WARNING = "warning"
CODES = ("schema", "reference", "duplicate_row", "conflicting_rows", "shadowed_row", "gap",
         "lexicon_conflict", "cue_never_matches", "stale_fact")
STALE_AFTER_DAYS = 365
_MAX_NAMES = 10  # municipalities named in one gap message


@dataclass(frozen=True)
class Finding:
    level: str  # "error" | "warning"
    code: str  # one of CODES
    file: str  # relative path inside the rule set ("" if unknown)
    where: str  # row id, "concept <id> cue '<raw>'", provider id, cell "theme/service @ PV30", ...
    message: str  # plain English, actionable for a policy officer
    line: int | None = None  # 1-based line in the file, when found

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    coverage: Coverage | None  # None when the rule set does not even load

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.as_dict() for f in self.findings],
            "coverage": self.coverage.as_dict() if self.coverage is not None else None,
        }


# -- finding lines in the files ---------------------------------------------------------------
_ITEM_ID = re.compile(r"""^(?P<indent>\s*)-\s+id:\s*(?P<q>["']?)(?P<id>[^"'#\s]+)(?P=q)\s*(?:#.*)?$""")
_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:")


@dataclass(frozen=True)
class _Entry:
    section: str | None  # the top-level key the entry is listed under ("rows", "concepts", ...)
    id: str
    start: int  # 1-based line of "- id: ..."
    end: int  # last line of the entry


class _Sources:
    """The text of the rule-set files, with the entries ("- id: x") of the YAML lists."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files
        self._lines: dict[str, list[str]] = {}
        self._entries: dict[str, list[_Entry]] = {}

    def lines(self, rel: str) -> list[str]:
        if rel not in self._lines:
            raw = self.files.get(rel, b"")
            self._lines[rel] = raw.decode("utf-8", errors="replace").splitlines()
        return self._lines[rel]

    def entries(self, rel: str) -> list[_Entry]:
        if rel not in self._entries:
            lines = self.lines(rel)
            found: list[tuple[str | None, str, int]] = []
            bounds: list[int] = []  # lines that end the entry before them (top-level keys)
            section: str | None = None
            for i, text in enumerate(lines, start=1):
                top = _TOP_KEY.match(text)
                if top:
                    section = top.group("key")
                    bounds.append(i)
                    continue
                m = _ITEM_ID.match(text)
                if m:
                    found.append((section, m.group("id"), i))
            out = []
            for k, (sec, ident, start) in enumerate(found):
                nxt = [b for b in bounds if b > start]
                if k + 1 < len(found):
                    nxt.append(found[k + 1][2])
                end = min(nxt) - 1 if nxt else len(lines)
                out.append(_Entry(sec, ident, start, end))
            self._entries[rel] = out
        return self._entries[rel]

    def entry(self, rel: str, ident: str, section: str | None = None) -> _Entry | None:
        return next((e for e in self.entries(rel) if e.id == ident and (section is None or e.section == section)),
                    None)

    def id_line(self, rel: str, ident: str, section: str | None = None) -> int | None:
        e = self.entry(rel, ident, section)
        return e.start if e else None

    def line_in_entry(self, rel: str, ident: str, section: str | None, pattern: re.Pattern[str]) -> int | None:
        """The first line of the entry matching `pattern`, else the entry's id line."""
        e = self.entry(rel, ident, section)
        if e is None:
            return None
        lines = self.lines(rel)
        for i in range(e.start, e.end + 1):
            if pattern.search(lines[i - 1]):
                return i
        return e.start

    def nth_item_line(self, rel: str, section: str, index: int) -> int | None:
        """The line of the index-th item of a top-level list (for entries without an id)."""
        lines = self.lines(rel)
        inside = False
        indent: str | None = None
        n = -1
        for i, text in enumerate(lines, start=1):
            top = _TOP_KEY.match(text)
            if top:
                inside = top.group("key") == section
                continue
            if not inside:
                continue
            m = re.match(r"^(\s*)-(\s|$)", text)
            if m and (indent is None or m.group(1) == indent):
                indent = m.group(1)
                n += 1
                if n == index:
                    return i
        return None

    def first_line(self, rel: str, pattern: re.Pattern[str]) -> int | None:
        for i, text in enumerate(self.lines(rel), start=1):
            if pattern.search(text):
                return i
        return None


def _cue_pattern(raw: str) -> re.Pattern[str]:
    r = re.escape(raw)
    return re.compile(rf"""(?:"{r}"|'{r}'|(?:^|[\[,\s]){r}(?=\s*(?:[,\]#]|$)))""")


# -- 1. schema and references --------------------------------------------------------------------
_PROBLEM_FILE = re.compile(r"^(?P<file>[\w./-]+\.(?:yaml|yml|csv))(?P<rest>(?::|\s).*)?$", re.S)
_LIST_ITEM = re.compile(r"^(?P<label>\w+)\[(?P<index>\d+)\](?: \((?P<id>.*)\))?$")
# A problem that names something missing elsewhere ("unknown condition" is a key `when` lacks: schema).
_REFERENCE = re.compile(
    r"\bunknown\b(?! condition)|no tier-1 row|no concept of this instrument|\blacks\b|no labour-market region|"
    r"\$named needs|needs an existing|does not exist"
)
_QUOTED = re.compile(r"'([^']+)'")
_MISSING = re.compile(r"^unknown (?P<what>[\w ]+?) None$")  # "unknown primary None": the key is left out
_YAML_MARK = re.compile(r"\bline (\d+), column \d+")
_UNREADABLE = ("not valid YAML", "file missing")  # the loader then reads the file as empty


def _problem_finding(problem: str, src: _Sources) -> Finding:
    """A loader problem ("<file> <where>: <message>") as a finding."""
    file, loc, msg = "", "", problem
    m = _PROBLEM_FILE.match(problem)
    if m:
        file = m.group("file")
        rest = m.group("rest") or ""
        if rest.startswith(":"):
            msg = rest[1:].strip()
        else:
            loc, _, msg = rest.strip().partition(": ")
    else:
        loc, sep, tail = problem.partition(": ")
        if sep:
            msg = tail
        else:
            loc = ""
    missing = _MISSING.match(msg.strip())
    if missing:  # a required value left out is a schema error, not a reference to check
        code, msg = "schema", f"{missing.group('what')} is missing"
    else:
        code = "reference" if _REFERENCE.search(msg) else "schema"
    where, line = loc, None
    item = _LIST_ITEM.match(loc)
    if item and file:
        ident = item.group("id")
        if ident and ident != "None":
            where = ident
            line = src.id_line(file, ident, item.group("label"))
        else:
            where = f"{item.group('label')}[{item.group('index')}]"
        if line is None:
            line = src.nth_item_line(file, item.group("label"), int(item.group("index")))
    elif file and (rowm := re.fullmatch(r"row (\d+)", loc)):
        line = int(rowm.group(1))  # CSV rows are counted with the header as line 1
    elif file and (taxm := re.fullmatch(r"(theme|service) (\S+)", loc)):
        line = src.id_line(file, taxm.group(2), taxm.group(1) + "s")
    elif loc.startswith("lexicon instrument "):
        iid = loc.removeprefix("lexicon instrument ")
        where = f"instrument {iid}"
        pat = re.compile(rf"^\s*instrument:\s*[\"']?{re.escape(iid)}[\"']?\s*(?:#.*)?$")
        for rel in sorted(r for r in src.files if r.startswith("lexicon/")):
            line = src.first_line(rel, pat)
            if line is not None:
                file = rel
                break
    elif file and not loc:
        head = re.match(r"^([\w:-]+): ", msg)  # "GM0001: unknown province PV99"
        if head:
            where = head.group(1)
            line = src.first_line(file, re.compile(rf"^\s*-?\s*{re.escape(where)}\b"))
    elif file and (paren := re.fullmatch(r"\((.+)\)", loc)):
        where = paren.group(1)  # "<file> (<row id>): ..." from the checks after loading
        line = src.id_line(file, where)
    if line is None and file and msg.startswith("not valid YAML"):
        marks = _YAML_MARK.findall(msg)  # PyYAML names the context first, the problem last
        line = int(marks[-1]) if marks else None
    elif line is None and file:
        quoted = _QUOTED.search(msg)
        if quoted:
            line = src.first_line(file, re.compile(re.escape(quoted.group(1))))
    return Finding(ERROR, code, file, where, msg.strip() or problem, line)


# -- 2. decision tables ---------------------------------------------------------------------------
def _subset(narrow: frozenset[str] | None, wide: frozenset[str] | None) -> bool:
    """R's set condition is at least as narrow as S's (a missing condition on S holds always)."""
    return wide is None or (narrow is not None and narrow <= wide)


def _inside(rmin: float | None, rmax: float | None, smin: float | None, smax: float | None) -> bool:
    """R's range lies inside S's (a missing bound is open; a missing range on S holds always)."""
    if smin is None and smax is None:
        return True
    if rmin is None and rmax is None:
        return False  # R does not need the fact, S does
    if smin is not None and (rmin is None or rmin < smin):
        return False
    return smax is None or (rmax is not None and rmax <= smax)


def _covers(s: Conditions, r: Conditions) -> bool:
    """True when S holds, and is a candidate of DecisionTables._evaluate, whenever R holds."""
    if s.instruments is None and s.themes is not None and r.instruments is not None:
        return False  # a theme row is not looked at when the context names an instrument
    return (
        _subset(r.instruments, s.instruments)
        and _subset(r.themes, s.themes)
        and _subset(r.services, s.services)
        and _subset(r.phases, s.phases)
        and _subset(r.signals, s.signals)  # "any of": R's signals all imply one of S's
        and _inside(r.amount_min, r.amount_max, s.amount_min, s.amount_max)
        and _inside(r.employees_min, r.employees_max, s.employees_min, s.employees_max)
    )


def _describe(c: Conditions) -> str:
    parts: list[str] = []
    for key, vals in (("instrument", c.instruments), ("theme", c.themes), ("service", c.services),
                      ("signal", c.signals), ("phase", c.phases)):
        if vals is not None:
            parts.append(f"{key} {'/'.join(sorted(vals)) or '(none)'}")
    for key, lo, hi in (("amount", c.amount_min, c.amount_max), ("employees", c.employees_min, c.employees_max)):
        if lo is not None or hi is not None:
            parts.append(f"{key} {'' if lo is None else lo}..{'' if hi is None else hi}")
    return ", ".join(parts) or "no conditions"


def _doors(row: Row) -> str:
    also = ", ".join(a.provider + (f" (when {_describe(a.when)})" if a.when else "") for a in row.also)
    return f"primary {row.primary}" + (f", also {also}" if also else "")


def _table_findings(rows: Sequence[Row], src: _Sources) -> Iterator[Finding]:
    """Duplicate, conflicting and shadowed rows; at most one finding per row."""
    for j, r in enumerate(rows):  # sorted by priority: every earlier row has a better one
        line = src.id_line(r.file, r.id, "rows")
        twin = next((s for s in rows[:j] if s.when == r.when), None)
        if twin is not None and twin.primary == r.primary and twin.also == r.also:
            yield Finding(ERROR, "duplicate_row", r.file, r.id,
                          f"Row {r.id} repeats row {twin.id} ({twin.file}): the same conditions "
                          f"({_describe(r.when)}) and the same doors ({_doors(r)}). Delete one of them.", line)
            continue
        if twin is not None and twin.tier == r.tier:
            yield Finding(ERROR, "conflicting_rows", r.file, r.id,
                          f"Row {r.id} ({_doors(r)}) has the same conditions ({_describe(r.when)}) as row "
                          f"{twin.id} ({twin.file}: {_doors(twin)}) but other doors; only {twin.id} can win "
                          "(it comes first). Decide which doors are right and delete the other row, or add "
                          "a condition that tells them apart.", line)
            continue
        shadow = twin or next((s for s in rows[:j] if _covers(s.when, r.when)), None)
        if shadow is None:
            continue
        if shadow.tier < r.tier:
            why = f"it is in tier {shadow.tier}, which wins over tier {r.tier}"
        else:
            why = "it has as many conditions and comes first"
        yield Finding(ERROR, "shadowed_row", r.file, r.id,
                      f"Row {r.id} can never win: row {shadow.id} ({shadow.file}; {_describe(shadow.when)}) "
                      f"applies whenever {r.id} ({_describe(r.when)}) does, and {why}. Delete {r.id}, or "
                      f"narrow {shadow.id}.", line)


def _value_findings(data: RuleSetData, src: _Sources) -> Iterator[Finding]:
    """Signal and phase values in `when` that nothing can produce: the row silently never fires.
    Signals come from lexicon concepts (`signal:`) and company phases (profile.yaml); phases are
    the keys of profile.yaml `phase`."""
    phases = data.profile.get("phase") or {}
    signals = {s for c in data.concepts.values() for s in c.signals}
    signals |= {str(s) for prof in phases.values() for s in ((prof or {}).get("signals") or [])}
    for r in data.tables.rows:
        for key, used, known in (("signal", r.when.signals, signals), ("phase", r.when.phases, set(phases))):
            source = "cue or company phase" if key == "signal" else "company phase (profile.yaml)"
            for value in sorted((used or frozenset()) - known):
                yield Finding(ERROR, "reference", r.file, r.id,
                              f"Row {r.id} tests {key} {value!r}, which no {source} produces, so the row "
                              f"can never fire. Known: {', '.join(sorted(known)) or 'none'}.",
                              src.id_line(r.file, r.id, "rows"))


# -- 3. coverage gaps --------------------------------------------------------------------------
def _names(cell: Cell) -> str:
    shown = ", ".join(f"{name} ({code})" for code, name in cell.gaps[:_MAX_NAMES])
    more = len(cell.gaps) - _MAX_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def _gap_findings(coverage: Coverage, rows: Sequence[Row], src: _Sources) -> Iterator[Finding]:
    tier2_files = sorted({r.file for r in rows if r.tier == 2})
    for row, column, cell in coverage.gaps():
        if row.rule is None:
            if column == NO_LOCATION:  # the same gap in every column: report it once
                yield Finding(ERROR, "gap", tier2_files[0] if tier2_files else "", row.need,
                              f"No decision row applies to theme {row.theme} x service {row.service}, so "
                              "such a question gets no door. Add a row for it (or for the theme), or a "
                              "general fallback row.")
            continue
        yield _regional_gap(coverage, row, column, cell, src)


def _regional_gap(coverage: Coverage, row: CoverageRow, column: str, cell: Cell, src: _Sources) -> Finding:
    assert row.rule is not None
    province = coverage.province_name(column)
    return Finding(
        ERROR, "gap", row.file, f"{row.need} @ {column}",
        f"Theme {row.theme} x service {row.service} goes to {row.primary} (row {row.rule}), but {row.primary} "
        f"has no door for {len(cell.gaps)} of {cell.municipalities} municipalities in {province}: "
        f"{_names(cell)}. Give {row.primary} a door there (providers.yaml, regions/) or route this need "
        "to another provider.",
        src.id_line(row.file, row.rule, "rows"),
    )


# -- 4/5. lexicon ----------------------------------------------------------------------------------
def _sample(raw: str) -> str:
    """A text a cue should match: its words without the syntax markers; a compound for a cue
    word that (also) matches as the last part of a compound."""
    words: list[str] = []
    for w in raw.replace(" ~ ", " ").split():
        if w in GAPS:
            continue
        w = w.lstrip("!").lstrip("=")
        if w.startswith("*"):
            w = "test" + w.lstrip("*")
        words.append(w.rstrip("*"))
    return " ".join(words)


def _matches_concept(lexicon: Lexicon, text: str, concept_id: str) -> bool:
    return any(m.concept.id == concept_id for m in lexicon.match(tokenize(clean(text))))


def _targets(c: Concept) -> dict[str, frozenset[str]]:
    """What a concept points at, per kind of decision it feeds."""
    return {
        "instrument": frozenset([c.instrument] if c.instrument is not None else []),
        "provider": frozenset([c.provider] if c.provider is not None else []),
        "scope": frozenset([c.scope] if c.scope is not None else []),
        "theme": frozenset({t for t, _ in c.themes} | {t for t, _, _ in c.needs}),
        "service": frozenset({s for s, _ in c.services} | {s for _, s, _ in c.needs}),
        "signal": frozenset(c.signals),
    }


_DECIDING = ("instrument", "provider", "scope")  # one of two is chosen: the router cannot choose


def _concept_files(src: _Sources) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for rel in sorted(r for r in src.files if r.startswith("lexicon/") and r.endswith((".yaml", ".yml"))):
        for e in src.entries(rel):
            if e.section == "concepts":
                out.setdefault(e.id, (rel, e.start))
    return out


def _lexicon_findings(data: RuleSetData, src: _Sources) -> Iterator[Finding]:
    # every cue, checked alike, with the router's reading of gaps (never across "maar" / "but")
    breakers = data.language.contrast_words
    lexicon = Lexicon([*data.lexicon.cues, *data.firm_lexicon.cues], gap_breakers=breakers)
    files = _concept_files(src)

    def place(cue: Cue) -> tuple[str, int | None]:
        rel, _ = files.get(cue.concept.id, ("", 0))
        return rel, (src.line_in_entry(rel, cue.concept.id, "concepts", _cue_pattern(cue.raw)) if rel else None)

    # 5. cues that cannot match their own text
    seen: set[tuple[str, str]] = set()
    for cue in lexicon.cues:
        key = (cue.concept.id, cue.raw)
        if key in seen:
            continue
        seen.add(key)
        text = _sample(cue.raw)
        if _matches_concept(lexicon, text, cue.concept.id):
            continue
        # Matched alone but not with the whole lexicon: another concept's longer match covers
        # this sample (longest wins); the cue itself works.
        own = Lexicon([c for c in lexicon.cues if c.concept.id == cue.concept.id and c.raw == cue.raw],
                      gap_breakers=breakers)
        if _matches_concept(own, text, cue.concept.id):
            continue
        rel, line = place(cue)
        raw = cue.raw.strip()
        hint = (" A '.', '!' or '?' followed by a space ends a sentence for the tokeniser, and a phrase "
                "never runs across a sentence end." if any(m.end() < len(raw) for m in SENTENCE_END.finditer(raw))
                else "")
        yield Finding(ERROR, "cue_never_matches", rel, f"concept {cue.concept.id} cue '{cue.raw}'",
                      f"The cue '{cue.raw}' does not match its own text ('{text}') after normalisation, so "
                      f"it never fires.{hint} Rewrite the cue (see the cue syntax in README.md) or remove it.",
                      line)

    # 4. the same cue in two concepts that point at different things, with equal weight
    groups: dict[tuple[object, ...], list[Cue]] = {}
    for cue in lexicon.cues:
        groups.setdefault(cue.parts, []).append(cue)
    order = {id(c): i for i, c in enumerate(lexicon.cues)}
    reported: set[tuple[str, str, str, str]] = set()
    for cues in groups.values():
        for i, a in enumerate(cues):
            for b in cues[i + 1:]:
                ca, cb = a.concept, b.concept
                if ca.id == cb.id or not (a.lang is None or b.lang is None or a.lang == b.lang):
                    continue
                if not math.isclose(ca.weight, cb.weight):
                    continue
                if order[id(b)] < order[id(a)]:
                    a, b, ca, cb = b, a, cb, ca
                ta, tb = _targets(ca), _targets(cb)
                differ = [k for k in ta if ta[k] and tb[k] and ta[k] != tb[k]]
                pair = (ca.id, a.raw, cb.id, b.raw)
                if not differ or pair in reported:
                    continue
                reported.add(pair)
                level = ERROR if any(k in _DECIDING for k in differ) else WARNING
                what = "; ".join(f"{k} {'/'.join(sorted(ta[k]))} vs {'/'.join(sorted(tb[k]))}" for k in differ)
                rel, line = place(b)
                other_file = files.get(ca.id, ("", 0))[0]
                consequence = ("the router cannot choose between them" if level == ERROR
                               else "a question with it counts for both")
                yield Finding(level, "lexicon_conflict", rel, f"concept {cb.id} cue '{b.raw}'",
                              f"The cue '{b.raw}' of concept {cb.id} matches the same words as '{a.raw}' of "
                              f"concept {ca.id} ({other_file}), with the same weight {cb.weight:g}, but they "
                              f"point at different things ({what}): {consequence}. Keep the cue in one "
                              "concept, or give the concepts different weights.", line)


# -- 6. stale facts ----------------------------------------------------------------------------------
def _stale_findings(data: RuleSetData, src: _Sources, today: date) -> Iterator[Finding]:
    rel = "providers.yaml"
    checked = re.compile(r"^\s*checked\s*:")
    for p in sorted(data.directory.providers.values(), key=lambda p: p.id):
        if p.checked is None:
            continue  # generated regional doors and family finders carry no date of their own
        age = (today - p.checked).days
        if age > STALE_AFTER_DAYS:
            yield Finding(WARNING, "stale_fact", rel, p.id,
                          f"The facts of {p.id} (url, phone, hours) were last checked on {p.checked.isoformat()}, "
                          f"{age} days ago (more than {STALE_AFTER_DAYS}). Compare them with the source "
                          f"({p.source}) and update `checked`.",
                          src.line_in_entry(rel, p.id, "providers", checked))


def _intake_findings(files: Mapping[str, bytes], data: RuleSetData) -> Iterator[Finding]:
    """intake.yaml: the webhooks referrals are delivered to (app.referrals.intake)."""
    from app.referrals.intake import problems

    for problem in problems(files.get("intake.yaml"), lambda pid: data.directory.get(pid) is not None):
        where, _, message = problem.partition(": ")
        code = "reference" if "unknown provider" in message else "schema"
        yield Finding(ERROR, code, "intake.yaml", where, f"{where}: {message}" if message else problem)


# -- the whole check -------------------------------------------------------------------------------
def _sort_key(f: Finding) -> tuple[int, int, str, int, str]:
    return (0 if f.level == ERROR else 1, CODES.index(f.code) if f.code in CODES else len(CODES),
            f.file, f.line or 0, f.where)


def validate(files: Mapping[str, bytes], today: date | None = None, loaded: RuleSetData | None = None) -> Report:
    """Check a rule set given as content (relative path -> bytes). `loaded`: the same files as
    the loader already read them (a worker starting up has just built its router from them),
    so they are not loaded a second time."""
    src = _Sources(files)
    try:
        data = loaded if loaded is not None else load_ruleset(files)
    except RuleSetError as e:
        found = [_problem_finding(p, src) for p in e.problems]
        # A file that is missing or not valid YAML is read as empty: its other problems ("tier must
        # be 1, 2 or 3", ...) only follow from that and would send the reader to the wrong place.
        unreadable = {f.file for f in found if f.file and f.message.startswith(_UNREADABLE)}
        found = [f for f in found if f.file not in unreadable or f.message.startswith(_UNREADABLE)]
        return Report(tuple(sorted(found, key=_sort_key)), None)
    except Exception as e:  # a malformed file can break the loader in other ways (KeyError, ...)
        return Report((Finding(ERROR, "schema", "", "", f"The rule set cannot be loaded: {type(e).__name__}: {e}"),),
                      None)
    router = Router(data)
    coverage = build_coverage(data, router)
    findings: list[Finding] = []
    findings += _table_findings(data.tables.rows, src)
    findings += _value_findings(data, src)
    findings += _gap_findings(coverage, data.tables.rows, src)
    findings += _lexicon_findings(data, src)
    findings += _stale_findings(data, src, today or date.today())
    findings += _intake_findings(files, data)
    return Report(tuple(sorted(findings, key=_sort_key)), coverage)


def render_report(report: Report) -> str:
    """One line per finding ("ERROR decisions/x.yaml:12 (row.id) message"), then a summary."""
    lines: list[str] = []
    for f in report.findings:
        loc = f.file + (f":{f.line}" if f.file and f.line else "")
        parts = [f.level.upper()]
        if loc:
            parts.append(loc)
        if f.where:
            parts.append(f"({f.where})")
        parts.append(f.message)
        lines.append(" ".join(parts))
    n_err, n_warn = len(report.errors), len(report.warnings)
    summary = (f"{'OK' if report.ok else 'FAILED'}: {n_err} error{'s' if n_err != 1 else ''}, "
               f"{n_warn} warning{'s' if n_warn != 1 else ''}")
    cov = report.coverage
    if cov is None:
        summary += "; the rule set does not load, so nothing else was checked"
    else:
        summary += (f"; coverage: {len(cov.rows)} theme/service cells x {len(cov.columns)} columns "
                    f"(no location + {len(cov.provinces)} provinces), {cov.gap_count} with a gap")
    lines.append(summary + ".")
    return "\n".join(lines)
