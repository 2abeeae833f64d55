"""Replay before activation: route the same inputs under the serving set and a candidate, and
count how many would get another first door, with a from -> to matrix and examples.

Inputs are weighted: one logged answer stands for every decision that got it, so "127
questions would move from KVK to the ROM" counts questions asked, not distinct texts.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.routing.engine import Router
from app.routing.model import CompanyInput, InvalidInput, LocationInput, RouteInput

OUT_OF_SCOPE = "(out of scope)"


@dataclass(frozen=True)
class Case:
    input: RouteInput
    weight: int  # the number of questions this input stands for
    source: str  # "log" or "golden"
    label: str  # a scenario id, or the (scrubbed) question


def first_door(router: Router, inp: RouteInput) -> str:
    d = router.route(inp)
    return d.routes[0].provider_id if d.routes else OUT_OF_SCOPE


def golden_cases(directory: Path) -> list[Case]:
    """The golden scenarios (tests/golden/*.yaml) as replay cases."""
    cases: list[Case] = []
    for path in sorted(directory.glob("*.yaml")):
        for c in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            loc = c.get("location") or None
            comp = c.get("company") or None
            cases.append(Case(RouteInput(
                question=c["question"],
                location=LocationInput(**loc) if loc else None,
                company=CompanyInput(**comp) if comp else None,
            ), 1, "golden", str(c["id"])))
    return cases


class OutOfTime(Exception):
    """The replay passed its deadline (the caller has been answered already): stop working."""


def simulate(baseline: Router, candidate: Router, cases: Iterable[Case], examples: int = 10,
             deadline: float | None = None) -> dict[str, Any]:
    """Replay `cases` under both routers. Past `deadline` (time.monotonic()) it raises OutOfTime
    instead of running on for minutes after the request was given up."""
    totals: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    distinct: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    matrix: Counter[tuple[str, str]] = Counter()
    moved: list[tuple[int, Case, str, str]] = []
    for n, case in enumerate(cases):
        if deadline is not None and n % 64 == 0 and time.monotonic() > deadline:
            raise OutOfTime(f"stopped after {n} cases")
        try:
            before, after = first_door(baseline, case.input), first_door(candidate, case.input)
        except InvalidInput:  # e.g. a municipality the candidate's region tables no longer know
            skipped[case.source] += case.weight
            continue
        totals[case.source] += case.weight
        distinct[case.source] += 1
        if before != after:
            changed[case.source] += case.weight
            matrix[(before, after)] += case.weight
            moved.append((case.weight, case, before, after))
    moved.sort(key=lambda m: (-m[0], m[1].source, m[1].label))
    return {
        "baseline": baseline.version,
        "candidate": candidate.version,
        "sources": {src: {"questions": totals[src], "distinct_inputs": distinct[src], "changed": changed[src],
                          "skipped": skipped[src]}
                    for src in sorted(set(totals) | set(skipped))},
        "changed": sum(changed.values()),
        "matrix": [{"from": a, "to": b, "count": n}
                   for (a, b), n in sorted(matrix.items(), key=lambda kv: (-kv[1], kv[0]))],
        "examples": [{"source": c.source, "label": c.label, "question": c.input.question, "count": w,
                      "from": a, "to": b} for w, c, a, b in moved[:examples]],
    }


def summary(result: Mapping[str, Any]) -> list[str]:
    """Sentences an officer reads first: "127 questions would move from kvk to rom:bom"."""
    return [f"{m['count']} question{'s' if m['count'] != 1 else ''} would move from {m['from']} to {m['to']}"
            for m in result["matrix"]]


def log_case(question: str, language: str | None, postcode4: str | None, municipality: str | None,
             province: str | None, location_source: str | None, count: int) -> Case:
    """A logged answer as a replay case. A location the client sent is sent again (at the
    level stored: PC4, else municipality, else province); one read from the question is read
    from it again."""
    loc = None
    if location_source == "request":
        if postcode4:
            loc = LocationInput(postcode=postcode4)
        elif municipality:
            loc = LocationInput(municipality=municipality)
        elif province:
            loc = LocationInput(province=province)
    return Case(RouteInput(question=question, language=language, location=loc), count, "log", question)
