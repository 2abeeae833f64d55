"""The router: one immutable object built from a rule set; `route` only reads it.

Order of decisions (routing-policy.md §5): scope first, then tier 1 (a named instrument,
obligation or body), then tier 2 (theme x service), then the general fallback. Every route
names the rule that fired, its principle and the words that triggered it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from app.routing import language as lang_mod
from app.routing.classify import (
    Evidence,
    InstrumentHit,
    NeedCandidate,
    candidate_needs,
    gather,
    ranked_instruments,
    service_key,
    theme_key,
)
from app.routing.facts import TextFacts, extract
from app.routing.geo import Location, TextPlace, UnknownPlace
from app.routing.learned import NO_FAMILY, NeedModel, Prediction
from app.routing.lexicon import Match, merge
from app.routing.loader import (
    GENERIC_FUND_INSTRUMENT,
    GENERIC_SCHEME_INSTRUMENT,
    ROM_INSTRUMENT,
    SCHEME_CONCEPT_PREFIX,
    SCHEME_INSTRUMENT,
    RuleFiles,
    RuleSetData,
    load_ruleset,
)
from app.routing.model import (
    ClarifyItem,
    ClarifyOption,
    Decision,
    InvalidInput,
    NeedResult,
    RouteInput,
    RouteResult,
)
from app.routing.tables import Context, Row
from app.routing.text import WORD_MEMO, Token, clean, tokenize

MAX_QUESTION_CHARS = 2000
# words after a proposal marker ("wil dat ik ontslag neem en daarna als zzp'er ...") whose firm role
# is someone else's plan for the asker
PROPOSAL_REACH = 7
LANGUAGES = ("nl", "en")
_POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})?\s*$")


# the provider family of a body word's kind of place ("provincie Limburg", "gemeente Venlo")
_BODY_FAMILY = {"province": "provincie", "municipality": "gemeente"}
BODY_PREFIX = "body."  # concepts of a body named in the question (lexicon/instruments.yaml "bodies named")

class _Door(NamedTuple):
    """A provider door chosen by one row, before ranking."""

    provider_id: str
    family: str
    needs_location: bool
    row: Row
    score: float
    evidence: tuple[str, ...]
    role: str
    extra: tuple[str, ...] = ()  # doors that come with this one ('t Gooi: ROM Utrecht Region)
    # An "also" door a row lists without a need of its own: its rule, principle and reason are
    # the provider's mandate, never the primary's row.
    mandate: bool = False


class _Plan(NamedTuple):
    """What tier 1 or tier 2 decided, before the doors are ranked."""

    doors: list[_Door]
    needs: list[NeedResult]
    clarify: list[ClarifyItem]
    outcome: str
    pred: Prediction | None = None  # the learned model's, where tier 2 asked it


class Router:
    """Routes questions with one rule set. Immutable after construction, apart from memos of
    pure functions of the input (the same input and rule set always give the same answer)."""

    def __init__(self, data: RuleSetData) -> None:
        self.data = data
        self.version = data.meta.version
        self.checksum = data.meta.checksum
        self._themes = frozenset(data.taxonomy.themes)
        self._services = tuple(data.taxonomy.services)
        self._phase_profile: Mapping[str, Mapping[str, Any]] = (data.profile.get("phase") or {})
        self._confs: dict[float, float] = {}  # score -> confidence, memoised (scores repeat)
        self._bodies = frozenset(data.language.body_words)
        self._supplier_last = frozenset(w[-1] for w in data.language.supplier_words)
        self._workplace_last = frozenset(w[-1] for w in data.language.workplace_links)
        self._general = data.taxonomy.fallback_theme
        self._default_service = data.taxonomy.default_service
        self._known_signals = frozenset(
            {sig for c in data.concepts.values() for sig in c.signals}
            | {str(sig) for prof in self._phase_profile.values() for sig in ((prof or {}).get("signals") or [])})
        self._refine = _refinements(data.messages, self._known_signals)
        # the instruments a provincie or gemeente owns: its own name for them is no other door
        self._body_schemes = frozenset([*SCHEME_INSTRUMENT.values(), *GENERIC_SCHEME_INSTRUMENT.values()])
        # a kind of scheme any body may run ("een ondernemersfonds"): with a place, that place's own
        self._generic_schemes = frozenset(GENERIC_SCHEME_INSTRUMENT.values())
        self._private_roles = frozenset(r.id for r in data.roles.values() if r.private)
        self._of_others = frozenset(r.id for r in data.roles.values() if r.of_others)
        lang = data.language
        self._markers = _Markers({
            "example": lang.example_markers, "negation": lang.negation_markers, "goal": lang.goal_markers,
            "mention": lang.mention_markers, "person": lang.person_markers, "creditor": lang.creditor_markers,
            "creditor_after": lang.creditor_after_markers, "elsewhere": lang.elsewhere_markers,
            "source": lang.source_markers, "overview": lang.overview_markers,
            "referral": lang.referral_markers, "existential": lang.existential_markers,
            "self": lang.self_description_markers, "proposal": lang.proposal_markers}, lang.marker_fillers)
        self._scheme_words: dict[str, bool] = {}  # memo of LanguageData.is_scheme_word
        self._stopwords = frozenset().union(*data.language.stopwords.values())  # of either language
        self._clarify_items: dict[tuple[tuple[tuple[str, str], ...], str], ClarifyItem] = {}

    @classmethod
    def from_directory(cls, root: Path | str) -> Router:
        return cls(load_ruleset(root))

    @classmethod
    def from_files(cls, files: RuleFiles) -> Router:
        """A router for a rule set stored as content (a published set from the database)."""
        return cls(load_ruleset(files))

    # -- validation ----------------------------------------------------------------------------
    def _validate(self, inp: RouteInput) -> None:
        q = inp.question
        if q is None and not inp.needs:
            raise InvalidInput("question", "give a question, or needs from a form, or both")
        if q is not None:
            if not q.strip():
                raise InvalidInput("question", "the question is empty; write what you want to know")
            if len(q) > MAX_QUESTION_CHARS:
                raise InvalidInput(
                    "question", f"the question has {len(q)} characters; the limit is {MAX_QUESTION_CHARS}"
                )
        if inp.language is not None and inp.language not in LANGUAGES:
            raise InvalidInput("language", "use 'nl' or 'en'")
        for i, (t, s) in enumerate(inp.needs):
            if t not in self.data.taxonomy.themes:
                raise InvalidInput(f"needs[{i}].theme",
                                   f"unknown theme {t!r}; see GET /v1/themes for the valid ones")
            if s not in self.data.taxonomy.services:
                raise InvalidInput(f"needs[{i}].service",
                                   f"unknown service {s!r}; see GET /v1/themes for the valid ones")
        for sig in inp.signals:
            if sig not in self._known_signals:
                raise InvalidInput("needs.signals", f"unknown signal {sig!r}; use one of "
                                   f"{', '.join(sorted(self._known_signals))}")
        c = inp.company
        if c is not None:
            if c.phase is not None and c.phase not in self._phase_profile:
                raise InvalidInput("company.phase", f"use one of {', '.join(self._phase_profile)}")
            if c.employees is not None and c.employees < 0:
                raise InvalidInput("company.employees", "must be 0 or more")

    # -- location --------------------------------------------------------------------------------
    def resolve_location(
        self, postcode: str | None = None, municipality: str | None = None, province: str | None = None,
        source: str = "request",
    ) -> Location | None:
        """Resolve a location given as fields; raises InvalidInput for what the client must fix."""
        geo = self.data.geo
        pc4 = None
        if postcode is not None:
            m = _POSTCODE_RE.match(postcode)
            if not m:
                raise InvalidInput(
                    "location.postcode", "a Dutch postcode is 4 digits, optionally followed by 2 letters "
                    "(e.g. 5038 or 5038 AB)")
            pc4 = m.group(1)
        muni = None
        if municipality is not None:
            try:
                muni = geo.municipality(municipality)
            except UnknownPlace:
                raise InvalidInput(
                    "location.municipality",
                    f"unknown municipality {municipality!r}; use the name or the CBS code (GMxxxx)",
                ) from None
        prov = None
        if province is not None:
            try:
                prov = geo.province(province)
            except UnknownPlace:
                raise InvalidInput(
                    "location.province",
                    f"unknown province {province!r}; use the name or the CBS code (PV20-PV31)",
                ) from None
        if muni is not None:
            if prov is not None and muni.province != prov.code:
                raise InvalidInput(
                    "location", f"{muni.name} lies in {geo.provinces[muni.province].name}, not in {prov.name}"
                )
            return geo.locate_municipality(muni, source, postcode4=pc4)
        if pc4 is not None:
            loc = geo.locate_pc4(pc4, source)
            if loc.municipality is None and prov is not None:
                return geo.locate_province(prov, source)
            if prov is not None and loc.province is not None and loc.province.code != prov.code:
                raise InvalidInput(
                    "location", f"postcode {pc4} lies in {loc.province.name}, not in {prov.name}")
            return loc
        if prov is not None:
            return geo.locate_province(prov, source)
        return None

    def _location(self, inp: RouteInput, facts: TextFacts, place: TextPlace | None) -> Location | None:
        li = inp.location
        if li is not None and (li.postcode or li.municipality or li.province):
            return self.resolve_location(li.postcode, li.municipality, li.province, "request")
        geo = self.data.geo
        if facts.postcode:
            loc = geo.locate_pc4(facts.postcode[:4], "text", evidence=facts.postcode_evidence)
            if loc.known:
                return loc
        if place is not None:
            return geo.locate_text_place(place)
        return None

    def _regional_scheme(self, tokens: Sequence[Token], norms: AbstractSet[str],
                         matches: Sequence[Match], existential: Sequence[Span] = (),
                         location: Location | None = None) -> InstrumentHit | None:
        """A scheme word right next to a place names that region's own instrument ("Friese
        subsidie", "Adviesregeling Groningen", "de lening van de gemeente Zwolle"): its
        provincie or gemeente is the door, whatever the firm's location (§4a, like a named ROM).
        Only `scheme_links` may stand between the scheme word and a place after it. So does a
        scheme asked for as existing in a place (`existential`: "Zijn er in Zeeland vouchers ...?",
        `_exists_in`). A name both a municipality and a province bear, without its body word, is
        the province's where the firm is elsewhere in that province (`Geo.province_namesake`)."""
        lang, geo = self.data.language, self.data.geo
        known, is_scheme = self._scheme_words, self._is_scheme_word
        # the memo first (a method call per word costs more than the lookup): known to be one, or not
        # known yet and found to be one
        scheme_at = [j for j, tok in enumerate(tokens)
                     if known.get(tok.norm) or (tok.norm not in known and is_scheme(tok.norm))]
        bodies = not lang.body_words.keys().isdisjoint(norms)
        if not scheme_at and not bodies:
            return None  # most questions: no scheme word and no body word
        # a fund named in a sentence with a ROM is that ROM's to run (§4a), whoever owns it: such funds
        # are no scheme of a province or municipality (empty unless a ROM is named)
        rom_sents = {tokens[m.first].sent for m in matches if m.concept.instrument == ROM_INSTRUMENT}
        rom_funds = frozenset(k for k, t in enumerate(tokens) if t.sent in rom_sents
                              and lang.is_fund_word(t.norm)) if rom_sents else frozenset()
        # words of a named instrument: not a scheme word, and no place is read across them ("het
        # programma Innovatief & Duurzaam MKB Groningen" is the province's, not the municipality's)
        # a fund compound read only as "some regional fund" ("Stimuleringsfonds"): a municipality's own
        # fund when its name or adjective comes first ("het Leids Stimuleringsfonds"), a ROM's otherwise
        # ("het Investeringsfonds Groningen")
        generic_fund = [m.concept.instrument == GENERIC_FUND_INSTRUMENT and m.first == m.last for m in matches]
        funds = {m.first for m, fund in zip(matches, generic_fund, strict=True) if fund}
        named = [(m.first, m.last) for m, fund in zip(matches, generic_fund, strict=True)
                 if m.concept.instrument and m.concept.instrument not in self._generic_schemes and not fund]
        for j in scheme_at:
            tok = tokens[j]
            if any(a <= j <= b for a, b in named):
                continue  # not a scheme word here, but part of a name ("Impuls Zeeland" is a ROM)
            # a place just before: "Friese subsidie", "Groninger Ondernemersregeling", or with what
            # the scheme is for in between: "Overijssel SME voucher", "the Drenthe SME energy saving subsidy"
            end = self._before_purpose(tokens, j)
            before = next((p for s in range(end, max(-1, end - 5), -1)
                           if geo.could_start_place(tokens[s].norm)
                           and (p := geo.place_at(tokens, s)) is not None and p.last == end), None)
            place = before if before is not None and tokens[before.first].sent == tok.sent else None
            if place is not None and place.first > 0 and tokens[place.first - 1].norm in lang.location_words:
                place = None  # "met mijn camping bij Coevorden subsidie krijgen": where the firm is
            # a place after, with only link words between ("Adviesregeling Groningen", "subsidie van
            # de provincie Drenthe") or the scheme's own title, which starts with a capital
            # ("regeling Vrijetijdseconomie Drenthe", "subsidie Digitale en circulaire industrie
            # Overijssel"); never across a location word ("subsidie voor zonnepanelen in Tilburg")
            k = j + 1
            titled = k < len(tokens) and tokens[k].surface[:1].isupper()
            reach = 0 if j in funds else (6 if titled else 4)
            while place is None and k < len(tokens) and k - j <= reach and tokens[k].sent == tok.sent:
                place = geo.place_at(tokens, k) if geo.could_start_place(tokens[k].norm) else None
                if place is None and tokens[k].norm not in lang.scheme_links and (
                        not titled or tokens[k].norm in lang.location_words):
                    break
                k += 1
            if place is None and existential:
                place = self._exists_in(tokens, j, existential)
            if place is not None and any(min(j, place.first) < a <= max(j, place.first) for a, _ in named):
                place = None  # a named instrument between: the place is part of its title
            if place is not None and j in funds and place.kind != "municipality":
                place = None  # "een Brabants fonds": most such funds are the ROM's (§4a)
            if (place is not None and place.kind == "municipality"
                    and not (place.first > 0 and tokens[place.first - 1].norm in lang.body_words)
                    and (province := geo.province_namesake(place.code, location)) is not None):
                place = dataclasses.replace(place, kind="province", code=province)
            hit = self._scheme_hit(tok, place) if place is not None and j not in rom_funds else None
            if hit is not None:
                return hit
        # a body word inside a longer named thing of another door is part of its name ("de gemeente
        # of het UWV" is the werkgeversservicepunt), not a paying body of its own
        if not bodies:
            return None
        inside = {k for m in matches if m.concept.instrument is not None and m.last > m.first
                  and m.concept.instrument not in self._body_schemes for k in range(m.first, m.last + 1)}
        starts = {m.first: m.weight for m in matches if m.concept.instrument is not None}
        return self._funding_body(tokens, starts, inside, rom_funds)

    def _self_described(self, tokens: Sequence[Token], spans: Sequence[Span] | None,
                        matches: Sequence[Match], instruments: bool = True) -> set[int]:
        """Where an instrument's words (with `instruments` False: a topic's words) stand inside the
        asker's description of the firm ("We're a Dutch cybersecurity software scale-up", "wij zijn
        een cybersecurity-bedrijf", "We're a small recruitment agency"): within four words after a
        self-description marker and followed within three by a firm noun. What the firm is does not
        say what it asks (issue 12: persona words do not decide the theme)."""
        if not spans:
            return set()
        after = _after_markers(tokens, spans, 4)
        nouns = self.data.language.firm_nouns
        out: set[int] = set()
        for m in matches:
            if (m.concept.instrument is None) == instruments or m.first not in after or m.concept.kind != "topic":
                continue
            end = min(len(tokens), m.last + 4)
            if any(tokens[k].norm in nouns and tokens[k].sent == tokens[m.first].sent for k in range(m.last + 1, end)):
                out.add(m.first)
        return out

    def _before_purpose(self, tokens: Sequence[Token], j: int) -> int:
        """Where a place may end before the scheme word at j: right before it, or before what the
        scheme is for, which starts with a `scheme_qualifiers` word ("Overijssel SME voucher") and
        may go on for up to two content words of the same sentence ("the Drenthe SME energy saving
        subsidy"), none a link, a stop word or a location word ("Limburg SME in de buurt ...")."""
        lang = self.data.language
        end = j - 1
        for q in range(j - 1, max(-1, j - 4), -1):
            norm = tokens[q].norm
            if tokens[q].sent != tokens[j].sent:
                break
            if norm in lang.scheme_qualifiers:
                end = q - 1  # the furthest qualifier: "Drenthe SME energy ..."
            elif norm in self._stopwords or norm in lang.scheme_links or norm in lang.location_words:
                break
        return end

    def _names_a_supplier(self, tokens: Sequence[Token], m: Match) -> bool:
        """A firm's possession cue that ends on a supplier everyone buys from ("mijn
        energiebedrijf", "my energy supplier"): it names the asker's supplier, not the asker's firm."""
        if m.concept.role is None or m.concept.role in self._private_roles:
            return False
        ends = tuple(t.norm for t in tokens[max(0, m.last - 2) : m.last + 1])
        return any(ends[-len(w):] == w for w in self.data.language.supplier_words)

    def _at_workplace(self, tokens: Sequence[Token], m: Match) -> bool:
        """A firm role read off one trade or firm word right after a workplace link ("als
        seizoenkracht bij een kweker"): that firm is where the asker works or buys, not the asker."""
        if m.concept.role is None or m.concept.role in self._private_roles or m.first != m.last or m.first < 2:
            return False
        return (tokens[m.first - 2].norm, tokens[m.first - 1].norm) in self.data.language.workplace_links

    def _body_place(self, tokens: Sequence[Token], i: int) -> TextPlace | None:
        """The place a body word at i is written with ("provincie Limburg", "province of
        Utrecht", "gemeente Venlo"), if it is a place of the body's own kind."""
        lang, geo = self.data.language, self.data.geo
        kind = lang.body_words.get(tokens[i].norm)
        if kind is None or i + 1 >= len(tokens):
            return None
        at = i + 2 if tokens[i + 1].norm in lang.owner_links else i + 1
        place = geo.place_at(tokens, at) if at < len(tokens) and geo.could_start_place(tokens[at].norm) else None
        return place if place is not None and place.kind == kind else None

    def _before_body(self, tokens: Sequence[Token], i: int) -> int | None:
        """The position of the word before the body word at i, past one link word ("in de
        gemeente", "bij de provincie", "van de provincie"), in the same sentence; None if none."""
        b = i - 1 if i > 0 and tokens[i - 1].norm in self.data.language.scheme_links else i
        return b - 1 if b >= 1 and tokens[b - 1].sent == tokens[i].sent else None

    def _alternatives(self, tokens: Sequence[Token], norms: AbstractSet[str], matches: Sequence[Match]) -> set[int]:
        """Bodies named as alternatives where the question names what it is about ("Mijn boekhouder
        zegt dat ik een IOAZ kan krijgen. Vraag ik die aan bij het Werkplein of bij UWV?"): the asker
        weighs them, so none of them is the door asked for; the thing named decides. The first word of
        each such body's match."""
        words = self.data.language.alternative_words
        if words.isdisjoint(norms):
            return set()
        alts = [k for k, t in enumerate(tokens) if t.norm in words]
        bodies = [m for m in matches if m.concept.id.startswith(BODY_PREFIX)]
        if not bodies or not any(m.concept.instrument is not None and not m.concept.id.startswith(BODY_PREFIX)
                                 for m in matches):
            return set()  # only bodies to choose from ("naar het UWV of naar de kantonrechter?"): they stay
        body_words = self.data.language.body_words

        def body_at(j: int, other: Match) -> bool:  # a body word or another body's match at j
            return tokens[j].norm in body_words or any(b is not other and b.first <= j <= b.last for b in bodies)

        out: set[int] = set()
        for m in bodies:
            sent = tokens[m.first].sent
            for k in alts:
                if tokens[k].sent != sent:
                    continue
                if m.last < k < m.last + 5:  # "bij het Werkplein Regio Foodvalley of bij UWV"
                    near = range(k + 1, min(len(tokens), k + 5))
                elif m.first - 5 < k < m.first:  # "... of (alleen) bij (mijn) arbodienst"
                    near = range(max(0, k - 5), k)
                else:
                    continue
                if any(body_at(j, m) for j in near if tokens[j].sent == sent):
                    out.add(m.first)
        return out

    def _weighed_against_the_firm(self, m: Match) -> bool:
        """A private role or matter, or an off-topic or personal word: out of scope unless the
        question names the firm's own things."""
        return self._private(m) or m.concept.scope in _NOT_THE_FIRM

    def _firm(self, m: Match) -> bool:
        """A firm role, or a word that says the asker runs a business ("zzp'er")."""
        r = m.concept.role
        return (r is not None and r not in self._private_roles) or m.concept.scope == "business"

    def _private(self, m: Match) -> bool:
        """A private role or matter ("vakantiebaantje", "werk zoeken")."""
        return m.concept.role in self._private_roles or m.concept.scope == "private"

    def _said_of_others(self, tokens: Sequence[Token], m: Match) -> bool:
        """A private role or matter read up to six words after a relative word describes someone else
        ("mensen uit de buurt inzetten die nu een uitkering hebben of werk zoeken", "people who lost
        their job"), unless a first-person word stands between ("de enige die ik ...") or right after
        ("... huren als wij"), or the role is written with the asker's own possessive ("die mijn
        uitzicht wegneemt"): the asker's role is not that person's."""
        if not self._private(m):
            return False
        lang = self.data.language
        if tokens[m.first].norm in lang.first_person_possessives:
            return False  # "een dakopbouw die mijn uitzicht wegneemt": the asker's view
        sent = tokens[m.first].sent
        if any(t.norm in lang.first_person_words and t.sent == sent for t in tokens[m.last + 1 : m.last + 4]):
            return False  # "de buren die van dezelfde verhuurder huren als wij": the asker too
        for k in range(m.first - 1, max(-1, m.first - 7), -1):  # within six words
            if tokens[k].sent != sent or tokens[k].norm in lang.first_person_words:
                return False
            if tokens[k].norm in lang.relative_words:
                return True
        return False

    def _where_at(self, tokens: Sequence[Token], i: int) -> bool:
        """Whether the body word at i is written as where the firm is: a word of where before it,
        past up to two articles or possessives ("in onze provincie", "in our province")."""
        lang = self.data.language
        k = i - 1
        while k >= 0 and i - k <= 2 and tokens[k].norm in lang.particle_objects and tokens[k].sent == tokens[i].sent:
            k -= 1
        return k >= 0 and tokens[k].sent == tokens[i].sent and tokens[k].norm in lang.place_body_words

    def _bodies_at_place(self, tokens: Sequence[Token]) -> set[int]:
        """Positions of body words written with their place after a word of where ("in de
        gemeente Tilburg"): they say where the firm is, not which door is asked about."""
        lang = self.data.language
        out: set[int] = set()
        for i, tok in enumerate(tokens):
            if tok.norm not in lang.body_words or self._body_place(tokens, i) is None:
                continue
            before = self._before_body(tokens, i)
            if before is not None and tokens[before].norm in lang.place_body_words:
                out.add(i)
        return out

    def _asked_at(self, tokens: Sequence[Token], i: int, named_starts: Mapping[int, float]) -> bool:
        """Whether the body word at i is where a scheme is asked for: "bij de gemeente" right
        before it, a scheme word or a named instrument within three words after it, and a verb of
        asking later in the clause ("Kan ik bij de gemeente een starterskrediet ... krijgen?")."""
        lang = self.data.language
        if not self._asked_of_body(tokens, i):
            return False
        sent = tokens[i].sent
        after = [k for k in range(i + 1, min(len(tokens), i + 4)) if tokens[k].sent == sent]
        if not any(k in named_starts or self._is_scheme_word(tokens[k].norm) for k in after):
            return False
        return any(t.norm in lang.goal_after_words for t in tokens[i + 1:] if t.sent == sent)

    def _asked_of_body(self, tokens: Sequence[Token], i: int) -> bool:
        """Whether the body word at i is asked "bij" or "via" ("bij de gemeente", "via de provincie")."""
        before = self._before_body(tokens, i)
        return before is not None and tokens[before].norm in self.data.language.body_asked_words

    def _asked_after_place(self, tokens: Sequence[Token], i: int, last: int) -> int | None:
        """The position of a scheme word within four words after a body written with its place
        (ending at `last`) that is asked "bij" or "via" ("Komt er bij de provincie Fryslân weer een
        stimuleringsregeling?", "bij de provincie Noord-Holland aankloppen voor een bijdrage"): what
        is asked of that body is its own; None if there is none."""
        if not self._asked_of_body(tokens, i):
            return None
        sent = tokens[i].sent
        return next((k for k in range(last + 1, min(len(tokens), last + 5))
                     if tokens[k].sent == sent and self._is_scheme_word(tokens[k].norm)), None)

    def _scheme_linked_before(self, tokens: Sequence[Token], i: int) -> int | None:
        """The position of a scheme word that an owner link ties to the body word at i, with up to
        three words of what the scheme is for between ("het participatiefonds duurzame economie van
        de provincie", "het ontzorgingsloket van de provincie"); None if there is none."""
        lang = self.data.language
        before = self._before_body(tokens, i)
        if before is None or tokens[before].norm not in lang.owner_links:
            return None
        sent = tokens[i].sent
        for k in range(before - 1, max(-1, before - 5), -1):
            if tokens[k].sent != sent or tokens[k].norm in lang.location_words:
                return None
            if self._is_scheme_word(tokens[k].norm):
                return k
        return None

    def _owned_here(self, tokens: Sequence[Token], i: int) -> int | None:
        """The position of a scheme word of its clause that the body word at i (without its place)
        owns: linked to it (`_scheme_linked_before`), having it ("Klopt het dat de provincie een
        ondernemersloket heeft?", "What subsidies does my province have?") or naming it as its own."""
        k = self._scheme_linked_before(tokens, i)
        if k is None:
            k = self._held_scheme(tokens, i)
        return k if k is not None else self._possessed_scheme(tokens, i)

    def _held_scheme(self, tokens: Sequence[Token], i: int, skip: range = range(0),
                     no_funds: bool = False) -> int | None:
        """The position of a scheme word, or of money, that the body word at i has in its clause
        ("Heeft de provincie Zeeland geld voor ...?", "de provincie schijnt een potje ... te
        hebben": Dutch puts the verb last); None without a holding verb there. `skip`: the
        body's own place; `no_funds`: a fund may be another owner's the body has a share in
        ("het participatiefonds dat de provincie Overijssel bij Oost NL heeft"), money or a
        regulation the body has is its own ("Heeft de provincie Fryslân een regeling voor ...?")."""
        lang = self.data.language
        sent = tokens[i].sent
        clause = [k for k in range(max(0, i - 4), min(len(tokens), i + 11)) if tokens[k].sent == sent and k not in skip]
        if not any(tokens[k].norm in lang.holding_verbs for k in clause):
            return None
        return next((k for k in clause if (norm := tokens[k].norm) in lang.money_words
                     or (self._is_scheme_word(norm) and not (no_funds and lang.is_fund_word(norm)))), None)

    def _possessed_scheme(self, tokens: Sequence[Token], i: int) -> int | None:
        """The position of a scheme word the body word at i names as its own, a possessive before
        it with up to two words between, later in the body's sentence ("the province of Noord-Holland
        ... its relocation subsidy"); None if there is none."""
        lang = self.data.language
        sent = tokens[i].sent
        for k in range(i + 1, min(len(tokens), i + 12)):
            if tokens[k].sent != sent:
                return None
            if tokens[k].norm in lang.possessives:
                return next((j for j in range(k + 1, min(len(tokens), k + 4))
                             if tokens[j].sent == sent and self._is_scheme_word(tokens[j].norm)), None)
        return None

    def _funds(self, tokens: Sequence[Token], k: int) -> bool:
        """Whether the word at `k` is a funding verb, and not a separable verb whose particle
        follows in its sentence ("Geeft de gemeente dat automatisch door aan KVK?": passes on), or
        a `share_verbs` verb with a share of the cost in its sentence ("Betaalt de provincie daar
        een deel van?", not "De gemeente betaalt mijn factuur niet")."""
        lang = self.data.language
        norm = tokens[k].norm
        shares = lang.share_verbs.get(norm)
        if shares is not None:
            sent = tokens[k].sent
            return any(tokens[j].norm in shares for j in range(max(0, k - 8), min(len(tokens), k + 9))
                       if tokens[j].sent == sent)
        if norm not in lang.funding_verbs:
            return False
        particles = lang.funding_particles.get(norm)
        if not particles:
            return True
        sent = tokens[k].sent
        for j in range(k + 1, min(len(tokens), k + 10)):
            if tokens[j].sent != sent:
                break
            if tokens[j].norm in particles and (
                    j + 1 == len(tokens) or tokens[j + 1].sent != sent
                    or tokens[j + 1].norm not in lang.particle_objects):  # not "op mijn pand"
                return False
        return True

    def _funding_body(self, tokens: Sequence[Token], named_starts: Mapping[int, float],
                      inside: set[int] | frozenset[int] = frozenset(),
                      rom_funds: frozenset[int] = frozenset()) -> InstrumentHit | None:
        """A provincie or gemeente written with its place that pays in its own clause ("Klopt het
        dat de provincie Limburg daar 90 procent van vergoedt?") or is named as the owner a few
        words after a scheme word ("het participatiefonds duurzame economie van de provincie
        Noord-Holland"): that body runs the scheme (§4a), as in `_regional_scheme`."""
        lang = self.data.language
        for i, tok in enumerate(tokens):
            if tok.norm not in lang.body_words or i in inside:
                continue
            place = self._body_place(tokens, i)
            sent = tok.sent
            if place is None:
                # "Vergoedt de provincie een deel van die advieskosten?": the firm's own province
                # pays; its door is resolved from the location, like a generic regional scheme
                # a subordinate clause puts its verb last ("dat de gemeente dan het verschil tussen
                # wat hij kan en het minimumloon bijpast"): look further there
                before = self._before_body(tokens, i)
                end = i + (15 if before is not None and tokens[before].norm in lang.subordinators else 9)
                pays = next((k for k in range(max(0, i - 3), min(len(tokens), end))
                             if tokens[k].sent == sent and self._funds(tokens, k)), None)
                # a ROM's fund is no verb ("the province's fund that BOM manages": a noun, and the ROM's);
                # "in our province" is where the firm is ("Does the regional development company in our
                # province invest ...?"): another body pays
                verb = tokens[pays] if pays is not None and pays not in rom_funds and not self._where_at(
                    tokens, i) else None
                weight = 2.0
                if verb is None and self._asked_at(tokens, i, named_starts):
                    # the body asked for a named thing ("via de gemeente een starterskrediet"):
                    # as strong as what it is asked for, and named before it
                    verb, weight = tok, max([2.0, *(w for k, w in named_starts.items() if k > i)])
                elif verb is None and (k := self._owned_here(tokens, i)) is not None and k not in rom_funds:
                    verb = tok
                instrument = GENERIC_SCHEME_INSTRUMENT[_BODY_FAMILY[lang.body_words[tok.norm]]]
                if verb is not None and instrument in self.data.instruments:
                    return InstrumentHit(instrument, weight, min(tok.start, verb.start),
                                         (verb.surface, tok.surface), None)
                continue
            # Dutch puts the verb last: "de provincie Fryslân de helft van de kosten van een beurs vergoedt"
            # ... but not past "maar": another clause, another payer ("... in de provincie Groningen
            # ..., maar de bank wil pas financieren als ...")
            end = next((k for k in range(place.last + 1, min(len(tokens), place.last + 17))
                        if tokens[k].norm in lang.contrast_words), place.last + 17)
            clause = [k for k in range(max(0, i - 3), min(len(tokens), end))
                      if tokens[k].sent == sent and not (i <= k <= place.last)]
            pays = next((k for k in clause if self._funds(tokens, k)), None)
            if pays is not None and rom_funds.isdisjoint(clause):
                hit = self._scheme_hit(tokens[pays], place)
                if hit is not None:
                    return hit
            # "<scheme word> [up to 3 words] van (de) provincie X"; "Heeft de provincie X geld voor ...?"
            k = self._scheme_linked_before(tokens, i)
            if k is None:  # "bij de provincie Fryslân (weer) een stimuleringsregeling"
                k = self._asked_after_place(tokens, i, place.last)
            if k is None:  # no fund: "het participatiefonds dat de provincie Overijssel bij Oost NL heeft"
                k = self._held_scheme(tokens, i, range(place.first, place.last + 1), no_funds=True)
            if k is None:  # "the province of Noord-Holland ... its relocation subsidy"
                k = self._possessed_scheme(tokens, place.last)
            if k is not None and k not in rom_funds:
                hit = self._scheme_hit(tokens[k], place)
                if hit is not None:
                    return hit
        return None

    def _exists_in(self, tokens: Sequence[Token], j: int, existential: Sequence[Span]) -> TextPlace | None:
        """The place a scheme word at j is asked for as existing in: "Zijn er in Flevoland vouchers
        ...", "Is er in de provincie Groningen subsidie ...", "Are there any grants in Overijssel
        ...": the existential phrase of its sentence right before "in <place>", or the scheme word
        itself right before it. A national scheme does not differ by place, so the asker means the
        place's own (§4a "provincial subsidy or provincial programme"). Not for capital (a fund or a
        loan is the ROM's to provide, §4a), and never across a sentence."""
        lang, geo = self.data.language, self.data.geo
        sent = tokens[j].sent
        if lang.is_capital_word(tokens[j].norm):
            return None
        ends = [end for start, end in existential if tokens[start].sent == sent and end <= j]
        if not ends:
            return None
        # "in" right after the existential phrase (with the place before the scheme word), or right
        # after the scheme word; "in de provincie X" / "in de gemeente X" as well
        for at in (*ends, j + 1):
            if at >= len(tokens) or tokens[at].norm not in lang.existential_links or tokens[at].sent != sent:
                continue
            k = at + 1
            while k < len(tokens) and tokens[k].norm in geo.articles:
                k += 1
            if k < len(tokens) and tokens[k].norm in lang.body_words:
                k += 1
            place = geo.place_at(tokens, k) if k < len(tokens) and geo.could_start_place(tokens[k].norm) else None
            # the scheme word right after the place, an article or two between ("in Flevoland een voucher")
            if place is not None and tokens[place.first].sent == sent and (at == j + 1 or 0 < j - place.last <= 3):
                return place
        return None

    def _asked_for(self, tokens: Sequence[Token], last: int, goal_after: frozenset[str]) -> bool:
        """Whether the instrument ending at `last` is the object of a verb of asking right after
        it ("ook EIA krijgen"), and not what comes out of another named source ("een
        innovatiekrediet krijgen uit het fonds ..."): then the source is asked about."""
        k = last + 1
        if k >= len(tokens) or tokens[k].norm not in goal_after or tokens[k].sent != tokens[last].sent:
            return False
        return not (k + 1 < len(tokens) and tokens[k + 1].norm in self.data.language.location_words
                    and tokens[k + 1].sent == tokens[k].sent)

    def _scheme_owned_by(self, tokens: Sequence[Token], first: int, named_ends: set[int]) -> int | None:
        """The position of the scheme word or named instrument (ending at one of `named_ends`)
        that the body named at `first` owns ("het Proof-of-Concept-fonds van ROM Utrecht Region",
        "de VFF van ROM Utrecht Region", "de lening van Qredits"): that body is the door, as a
        place's own scheme is its province's (`_regional_scheme`); None if none."""
        links = self.data.language.scheme_links
        sent = tokens[first].sent
        k = first - 1
        while k >= 0 and first - k <= 3 and tokens[k].norm in links and tokens[k].sent == sent:
            k -= 1
        if 0 <= k < first - 1 and tokens[k].sent == sent and (k in named_ends or self._is_scheme_word(tokens[k].norm)):
            return k
        return None

    def _is_scheme_word(self, norm: str) -> bool:
        known = self._scheme_words.get(norm)
        if known is None:
            if len(self._scheme_words) > WORD_MEMO:
                self._scheme_words.clear()
            known = self._scheme_words[norm] = self.data.language.is_scheme_word(norm)
        return known

    def _scheme_hit(self, tok: Token, place: TextPlace) -> InstrumentHit | None:
        if place.kind == "region":
            return None
        family = _BODY_FAMILY[place.kind]
        owner = f"{family}:{place.code}"
        instrument = SCHEME_INSTRUMENT[family]
        if instrument not in self.data.instruments or owner not in self.data.directory.providers:
            return None
        return InstrumentHit(instrument, 2.0, min(tok.start, place.start), (tok.surface, place.evidence), owner)

    # -- scope -----------------------------------------------------------------------------------
    def _scope(self, ev: Evidence, tokens: Sequence[Token], location: Location | None
               ) -> tuple[str, str | None] | None:
        """(out-of-scope kind, the private role that decided it), or None when the question is
        about running or starting a business.

        Who asks comes before what is asked: a private role (employee, homeowner, consumer,
        ...) is out of scope even when the question names a scheme or a body (§5), unless a
        firm role is found too; words that merely name business things do not count."""
        s = ev.scope
        roles = self.data.roles
        firm = sum((w for r, w in ev.roles.items() if not roles[r].private), 0.0) if ev.roles else 0.0
        private = {r: w for r, w in ev.roles.items() if roles[r].private} if ev.roles else {}
        business = ev.business + firm
        # the asker says the matter itself is private: a persona or a firm named in passing no
        # longer keeps it in scope ("ben wel zzp'er maar dit is gewoon privé")
        said = {r: w for r, w in private.items() if roles[r].outweighs_firm}
        firm -= sum(said.values(), 0.0)
        topical = sum(ev.theme.values(), 0.0) + sum((h.weight for h in ev.instruments.values()), 0.0)
        hostile = s.get("injection", 0.0) + s.get("abuse", 0.0)
        if s.get("injection", 0.0) > 0 and business == 0:
            return "injection", None
        if hostile > 0 and business == 0 and topical < hostile:
            return ("injection" if s.get("injection", 0.0) >= s.get("abuse", 0.0) else "abuse"), None
        if s.get("household", 0.0) > topical:
            return "private", None  # a household's allowance, also when a zzp'er asks
        if private and firm < self.data.thresholds.min_firm_weight:
            # what the asker said of the matter decides over a role read from other words (the
            # model never brings such a question back in: `back_in_roles`)
            deciding = said or private
            return "private", max(deciding, key=lambda r: (deciding[r], r))
        if s.get("private", 0.0) > 0 and business == 0:
            return "private", None
        if s.get("personal", 0.0) > 0 and business == 0 and topical == 0:
            return "private", None
        off = s.get("offtopic", 0.0) + s.get("smalltalk", 0.0)
        named = self._names_instrument(ev)
        if off > 0 and business == 0 and not named and topical < off:
            return ("offtopic" if s.get("offtopic", 0.0) >= s.get("smalltalk", 0.0) else "smalltalk"), None
        if not ev.recognised and location is None and not lang_mod.has_words(tokens, self.data.language):
            return "gibberish", None
        # A question without any recognised topic is not out of scope for that alone: out of scope
        # needs a sign (private role or matter, off-topic words, small talk, abuse, injection,
        # gibberish); otherwise KVK's first line answers (P4, "no wrong door") and asks to clarify.
        return None

    # -- main ------------------------------------------------------------------------------------
    def route(self, inp: RouteInput) -> Decision:
        """The decision for one input; raises InvalidInput for what the client must fix."""
        self._validate(inp)
        data = self.data
        text = clean(inp.question or "")
        tokens = tokenize(text)
        matches = data.lexicon.match(tokens)
        if any(map(self._weighed_against_the_firm, matches)):
            # a private role or matter, or an off-topic word, is weighed against the firm's own things
            # ("mijn kapsalon", "ik heb een viskraam ... een parkeervergunning voor mijn auto", "met mijn
            # hondenuitlaatservice ... honden")
            matches = merge(matches, data.firm_lexicon.match(tokens))
        language = inp.language or lang_mod.detect(tokens, matches, data.language)
        norms = {t.norm for t in tokens}
        facts = extract(text, tokens, data.language, norms)
        markers = self._markers.find(tokens)
        matches = self._weigh(text, tokens, norms, markers, matches, facts)
        ev = gather(matches)
        location = self._location(inp, facts, data.geo.find_in_text(tokens, norms, ev.signals | ev.instruments.keys()))
        scheme = self._regional_scheme(tokens, norms, matches, markers.get("existential", ()), location)
        if scheme is not None and (scheme.id not in ev.instruments or ev.instruments[scheme.id].weight < scheme.weight):
            ev.instruments[scheme.id] = scheme  # a scheme of the table wins, or the stronger reading of one
        trace = tuple(matches)
        ctx_base = self._profile(ev, inp, facts)
        fact_info: dict[str, Any] = {}
        if facts.amount is not None:
            fact_info["amount_eur"] = facts.amount
            if facts.amount_role:
                fact_info["amount_role"] = facts.amount_role
        if ctx_base.employees is not None:
            fact_info["employees"] = ctx_base.employees
        if "non_eu_founder" in ctx_base.signals:
            fact_info["non_eu_founder"] = True
        learned = data.thresholds.learned
        model = data.model if learned.mode == "combined" else None
        pred: Prediction | None = None
        if inp.question is not None and not inp.needs:
            oos = self._scope(ev, tokens, location)
            if model is not None:
                oos, pred, said = self._model_scope(oos, ev, tokens, model)
                fact_info.update(said)
            if oos is not None:
                kind, role = oos
                msgs = data.messages.get("out_of_scope") or {}
                body = (msgs.get(kind) or msgs.get("offtopic") or {}).get(language, "")
                if role is not None:
                    label = data.roles[role].label[language]
                    body = str((msgs.get("role") or {}).get(language, body)).replace("{role}", label)
                example = (msgs.get("example") or {}).get(language, "")
                return Decision(
                    language=language, outcome="out_of_scope", needs=(), routes=(), clarify=(),
                    location=location, message=f"{body} {example}".strip(), matches=trace,
                    facts={"scope": kind, **({"role": role} if role else {}), **fact_info},
                )
        named = next(
            (h.provider for h in sorted(ev.instruments.values(), key=lambda h: h.position) if h.provider),
            None,
        )
        instruments = ranked_instruments(ev, data.thresholds.min_instrument_weight)
        if model is not None and instruments and instruments[0].weight < learned.instrument_below:
            # a weakly named instrument (a description, a body's name) that the model finds
            # unlikely for its door: decided as a need instead
            pred = pred or model.predict(tokens)
            door = self._eval(ctx_base, instrument=instruments[0].id).primary
            if pred.probability("family", self._family_of(door, named)) < learned.instrument_p:
                instruments = []
        if instruments:
            spans = markers.get("overview")
            plan = self._tier1(instruments, ev, ctx_base, location, named, _marker_words(tokens, spans),
                               self._overview_asked(tokens, spans, instruments, matches))
        else:
            plan = self._tier2(ev, ctx_base, location, named, language, tokens, pred)
            # a prediction made for scope or in tier 2 already passed `_readable`
            if model is not None and learned.first_door_p and plan.doors and (
                    plan.pred is not None or self._readable(tokens)):
                pred = plan.pred or model.predict(tokens)
                plan = self._model_first(plan, pred, ev, ctx_base, location, named)
        offers = learned.local_lead_p or learned.also_door_p or learned.third_door_p
        if model is not None and offers and plan.doors and (
                pred is not None or plan.pred is not None or self._readable(tokens)):
            pred = plan.pred or pred or model.predict(tokens)
            if learned.local_lead_p:
                plan = self._model_local(plan, pred, ev, ctx_base, location, named, trace, scheme is not None)
            if learned.also_door_p or learned.third_door_p:
                plan = self._model_also(plan, pred, ev, ctx_base, location, named)
        routes = self._rank(plan.doors, language)
        clarify = list(plan.clarify)
        if routes and routes[0].needs_location:
            q = (data.messages.get("location_question") or {}).get(language, "")
            clarify.insert(0, ClarifyItem("location", q))
        return Decision(
            language=language,
            outcome=plan.outcome,
            needs=tuple(plan.needs),
            routes=routes,
            clarify=tuple(clarify),
            location=location,
            matches=trace,
            facts=fact_info,
        )

    def _profile(self, ev: Evidence, inp: RouteInput, facts: TextFacts) -> Context:
        """Add what the company profile, an amount and structured needs say to the evidence;
        the context the decision tables test."""
        data = self.data
        company = inp.company
        phase = company.phase if company else None
        employees = company.employees if company and company.employees is not None else facts.employees
        signals = set(ev.signals)
        if ev.role_words and not ev.instruments and not any(v > 0 for v in ev.theme.values()):
            # A persona ("zzp'er", "werkgever") says who asks, not what about: its theme counts
            # only when the question names no topic at all.
            for role, words in ev.role_words.items():
                for t, w in data.roles[role].themes:
                    ev.add_theme(t, w, 1 << 29, words[0])
        if phase:
            prof = self._phase_profile.get(phase) or {}
            signals.update(prof.get("signals") or [])
            for t, w in (prof.get("theme") or {}).items():
                ev.add_theme(str(t), float(w), 1 << 29, f"phase: {phase}")
        if facts.amount is not None:
            amount_prof = (data.profile.get("facts") or {}).get("amount") or {}
            word = facts.amount_evidence or "amount"
            for t, w in (amount_prof.get("theme") or {}).items():
                ev.add_theme(str(t), float(w), 1 << 29, word)
            for sv, w in (amount_prof.get("service") or {}).items():
                ev.add_service(str(sv), float(w), 1 << 29, word)
        for t, s in inp.needs:
            ev.add_need(t, s, data.thresholds.structured_need_weight, -1, f"needs: {t}/{s}")
        signals.update(inp.signals)
        return Context(signals=frozenset(signals), amount=facts.amount, employees=employees, phase=phase)

    def _overview_asked(self, tokens: Sequence[Token], spans: Sequence[Span] | None,
                        instruments: Sequence[InstrumentHit], matches: Sequence[Match]) -> frozenset[str]:
        """The instruments named in an overview question's own sentence, where that sentence names
        no topic of another theme (`_tier1`: then the overview is theirs); empty otherwise."""
        if not spans:
            return frozenset()
        sent = tokens[spans[0][0]].sent
        own = frozenset(h.id for h in instruments
                        if tokens[bisect_right(tokens, h.position, key=_START) - 1].sent == sent)
        covered = {self.data.instruments[i]["need"][0] for i in own}
        if all(t in covered for m in matches if m.concept.instrument is None and tokens[m.first].sent == sent
               for t, _ in m.concept.themes):
            return own
        return frozenset()

    def _tier1(self, instruments: Sequence[InstrumentHit], ev: Evidence, ctx_base: Context,
               location: Location | None, named: str | None, overview: str | None = None,
               asked: frozenset[str] = frozenset()) -> _Plan:
        """A named instrument decides; other named instruments with another door follow. An
        overview question whose doors are several ("Waar moet ik allemaal aan denken: inschrijven,
        accijns, een vergunning?") asks for orientation: KVK first (P1); not where the things it names
        in its own sentence (`asked`, when that sentence has no topic of another theme) all lead to
        the first door ("What do we need to have in place, an EORI number and access to the customs
        system?")."""
        first = instruments[0]
        row = self._eval(ctx_base, instrument=first.id)
        need = self.data.instruments[first.id]["need"]
        score = self._conf(first.weight + ev.theme.get(need[0], 0.0))
        needs = [NeedResult(need[0], need[1], score, first.evidence)]
        doors = [self._door(row, "primary", score, first.evidence, location, named)]
        for other in instruments[1:]:
            orow = self._eval(ctx_base, instrument=other.id)
            if orow.primary != row.primary:
                doors.append(self._door(orow, "also", self._conf(other.weight), other.evidence,
                                        location, named))
        ctx = _new(Context, (first.id, need[0], need[1], *ctx_base[3:]))
        cands = candidate_needs(ev, self._themes, self._default_service, self._general)
        second = self._second_need(cands, ev, ctx_base, {_family(d.provider_id) for d in doors},
                                   first.weight + ev.theme.get(need[0], 0.0), exclude=need[0])
        if second is not None:
            cand, crow = second
            doors.append(self._door(crow, "also", self._conf(cand.score),
                                    ev.words_for(theme_key(cand.theme), service_key(cand.service)), location, named))
        if overview and len({d.family for d in doors}) >= self.data.thresholds.overview_doors and not (
                asked and all(self._family_of(self._eval(ctx_base, instrument=i).primary, named) == doors[0].family
                              for i in asked)):
            grow = self._need_row(ctx_base, self._general, "information")
            lead = next((d for d in doors if d.family == _family(grow.primary)), None)
            lead = (lead or self._door(grow, "primary", score, (overview,), location, named))._replace(
                row=grow, role="primary", evidence=(overview,))
            doors = [lead] + [d._replace(role="also") for d in doors if d.family != lead.family]
            needs.insert(0, NeedResult(self._general, "information", score, (overview,)))
        doors += self._also(row, ctx, score, location, named)
        for cand in ([second[0]] if second else []) + cands[:2]:
            if (cand.theme, cand.service) != need and len(needs) < 3 and all(
                    (n.theme, n.service) != (cand.theme, cand.service) for n in needs):
                needs.append(self._need_result(ev, cand))
        return _Plan(doors, needs, [], "routed")

    def _local_to_national(self, row: Row, other: Row, location: Location | None) -> bool:
        """Whether `other` would take a question that names its own place from the regional door
        the lexicon found for it to a national one: the model knows words, not where the firm is."""
        if location is None or location.source != "text":
            return False
        families = self.data.directory.families
        return families[_family(row.primary)].regional and not families[_family(other.primary)].regional

    def _second_need(self, cands: Sequence[NeedCandidate], ev: Evidence, ctx: Context, families: set[str],
                     first_score: float, exclude: str) -> tuple[NeedCandidate, Row] | None:
        """A second, distinct need next to a named instrument ("... een terras. En kan ik subsidie
        krijgen voor zonnepanelen?"): another theme named by a real theme word, scoring at least
        `alternative_door_share` of the first, whose own row leads to another door."""
        th = self.data.thresholds
        for cand in cands:
            if cand.theme in (exclude, self._general) or ev.theme.get(cand.theme, 0.0) < th.second_need_theme:
                continue
            if cand.score < first_score * th.alternative_door_share:
                break  # best first: the rest score lower still
            crow = self._need_row(ctx, cand.theme, cand.service)
            if _family(crow.primary) not in families:
                return cand, crow
        return None

    def _tier2(self, ev: Evidence, ctx_base: Context, location: Location | None, named: str | None,
               language: str, tokens: Sequence[Token], pred: Prediction | None) -> _Plan:
        """The best (theme, service) decides; close alternatives make it a clarifying answer.
        With the learned model ("combined"), each candidate need's lexicon confidence gets the
        model's probability of its door and of the need added, and the model may propose needs
        the lexicon found no words for; the rule and principle still come from the need's row."""
        th = self.data.thresholds
        learned = th.learned
        cands = candidate_needs(ev, self._themes, self._default_service, self._general)
        if not cands:
            cands = [NeedCandidate(self._general, self._default_service, 0.0, 0, 0)]
        memo: dict[tuple[str, str], Row] = {}

        def row_of(theme: str, service: str) -> Row:  # each need's row once per question
            row = memo.get((theme, service))
            if row is None:
                row = memo[(theme, service)] = self._need_row(ctx_base, theme, service)
            return row

        n1, row1 = self._most_specific(cands, ctx_base)
        model = self.data.model if learned.mode == "combined" else None
        model_words: tuple[str, ...] = ()
        overruled: tuple[NeedCandidate, Row] | None = None  # the lexicon's own choice
        if model is not None and self._consult(n1, row1, cands, row_of, tokens, ev):
            pred = pred or model.predict(tokens)
            if pred.likeliest("family") == self._family_of(row1.primary, named):
                m1, mrow1 = n1, row1  # the model agrees with the lexicon's door
            else:
                m1, mrow1, ranked = self._arbitrate(cands, ev, row_of, named, pred)
                p_model = pred.probability("family", self._family_of(mrow1.primary, named))
                if p_model < learned.overrule_p or (
                        p_model < learned.regional_p and self._local_to_national(row1, mrow1, location)):
                    m1, mrow1 = n1, row1  # too unsure to overrule the lexicon
                else:
                    cands = ranked
            if (m1.theme, m1.service) != (n1.theme, n1.service):
                overruled = (n1, row1)
                n1, row1 = m1, mrow1
                model_words = pred.evidence("family", self._family_of(row1.primary, named))
        conf1 = self._conf(n1.score)
        needs = [self._need_result(ev, n1, model_words)]  # its evidence is the door's too
        doors = [self._door(row1, "primary", conf1, needs[0].evidence, location, named)]
        # the best need of every other door, best first
        alt: list[tuple[NeedCandidate, Row]] = []
        seen = {_family(row1.primary)}
        for c in cands:
            if c is n1:
                continue
            r = row_of(c.theme, c.service)
            if _family(r.primary) not in seen:
                seen.add(_family(r.primary))
                alt.append((c, r))
        close = [(c, r) for c, r in alt if n1.score > 0 and c.score >= n1.score * (1 - th.min_margin)]
        # No real word for the kind of help ("Hoe zit dat?"): ask when the answer would
        # change the door (information at KVK, or a subsidy at RVO?).
        vague_service = (ev.service.get(n1.service, 0.0) + ev.need.get((n1.theme, n1.service), 0.0)
                         < th.min_service_evidence)
        clarify: list[ClarifyItem] = []
        outcome = "routed"
        refine = self._refine_for(n1, ctx_base, language)
        if refine is not None:
            outcome = "clarify"
            clarify.append(refine)
        elif conf1 < th.min_confidence or close or (vague_service and self._service_matters(n1, ctx_base)):
            outcome = "clarify"
            clarify.append(self._clarify_need(n1, row1, close or alt, ctx_base, language))
        # The runner-up need's door comes second when the question clearly touches it too; when
        # the model overruled the lexicon, the lexicon's own choice stays second.
        runner_up = (close or alt)[:1] if outcome == "clarify" else [
            (c, r) for c, r in alt[:1] if c.score >= n1.score * th.alternative_door_share]
        if overruled is not None and _family(overruled[1].primary) != _family(row1.primary):
            runner_up = [overruled, *[(c, r) for c, r in runner_up if c is not overruled[0]]][:2]
        for c, r in runner_up:
            needs.append(self._need_result(ev, c))
            doors.append(self._door(r, "also", self._conf(c.score), needs[-1].evidence, location, named))
        ctx = _new(Context, (ctx_base.instrument, n1.theme, n1.service, *ctx_base[3:]))
        doors += self._also(row1, ctx, conf1, location, named)
        return _Plan(doors, needs, clarify, outcome, pred)

    # -- helpers ---------------------------------------------------------------------------------
    def _weigh(self, text: str, tokens: Sequence[Token], norms: AbstractSet[str], markers: MarkerSpans,
               matches: list[Match], facts: TextFacts) -> list[Match]:
        """Adjust matches to their place in the question: words of a staff count ("12
        employees") are a profile fact, not a labour-market topic; an instrument named in a
        context sentence, or after "bijvoorbeeld", is not what the question is about."""
        for a, b in facts.staff_spans:
            matches = [m for m in matches if not (a <= m.first and m.last <= b)]
        if any(m.concept.scope in _OFF_TOPIC for m in matches):
            # an off-topic word inside a longer cue of a topic is part of that topic ("wettelijke
            # vakantie-uren" is leave, "vakantie" alone a holiday): off-topic ends the routing
            topics = [(m.start, m.end) for m in matches if m.concept.scope is None]
            matches = [m for m in matches if m.concept.scope not in _OFF_TOPIC or not any(
                a <= m.start and m.end <= b and b - a > m.end - m.start for a, b in topics)]
        if not self._supplier_last.isdisjoint(norms):
            matches = [m for m in matches if not self._names_a_supplier(tokens, m)]
        if not self._workplace_last.isdisjoint(norms):
            matches = [m for m in matches if not self._at_workplace(tokens, m)]
        if not self.data.language.relative_words.isdisjoint(norms):
            matches = [m for m in matches if not self._said_of_others(tokens, m)]
        # a firm role read from words a private role began ("Our neighbour runs a car repair
        # business"): the business is the neighbour's, not the asker's
        others = [(m.first, m.last) for m in matches if m.concept.role in self._of_others]
        if others:
            matches = [m for m in matches if not (m.concept.role is not None and self._firm(m) and any(
                a < m.first <= b for a, b in others))]
        described = self._self_described(tokens, markers.get("self"), matches, instruments=False)
        if described and any(m.concept.kind == "topic" and m.first not in described for m in matches):
            # what the firm is ("We're a small recruitment agency and want to use ChatGPT ..."): not
            # the topic, where the question has another
            matches = [m for m in matches if not (m.first in described and m.concept.kind == "topic"
                                                  and m.concept.instrument is None)]
        persons = _after_markers(tokens, markers.get("person"), 4)  # "iemand met een WW-uitkering"
        if persons:  # "een paar scholieren met een vakantiebaantje": their role, not the asker's
            matches = [m for m in matches if not (m.first in persons and self._private(m))]
        proposed = _after_markers(tokens, markers.get("proposal"), PROPOSAL_REACH)
        if proposed:  # "mijn baas wil dat ik ... als zzp'er voor hem werk": not what the asker is
            matches = [m for m in matches if not (m.first in proposed and self._firm(m))]
        if not self._bodies.isdisjoint(norms):
            at_place = self._bodies_at_place(tokens)
            if at_place:  # "voor bedrijven in de gemeente Tilburg": where, not what about
                matches = [m for m in matches if not (m.first == m.last and m.first in at_place)]
        example_from: dict[int, int] = {}  # sentence -> where its first example marker starts
        for i, _ in markers.get("example", ()):
            example_from.setdefault(tokens[i].sent, i)
        if example_from:
            # signals named as examples ("zoals crowdfunding of een informal investor") are
            # not facts about this firm
            matches = [m for m in matches if not (
                m.concept.kind == "signal" and tokens[m.first].sent in example_from
                and m.first > example_from[tokens[m.first].sent])]
        if not any(m.concept.instrument for m in matches):
            return matches
        th = self.data.thresholds
        negated = _after_markers(tokens, markers.get("negation"), 4)
        goals = _after_markers(tokens, markers.get("goal"), 2)
        mentioned = _mentioned(tokens, markers.get("mention"), self.data.language.contrast_words)
        mentioned |= persons  # "iemand met een WW-uitkering": who, not what
        # "achterstand bij de Belastingdienst": owed, not asked; so is a debt named in the marker itself
        # ("coronaschuld bij de Belastingdienst", "a payment arrangement with the tax office")
        creditors = markers.get("creditor")
        mentioned |= _after_markers(tokens, creditors, 5)
        mentioned.update(start for start, _ in creditors or ())
        mentioned |= _before_markers(tokens, markers.get("creditor_after"), 4)  # "... niet meer betalen"
        # "Volgens het UWV zitten er ...": a body quoted at the start of a statement; "mag ik daar
        # volgens het bestemmingsplan ..." asks about the plan
        sources = [(a, b) for a, b in markers.get("source", ()) if a == 0 or tokens[a - 1].sent != tokens[a].sent]
        mentioned |= _after_markers(tokens, sources, 3)
        mentioned |= _before_markers(tokens, markers.get("referral"), 4)  # "Geldfit verwees me door naar ..."
        mentioned |= self._alternatives(tokens, norms, matches)  # "bij het Werkplein of bij UWV": which one?
        mentioned |= self._self_described(tokens, markers.get("self"), matches)  # "we're a cybersecurity scale-up"
        elsewhere = markers.get("elsewhere")
        if elsewhere:  # "bij het UWV ... . Waar kan ik beter terecht?": been there, asks for another door
            sent = tokens[elsewhere[0][0]].sent
            mentioned.update(k for k in range(elsewhere[0][0]) if tokens[k].sent < sent)
        questions = _question_sentences(text, tokens)
        # Another instrument, or a topic of its own, in a question sentence makes the
        # instruments of the other sentences context ("Wij vallen niet onder de plicht. Kan ik
        # subsidie krijgen voor een energieadvies?"); a plain question ("Hoe pak ik dat aan?")
        # leaves them the subject.
        several = tokens[-1].sent > 0 and any(
            (m.concept.instrument or m.concept.themes) and tokens[m.first].sent in questions for m in matches)
        # a body named right after a scheme word owns that scheme ("het Proof-of-Concept-fonds van
        # ROM Utrecht Region"): the body is asked about, the scheme's own kind is not
        owners: set[int] = set()
        owned: set[int] = set()
        named_ends = {m.last for m in matches if m.concept.instrument is not None and not m.concept.provider}
        for m in matches:
            if m.concept.instrument is not None and m.concept.provider:
                k = self._scheme_owned_by(tokens, m.first, named_ends)
                if k is not None:
                    owners.add(m.first)
                    owned.add(k)
        goal_after = self.data.language.goal_after_words
        out: list[Match] = []
        for m in matches:
            if m.concept.instrument is not None:
                scale = 1.0
                sid = tokens[m.first].sent
                if several and sid not in questions:
                    scale *= th.context_instrument_factor
                if sid in example_from and m.first > example_from[sid]:
                    scale *= th.example_instrument_factor
                if m.first in negated:  # "valt niet onder de energiebesparingsplicht"
                    scale *= th.negated_instrument_factor
                elif m.first in mentioned:  # "las ik over de MIT-regeling, maar ..."
                    scale *= th.mentioned_instrument_factor
                elif m.first in goals or m.first in owners or self._asked_for(tokens, m.last, goal_after):
                    # "to use the Innovation Box"; "het ...-fonds van ROM Utrecht Region"; "ook
                    # EIA krijgen"
                    scale *= th.goal_instrument_factor
                if not m.concept.provider and (m.last in owned or m.last + 1 in owned):
                    scale *= th.mentioned_instrument_factor  # the owner's fund, named by its kind
                if scale != 1.0:
                    m = m._replace(scale=scale)
            out.append(m)
        return out

    def _refine_for(self, n: NeedCandidate, ctx: Context, language: str) -> ClarifyItem | None:
        """The refining question of a need (messages.yaml `clarify.refine`) when nothing in the
        question decides among its doors yet: "Ik heb geld nodig" asks which kind of financing;
        each option carries the signals that decide the door when it is sent back."""
        ref = self._refine.get((n.theme, n.service))
        if ref is None or ctx.amount is not None or ctx.signals & ref.signals:
            return None
        options = tuple(ClarifyOption(str(o["label"][language]), ((n.theme, n.service),),
                                      tuple(str(x) for x in o.get("signals") or ()))
                        for o in ref.options)
        return ClarifyItem("need", str(ref.question[language]), options)

    def _service_matters(self, n: NeedCandidate, ctx: Context) -> bool:
        fam = _family(self._need_row(ctx, n.theme, n.service).primary)
        return any(_family(self._need_row(ctx, n.theme, s).primary) != fam
                   for s in self._services if s != n.service)

    def _consult(self, n1: NeedCandidate, row1: Row, cands: Sequence[NeedCandidate],
                 row_of: Callable[[str, str], Row], tokens: Sequence[Token], ev: Evidence) -> bool:
        """Ask the learned model when the lexicon is unsure: its best need is weak, or a need
        with another door scores within `model_margin` of it. Not when a phrase names the need
        itself (a `need:` cue of at least `need_sure`, "hulp bij het aanvragen"), and not for a
        question of fewer than `min_words` content words ("Subsidie?", "Wat is het?"): too little
        for the model to read, and a vague question gets its clarifying question."""
        learned = self.data.thresholds.learned
        if ev.need.get((n1.theme, n1.service), 0.0) >= learned.need_sure:
            return False
        unsure = self._conf(n1.score) < learned.lexicon_sure
        if not unsure:
            fam = _family(row1.primary)
            for c in cands:
                if c.score < n1.score * (1 - learned.model_margin):
                    break
                if c is not n1 and _family(row_of(c.theme, c.service).primary) != fam:
                    unsure = True
                    break
        return unsure and self._readable(tokens)

    def _model_scope(self, oos: tuple[str, str | None] | None, ev: Evidence, tokens: Sequence[Token],
                     model: NeedModel) -> tuple[tuple[str, str | None] | None, Prediction | None, dict[str, Any]]:
        """The model's say on scope (thresholds.yaml `learned.scope_none_p`, `scope_sure_p`):
        (scope, the prediction if one was made, facts for the answer). A question the rules keep in
        scope, without a firm role or the firm's own things (the firm lexicon: "my pizzeria's
        oven"), is private when the model gives "no business door" at least `scope_none_p`, or
        `scope_sure_p` where it has business words ("mijn bedrijf") or names an instrument (a person
        on WW names UWV too): how people describe their own situation varies more than the roles'
        cues can list. The other way round, only where the model is all but certain that a door
        is asked for: P("none") below `back_in_none_p` and its likeliest door at least
        `back_in_top_p`, and only against one of `back_in_roles` (homeowner, tenant, consumer):
        that is where a firm writes of itself in words no role lists ("vanuit mijn eigen huis run
        ik een schoonheidssalon", "onze monteurs ... privégebruik"). Never against a private person
        said plainly, an employee, off-topic words, abuse or an injection."""
        learned = self.data.thresholds.learned
        if oos is not None:
            if (oos[0] == "private" and oos[1] in learned.back_in_roles and learned.back_in_none_p
                    and self._readable(tokens)):
                pred = model.predict(tokens)
                p_none = pred.probability("family", NO_FAMILY)
                top, p_top = pred.top("family")
                if p_none < learned.back_in_none_p and top != NO_FAMILY and p_top >= learned.back_in_top_p:
                    return None, pred, {"scope_by": "model", "model_p": round(p_none, 3),
                                        "model_words": ", ".join(pred.evidence("family", top))}
            return oos, None, {}
        if (not learned.scope_none_p
                or any(not self.data.roles[r].private for r in ev.roles) or not self._readable(tokens)):
            return oos, None, {}
        # business words or a named scheme ("WW", "ISDE", "UWV") are said by private askers too:
        # there the model must be `scope_sure_p` sure (0: never)
        worded = ev.business or self._names_instrument(ev)
        if worded and not learned.scope_sure_p:
            return oos, None, {}
        pred = model.predict(tokens)
        p = pred.probability("family", NO_FAMILY)
        if p < (learned.scope_sure_p if worded else learned.scope_none_p) or self.data.firm_lexicon.match(tokens):
            return None, pred, {}  # the firm's own things ("my pizzeria's oven") say who asks
        return ("private", None), pred, {"scope_by": "model", "model_p": round(p, 3),
                                         "model_words": ", ".join(pred.evidence("family", NO_FAMILY))}

    def _names_instrument(self, ev: Evidence) -> bool:
        """Whether the question names an instrument (a cue of at least `min_instrument_weight`)."""
        return any(h.weight >= self.data.thresholds.min_instrument_weight for h in ev.instruments.values())

    def _readable(self, tokens: Sequence[Token]) -> bool:
        """Enough content words (not function words or numbers) for the model to read: `min_words`."""
        stop = self._stopwords
        content = [t for t in tokens if t.norm not in stop and not t.norm.isdigit()]
        return len(content) >= self.data.thresholds.learned.min_words

    def _model_first(self, plan: _Plan, pred: Prediction, ev: Evidence, ctx_base: Context,
                     location: Location | None, named: str | None) -> _Plan:
        """Tier 2: the model's likeliest family leads when it is at least `first_door_p` sure of it
        and the plan's first door has another family (thresholds.yaml `learned`): a door of that
        family the plan already has moves up, else the likeliest need whose row leads there gives
        it. The lexicon's first door stays, second; the rule and reason are the row's, the evidence
        adds the words that carried the model. Not where the first door's row tests facts or
        signals of the firm (a non-EU founder, an amount) or a phrase names the need itself
        (`need_sure`), nor where no row leads to the model's family (nothing would explain the
        door); a question naming its own place keeps its regional door unless `regional_p`."""
        learned = self.data.thresholds.learned
        fam, p = pred.top("family")
        first = plan.doors[0]
        if fam == NO_FAMILY or fam == first.family or p < learned.first_door_p or first.row.when.tests_facts:
            return plan  # the model knows words, not the firm's facts and signals a row tests
        if plan.needs and ev.need.get((plan.needs[0].theme, plan.needs[0].service), 0.0) >= learned.need_sure:
            return plan  # a phrase names the need itself (as for consulting the model at all)
        families = self.data.directory.families
        here, there = families.get(first.family), families.get(fam)
        if (location is not None and location.source == "text" and here is not None and here.regional
                and there is not None and not there.regional and p < learned.regional_p):
            return plan
        return self._led_by(plan, fam, pred, ev, ctx_base, location, named)

    def _model_local(self, plan: _Plan, pred: Prediction, ev: Evidence, ctx_base: Context,
                     location: Location | None, named: str | None, matches: Sequence[Match] = (),
                     body_pays: bool = False) -> _Plan:
        """In either tier, the model's likeliest family leads where it is a local public door
        (thresholds.yaml `learned.local_families`: the gemeente, the werkgeversservicepunt, the
        province) and the model is at least `local_lead_p` sure of it. The lexicon is drawn to the
        national body or scheme a question names (UWV, Qredits, the Bbz's KVK deregistration, an RVO
        subsidy), while the asker's need is the local desk's: the municipality's income support for
        a sick sole trader, a market pitch, a provincial voucher, a candidate from the regional
        employer service. Replayed on the first looks of 1,801 fresh questions (docs/learned-model.md):
        27 first doors right that were wrong, none the other way. The door still comes from a
        decision row that leads there, with its rule and reason. Not where a scheme of
        regional_schemes.yaml named by its name (one of `matches`) already leads to its local owner:
        the model does not swap one local door for another over it, unless a body is also read as
        paying for something (`body_pays`: "Betaalt de provincie daar een deel van?")."""
        learned = self.data.thresholds.learned
        fam = pred.likeliest("family")  # no softmax where the first door already has it
        if fam == plan.doors[0].family or fam not in learned.local_families:
            return plan
        if pred.probability("family", fam) < learned.local_lead_p:
            return plan
        if (not body_pays and plan.doors[0].family in learned.local_families
                and any(m.concept.id.startswith(SCHEME_CONCEPT_PREFIX) for m in matches)):
            return plan  # a scheme named from the table already leads to its local owner
        return self._led_by(plan, fam, pred, ev, ctx_base, location, named)

    def _led_by(self, plan: _Plan, fam: str, pred: Prediction, ev: Evidence, ctx_base: Context,
                location: Location | None, named: str | None) -> _Plan:
        """The plan with a door of family `fam` first (`_family_door`) and the others after it;
        unchanged where no row leads there."""
        found = self._family_door(plan, fam, pred, ev, ctx_base, location, named)
        if found is None:
            return plan
        lead, need = found
        needs = plan.needs if need is None else [
            need, *[n for n in plan.needs if (n.theme, n.service) != (need.theme, need.service)]][:3]
        doors = [lead._replace(role="primary"), *[d._replace(role="also") for d in plan.doors if d.family != fam]]
        return plan._replace(doors=doors, needs=needs)

    def _family_door(self, plan: _Plan, fam: str, pred: Prediction, ev: Evidence, ctx_base: Context,
                     location: Location | None, named: str | None) -> tuple[_Door, NeedResult | None] | None:
        """A door of the model's family `fam` with the words that carried the model added: the plan's
        own (not a mandate's), else one from the row of a need that leads there, with that need
        (`_need_of_family`); None where no row leads there (nothing would explain the door)."""
        words = pred.evidence("family", fam)
        door = next((d for d in plan.doors if d.family == fam and not d.mandate), None)
        if door is not None:
            return door._replace(evidence=_merge(door.evidence, words)), None
        found = self._need_of_family(fam, pred, ev, ctx_base, named)
        if found is None:
            return None
        cand, row = found
        door = self._door(row, "also", self._conf(cand.score), _merge(
            ev.words_for(theme_key(cand.theme), service_key(cand.service)), words), location, named)
        return door, self._need_result(ev, cand, words)

    def _model_also(self, plan: _Plan, pred: Prediction, ev: Evidence, ctx_base: Context,
                    location: Location | None, named: str | None) -> _Plan:
        """Second opinions offered after the first door: where the model is at least `also_door_p`
        sure of a family the answer's first two doors do not have, that family's door comes second;
        where it is at least `third_door_p` sure of its second family and the first three doors
        lack it, that one comes third. Each comes from the need whose row leads there (its own
        rule and reason; `_need_of_family`). The first door stays the tables' decision, so an
        edited row keeps its effect; a door of that family already further down moves up instead."""
        learned = self.data.thresholds.learned
        if learned.also_door_p:
            plan = self._offer(plan, pred.likeliest("family"), 1, learned.also_door_p, pred, ev, ctx_base,
                               location, named)
        if learned.third_door_p:
            ranked = pred.top_k("family", 2)
            if len(ranked) > 1:
                plan = self._offer(plan, ranked[1][0], 2, learned.third_door_p, pred, ev, ctx_base,
                                   location, named)
        return plan

    def _offer(self, plan: _Plan, fam: str, at: int, p_min: float, pred: Prediction, ev: Evidence,
               ctx_base: Context, location: Location | None, named: str | None) -> _Plan:
        """The plan with a door of family `fam` at position `at` (0-based), where the doors up to
        and including that position lack it and the model gives it at least `p_min`."""
        doors = plan.doors
        at = self._plan_index(doors, at)
        if fam == NO_FAMILY or any(d.family == fam for d in doors[:at + 1]):
            return plan
        if pred.probability("family", fam) < p_min:
            return plan
        found = self._family_door(plan, fam, pred, ev, ctx_base, location, named)
        if found is None:
            return plan
        door, need = found
        needs = plan.needs
        if need is not None and len(needs) < 3 and all(
                (n.theme, n.service) != (need.theme, need.service) for n in needs):
            needs = [*needs, need]
        head = doors[:at]
        rest = [d for d in doors[at:] if d.family != fam]
        return plan._replace(doors=[*head, door, *rest], needs=needs)

    @staticmethod
    def _plan_index(doors: Sequence[_Door], at: int) -> int:
        """The index in `doors` where the answer's route `at` (0-based) will stand: `_rank` drops a
        door whose provider came before (a named scheme's gemeente and a body's gemeente are one
        route) and adds each door's `extra` doors after it."""
        seen: set[str] = set()
        for i, d in enumerate(doors):
            if len(seen) >= at:
                return i
            seen.add(d.provider_id)
            seen.update(d.extra)
        return len(doors)

    def _need_of_family(self, fam: str, pred: Prediction, ev: Evidence, ctx: Context, named: str | None
                        ) -> tuple[NeedCandidate, Row] | None:
        """The need whose decision row leads to family `fam`: the lexicon's candidates best first,
        then the model's likely themes and services (by the product of their probabilities)."""
        tax = self.data.taxonomy
        for c in candidate_needs(ev, self._themes, self._default_service, self._general):
            row = self._need_row(ctx, c.theme, c.service)
            if self._family_of(row.primary, named) == fam:
                return c, row
        pairs = sorted(((pt * ps, t, sv) for t, pt in pred.top_k("theme", 3) if t in tax.themes
                        for sv, ps in pred.top_k("service", 3) if sv in tax.services), reverse=True)
        for _, t, sv in pairs:
            row = self._need_row(ctx, t, sv)
            if self._family_of(row.primary, named) == fam:
                score = ev.theme.get(t, 0.0) + ev.service.get(sv, 0.0) + ev.need.get((t, sv), 0.0)
                return NeedCandidate(t, sv, score, ev.pos(theme_key(t)), ev.pos(service_key(sv))), row
        return None

    def _family_of(self, target: str, named: str | None) -> str:
        return _family(named) if target == "$named" and named else _family(target)

    def _arbitrate(self, cands: Sequence[NeedCandidate], ev: Evidence, row_of: Callable[[str, str], Row],
                   named: str | None, pred: Prediction) -> tuple[NeedCandidate, Row, list[NeedCandidate]]:
        """Rank candidate needs by lexicon confidence + the model's probabilities (thresholds.yaml
        `learned`); the model's likely themes and services add candidates of their own."""
        learned = self.data.thresholds.learned
        tax = self.data.taxonomy
        entries: list[tuple[float, str, str, NeedCandidate | None]] = [(c.score, c.theme, c.service, c) for c in cands]
        seen = {(c.theme, c.service) for c in cands}
        services = [sv for sv, p in pred.top_k("service", 3) if p >= learned.propose and sv in tax.services]
        for t, pt in pred.top_k("theme", 3):
            if pt < learned.propose:
                break
            if t not in tax.themes:
                continue
            for sv in services:
                if (t, sv) not in seen:
                    seen.add((t, sv))
                    entries.append((ev.theme.get(t, 0.0) + ev.service.get(sv, 0.0) + ev.need.get((t, sv), 0.0),
                                    t, sv, None))
        entries.sort(key=itemgetter(0), reverse=True)
        # a need cannot win when even the likeliest door and need would not lift it to the best
        ceiling = learned.family_weight * pred.best("family") + learned.need_weight
        best = -1.0
        ranked: list[tuple[tuple[Any, ...], NeedCandidate, Row]] = []
        rest: list[NeedCandidate] = []
        for i, (score, t, sv, c) in enumerate(entries):
            conf = self._conf(score)
            if conf + ceiling < best:
                rest = [e[3] for e in entries[i:] if e[3] is not None]
                break
            row = row_of(t, sv)
            value = conf + learned.family_weight * pred.probability("family", self._family_of(row.primary, named))
            if learned.need_weight:
                value += learned.need_weight * pred.probability("theme", t) * pred.probability("service", sv)
            best = max(best, value)
            if c is None:
                c = NeedCandidate(t, sv, score, ev.pos(theme_key(t)), ev.pos(service_key(sv)))
            ranked.append(((-round(value, 6), row.tier, -row.when.specificity, c.theme_pos, c.service_pos,
                            t, sv), c, row))
        ranked.sort(key=itemgetter(0))
        return ranked[0][1], ranked[0][2], [c for _, c, _ in ranked] + rest

    def _most_specific(self, cands: Sequence[NeedCandidate], ctx: Context) -> tuple[NeedCandidate, Row]:
        """Among needs scoring within the margin of the best, take the one whose decision row
        is most specific (routing-policy.md §4: most specific wins)."""
        top = cands[0].score
        margin = self.data.thresholds.min_margin
        best: tuple[NeedCandidate, Row] | None = None
        for c in cands:
            if best is not None and c.score < top * (1 - margin):
                break
            row = self._need_row(ctx, c.theme, c.service)
            if best is None or (row.tier, -row.when.specificity) < (best[1].tier, -best[1].when.specificity):
                best = (c, row)
        assert best is not None
        return best

    def _conf(self, score: float) -> float:
        conf = self._confs.get(score)
        if conf is None:
            conf = round(1.0 - math.exp(-max(score, 0.0) / self.data.thresholds.confidence_scale), 2)
            if len(self._confs) > 4096:
                self._confs.clear()
            self._confs[score] = conf
        return conf

    def _need_row(self, ctx: Context, theme: str, service: str) -> Row:
        """The row of a need in a context (the hot path of tier 2: a plain constructor, not
        NamedTuple._replace)."""
        return self._eval(_new(Context, (ctx.instrument, theme, service, ctx.signals, ctx.amount, ctx.employees,
                                         ctx.phase)))

    def _eval(self, ctx: Context, instrument: str | None = None) -> Row:
        if instrument is not None:
            ctx = _new(Context, (instrument, *ctx[1:]))
        row = self.data.tables.evaluate(ctx)
        if row is None:  # the shipped tables end in an unconditional fallback; guard anyway
            row = self.data.tables.evaluate(Context(theme=self._general, service=self._default_service))
        assert row is not None, "decision tables have no general fallback row"
        return row

    def _need_result(self, ev: Evidence, c: NeedCandidate, model_words: tuple[str, ...] = ()) -> NeedResult:
        return NeedResult(c.theme, c.service, self._conf(c.score),
                          _merge(ev.words_for(theme_key(c.theme), service_key(c.service)), model_words))

    def _door(self, row: Row, role: str, score: float, evidence: tuple[str, ...],
              location: Location | None, named: str | None, target: str | None = None,
              mandate: bool = False) -> _Door:
        pid, needs_loc, extra = self._resolve(target or row.primary, location, named)
        return _new(_Door, (pid, _family(pid), needs_loc, row, score, evidence, role, extra, mandate))

    def _also(self, row: Row, ctx: Context, score: float, location: Location | None,
              named: str | None) -> list[_Door]:
        return [self._door(row, "also", round(score * 0.5, 2), (), location, named, target=a, mandate=True)
                for a in row.also_for(ctx)]

    def locate(self, inp: RouteInput) -> Location | None:
        """The location route() would use: the request's, else a postcode or place in the text
        (read without the question's instruments: see Geo.residence_doors)."""
        text = clean(inp.question or "")
        tokens = tokenize(text)
        return self._location(inp, extract(text, tokens, self.data.language), self.data.geo.find_in_text(tokens))

    def door_for(self, target: str, location: Location | None) -> tuple[str, bool]:
        """The concrete door of a provider id or regional family at a location, and whether
        the location is still needed (for tools that name a family, such as the evaluation)."""
        pid, needs_location, _ = self._resolve(target, location, None)
        return pid, needs_location

    def _resolve(
        self, target: str, location: Location | None, named: str | None
    ) -> tuple[str, bool, tuple[str, ...]]:
        """Turn a row's target (a provider id or a regional family) into a concrete door:
        (provider id, needs_location, doors that come with it)."""
        d = self.data.directory
        if target == "$named":
            # the loader only allows $named on rows of instruments whose cues name a provider
            assert named is not None, "a $named row fired without a named provider"
            return named, False, ()
        fam = d.families.get(target)
        if fam is None or not fam.regional or ":" in target:
            return target, False, ()
        if fam.regional_by == "finder":
            return target, False, ()
        if named is not None and d.family_of(named) == fam.id:
            return named, False, ()  # a provider named in the question wins over the location (§5)
        loc = location
        if fam.regional_by == "rom_area":
            if loc is not None and loc.rom:
                return loc.rom, False, loc.rom_also
        elif loc is not None:
            area_of = _AREA_OF.get(fam.regional_by)
            area = area_of(loc) if area_of is not None else None
            if area is not None:
                pid = f"{fam.id}:{area.code}"
                if pid in d.providers:
                    return pid, False, ()
        return fam.id, True, ()

    def _rank(self, doors: list[_Door], language: str) -> tuple[RouteResult, ...]:
        out: list[RouteResult] = []
        seen: set[str] = set()
        expanded: list[_Door] = []
        for door in doors:
            expanded.append(door)
            for pid in door.extra:
                expanded.append(_Door(pid, _family(pid), False, door.row, round(door.score * 0.5, 2),
                                      door.evidence, "also", mandate=True))
        directory = self.data.directory
        for door in expanded:
            if door.provider_id in seen:
                continue
            seen.add(door.provider_id)
            prov = directory.get(door.provider_id)
            name = prov.name[language] if prov else door.provider_id
            if door.mandate and out and prov is not None:
                fam = directory.families.get(door.family)
                rule, principle = f"mandate.{door.family}", fam.principle if fam else door.row.principle
                reason = prov.mandate[language]
            else:  # the primary always keeps the row that chose it
                rule, principle = door.row.id, door.row.principle
                reason = door.row.reason[language].replace("{provider}", name)
            out.append(_new(RouteResult, (len(out) + 1, "primary" if not out else "also", door.provider_id,
                                          door.family, door.needs_location, rule, principle, reason, door.score,
                                          door.evidence)))
        return tuple(out)

    def _clarify_need(self, n1: NeedCandidate, row1: Row, alts: Sequence[tuple[NeedCandidate, Row]],
                      ctx: Context, language: str) -> ClarifyItem:
        th = self.data.thresholds
        options: list[tuple[str, str]] = [(n1.theme, n1.service)]
        for c, _ in alts:
            options.append((c.theme, c.service))
        if len(options) < 2:
            # One candidate only: offer the services of that theme that lead to other doors.
            fams = {_family(row1.primary)}
            for s in self._services:
                if s == n1.service:
                    continue
                r = self._need_row(ctx, n1.theme, s)
                if _family(r.primary) not in fams:
                    fams.add(_family(r.primary))
                    options.append((n1.theme, s))
        if len(options) < 2:
            defaults = (self.data.messages.get("clarify") or {}).get("default_themes") or []
            for t in defaults:
                if t != n1.theme:
                    options.append((str(t), self._default_service))
        key = (tuple(options[: th.max_clarify_options]), language)
        item = self._clarify_items.get(key)
        if item is None:
            if len(self._clarify_items) > 4096:
                self._clarify_items.clear()
            item = self._clarify_items[key] = self._clarify_item(*key)
        return item

    def _clarify_item(self, options: tuple[tuple[str, str], ...], language: str) -> ClarifyItem:
        """The question and options that ask which of these needs is meant (the same for the same
        options: memoised by `_clarify_need`)."""
        tax = self.data.taxonomy
        themes = [t for t, _ in options]
        same_theme = len(set(themes)) == 1

        def label(t: str, s: str) -> str:
            service = str(tax.services[s]["clarify"][language])
            if same_theme:
                return service
            theme = str(tax.themes[t]["clarify"][language])
            # two options of one theme among others: the kind of help tells them apart
            return f"{theme}: {service}" if themes.count(t) > 1 else theme

        labels = [label(t, s) for t, s in options]
        tmpl = (self.data.messages.get("clarify") or {}).get("service" if same_theme else "theme") or {}
        joiner = f" {(self.data.messages.get('clarify') or {}).get('or', {}).get(language, '/')} "
        listing = joiner.join([", ".join(labels[:-1]), labels[-1]]) if len(labels) > 1 else labels[0]
        question = str(tmpl.get(language, "{options}?")).replace("{options}", listing)
        return ClarifyItem(
            "need", question,
            tuple(ClarifyOption(lbl, ((t, s),)) for lbl, (t, s) in zip(labels, options, strict=True)),
        )


