"""Routing quality on a labelled set, in process: the judge's scoring rules and the fold split.

The scoring rules are those of ../shared/tools/score_route.py (the judge's scorer, see
../shared/eval/README.md), applied to the routing core's decisions instead of HTTP answers, so
a labelled set can be scored in a second and folds can be cross-validated. `make eval` also
scores the running service with the shared scorer itself; both must agree.

Folds: train is split by *original question* (the id before the first "-"), so a location or
text variant always sits in the fold of its original. The split is a stable hash of that id,
so it never changes when rows are added.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from app.routing.engine import Router
from app.routing.learned import NO_FAMILY, NeedModel
from app.routing.model import Decision, InvalidInput, LocationInput, RouteInput
from app.routing.text import clean, tokenize

REGIONAL_NEEDING_LOCATION = ("rom", "gemeente", "provincie", "wsp")
DEFAULT_FOLDS = 5


def load_rows(path: Path | str) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def original_id(row: dict[str, Any]) -> str:
    return str(row.get("id", "")).split("-", 1)[0]


def fold_of(row: dict[str, Any], k: int = DEFAULT_FOLDS) -> int:
    """The fold (0..k-1) of a row: a stable hash of its original question's id."""
    digest = hashlib.sha256(original_id(row).encode()).digest()
    return int.from_bytes(digest[:4], "big") % k


def to_input(row: dict[str, Any]) -> RouteInput:
    """The request the judge sends for a row: the text, plus its location when it has one."""
    loc = row.get("location") or None
    return RouteInput(question=row["text"], location=LocationInput(**loc) if loc else None)


@dataclass(frozen=True)
class Outcome:
    """What the judge reads from one answer."""

    out_of_scope: bool
    families: tuple[str, ...]
    first_id: str | None
    needs_location: bool
    language: str | None
    error: str | None = None

    @classmethod
    def of(cls, d: Decision) -> Outcome:
        return cls(d.out_of_scope, tuple(r.family for r in d.routes),
                   d.routes[0].provider_id if d.routes else None,
                   bool(d.routes and d.routes[0].needs_location), d.language)


@dataclass
class Score:
    """Counts as in score_route.py; `misses` lists (id, text, what went wrong)."""

    n: int = 0
    n_in: int = 0
    top1: int = 0
    top3: int = 0
    n_orig: int = 0
    top1_orig: int = 0
    oos_tp: int = 0
    oos_fp: int = 0
    oos_fn: int = 0
    reg_n: int = 0
    reg_ok: int = 0
    needloc_n: int = 0
    needloc_ok: int = 0
    lang_n: int = 0
    lang_ok: int = 0
    errors: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, row: dict[str, Any], out: Outcome) -> bool:
        """Count one row; True when the row was answered as labelled (family and region)."""
        self.n += 1
        rid = str(row.get("id"))
        if out.error is not None:
            self.errors += 1
            self.misses.append((rid, row["text"], out.error))
            return False
        if row.get("lang"):
            self.lang_n += 1
            self.lang_ok += out.language == row["lang"]
        if row.get("out_of_scope"):
            if out.out_of_scope:
                self.oos_tp += 1
                return True
            self.oos_fn += 1
            self.misses.append((rid, row["text"], f"want out_of_scope, got {out.families[:1]}"))
            return False
        self.oos_fp += out.out_of_scope
        self.n_in += 1
        ok_set = {row["primary"], *row.get("acceptable", [])}
        is_orig = "-" not in rid
        self.n_orig += is_orig
        good = bool(out.families[:1]) and out.families[0] in ok_set
        if good:
            self.top1 += 1
            self.top1_orig += is_orig
        else:
            self.misses.append((rid, row["text"], f"want {sorted(ok_set)} got {list(out.families[:3])}"
                                + (" oos" if out.out_of_scope else "")))
        self.top3 += bool(ok_set & set(out.families[:3]))
        if row.get("expect_id"):
            self.reg_n += 1
            ok_region = out.first_id == row["expect_id"]
            self.reg_ok += ok_region
            if good and not ok_region:
                self.misses.append((rid, row["text"], f"want {row['expect_id']} got {out.first_id}"))
            good = good and ok_region
        elif (row.get("regional") and not row.get("location") and out.families[:1] == (row["primary"],)
              and row["primary"] in REGIONAL_NEEDING_LOCATION):
            self.needloc_n += 1
            self.needloc_ok += out.needs_location
        return good

    @classmethod
    def pooled(cls, scores: Iterable[Score]) -> Score:
        """Several sets' counts as one (every counter summed, the misses joined)."""
        total = cls()
        counters = [f.name for f in fields(cls) if f.name != "misses"]
        for s in scores:
            for name in counters:
                setattr(total, name, getattr(total, name) + getattr(s, name))
            total.misses += s.misses
        return total

    def metrics(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "n": self.n, "errors": self.errors,
            "top1": ratio(self.top1, self.n_in), "top1_originals": ratio(self.top1_orig, self.n_orig),
            "top3": ratio(self.top3, self.n_in),
            "region_exact": ratio(self.reg_ok, self.reg_n), "region_n": self.reg_n,
            "needs_location": ratio(self.needloc_ok, self.needloc_n),
            "oos_precision": ratio(self.oos_tp, self.oos_tp + self.oos_fp),
            "oos_recall": ratio(self.oos_tp, self.oos_tp + self.oos_fn),
            "language": ratio(self.lang_ok, self.lang_n),
        }


Answer = Callable[[dict[str, Any]], Outcome]


def router_answer(router: Router) -> Answer:
    def answer(row: dict[str, Any]) -> Outcome:
        try:
            return Outcome.of(router.route(to_input(row)))
        except InvalidInput as e:
            return Outcome(False, (), None, False, None, error=f"422 {e}")
    return answer


def model_answer(router: Router, model: NeedModel) -> Answer:
    """The learned model alone (for comparison, never shipped this way): the doors are the
    families it finds most likely ("none" first: out of scope), the first resolved to the
    region as the router would (the request's location, else a place in the text); no lexicon,
    no decision tables."""
    def answer(row: dict[str, Any]) -> Outcome:
        inp = to_input(row)
        ranked = [f for f, _ in model.predict(tokenize(clean(inp.question or ""))).family]
        if ranked[0] == NO_FAMILY:
            return Outcome(True, (), None, False, None)
        pid, needs_location = router.door_for(ranked[0], router.locate(inp))
        return Outcome(False, tuple(f for f in ranked if f != NO_FAMILY)[:3], pid, needs_location, None)
    return answer


def score(rows: Iterable[dict[str, Any]], answer: Answer) -> Score:
    s = Score()
    for row in rows:
        s.add(row, answer(row))
    return s


def split(rows: Sequence[dict[str, Any]], fold: int, k: int = DEFAULT_FOLDS
          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the other folds, this fold)."""
    inside = [r for r in rows if fold_of(r, k) == fold]
    outside = [r for r in rows if fold_of(r, k) != fold]
    return outside, inside
