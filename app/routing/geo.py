"""Region resolution: postcode -> municipality -> province -> ROM and labour-market region.

Built once from the region tables in routing_rules/regions/ (CBS/PDOK/BAG-derived, see the
README there). Names are matched after folding (case, accents, hyphens), so "Den Bosch",
"'s-Hertogenbosch" and "s hertogenbosch" are one key.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from app.routing.text import Token, fold

_MAX_NAME_WORDS = 5


# How far after a destination word a place may stand in a question about moving ("naar de
# Brightlands Campus Greenport in Venlo": six words).
DESTINATION_REACH = 8
# At most this many words between a shared place name and the place that says which one it is.
NAMESAKE_REACH = 6


def _possessives_dropped(tokens: Sequence[Token]) -> list[Token] | None:
    """The words with an English possessive's "s" dropped ("Utrecht's parks", "Den Bosch's
    market" name the place), or None when the question has none. Dutch writes its adjective
    without the apostrophe ("een Utrechts bedrijf"), so only "'s" after a word is read so."""
    out: list[Token] | None = None
    for i, t in enumerate(tokens):
        s = t.surface
        if len(s) > 3 and s[-1] in "sS" and s[-2] in "'’" and t.norm.endswith("s"):
            if out is None:
                out = list(tokens)
            out[i] = t._replace(norm=t.norm[:-1])
    return out


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str
    name: str
    province: str
    labour_market_region: str


@dataclass(frozen=True, slots=True)
class RegionName:
    """A larger region people name ("Brainport", "Twente"): gives a ROM and maybe a province."""

    names: tuple[str, ...]
    rom: str | None
    also: tuple[str, ...] = ()
    province: str | None = None


@dataclass(frozen=True, slots=True)
class RomOverride:
    name: str
    codes: frozenset[str]
    primary: str
    also: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Location:
    """Where the firm is, at PC4 / municipality / province level only."""

    source: str  # "request" | "text" | "named_provider"
    postcode4: str | None = None
    municipality: Area | None = None
    province: Area | None = None
    labour_market_region: Area | None = None
    rom: str | None = None
    rom_also: tuple[str, ...] = ()
    region_name: str | None = None
    evidence: str | None = None
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.municipality is not None or self.province is not None or self.rom is not None


@dataclass(frozen=True, slots=True)
class TextPlace:
    kind: str  # "municipality" | "province" | "region"
    code: str
    evidence: str
    start: int
    first: int = 0  # token indices of the name
    last: int = 0


class UnknownPlace(ValueError):
    """A municipality or province the client named that does not exist."""


@dataclass
class Geo:
    provinces: Mapping[str, Area]
    municipalities: Mapping[str, Municipality]
    labour_market_regions: Mapping[str, Area]
    pc4: Mapping[str, str]
    pc4_share: Mapping[str, float]
    rom_by_province: Mapping[str, str]
    rom_overrides: Sequence[RomOverride]
    region_names: Sequence[RegionName]
    aliases: Mapping[str, str]  # folded alias -> GM/PV code
    ambiguous: frozenset[str]  # folded names that need a capital and a location word
    location_words: frozenset[str]
    demonyms: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()  # may stand between a location word and a place name
    # "het centrum van Woerden", "the centre of Stein": a place noun and a link word read as a
    # location word before a name that needs one
    place_nouns: frozenset[str] = frozenset()
    place_noun_links: frozenset[str] = frozenset()
    # the last part of a compound place noun ("kernwinkelgebied", "winkelcentrum", "dorpskern")
    place_noun_heads: frozenset[str] = frozenset()
    # "van Amsterdam naar Lelystad verhuizen": with a word of moving in the question, the place after
    # a destination word is where the firm will be, and the question is about that place
    moving_words: frozenset[str] = frozenset()
    destination_words: frozenset[str] = frozenset()
    # ... also a place a few words after one ("naar de Brightlands Campus in Venlo"), unless the
    # place is named as where the firm comes from ("to move from Utrecht")
    origin_words: frozenset[str] = frozenset()
    # folded town or village (BAG woonplaats or village core) -> GM code: read in text only where it
    # stands as a place, like an ambiguous name; never overrides a municipality, province or alias
    places: Mapping[str, str] = field(default_factory=dict)
    # folded name borne by towns or villages in several municipalities -> (GM code, is a BAG
    # woonplaats) for each: read only where another place in its sentence picks one of them
    # ("Elst, het dorp in de provincie Utrecht": Rhenen; "Hoorn op Terschelling")
    namesakes: Mapping[str, tuple[tuple[str, bool], ...]] = field(default_factory=dict)
    # "ik woon in Kampen maar ...": a place named as where the asker lives gives way to any other
    residence_words: frozenset[str] = frozenset()
    # ... except in a question about these instruments or signals, whose door is the municipality
    # one lives in (the Bbz: "ik woon in Stadskanaal maar mijn winkel zit in Veendam")
    residence_doors: frozenset[str] = frozenset()
    # the only words that may stand between such a name and the place that picks it
    namesake_links: frozenset[str] = frozenset()
    # words for a province: the name of both a municipality and a province right after one is the
    # province ("de provincie Groningen", "the province of Utrecht")
    province_words: frozenset[str] = frozenset()
    # "Hengelo in de Achterhoek (gemeente Bronckhorst)": a municipality written with its title right
    # after another place says which municipality that place lies in
    municipality_titles: frozenset[str] = frozenset()
    _by_name: dict[str, str] = field(default_factory=dict, init=False)
    _regions: dict[str, RegionName] = field(default_factory=dict, init=False)
    _override_of: dict[str, RomOverride] = field(default_factory=dict, init=False)
    _first_words: frozenset[str] = field(default_factory=frozenset, init=False)
    # first word of a name -> the word counts of the names it starts, longest first
    _lengths: dict[str, tuple[int, ...]] = field(default_factory=dict, init=False)
    _province_by_name: dict[str, str] = field(default_factory=dict, init=False)
    _villages: frozenset[str] = field(default_factory=frozenset, init=False)
    _lmr_by_name: dict[str, Area] = field(default_factory=dict, init=False)
    _lmr_of_province: dict[str, Area] = field(default_factory=dict, init=False)
    _namesake_lengths: dict[str, tuple[int, ...]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        by_name: dict[str, str] = {}
        # Province names first, so that in free text a municipality with the same name
        # (Groningen, Utrecht) overrides it: the municipality is the more precise reading.
        # A field that says "province" is looked up among provinces only (_province_by_name).
        for p in self.provinces.values():
            by_name[fold(p.name)] = p.code
        for alias, code in self.aliases.items():
            if code.startswith("PV"):
                by_name[alias] = code
        self._province_by_name = {k: v for k, v in by_name.items()}
        for m in self.municipalities.values():
            by_name[fold(m.name)] = m.code
        for alias, code in self.aliases.items():
            if code.startswith("GM"):
                by_name.setdefault(alias, code)
        self._villages = frozenset(k for k in self.places if k not in by_name)
        for name, code in self.places.items():
            by_name.setdefault(name, code)
        self._by_name = by_name
        self._regions = {fold(n): r for r in self.region_names for n in r.names}
        self._lmr_by_name = {fold(a.name): a for a in self.labour_market_regions.values()}
        # a province that is one labour-market region (Zeeland, Flevoland): the province names it
        regions_of: dict[str, set[str]] = {}
        for m in self.municipalities.values():
            regions_of.setdefault(m.province, set()).add(m.labour_market_region)
        self._lmr_of_province = {p: self.labour_market_regions[next(iter(r))] for p, r in regions_of.items()
                                 if len(r) == 1 and next(iter(r)) in self.labour_market_regions}
        self._index_names()
        self._override_of = {c: o for o in self.rom_overrides for c in o.codes}

    # -- lookups by name or code ---------------------------------------------------------------
    def add_names(self, names: Iterable[tuple[str, str]]) -> None:
        """Register extra spellings (e.g. the PDOK Locatieserver names) without overriding."""
        for name, code in names:
            self._by_name.setdefault(fold(name), code)
            if code.startswith("PV"):
                self._province_by_name.setdefault(fold(name), code)
        self._index_names()

    def _index_names(self) -> None:
        lengths: dict[str, set[int]] = {}
        for name in [*self._by_name, *self._regions]:
            words = name.split(" ")
            if len(words) <= _MAX_NAME_WORDS:
                lengths.setdefault(words[0], set()).add(len(words))
        self._lengths = {w: tuple(sorted(ks, reverse=True)) for w, ks in lengths.items()}
        self._first_words = frozenset(self._lengths)
        shared: dict[str, set[int]] = {}
        for name in self.namesakes:
            if name in self._province_by_name or name in self._regions:
                continue  # "Zeeland" is the province, not the village in Maashorst
            words = name.split(" ")
            shared.setdefault(words[0], set()).add(len(words))
        self._namesake_lengths = {w: tuple(sorted(ks, reverse=True)) for w, ks in shared.items()}

    def municipality(self, value: str) -> Municipality:
        v = value.strip()
        code = v.upper() if v.upper().startswith("GM") else self._by_name.get(fold(v))
        if code is None or not code.startswith("GM") or code not in self.municipalities:
            raise UnknownPlace(value)
        return self.municipalities[code]

    def province(self, value: str) -> Area:
        v = value.strip()
        code = v.upper() if v.upper().startswith("PV") else self._province_by_name.get(fold(v))
        if code is None or code not in self.provinces:
            raise UnknownPlace(value)
        return self.provinces[code]

    def province_namesake(self, code: str, location: Location | None) -> str | None:
        """The province a place name read as municipality `code` also names (Groningen, Utrecht),
        when the firm is in that province but in another municipality: "het Nationaal Programma
        Groningen" asked from Appingedam is the province's, as a municipality's own scheme is for
        its own firms only. None otherwise (no such province, or the firm is in that municipality
        or elsewhere, or not known)."""
        m = self.municipalities.get(code)
        province = self._province_by_name.get(fold(m.name)) if m is not None else None
        if (province is None or location is None or location.municipality is None
                or location.municipality.code == code or location.province is None):
            return None
        return province if location.province.code == province else None

    def municipality_for_pc4(self, pc4: str) -> Municipality | None:
        code = self.pc4.get(pc4)
        return self.municipalities.get(code) if code else None

    def rom_for(self, municipality: str | None, province: str | None) -> tuple[str | None, tuple[str, ...]]:
        if municipality and municipality in self._override_of:
            o = self._override_of[municipality]
            return o.primary, o.also
        if province:
            return self.rom_by_province.get(province), ()
        return None, ()

    # -- building a Location ------------------------------------------------------------------
    def locate_municipality(
        self, m: Municipality, source: str, postcode4: str | None = None, evidence: str | None = None,
        note: str | None = None,
    ) -> Location:
        rom, also = self.rom_for(m.code, m.province)
        return Location(
            source=source,
            postcode4=postcode4,
            municipality=Area(m.code, m.name),
            province=self.provinces[m.province],
            labour_market_region=self.labour_market_regions.get(m.labour_market_region),
            rom=rom,
            rom_also=also,
            evidence=evidence,
            note=note,
        )

    def locate_province(self, p: Area, source: str, evidence: str | None = None) -> Location:
        rom, also = self.rom_for(None, p.code)
        return Location(source=source, province=p, rom=rom, rom_also=also, evidence=evidence,
                        labour_market_region=self._lmr_of_province.get(p.code))

    def locate_region(self, r: RegionName, source: str, evidence: str) -> Location:
        """A region name's province and ROM, and its labour-market region when the name is that
        region's own ("de Achterhoek", "Twente", "Zuid-Limburg": the werkgeversservicepunt)."""
        prov = self.provinces.get(r.province) if r.province else None
        return Location(
            source=source, province=prov, rom=r.rom, rom_also=r.also,
            labour_market_region=self._lmr_by_name.get(fold(evidence)),
            region_name=evidence, evidence=evidence,
        )

    def locate_pc4(self, pc4: str, source: str, evidence: str | None = None) -> Location:
        m = self.municipality_for_pc4(pc4)
        if m is None:
            return Location(source=source, postcode4=pc4, evidence=evidence,
                            note="unknown_postcode")
        note = "pc4_spans_municipalities" if self.pc4_share.get(pc4, 1.0) < 0.9 else None
        return self.locate_municipality(m, source, postcode4=pc4, evidence=evidence, note=note)

    # -- places written in the question --------------------------------------------------------
    def find_in_text(self, tokens: Sequence[Token], norms: AbstractSet[str] | None = None,
                     concepts: AbstractSet[str] = frozenset()) -> TextPlace | None:
        """The first Dutch place, province or region named in the text (longest name wins); in a
        question about moving, the first one after a destination word ("naar Lelystad"). A
        municipality named later that lies in a province or region named first is the more exact
        place ("een uitzendbureau in Noord-Limburg ... in Venlo bouwen": Venlo). `norms`: the
        tokens' words, when the caller has them already; `concepts`: the
        instruments and signals the question names (see residence_doors)."""
        if norms is None:
            norms = {t.norm for t in tokens}
        read = _possessives_dropped(tokens)
        if read is not None:
            tokens = read
            norms = {t.norm for t in read}
        if self._first_words.isdisjoint(norms):
            return None
        found = self._first_place(tokens, norms, self.residence_doors.isdisjoint(concepts))
        if self._namesake_lengths.keys().isdisjoint(norms):
            return found
        return self._namesake_place(tokens, found) or found

    def _first_place(self, tokens: Sequence[Token], norms: AbstractSet[str], elsewhere_first: bool) -> TextPlace | None:
        moving = not self.moving_words.isdisjoint(norms)
        hits: Iterable[TextPlace] = self.places_in_text(tokens)
        if elsewhere_first and not self.residence_words.isdisjoint(norms):
            # "ik woon in Kampen maar mijn startup zit in Dronten": where the asker lives is the
            # place only when no other place is named
            hits = list(hits)
            elsewhere = [h for h in hits if not self._residence(tokens, h)]
            hits = elsewhere or hits
        if not self.municipality_titles.isdisjoint(norms):
            # every place is read only here; otherwise the first municipality ends the reading
            hits = list(hits)
            titled = self._titled_after_place(tokens, hits)
            if titled is not None:
                return titled
        first: TextPlace | None = None
        before = -1  # where the previous place ends
        for hit in hits:
            if moving:
                if self._destination(tokens, hit.first, before):
                    return hit
                first = first or hit
                before = hit.last
            elif first is None:
                if hit.kind == "municipality" and not self._adjective(tokens, hit):
                    return hit
                first = hit  # a wider place: a municipality inside it may follow
            elif hit.kind == "municipality" and (self._within(hit.code, first) or (
                    self._adjective(tokens, first) and self._after_location_word(tokens, hit.first))):
                # "tijdens de Nijmeegse Vierdaagse ... langs de route in Gennep": where the firm is
                # named with a location word, not the adjective of an event or a product
                return hit
        return first

    def _residence(self, tokens: Sequence[Token], hit: TextPlace) -> bool:
        """Whether a place is named as where the asker lives ("ik woon in Kampen", "we live in
        Almere"): a word of living at most two words before the location word before it."""
        i = hit.first - 1
        if i > 0 and tokens[i].norm in self.articles:
            i -= 1
        if i < 1 or tokens[i].norm not in self.location_words:
            return False
        return any(tokens[j].norm in self.residence_words and not tokens[j].hyphen_after  # "woon-winkelpand"
                   and tokens[j].sent == tokens[i].sent for j in range(max(0, i - 3), i))

    def _namesake_place(self, tokens: Sequence[Token], found: TextPlace | None) -> TextPlace | None:
        """A name that towns in several municipalities bear, standing as a place, whose municipality
        another place in the same sentence picks: that place is one of them ("Hoorn op
        Terschelling") or holds exactly one of them ("Elst, het dorp in de provincie Utrecht"; BAG
        woonplaatsen before village cores). It replaces what was found only where that was the name
        itself or the place that picked it (a move's destination elsewhere still wins); else None."""
        hits: list[TextPlace] | None = None
        for i, t in enumerate(tokens):
            for k in self._namesake_lengths.get(t.norm, ()):
                if i + k > len(tokens):
                    continue
                key = " ".join([x.norm for x in tokens[i : i + k]]) if k > 1 else t.norm
                choices = self.namesakes.get(key)
                if choices is None:
                    continue
                if tokens[i + k - 1].hyphen_after or not self._reads_as_place(tokens, i, key):
                    break
                if hits is None:
                    hits = list(self.places_in_text(tokens))
                last = i + k - 1
                if any(h.first <= last and h.last >= i and (h.first, h.last) != (i, last) for h in hits):
                    break  # part of a longer name ("Bergen op Zoom")
                for hit in hits:
                    if (hit.first, hit.last) == (i, last) or not self._linked(tokens, i, last, hit):
                        continue
                    code = self._pick(choices, hit, tokens)
                    if code is not None and (found is None or found == hit or found.first == i):
                        evidence = " ".join(x.surface for x in tokens[i : last + 1])
                        return TextPlace("municipality", code, evidence, t.start, i, last)
                break
        return None

    def _linked(self, tokens: Sequence[Token], first: int, last: int, hit: TextPlace) -> bool:
        """Whether `hit` stands within NAMESAKE_REACH words of the name at first..last, in its
        sentence, with only link words between ("Hoorn op Terschelling")."""
        lo, hi = (last + 1, hit.first) if hit.first > last else (hit.last + 1, first)
        if hi - lo > NAMESAKE_REACH or tokens[hit.first].sent != tokens[first].sent:
            return False
        return all(tokens[j].norm in self.namesake_links for j in range(lo, hi))

    def _pick(self, choices: Sequence[tuple[str, bool]], hit: TextPlace, tokens: Sequence[Token]) -> str | None:
        """The one namesake municipality that `hit` is, or the one it holds (a woonplaats before a
        village core); a municipality that bears a province's name reads as that province."""
        if hit.kind == "municipality":
            if any(code == hit.code for code, _ in choices):
                return hit.code
            key = " ".join([x.norm for x in tokens[hit.first : hit.last + 1]])
            if key not in self._province_by_name:
                return None
            hit = TextPlace("province", self._province_by_name[key], hit.evidence, hit.start, hit.first, hit.last)
        inside = [(code, bag) for code, bag in choices if self._within(code, hit)]
        bag = [code for code, is_bag in inside if is_bag]
        if len(bag) == 1:
            return bag[0]
        return inside[0][0] if not bag and len(inside) == 1 else None

    def _destination(self, tokens: Sequence[Token], i: int, before: int) -> bool:
        """Whether the place at token i is where a move goes: right after a destination word, or
        within DESTINATION_REACH words after one in its sentence with no other place in between,
        and not right after an origin word."""
        if i == 0:
            return False
        if tokens[i - 1].norm in self.destination_words:
            return True
        if tokens[i - 1].norm in self.origin_words:
            return False
        sent = tokens[i].sent
        for k in range(i - 2, max(before, i - 1 - DESTINATION_REACH), -1):
            if tokens[k].sent != sent:
                return False
            if tokens[k].norm in self.destination_words:
                return True
        return False

    def _titled_after_place(self, tokens: Sequence[Token], hits: Sequence[TextPlace]) -> TextPlace | None:
        """A municipality written with its title ("gemeente Bronckhorst") right after another place
        ("Hengelo in de Achterhoek (gemeente Bronckhorst)", "Schoorl, gemeente Bergen"): the
        municipality that place lies in, whatever the place's own name reads as; None if there is none."""
        for prev, hit in itertools.pairwise(hits):
            title = hit.first - 1
            if (hit.kind == "municipality" and title == prev.last + 1 and tokens[title].norm in self.municipality_titles
                    and tokens[title].sent == tokens[prev.last].sent):
                return hit
        return None

    def _adjective(self, tokens: Sequence[Token], hit: TextPlace) -> bool:
        """Whether a place was named by its adjective ("Nijmeegse", aliases.csv kind demonym)."""
        return hit.first == hit.last and tokens[hit.first].norm in self.demonyms

    def _after_location_word(self, tokens: Sequence[Token], i: int) -> bool:
        before = i - 1
        if before > 0 and tokens[before].norm in self.articles:
            before -= 1
        return before >= 0 and tokens[before].norm in self.location_words

    def _within(self, code: str, wide: TextPlace) -> bool:
        """Whether municipality `code` lies in the province or region `wide`."""
        m = self.municipalities.get(code)
        if m is None:
            return False
        if wide.kind == "province":
            return m.province == wide.code
        region = self._regions.get(wide.code)
        lmr = self._lmr_by_name.get(wide.code)
        return (lmr is not None and m.labour_market_region == lmr.code) or (
            region is not None and lmr is None and region.province == m.province)

    def could_start_place(self, norm: str) -> bool:
        """Whether a place name may start with this (folded) word."""
        return norm in self._first_words

    def places_in_text(self, tokens: Sequence[Token]) -> Iterator[TextPlace]:
        """Every Dutch place, province or region named in the text, in order (longest name wins)."""
        first_words = self._first_words
        i = 0
        n = len(tokens)
        while i < n:
            hit = self.place_at(tokens, i) if tokens[i].norm in first_words else None
            if hit is not None:
                yield hit
                i = hit.last + 1
            else:
                i += 1

    def place_at(self, tokens: Sequence[Token], i: int) -> TextPlace | None:
        """The place whose name starts at token i (the longest name), if any."""
        lengths = self._lengths.get(tokens[i].norm) if 0 <= i < len(tokens) else None
        if lengths is None:
            return None
        left = len(tokens) - i
        for k in lengths:
            if k > left:
                continue
            key = " ".join([t.norm for t in tokens[i : i + k]]) if k > 1 else tokens[i].norm
            region = self._regions.get(key)
            code = self._by_name.get(key)
            if region is None and code is None:
                continue
            if (key in self.ambiguous or key in self._villages) and (
                    tokens[i + k - 1].hyphen_after or not self._reads_as_place(tokens, i, key)):
                continue  # "in Dieren-speciaalzaken" is a compound word, not the town
            evidence = " ".join(t.surface for t in tokens[i : i + k])
            if region is not None:
                return TextPlace("region", key, evidence, tokens[i].start, i, i + k - 1)
            kind = "municipality" if code is not None and code.startswith("GM") else "province"
            if kind == "municipality" and key in self._province_by_name and self._after_province_word(tokens, i):
                kind, code = "province", self._province_by_name[key]
            return TextPlace(kind, str(code), evidence, tokens[i].start, i, i + k - 1)
        return None

    def _after_province_word(self, tokens: Sequence[Token], i: int) -> bool:
        """Whether a word for a province stands right before i, or before "of"/"van" there."""
        j = i - 2 if i >= 2 and tokens[i - 1].norm in self.place_noun_links else i - 1
        return j >= 0 and tokens[j].norm in self.province_words and tokens[j].sent == tokens[i].sent

    def _reads_as_place(self, tokens: Sequence[Token], i: int, key: str) -> bool:
        # the first word that is more than an elision ("'t Goy", "'s-Heerenberg") is capitalised,
        # unless the asker capitalises nothing at all and it is a municipality ("bakkerij in delft,
        # ..."): then only the location word before it says it is a place (a village still needs
        # its capital: "ik woon in bolnes")
        first = i + 1 if len(tokens[i].norm) == 1 and i + 1 < len(tokens) else i
        if not tokens[first].cased[:1].isupper() and (
                key in self._villages or any(t.cased[:1].isupper() for t in tokens)):
            return False
        if key in self.demonyms:
            return True
        before = i - 1
        if before > 0 and tokens[before].norm in self.place_noun_links and self._is_place_noun(tokens[before - 1].norm):
            return True  # "het centrum van Woerden", "het kernwinkelgebied van Assen"
        return self._after_location_word(tokens, i)  # "in Ospel", "in de Westland", "in the Westland"

    def _is_place_noun(self, norm: str) -> bool:
        return norm in self.place_nouns or any(
            norm.endswith(h) and len(norm) > len(h) for h in self.place_noun_heads)

    def locate_text_place(self, place: TextPlace) -> Location:
        if place.kind == "region":
            return self.locate_region(self._regions[place.code], "text", place.evidence)
        if place.kind == "municipality":
            return self.locate_municipality(
                self.municipalities[place.code], "text", evidence=place.evidence
            )
        return self.locate_province(self.provinces[place.code], "text", evidence=place.evidence)

    def region(self, key: str) -> RegionName | None:
        return self._regions.get(fold(key))