class _Refine(NamedTuple):
    question: Mapping[str, str]
    options: tuple[Mapping[str, Any], ...]
    signals: frozenset[str]  # every signal an option carries: one of them already decides


def _refinements(messages: Mapping[str, Any], known: frozenset[str]) -> dict[tuple[str, str], _Refine]:
    out: dict[tuple[str, str], _Refine] = {}
    for item in ((messages.get("clarify") or {}).get("refine") or []):
        theme, _, service = str(item.get("need", "")).partition("/")
        options = tuple(item.get("options") or ())
        signals = frozenset(str(x) for o in options for x in (o.get("signals") or ()))
        out[(theme, service)] = _Refine(item.get("question") or {}, options, signals & known)
    return out


Span = tuple[int, int]
MarkerSpans = Mapping[str, list[Span]]


class _Markers:
    """The marker phrases of each kind (language.yaml: example, negation, goal, ... markers),
    found in one pass over a question; filler words may stand inside a phrase."""

    def __init__(self, kinds: Mapping[str, Sequence[tuple[str, ...]]], fillers: frozenset[str] = frozenset()) -> None:
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for kind, markers in kinds.items():
            for mk in markers:
                index.setdefault(mk[0], []).append((mk, kind))
        self._index = {w: tuple(v) for w, v in index.items()}
        # a marker's own words are never skipped as fillers
        self._fillers = fillers - {w for markers in kinds.values() for mk in markers for w in mk}

    def find(self, tokens: Sequence[Token]) -> dict[str, list[Span]]:
        """(start, end) of every marker phrase found, per kind, in text order."""
        index = self._index
        norms = [t.norm for t in tokens]
        n = len(norms)
        fillers = self._fillers if not self._fillers.isdisjoint(norms) else None
        found: dict[str, list[Span]] = {}
        for i, word in enumerate(norms):
            cands = index.get(word)
            if cands is None:
                continue
            for mk, kind in cands:
                end = i + len(mk)
                # the second word first: most markers start with a common word ("een", "ik", "to")
                if end <= n and (end == i + 1 or norms[i + 1] == mk[1]) and tuple(norms[i:end]) == mk:
                    found.setdefault(kind, []).append((i, end))
                elif fillers is not None and (stop := _through_fillers(norms, i, mk, fillers)) is not None:
                    found.setdefault(kind, []).append((i, stop))
        return found


