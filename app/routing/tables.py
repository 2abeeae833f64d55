"""Decision tables (routing-policy.md §4) with the hit policy "most specific wins".

Hit policy PRIORITY, in this order: a lower tier wins (tier 1 = a named instrument, obligation
or body; tier 2 = theme x service; tier 3 = the general fallback); within a tier the row with
more conditions wins; then the row written first. Every row carries a stable id, the principle
it rests on (P1-P5), its source, `valid_from` and nl/en reason texts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple


class Context(NamedTuple):
    """What the tables can test: the chosen instrument or need plus facts and signals."""

    instrument: str | None = None
    theme: str | None = None
    service: str | None = None
    signals: frozenset[str] = frozenset()
    amount: float | None = None
    employees: int | None = None
    phase: str | None = None


@dataclass(frozen=True, slots=True)
class Conditions:
    instruments: frozenset[str] | None = None
    themes: frozenset[str] | None = None
    services: frozenset[str] | None = None
    signals: frozenset[str] | None = None  # any of
    amount_min: float | None = None
    amount_max: float | None = None
    employees_min: int | None = None
    employees_max: int | None = None
    phases: frozenset[str] | None = None
    specificity: int = field(default=0, init=False)  # how many conditions the row tests

    def __post_init__(self) -> None:
        object.__setattr__(self, "specificity", sum(
            x is not None
            for x in (
                self.instruments,
                self.themes,
                self.services,
                self.signals,
                self.phases,
            )
        ) + (self.amount_min is not None or self.amount_max is not None) + (
            self.employees_min is not None or self.employees_max is not None
        ))

    @property
    def tests_facts(self) -> bool:
        """Whether the row reads more of the question than its instrument or need: signals, the
        phase, an amount or the firm's size."""
        return not (self.signals is None and self.phases is None and self.amount_min is None
                    and self.amount_max is None and self.employees_min is None and self.employees_max is None)

    def holds(self, ctx: Context) -> bool:
        if self.instruments is not None and ctx.instrument not in self.instruments:
            return False
        if self.themes is not None and ctx.theme not in self.themes:
            return False
        if self.services is not None and ctx.service not in self.services:
            return False
        if self.signals is not None and not (self.signals & ctx.signals):
            return False
        if self.phases is not None and ctx.phase not in self.phases:
            return False
        if self.amount_min is not None or self.amount_max is not None:
            if ctx.amount is None:
                return False
            if self.amount_min is not None and ctx.amount < self.amount_min:
                return False
            if self.amount_max is not None and ctx.amount > self.amount_max:
                return False
        if self.employees_min is not None or self.employees_max is not None:
            if ctx.employees is None:
                return False
            if self.employees_min is not None and ctx.employees < self.employees_min:
                return False
            if self.employees_max is not None and ctx.employees > self.employees_max:
                return False
        return True


@dataclass(frozen=True, slots=True)
class AlsoRef:
    provider: str
    when: Conditions | None = None


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    table: str
    tier: int
    order: int
    when: Conditions
    primary: str
    also: tuple[AlsoRef, ...]
    principle: str
    source: str
    valid_from: date
    reason: Mapping[str, str]
    file: str = ""

    @property
    def priority(self) -> tuple[int, int, int]:
        return (self.tier, -self.when.specificity, self.order)

    def also_for(self, ctx: Context) -> list[str]:
        return [a.provider for a in self.also if a.when is None or a.when.holds(ctx)]


class DecisionTables:
    """Rows pre-indexed by instrument and by theme; evaluation reads only."""

    def __init__(self, rows: Sequence[Row], hit_policy: str = "PRIORITY") -> None:
        self.rows = tuple(sorted(rows, key=lambda r: r.priority))
        self.hit_policy = hit_policy
        by_instrument: dict[str, list[Row]] = {}
        by_theme: dict[str | None, list[Row]] = {}
        for r in self.rows:
            if r.when.instruments is not None:
                for i in r.when.instruments:
                    by_instrument.setdefault(i, []).append(r)
            elif r.when.themes is not None:
                for t in r.when.themes:
                    by_theme.setdefault(t, []).append(r)
            else:
                by_theme.setdefault(None, []).append(r)
        self._by_instrument = by_instrument
        self._by_theme = by_theme
        self.by_id = {r.id: r for r in self.rows}
        # Memo of evaluate(): the rows never change, so the answer depends only on the context.
        self._memo: dict[tuple[Context, date | None], Row | None] = {}

    def evaluate(self, ctx: Context, on: date | None = None) -> Row | None:
        """The winning row for `ctx`, or None when no row applies (a gap)."""
        key = (ctx, on)
        try:
            return self._memo[key]
        except KeyError:
            pass
        best = self._evaluate(ctx, on)
        if len(self._memo) > 4096:  # contexts repeat far less than words
            self._memo.clear()
        self._memo[key] = best
        return best

    def _evaluate(self, ctx: Context, on: date | None) -> Row | None:
        candidates: list[Row] = []
        if ctx.instrument is not None:
            candidates += self._by_instrument.get(ctx.instrument, [])
        else:
            candidates += self._by_theme.get(ctx.theme, [])
        candidates += self._by_theme.get(None, [])
        best: Row | None = None
        for r in candidates:
            if on is not None and r.valid_from > on:
                continue
            if r.when.holds(ctx) and (best is None or r.priority < best.priority):
                best = r
        return best

    def instruments(self) -> frozenset[str]:
        return frozenset(self._by_instrument)
