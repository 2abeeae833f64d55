"""Input and output types of the routing core (plain frozen dataclasses, no framework)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from app.routing.geo import Location


class InvalidInput(ValueError):
    """Input the client must fix; `field` is a JSON path such as "location.postcode"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class LocationInput:
    postcode: str | None = None
    municipality: str | None = None
    province: str | None = None


@dataclass(frozen=True, slots=True)
class CompanyInput:
    employees: int | None = None
    phase: str | None = None
    kvk_number: str | None = None
    sbi: str | None = None


@dataclass(frozen=True, slots=True)
class RouteInput:
    question: str | None = None
    language: str | None = None
    location: LocationInput | None = None
    company: CompanyInput | None = None
    needs: tuple[tuple[str, str], ...] = ()
    signals: tuple[str, ...] = ()  # from a form or a chosen clarify option ("microcredit")


class NeedResult(NamedTuple):
    theme: str
    service: str
    score: float
    evidence: tuple[str, ...]


class RouteResult(NamedTuple):
    rank: int
    role: str  # "primary" | "also"
    provider_id: str
    family: str
    needs_location: bool
    rule: str
    principle: str
    reason: str
    score: float
    evidence: tuple[str, ...]


class ClarifyOption(NamedTuple):
    label: str
    needs: tuple[tuple[str, str], ...] = ()
    signals: tuple[str, ...] = ()  # sent back with the needs, they decide the door on re-routing


class ClarifyItem(NamedTuple):
    field: str  # "need" | "location"
    question: str
    options: tuple[ClarifyOption, ...] = ()


class TraceMatch(NamedTuple):
    concept: str
    cue: str
    evidence: str
    weight: float
    fuzzy: bool


@dataclass(frozen=True, slots=True)
class Decision:
    language: str
    outcome: str  # "routed" | "clarify" | "out_of_scope"
    needs: tuple[NeedResult, ...]
    routes: tuple[RouteResult, ...]
    clarify: tuple[ClarifyItem, ...]
    location: Location | None
    message: str | None = None
    matches: tuple[Any, ...] = ()  # the lexicon matches (app.routing.lexicon.Match)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def trace(self) -> tuple[TraceMatch, ...]:
        """The cues that matched, for explanations and the decision log (built on demand)."""
        return tuple(TraceMatch(m.concept.id, m.cue.raw, m.evidence, round(m.weight, 3), m.fuzzy)
                     for m in self.matches)

    @property
    def out_of_scope(self) -> bool:
        return self.outcome == "out_of_scope"

    @property
    def primary(self) -> RouteResult | None:
        return self.routes[0] if self.routes else None