def _through_fillers(norms: Sequence[str], i: int, mk: tuple[str, ...], fillers: frozenset[str]) -> int | None:
    """The end of marker `mk` starting at i with filler words skipped inside it, or None."""
    k = i + 1
    for w in mk[1:]:
        while k < len(norms) and norms[k] != w and norms[k] in fillers:
            k += 1
        if k >= len(norms) or norms[k] != w:
            return None
        k += 1
    return k


def _after_markers(tokens: Sequence[Token], spans: Sequence[Span] | None, reach: int) -> set[int]:
    """Token positions up to `reach` words after a marker phrase, in the marker's sentence."""
    out: set[int] = set()
    n = len(tokens)
    for start, end in spans or ():
        out.update(k for k in range(end, min(n, end + reach)) if tokens[k].sent == tokens[start].sent)
    return out


def _before_markers(tokens: Sequence[Token], spans: Sequence[Span] | None, reach: int) -> set[int]:
    """Token positions up to `reach` words before a marker phrase, in the marker's sentence."""
    out: set[int] = set()
    for start, _ in spans or ():
        out.update(k for k in range(max(0, start - reach), start) if tokens[k].sent == tokens[start].sent)
    return out


def _marker_words(tokens: Sequence[Token], spans: Sequence[Span] | None) -> str | None:
    """The words of the first marker phrase in the question, as written; None if there is none."""
    if not spans:
        return None
    start, end = spans[0]
    return " ".join(t.surface for t in tokens[start:end])


