"""Turn lexicon matches into evidence: scores per theme, service, need and named instrument,
routing signals and scope (business / private / off-topic) weights.

A concept counts once per question (its strongest match), so repeating a word does not
inflate a score. Positions are kept to break ties in favour of what was named first
(routing-policy.md §5, "two named things").
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from operator import attrgetter
from typing import NamedTuple

from app.routing.lexicon import Match

_FAR = 1 << 30  # the position of what was never named
_START = attrgetter("start")


class InstrumentHit(NamedTuple):
    id: str
    weight: float
    position: int
    evidence: tuple[str, ...]
    provider: str | None
    mentions: int = 1  # how often it is named, in words apart ("advertising tax and precario": 2)


class Evidence:
    """What the matched cues say, summed per theme, service, need, instrument, scope and role,
    with the words that said it. A plain class: one is made per question, and a dataclass's
    fifteen default factories cost more than the literals."""

    __slots__ = ("business", "first_pos", "instruments", "need", "role_words", "roles", "scope", "scope_words",
                 "service", "signal_words", "signals", "theme", "topic_concepts", "words")

    def __init__(self) -> None:
        self.theme: dict[str, float] = {}
        self.service: dict[str, float] = {}
        self.need: dict[tuple[str, str], float] = {}
        self.first_pos: dict[str, int] = {}
        self.words: dict[str, list[str]] = {}
        self.instruments: dict[str, InstrumentHit] = {}
        self.signals: set[str] = set()
        self.signal_words: dict[str, list[str]] = {}
        self.scope: dict[str, float] = {}
        self.scope_words: dict[str, list[str]] = {}
        self.business = 0.0
        self.topic_concepts: list[str] = []
        self.roles: dict[str, float] = {}
        self.role_words: dict[str, list[str]] = {}

    def _note(self, key: str, pos: int, word: str) -> None:
        first = self.first_pos.get(key)
        if first is None or pos < first:
            self.first_pos[key] = pos
        ws = self.words.get(key)
        if ws is None:
            self.words[key] = [word]
        elif word not in ws:
            ws.append(word)

    def add_theme(self, theme: str, w: float, pos: int, word: str) -> None:
        self.theme[theme] = self.theme.get(theme, 0.0) + w
        self._note(_THEME_KEYS.get(theme) or theme_key(theme), pos, word)

    def add_service(self, service: str, w: float, pos: int, word: str) -> None:
        self.service[service] = self.service.get(service, 0.0) + w
        self._note(_SERVICE_KEYS.get(service) or service_key(service), pos, word)

    def add_need(self, theme: str, service: str, w: float, pos: int, word: str) -> None:
        self.need[(theme, service)] = self.need.get((theme, service), 0.0) + w
        self._note(theme_key(theme), pos, word)
        self._note(service_key(service), pos, word)
        self.theme.setdefault(theme, 0.0)

    def pos(self, key: str) -> int:
        return self.first_pos.get(key, _FAR)

    def words_for(self, *keys: str) -> tuple[str, ...]:
        out: list[str] = []
        for k in keys:
            for w in self.words.get(k, ()):
                if w not in out:
                    out.append(w)
        if len(out) < 2:
            return tuple(out)
        # "subsidie" adds nothing next to "welke subsidie"
        low = [w.lower() for w in out]
        kept: list[str] = []
        for w, lw in zip(out, low, strict=True):
            for lo in low:
                if lw != lo and lw in lo:
                    break
            else:
                kept.append(w)
        return tuple(kept)

    @property
    def recognised(self) -> bool:
        """Anything at all was recognised (themes, services, instruments, scope, signals)."""
        return bool(self.theme or self.service or self.instruments or self.scope or self.signals
                    or self.business)


def gather(matches: Sequence[Match]) -> Evidence:
    ev = Evidence()
    best: dict[str, Match] = {}
    named: dict[str, list[str]] = {}  # every name an instrument's concept was named by, in order
    spans: dict[str, list[tuple[int, int]]] = {}  # per instrument, its names that do not overlap
    for m in matches:
        cid = m.concept.id
        cur = best.get(cid)
        if cur is None or m.weight > cur.weight:
            best[cid] = m
        inst = m.concept.instrument
        if inst is not None:
            names = named.setdefault(cid, [])
            if m.evidence not in names:
                names.append(m.evidence)
            seen = spans.setdefault(inst, [])
            if all(m.end <= a or b <= m.start for a, b in seen):  # "SLIM-subsidie" is one name
                seen.append((m.start, m.end))
    ordered = sorted(best.values(), key=_START)
    for m in ordered:
        c = m.concept
        w = m.weight
        word = m.evidence
        for t, f in c.themes:
            ev.add_theme(t, w * f, m.start, word)
        for s, f in c.services:
            ev.add_service(s, w * f, m.start, word)
        for t, s, f in c.needs:
            if c.instrument is None:  # an instrument's need is reported with tier 1
                ev.add_need(t, s, w * f, m.start, word)
        if c.instrument is not None:
            prev = ev.instruments.get(c.instrument)
            words = named[c.id]  # "advertising tax and precario": named twice
            if prev is None or w > prev.weight:
                ev.instruments[c.instrument] = InstrumentHit(
                    c.instrument, w, min(m.start, prev.position) if prev else m.start,
                    (*(prev.evidence if prev else ()), *words),
                    c.provider or (prev.provider if prev else None), len(spans[c.instrument]),
                )
            else:
                ev.instruments[c.instrument] = InstrumentHit(
                    prev.id, prev.weight, prev.position, (*prev.evidence, *words),
                    prev.provider or c.provider, len(spans[c.instrument]),
                )
        for s in c.signals:
            ev.signals.add(s)
            ev.signal_words.setdefault(s, []).append(word)
        if c.scope is not None:
            ev.scope[c.scope] = ev.scope.get(c.scope, 0.0) + w
            ev.scope_words.setdefault(c.scope, []).append(word)
            if c.scope != "business":
                ev.topic_concepts.append(c.id)
        if c.role is not None:
            ev.roles[c.role] = ev.roles.get(c.role, 0.0) + w
            ev.role_words.setdefault(c.role, []).append(word)
        if c.business or c.scope == "business":
            ev.business += w
    return ev


def ranked_instruments(ev: Evidence, min_weight: float) -> list[InstrumentHit]:
    """Named instruments the question is about: strongest first, then the one named more often
    ("advertising tax and precario" over "tax bill"), then the one named first."""
    hits = [h for h in ev.instruments.values() if h.weight >= min_weight]
    return sorted(hits, key=lambda h: (-h.weight, -h.mentions, h.position))


_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (hot path)
_THEME_KEYS: dict[str, str] = {}
_SERVICE_KEYS: dict[str, str] = {}


def theme_key(theme: str) -> str:
    """The evidence key of a theme ("t:tax"), built once per name."""
    key = _THEME_KEYS.get(theme)
    if key is None:
        key = _THEME_KEYS[theme] = f"t:{theme}"
    return key


def service_key(service: str) -> str:
    """The evidence key of a service ("s:scheme"), built once per name."""
    key = _SERVICE_KEYS.get(service)
    if key is None:
        key = _SERVICE_KEYS[service] = f"s:{service}"
    return key


class NeedCandidate(NamedTuple):
    theme: str
    service: str
    score: float
    theme_pos: int
    service_pos: int


def candidate_needs(ev: Evidence, themes: AbstractSet[str], default_service: str,
                    general_theme: str) -> list[NeedCandidate]:
    """Every (theme, service) pair with evidence, scored theme + service + direct need.

    A theme without any service evidence gets the default service (information); service
    evidence without any theme is read as the general theme.
    """
    service, need, first_pos = ev.service, ev.need, ev.first_pos
    services_with_ev = [s for s, v in service.items() if v > 0]
    theme_ids = [t for t in ev.theme if t in themes]
    if not theme_ids and (services_with_ev or need):
        theme_ids = [general_theme]
    need_services: dict[str, list[str]] = {}  # per theme, the services its direct needs name
    for t, s in need:
        need_services.setdefault(t, []).append(s)
    # (-score, theme position, service position, theme, service, score): sorted as they stand,
    # the strongest first, then the one named first
    keyed: list[tuple[float, int, int, str, str, float]] = []
    for t in theme_ids:
        t_score = ev.theme.get(t, 0.0)
        t_pos = first_pos.get(theme_key(t), _FAR)
        direct = need_services.get(t)
        svc = (set(services_with_ev).union(direct) if direct else services_with_ev) or (default_service,)
        for s in svc:
            score = t_score + service.get(s, 0.0) + need.get((t, s), 0.0)
            keyed.append((-round(score, 6), t_pos, first_pos.get(service_key(s), _FAR), t, s, score))
    keyed.sort()
    return [_new(NeedCandidate, (t, s, score, t_pos, s_pos)) for _, t_pos, s_pos, t, s, score in keyed]