def _mentioned(tokens: Sequence[Token], spans: Sequence[Span] | None, contrast: frozenset[str],
               reach: int = 10) -> set[int]:
    """Token positions between a mention marker and a contrast word after it in its sentence
    ("las ik over de MIT-regeling, maar ...", "I read about the Innovation Box on the RVO
    website, but ..."); nothing when no contrast follows ("Mijn bank had het over een
    BMKB-borgstelling. Moet ik die zelf aanvragen?": that is what is asked about)."""
    out: set[int] = set()
    for start in sorted(_after_markers(tokens, spans, reach)):
        if start in out:
            continue
        clause: list[int] = []
        for k in range(start, min(len(tokens), start + reach)):
            if tokens[k].sent != tokens[start].sent:
                break
            if tokens[k].norm in contrast:
                out.update(clause)
                break
            clause.append(k)
    return out


def _question_sentences(text: str, tokens: Sequence[Token]) -> set[int]:
    """The numbers of the sentences that are questions: a "?" after one of their words."""
    out: set[int] = set()
    p = text.find("?")
    while p >= 0:
        i = bisect_right(tokens, p, key=_START) - 1  # the last word before the "?"
        if i >= 0:
            out.add(tokens[i].sent)
        p = text.find("?", p + 1)
    return out


# scope concepts that say the question is not the firm's, unless the firm's own things are named
_NOT_THE_FIRM = frozenset({"offtopic", "personal"})
# scope concepts that end the routing outright (not about business at all)
_OFF_TOPIC = frozenset({"offtopic", "smalltalk"})
_START = attrgetter("start")
# the area of a Location that picks a regional family's door (providers.yaml `regional_by`)
_AREA_OF: Mapping[str, Callable[[Location], Any]] = {
    by: attrgetter(by) for by in ("municipality", "province", "labour_market_region")}


_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (hot path; fields in order)


def _merge(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    """Evidence words of the lexicon, then those that carried the model's score."""
    return a + tuple(w for w in b if w not in a) if b else a


def _family(pid: str) -> str:
    return pid.split(":", 1)[0]



def matches_of(router: Router, text: str) -> list[Match]:
    """Debug helper: the lexicon matches of a text (used by the CLI's --trace)."""
    return router.data.lexicon.match(tokenize(clean(text)))
