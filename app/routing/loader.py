"""Load a rule-set directory (routing_rules/) into plain, validated Python objects.

Every reference is checked here (provider ids, themes, services, instruments, principles,
nl/en texts), and every error names the file and the row, so a policy officer can fix a
table without reading Python. The checksum covers every file of the set.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from app.routing.directory import LANGS, Directory, Family, Provider, finder_provider, instance_provider
from app.routing.facts import COMPARISON, INCOME, PERIOD, RAISE, THRESHOLD, VALUE, LanguageData
from app.routing.geo import Area, Geo, Municipality, RegionName, RomOverride
from app.routing.learned import NeedModel
from app.routing.lexicon import Concept, Cue, CueSyntaxError, Lexicon, Role, parse_cue
from app.routing.tables import AlsoRef, Conditions, DecisionTables, Row
from app.routing.text import fold

PRINCIPLES = frozenset({"P1", "P2", "P3", "P4", "P5"})
# how a regional family's door is chosen: rom_area = regions/rom_areas.yaml
REGIONAL_BY = ("national", "rom_area", "province", "municipality", "labour_market_region", "finder")
SCOPES = frozenset({"business", "private", "household", "personal", "offtopic", "injection", "abuse", "smalltalk"})
REGION_FAMILY_ALIASES = {"$named"}
# libyaml's safe loader where PyYAML has it (the same documents, several times faster)
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MONEY_ROLES = (RAISE, THRESHOLD, COMPARISON, INCOME, VALUE, PERIOD)


class RuleSetError(ValueError):
    """A rule-set file is malformed or refers to something that does not exist."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:20]) + (" ..." if len(problems) > 20 else ""))
        self.problems = problems


@dataclass(frozen=True)
class Taxonomy:
    themes: Mapping[str, Mapping[str, Any]]
    services: Mapping[str, Mapping[str, Any]]
    fallback_theme: str  # a question with service words only is read as this theme
    default_service: str  # a theme without service words is read with this service
    business_services: frozenset[str]  # kinds of help only a business asks for (scope)


LEARNED_MODES = ("lexicon", "combined")
MODEL_FILE = "model/need_model.json"


@dataclass(frozen=True)
class Learned:
    """How the learned need model (model/need_model.json) takes part in a decision
    (thresholds.yaml `learned`): not at all ("lexicon"), or adding its probabilities to the
    lexicon's confidence of each candidate need ("combined").
    A named instrument (tier 1) is decided by the lexicon unless its cue weight is below
    `instrument_below` and the model gives its door less than `instrument_p`."""

    mode: str = "lexicon"
    family_weight: float = 1.0  # x P(family of the need's door)
    need_weight: float = 1.0  # x P(theme) x P(service)
    propose: float = 0.1  # the model's themes and services from this probability add candidates
    lexicon_sure: float = 1.0  # lexicon confidence from which the model is not consulted ...
    model_margin: float = 1.0  # ... unless a need with another door scores within this share
    need_sure: float = 99.0  # a phrase naming the need itself with this weight: not consulted
    overrule_p: float = 0.0  # the model changes the door only with at least this probability for it
    regional_p: float = 0.0  # ... and a regional door the question's own place resolved, with this
    first_door_p: float = 0.0  # the model's likeliest family leads from this probability (0: never)
    also_door_p: float = 0.0  # ... and is offered second from this one, where no door has it (0: never)
    third_door_p: float = 0.0  # its second family is offered third from this one, where no door has it (0: never)
    min_words: float = 1.0  # content words (not function words or numbers) a question needs
    scope_none_p: float = 0.0  # no firm role and P("none") from this: private (0: never)
    scope_sure_p: float = 0.0  # ... also with business words or a named instrument, from this (0: never)
    back_in_none_p: float = 0.0  # a private answer from one of back_in_roles is kept in scope below this P("none") ...
    back_in_top_p: float = 1.0  # ... where the model's likeliest family (a door) has at least this (0 / 1: never)
    instrument_below: float = 0.0
    instrument_p: float = 0.0
    local_lead_p: float = 0.0  # in any tier, the model's likeliest family leads from this probability ...
    local_families: tuple[str, ...] = ()  # ... where it is one of these local public doors (0 / (): never)
    back_in_roles: tuple[str, ...] = ()  # the private roles a firm at home or buying for itself is read as


@dataclass(frozen=True)
class Thresholds:
    min_instrument_weight: float
    confidence_scale: float
    min_confidence: float
    min_margin: float
    structured_need_weight: float
    max_clarify_options: int
    context_instrument_factor: float
    example_instrument_factor: float
    min_service_evidence: float
    alternative_door_share: float
    min_firm_weight: float
    second_need_theme: float
    overview_doors: int = 3
    negated_instrument_factor: float = 1.0
    goal_instrument_factor: float = 1.0
    mentioned_instrument_factor: float = 1.0
    learned: Learned = Learned()


@dataclass(frozen=True)
class RuleSetMeta:
    version: str
    valid_from: date
    author: str
    note: str
    checksum: str


@dataclass(frozen=True)
class RuleSetData:
    meta: RuleSetMeta
    directory: Directory
    taxonomy: Taxonomy
    lexicon: Lexicon
    concepts: Mapping[str, Concept]
    instruments: Mapping[str, Mapping[str, Any]]
    tables: DecisionTables
    geo: Geo
    language: LanguageData
    thresholds: Thresholds
    messages: Mapping[str, Any]
    profile: Mapping[str, Any]
    roles: Mapping[str, Role]
    firm_lexicon: Lexicon = field(default_factory=lambda: Lexicon(()))  # matched only for a private role
    model: NeedModel | None = None  # the learned second opinion, when the rule set ships one


RuleFiles = Mapping[str, bytes]  # a rule set as content: relative path -> bytes


def read_rule_files(root: Path | str) -> dict[str, bytes]:
    """Every file of a rule-set directory except the READMEs, by relative path ("a/b.yaml").
    This is what a published rule set stores."""
    base = Path(root)
    return {p.relative_to(base).as_posix(): p.read_bytes()
            for p in sorted(base.rglob("*")) if p.is_file() and p.suffix.lower() != ".md"
            and not any(part.startswith(".") for part in p.relative_to(base).parts)}


@dataclass(frozen=True)
class _Inputs:
    """What a reader has looked at so far: each file read (by digest), each file found missing,
    each folder listed. Whatever was derived from only these is the same for a set that has
    the same inputs."""

    files: tuple[tuple[str, bytes], ...]
    missing: frozenset[str]
    listings: tuple[tuple[tuple[str, str], tuple[str, ...]], ...]


class _Reader:
    """Reads the rule-set files (from a directory or from stored content), remembering what
    it read (for `inputs`) and every problem found."""

    def __init__(self, source: Path | RuleFiles) -> None:
        self.source = source
        self.files: dict[str, bytes] = {}
        self.missing: set[str] = set()
        self.listings: dict[tuple[str, str], tuple[str, ...]] = {}
        self.problems: list[str] = []

    def _read(self, rel: str) -> bytes:
        try:
            if isinstance(self.source, Path):
                data = (self.source / rel).read_bytes()
            else:
                try:
                    data = self.source[rel]
                except KeyError:
                    raise FileNotFoundError(rel) from None
        except FileNotFoundError:
            self.missing.add(rel)
            raise
        self.files[rel] = data
        return data

    def listing(self, folder: str, suffix: str) -> list[str]:
        """The relative paths of the files directly in `folder` with this suffix, sorted."""
        if isinstance(self.source, Path):
            found = [f"{folder}/{p.name}" for p in sorted((self.source / folder).glob(f"*{suffix}"))]
        else:
            found = sorted(rel for rel in self.source
                           if rel.startswith(folder + "/") and rel.endswith(suffix) and rel.count("/") == 1)
        self.listings[(folder, suffix)] = tuple(found)
        return found

    def inputs(self) -> _Inputs:
        return _Inputs(tuple((rel, hashlib.sha256(data).digest()) for rel, data in self.files.items()),
                       frozenset(self.missing), tuple(self.listings.items()))

    def has(self, inputs: _Inputs) -> bool:
        """Whether this set's files are those `inputs` describe (reading them, as the loader would)."""
        for (folder, suffix), found in inputs.listings:
            if tuple(self.listing(folder, suffix)) != found:
                return False
        for rel in inputs.missing:
            if self.optional(rel) is not None:
                return False
        for rel, digest in inputs.files:
            data = self.files.get(rel)
            if data is None:
                data = self.optional(rel)
            if data is None or hashlib.sha256(data).digest() != digest:
                return False
        return True

    def yaml(self, rel: str) -> Any:
        try:
            return yaml.load(self._read(rel).decode("utf-8"), Loader=_SAFE_LOADER)
        except FileNotFoundError:
            self.problems.append(f"{rel}: file missing")
        except yaml.YAMLError as e:
            self.problems.append(f"{rel}: not valid YAML ({e})")
        return None

    def optional(self, rel: str) -> bytes | None:
        """A file a rule set may leave out (older published sets lack it): None when absent."""
        try:
            return self._read(rel)
        except FileNotFoundError:
            return None

    def optional_yaml(self, rel: str) -> Any:
        return None if self.optional(rel) is None else self.yaml(rel)

    def csv(self, rel: str) -> list[dict[str, str]]:
        try:
            text = self._read(rel).decode("utf-8")
        except FileNotFoundError:
            self.problems.append(f"{rel}: file missing")
            return []
        return list(csv.DictReader(io.StringIO(text)))

    def error(self, where: str, msg: str) -> None:
        self.problems.append(f"{where}: {msg}")

    def checksum(self) -> str:
        """Of every file of the set (also those the routing core does not read, such as
        intake.yaml): the same identity as a published set's."""
        files = read_rule_files(self.source) if isinstance(self.source, Path) else self.source
        return content_checksum(files)


def content_checksum(files: RuleFiles) -> str:
    """The identity of a rule set's content: SHA-256 over every (path, bytes), sorted by path."""
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(rel.encode() + b"\0" + files[rel] + b"\0")
    return "sha256:" + h.hexdigest()


def _texts(r: _Reader, where: str, value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not isinstance(value.get(lg), str) or not value.get(lg)
                                          for lg in LANGS):
        r.error(where, f"{what} needs non-empty nl and en texts")
        return {lg: "" for lg in LANGS}
    return {lg: str(value[lg]).strip() for lg in LANGS}


def _opt_texts(r: _Reader, where: str, doc: dict[str, Any], key: str) -> dict[str, str] | None:
    return _texts(r, where, doc[key], key) if doc.get(key) else None


def _date(r: _Reader, where: str, value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    r.error(where, f"not a date (YYYY-MM-DD): {value!r}")
    return None


def _entries(r: _Reader, rel: str, items: Any, label: str, seen: set[str]) -> Iterator[tuple[str, str, Any]]:
    """(where, id, entry) for each entry of a list with ids; reports a missing or repeated id."""
    for i, entry in enumerate(items or []):
        eid = entry.get("id") if isinstance(entry, dict) else None
        where = f"{rel} {label}[{i}] ({eid})"
        if not isinstance(eid, str):
            r.error(where, "missing id")
            continue
        if eid in seen:
            r.error(where, f"duplicate {label[:-1]} id")
        seen.add(eid)
        yield where, eid, entry


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# -- providers ---------------------------------------------------------------------------------
def _load_families(r: _Reader, doc: Any) -> dict[str, Family]:
    fams: dict[str, Family] = {}
    for i, f in enumerate((doc or {}).get("families") or []):
        where = f"providers.yaml families[{i}]"
        fid = f.get("id")
        if not isinstance(fid, str):
            r.error(where, "missing id")
            continue
        if f.get("regional_by") not in REGIONAL_BY:
            r.error(where, f"{fid}: regional_by must be one of {', '.join(REGIONAL_BY)}")
        fams[fid] = Family(
            id=fid,
            name=_texts(r, where, f.get("name"), "name"),
            regional_by=str(f.get("regional_by")),
            finder_url=f.get("finder_url"),
            finder_name=_opt_texts(r, where, f, "finder_name"),
            instance_name=_opt_texts(r, where, f, "instance_name"),
            instance_mandate=_opt_texts(r, where, f, "instance_mandate"),
            unconfirmed=frozenset(_as_list(f.get("unconfirmed"))),
            principle=str(f.get("principle", "P4")),
        )
        if fams[fid].principle not in PRINCIPLES:
            r.error(where, f"{fid}: principle must be one of P1-P5")
    return fams


def _load_providers(r: _Reader, doc: Any, fams: Mapping[str, Family]) -> dict[str, Provider]:
    out: dict[str, Provider] = {}
    for i, p in enumerate((doc or {}).get("providers") or []):
        pid = p.get("id")
        where = f"providers.yaml providers[{i}] ({pid})"
        if not isinstance(pid, str):
            r.error(where, "missing id")
            continue
        if pid in out:
            r.error(where, "duplicate provider id")
        fam = p.get("family")
        if fam not in fams:
            r.error(where, f"unknown family {fam!r}")
        if not p.get("source"):
            r.error(where, "every provider needs a source")
        hours = p.get("hours")
        out[pid] = Provider(
            id=pid,
            family=str(fam),
            name=_texts(r, where, p.get("name"), "name"),
            mandate=_texts(r, where, p.get("mandate"), "mandate"),
            url=p.get("url"),
            phone=p.get("phone"),
            hours=_texts(r, where, hours, "hours") if hours else None,
            scope=p.get("scope") or {},
            source=str(p.get("source", "")),
            checked=_date(r, where, p.get("checked")),
            unconfirmed=frozenset(_as_list(p.get("unconfirmed"))),
        )
    return out


# -- regions -----------------------------------------------------------------------------------
# The word lists of language.yaml that reading a place in text needs, by the Geo field they fill.
_GEO_WORDS = ("articles", "place_nouns", "place_noun_links", "place_noun_heads", "moving_words", "destination_words",
              "origin_words", "municipality_titles", "namesake_links", "residence_words")


def _load_geo(r: _Reader, language_words: frozenset[str], lang_doc: Mapping[str, Any]
              ) -> tuple[Geo, list[tuple[str, str]]]:
    provinces = {row["province_code"]: Area(row["province_code"], row["province_name"])
                 for row in r.csv("regions/provinces.csv")}
    lmr_rows = r.csv("regions/labour_market_regions.csv")
    lmr_of = {row["gemeente_code"]: row["arbeidsmarktregio_code"] for row in lmr_rows}
    lmrs = {row["arbeidsmarktregio_code"]: Area(row["arbeidsmarktregio_code"], row["arbeidsmarktregio_name"])
            for row in lmr_rows}
    munis: dict[str, Municipality] = {}
    extra_names: list[tuple[str, str]] = []
    for row in r.csv("regions/municipalities.csv"):
        code = row["gemeente_code"]
        if row["province_code"] not in provinces:
            r.error("regions/municipalities.csv", f"{code}: unknown province {row['province_code']}")
        if code not in lmr_of:
            r.error("regions/labour_market_regions.csv", f"{code}: no labour-market region")
        munis[code] = Municipality(code, row["gemeente_name"], row["province_code"], lmr_of.get(code, ""))
        extra_names.append((row["gemeente_name_pdok_locatieserver"], code))
    pc4: dict[str, str] = {}
    share: dict[str, float] = {}
    for row in r.csv("regions/pc4.csv"):
        if row["gemeente_code"] not in munis:
            r.error("regions/pc4.csv", f"{row['pc4']}: unknown municipality {row['gemeente_code']}")
        pc4[row["pc4"]] = row["gemeente_code"]
        share[row["pc4"]] = float(row["share"] or 1.0)
    for prow in r.csv("regions/provinces.csv"):
        if prow.get("province_name_alt"):
            extra_names.append((prow["province_name_alt"], prow["province_code"]))
    aliases: dict[str, str] = {}
    demonyms: set[str] = set()
    for i, row in enumerate(r.csv("regions/aliases.csv")):
        code = (row.get("code") or "").strip()
        if code not in munis and code not in provinces:
            r.error(f"regions/aliases.csv row {i + 2}", f"unknown code {code!r}")
            continue
        key = fold(row["alias"])
        if key in aliases and aliases[key] != code:
            r.error(f"regions/aliases.csv row {i + 2}", f"alias {row['alias']!r} maps to two codes")
        aliases[key] = code
        if row.get("kind") == "demonym":
            demonyms.add(key)
    ambiguous = frozenset(fold(row["name"]) for row in r.csv("regions/ambiguous_names.csv"))
    places: dict[str, str] = {}
    for i, row in enumerate(r.csv("regions/places.csv")):
        code = (row.get("gemeente_code") or "").strip()
        if code not in munis:
            r.error(f"regions/places.csv row {i + 2}", f"unknown municipality {code!r}")
            continue
        places[fold(row["place"])] = code
    namesakes: dict[str, list[tuple[str, bool]]] = {}
    for i, row in enumerate(r.csv("regions/namesakes.csv")):
        code = (row.get("gemeente_code") or "").strip()
        if code not in munis or row.get("kind") not in ("woonplaats", "core"):
            r.error(f"regions/namesakes.csv row {i + 2}", f"unknown municipality {code!r} or kind {row.get('kind')!r}")
            continue
        namesakes.setdefault(fold(row["place"]), []).append((code, row["kind"] == "woonplaats"))
    doc = r.yaml("regions/rom_areas.yaml") or {}
    by_province = dict(doc.get("by_province") or {})
    for code in provinces:
        if code not in by_province:
            r.error("regions/rom_areas.yaml", f"by_province lacks {code}")
    overrides = [
        RomOverride(str(o.get("name")), frozenset(o.get("codes") or []), str(o.get("primary")),
                    tuple(o.get("also") or []))
        for o in doc.get("municipality_overrides") or []
    ]
    regions = [
        RegionName(tuple(str(n) for n in rn.get("names") or []), rn.get("rom"),
                   tuple(rn.get("also") or []), rn.get("province"))
        for rn in doc.get("region_names") or []
    ]
    for rn in regions:
        if rn.province and rn.province not in provinces:
            r.error("regions/rom_areas.yaml", f"region {rn.names[:1]}: unknown province {rn.province}")
    geo = Geo(
        provinces=provinces,
        municipalities=munis,
        labour_market_regions=lmrs,
        pc4=pc4,
        pc4_share=share,
        rom_by_province=by_province,
        rom_overrides=overrides,
        region_names=regions,
        aliases=aliases,
        ambiguous=ambiguous,
        location_words=language_words,
        demonyms=frozenset(demonyms),
        places=places,
        namesakes={k: tuple(v) for k, v in namesakes.items()},
        residence_doors=frozenset(str(c) for c in lang_doc.get("residence_doors") or ()),
        # "de provincie Groningen": the body words of a province (language.yaml body_words)
        province_words=frozenset(fold(str(w)) for w, kind in (lang_doc.get("body_words") or {}).items()
                                 if kind == "province"),
        **{k: _word_set(lang_doc.get(k)) for k in _GEO_WORDS},
    )
    geo.add_names(extra_names)
    return geo, extra_names


# -- lexicon -----------------------------------------------------------------------------------
def _weights(value: Any, default: float) -> tuple[tuple[str, float], ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return ((value, default),)
    if isinstance(value, list):
        return tuple((str(v), default) for v in value)
    if isinstance(value, dict):
        return tuple((str(k), float(v) * default) for k, v in value.items())
    raise TypeError(value)


def _private_role_flag(r: _Reader, where: str, spec: Mapping[str, Any], key: str) -> bool:
    """A role's optional flag that only a private role may set (`outweighs_firm`, `of_others`)."""
    value = spec.get(key, False)
    if not isinstance(value, bool) or (value and not spec["private"]):
        r.error(where, f"`{key}` is true or false, and true only for a private role")
        return False
    return value


def _load_roles(r: _Reader, docs: Mapping[str, Any], taxonomy: Taxonomy
                ) -> tuple[dict[str, Role], dict[str, dict[str, list[str]]]]:
    """The roles and the role markers (`self`, `owner`) declared in the lexicon files."""
    roles: dict[str, Role] = {}
    markers: dict[str, dict[str, list[str]]] = {}
    for rel, doc in docs.items():
        for rid, spec in (doc.get("roles") or {}).items():
            where = f"{rel} roles.{rid}"
            if rid in roles:
                r.error(where, "duplicate role")
            if not isinstance(spec, dict) or not isinstance(spec.get("private"), bool):
                r.error(where, "a role needs `private: true` or `private: false`")
                continue
            themes = _weights(spec.get("theme"), 1.0) if isinstance(spec.get("theme"), dict) else ()
            for t, _ in themes:
                if t not in taxonomy.themes:
                    r.error(where, f"unknown theme {t!r}")
            flags = {key: _private_role_flag(r, where, spec, key) for key in ("outweighs_firm", "of_others")}
            roles[str(rid)] = Role(str(rid), spec["private"], _texts(r, where, spec.get("label"), "label"),
                                   themes, **flags)
        for kind, langs in (doc.get("markers") or {}).items():
            if kind not in ("self", "owner", "holder") or not isinstance(langs, dict):
                r.error(f"{rel} markers.{kind}",
                        "markers are `self`, `owner` and `holder`, each {nl: [...], en: [...]}")
                continue
            for lang, words in langs.items():
                markers.setdefault(str(kind), {}).setdefault(str(lang), []).extend(str(w) for w in _as_list(words))
    return roles, markers


def _role_cues(c: Mapping[str, Any], private: bool, markers: Mapping[str, Mapping[str, list[str]]]
               ) -> dict[str, list[str]]:
    """Cues generated from a role concept's `persona` and `owns` lists, per language:
    "als werknemer", "mijn werkgever"; a firm's possession may have one word in between and
    may also follow a `holder` marker ("ik heb een kapsalon")."""
    out: dict[str, list[str]] = {}
    kinds = {"persona": ("self",), "owns": ("owner",) if private else ("owner", "holder")}
    for key, joiner in (("persona", " =="), ("owns", " " if private else " .. ")):
        for lang, words in (c.get(key) or {}).items():
            for word in _as_list(words):
                for marker in [m for kind in kinds[key] for m in markers.get(kind, {}).get(lang, [])]:
                    w = str(word)
                    # a cue word's own markers ("**bedrijf", "=bar") stay; "==" only on a bare noun
                    sep = joiner if not (joiner == " ==" and w[:1] in "=*!") else " "
                    if " " in w and joiner == " ==":
                        sep = " "
                    if marker.endswith(" ..") and sep == " .. ":
                        sep = " "  # the marker already allows a word in between
                    out.setdefault(str(lang), []).append(f"{marker}{sep}{w}")
    return out


REGIONAL_SCHEMES = "regional_schemes.yaml"
# A named regional instrument's owner decides its tier-1 instrument (decisions/tier1_named.yaml):
# a concrete provincie or ROM, a concrete gemeente, or a family resolved from the location.
SCHEME_INSTRUMENT = {"provincie": "provincial_named", "rom": "provincial_named", "gemeente": "municipal_named"}
GENERIC_SCHEME_INSTRUMENT = {"provincie": "provincial", "gemeente": "local_scheme"}
# The id prefix of the lexicon concepts made from regional_schemes.yaml (a scheme named by its name).
SCHEME_CONCEPT_PREFIX = "scheme."
# A ROM named by its name (lexicon/instruments.yaml instr.rom.*): a fund named in its sentence is
# that ROM's to run (app/routing/engine.py, `rom_funds` in Router._regional_scheme).
ROM_INSTRUMENT = "rom_named"
# A fund named only by its compound ("...fonds", lexicon/instruments.yaml instr.rom_fund*): a ROM's
# regional fund, unless a municipality's adjective names it ("het Leids Stimuleringsfonds").
GENERIC_FUND_INSTRUMENT = "rom_fund"


def _scheme_concepts(r: _Reader, doc: Any, providers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The named regional instruments of regional_schemes.yaml as lexicon concepts: each names
    its owner, so the question goes to the body that runs it (a named owner wins over the
    location, like a named ROM)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for where, sid, item in _entries(r, REGIONAL_SCHEMES, (doc or {}).get("schemes"), "schemes", seen):
        owner = str(item.get("owner", ""))
        family = owner.split(":", 1)[0]
        if ":" in owner:
            instrument = SCHEME_INSTRUMENT.get(family)
            if instrument is None or owner not in providers:
                r.error(where, f"unknown owner {owner!r} (a provincie:PVxx, gemeente:GMxxxx or rom:* id)")
                continue
        else:
            instrument = GENERIC_SCHEME_INSTRUMENT.get(owner)
            if instrument is None:
                r.error(where, f"unknown owner {owner!r} (or the family provincie / gemeente)")
                continue
        for key in ("name", "source", "checked", "need"):
            if not item.get(key):
                r.error(where, f"every scheme needs `{key}`")
        out.append({
            "id": f"{SCHEME_CONCEPT_PREFIX}{sid}", "instrument": instrument, "need": item.get("need"),
            "provider": owner if ":" in owner else None, "weight": 2.0, "business": True,
            "nl": item.get("nl"), "en": item.get("en"), "any": item.get("any"),
            "source": item.get("source"),
        })
    return out


_LexiconParts = tuple[Lexicon, Lexicon, dict[str, Concept], dict[str, dict[str, Any]], dict[str, Role], frozenset[str]]
_LEXICONS: list[tuple[_Inputs, _LexiconParts]] = []  # the last two built, newest first


def _lexicon_of(r: _Reader, taxonomy: Taxonomy, providers: Mapping[str, Any], not_heads: frozenset[str],
                gap_breakers: frozenset[str]) -> _LexiconParts:
    """The lexicon of `_load_lexicon`, shared with the last sets loaded whose inputs are the
    same: every file read so far (the arguments derive from them) and those the lexicon reads.
    Building it is most of a load (~0.4 of ~0.55 s), and a rule-set change seldom touches
    these files: a worker that follows an activation under load then rebuilds a third of it.
    The parts are not changed after loading (the router keeps per-request state elsewhere)."""
    for inputs, parts in _LEXICONS:
        if r.has(inputs):
            return parts
    parts = _load_lexicon(r, taxonomy, providers, not_heads, gap_breakers)
    if not r.problems:  # a set with problems is refused anyway: nothing to share
        _LEXICONS.insert(0, (r.inputs(), parts))
        del _LEXICONS[2:]
    return parts


def _load_lexicon(
    r: _Reader, taxonomy: Taxonomy, providers: Mapping[str, Any], not_heads: frozenset[str] = frozenset(),
    gap_breakers: frozenset[str] = frozenset()
) -> tuple[Lexicon, Lexicon, dict[str, Concept], dict[str, dict[str, Any]], dict[str, Role], frozenset[str]]:
    """The lexicon, and the firm lexicon: the cues generated from firm roles' `owns` ("mijn
    bedrijf", "ik heb een kapsalon"), needed only to weigh a private role, so matched only then;
    last, the asker's possessives: the one-word `owner` markers of the role files ("mijn", "our")."""
    concepts: dict[str, Concept] = {}
    instruments: dict[str, dict[str, Any]] = {}
    cues: list[Cue] = []
    firm_cues: list[Cue] = []
    seen: set[str] = set()
    known_providers = set(providers)
    docs = {rel: (r.yaml(rel) or {}) for rel in r.listing("lexicon", ".yaml")}
    schemes = r.optional_yaml(REGIONAL_SCHEMES)
    if schemes is not None:
        docs[REGIONAL_SCHEMES] = {"concepts": _scheme_concepts(r, schemes, providers)}
    roles, markers = _load_roles(r, docs, taxonomy)
    for rel, doc in docs.items():
        for where, cid, c in _entries(r, rel, doc.get("concepts"), "concepts", seen):
            weight = float(c.get("weight", 1.0))
            try:
                themes = _weights(c.get("theme"), 1.0)
                services = _weights(c.get("service"), 1.0)
            except (TypeError, ValueError):
                r.error(where, "theme/service must be a name, a list or a mapping name: weight")
                continue
            for t, _ in themes:
                if t not in taxonomy.themes:
                    r.error(where, f"unknown theme {t!r}")
            for s, _ in services:
                if s not in taxonomy.services:
                    r.error(where, f"unknown service {s!r}")
            needs: list[tuple[str, str, float]] = []
            for n in _as_list(c.get("need")):
                t, _, s = str(n).partition("/")
                if t not in taxonomy.themes or s not in taxonomy.services:
                    r.error(where, f"need must be theme/service: {n!r}")
                needs.append((t, s, 1.0))
            scope = c.get("scope")
            if scope is not None and scope not in SCOPES:
                r.error(where, f"unknown scope {scope!r}")
            provider = c.get("provider")
            if provider is not None and provider not in known_providers:
                r.error(where, f"unknown provider {provider!r}")
            role = c.get("role")
            if role is not None and role not in roles:
                r.error(where, f"unknown role {role!r} (declare it under `roles:` in lexicon/roles.yaml)")
            if (c.get("persona") or c.get("owns")) and role is None:
                r.error(where, "`persona` and `owns` need a `role`")
            instrument = c.get("instrument")
            if instrument is not None:
                info = instruments.setdefault(str(instrument), {"concepts": [], "need": None})
                info["concepts"].append(cid)
                if needs:
                    info["need"] = needs[0][:2]
            concept = Concept(
                id=cid,
                weight=weight,
                themes=themes,
                services=services,
                needs=tuple(needs),
                instrument=str(instrument) if instrument is not None else None,
                provider=provider,
                signals=tuple(str(s) for s in _as_list(c.get("signal"))),
                scope=scope,
                business=bool(c.get("business", False)),
                source=str(c.get("source", "")),
                role=str(role) if role is not None and role in roles else None,
            )
            if not (themes or services or needs or instrument or concept.signals or scope or
                    concept.business or concept.role):
                r.error(where, "concept has no effect (no theme, service, need, instrument, "
                               "signal, scope, role or business flag)")
            generated = (_role_cues(c, roles[str(role)].private, markers)
                         if role is not None and str(role) in roles else {})
            firm_owns = role is not None and str(role) in roles and not roles[str(role)].private
            owned = {str(x) for x in _role_cues({"owns": c.get("owns")}, False, markers).get("nl", [])
                     + _role_cues({"owns": c.get("owns")}, False, markers).get("en", [])} if firm_owns else set()
            concepts[cid] = concept
            n_cues = 0
            # a cue written in both the nl and the en list says nothing about the language
            both = {str(x) for x in _as_list(c.get("nl"))} & {str(x) for x in _as_list(c.get("en"))}
            for lang in ("nl", "en", "any"):
                for raw in [*_as_list(c.get(lang)), *generated.get(lang, [])]:
                    if lang == "en" and str(raw) in both:
                        continue
                    cue_lang = None if lang == "any" or str(raw) in both else lang
                    try:
                        seqs = parse_cue(str(raw))
                    except CueSyntaxError as e:
                        r.error(where, f"cue {raw!r}: {e}")
                        continue
                    target = firm_cues if str(raw) in owned else cues
                    for seq in seqs:
                        target.append(Cue(concept, cue_lang, str(raw), seq))
                    n_cues += 1
            if n_cues == 0:
                r.error(where, "concept without cues")
    for iid, info in instruments.items():
        if info["need"] is None:
            r.error(f"lexicon instrument {iid}", "no concept of this instrument declares its need")
    possessives = frozenset(fold(w) for words in markers.get("owner", {}).values() for w in words if " " not in w)
    return (Lexicon(cues, not_heads, gap_breakers), Lexicon(firm_cues, not_heads, gap_breakers), concepts,
            instruments, roles, possessives)


# -- decision tables ---------------------------------------------------------------------------
def _conditions(r: _Reader, where: str, when: Any, taxonomy: Taxonomy,
                instruments: Mapping[str, Any]) -> Conditions:
    if when is None:
        when = {}
    if not isinstance(when, dict):
        r.error(where, "`when` must be a mapping")
        return Conditions()
    known = {"instrument", "theme", "service", "signal", "amount", "employees", "phase"}
    for k in when:
        if k not in known:
            r.error(where, f"unknown condition {k!r} (use {', '.join(sorted(known))})")

    def fs(key: str, valid: Iterable[str] | None) -> frozenset[str] | None:
        if key not in when:
            return None
        vals = frozenset(str(v) for v in _as_list(when[key]))
        if valid is not None:
            for v in vals - set(valid):
                r.error(where, f"unknown {key} {v!r}")
        return vals

    amount = when.get("amount") or {}
    employees = when.get("employees") or {}
    return Conditions(
        instruments=fs("instrument", instruments),
        themes=fs("theme", taxonomy.themes),
        services=fs("service", taxonomy.services),
        signals=fs("signal", None),
        amount_min=amount.get("min"),
        amount_max=amount.get("max"),
        employees_min=employees.get("min"),
        employees_max=employees.get("max"),
        phases=fs("phase", None),
    )


def _load_tables(r: _Reader, taxonomy: Taxonomy, instruments: Mapping[str, Any],
                 targets: set[str]) -> DecisionTables:
    rows: list[Row] = []
    seen: set[str] = set()
    order = 0
    for rel in r.listing("decisions", ".yaml"):
        doc = r.yaml(rel) or {}
        table = str(doc.get("table", Path(rel).stem))
        tier = doc.get("tier")
        if tier not in (1, 2, 3):
            r.error(rel, "tier must be 1, 2 or 3")
            tier = 3
        hp = doc.get("hit_policy")
        if hp != "PRIORITY":
            r.error(rel, "hit_policy must be PRIORITY (most specific wins)")
        defaults = doc.get("defaults") or {}
        for where, rid, row in _entries(r, rel, doc.get("rows"), "rows", seen):
            primary = row.get("primary")
            if primary not in targets:
                r.error(where, f"unknown primary {primary!r}")
            also: list[AlsoRef] = []
            for a in _as_list(row.get("also")):
                if isinstance(a, dict):
                    pid = a.get("provider")
                    cond = _conditions(r, where, a.get("when"), taxonomy, instruments)
                else:
                    pid, cond = a, None
                if pid not in targets:
                    r.error(where, f"unknown also provider {pid!r}")
                also.append(AlsoRef(str(pid), cond))
            principle = row.get("principle")
            if principle not in PRINCIPLES:
                r.error(where, f"principle must be one of P1-P5, got {principle!r}")
            source = row.get("source", defaults.get("source"))
            if not source:
                r.error(where, "every row needs a source")
            vf = _date(r, where, row.get("valid_from", defaults.get("valid_from")))
            rows.append(Row(
                id=rid,
                table=table,
                tier=int(tier),
                order=order,
                when=_conditions(r, where, row.get("when"), taxonomy, instruments),
                primary=str(primary),
                also=tuple(also),
                principle=str(principle),
                source=str(source),
                valid_from=vf or date.min,
                reason=_texts(r, where, row.get("reason"), "reason"),
                file=rel,
            ))
            order += 1
    return DecisionTables(rows, hit_policy="PRIORITY")


# -- the learned model ------------------------------------------------------------------------
def _learned(r: _Reader, doc: Any) -> Learned:
    if doc is None:
        return Learned()
    try:
        values = dict(doc)
        mode = str(values.pop("mode", "lexicon"))
        lists: dict[str, tuple[str, ...]] = {}
        for key, kind in (("local_families", "provider families"), ("back_in_roles", "role names")):
            items = values.pop(key, None) or ()
            if isinstance(items, str | bytes) or not all(isinstance(f, str) for f in items):
                raise ValueError(f"{key} must be a list of {kind}")
            lists[key] = tuple(items)
        learned = Learned(mode, **{str(k): float(v) for k, v in values.items()},
                          local_families=lists["local_families"], back_in_roles=lists["back_in_roles"])
    except (TypeError, ValueError) as e:
        r.error("thresholds.yaml", f"learned: {e}")
        return Learned()
    if learned.mode not in LEARNED_MODES:
        r.error("thresholds.yaml", f"learned.mode must be one of {', '.join(LEARNED_MODES)}")
    return learned


_MODELS: dict[str, NeedModel] = {}  # by content digest: rule sets that share a model share it


def _model(r: _Reader) -> NeedModel | None:
    """The learned need model shipped with the rule set (optional: older sets have none). A
    model is immutable apart from its memos of pure functions, so rule sets (versions, tests,
    validation) with the same model file share one instance instead of parsing 1 MB again."""
    raw = r.optional(MODEL_FILE)
    if raw is None:
        return None
    digest = hashlib.sha256(raw).hexdigest()
    model = _MODELS.get(digest)
    if model is not None:
        return model
    try:
        model = NeedModel.from_document(json.loads(raw))
    except ValueError as e:  # ModelError, or not JSON at all
        r.error(MODEL_FILE, f"not a valid need model: {e}")
        return None
    if len(_MODELS) >= 4:
        _MODELS.clear()
    _MODELS[digest] = model
    return model


# -- the whole rule set ------------------------------------------------------------------------
def _phrases(doc: Mapping[str, Any], key: str) -> tuple[tuple[str, ...], ...]:
    """A language.yaml list of marker phrases, each folded and split into its words."""
    return tuple(tuple(fold(str(v)).split()) for v in _as_list(doc.get(key)))


def _word_set(values: Any) -> frozenset[str]:
    return frozenset(fold(str(v)) for v in _as_list(values))


def _compound_heads(words: frozenset[str]) -> tuple[str, ...]:
    """The words long enough (5+ letters) to be read as the last part of a compound as well
    ("adviesregeling", "investeringsfonds")."""
    return tuple(sorted(w for w in words if len(w) >= 5))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a rule set loads: it allocates ~350,000 objects that
    all stay alive, and the collections that allocation triggers would walk them again and again
    (0.46-0.64 s with the collector on, 0.34 s off, on every start and rule-set change). The
    collector is switched back on after, if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def load_ruleset(root: Path | str | RuleFiles) -> RuleSetData:
    """Load and check a rule set from a directory or from its files' content."""
    with _collector_paused():
        return _load_ruleset(root)


def _load_ruleset(root: Path | str | RuleFiles) -> RuleSetData:
    r = _Reader(Path(root) if isinstance(root, (str, Path)) else root)
    tax_doc = r.yaml("taxonomy.yaml") or {}
    taxonomy = Taxonomy(
        themes={t["id"]: t for t in tax_doc.get("themes") or []},
        services={s["id"]: s for s in tax_doc.get("services") or []},
        fallback_theme=str((tax_doc.get("defaults") or {}).get("theme")),
        default_service=str((tax_doc.get("defaults") or {}).get("service")),
        business_services=frozenset(s["id"] for s in tax_doc.get("services") or [] if s.get("business")),
    )
    if taxonomy.fallback_theme not in taxonomy.themes or taxonomy.default_service not in taxonomy.services:
        r.error("taxonomy.yaml", "defaults needs an existing theme and service")
    for kind, items in (("theme", taxonomy.themes), ("service", taxonomy.services)):
        for k, v in items.items():
            _texts(r, f"taxonomy.yaml {kind} {k}", v.get("label"), "label")
            _texts(r, f"taxonomy.yaml {kind} {k}", v.get("clarify"), "clarify")

    lang_doc = r.yaml("language.yaml") or {}
    stop = {lg: _word_set((lang_doc.get("stopwords") or {}).get(lg)) for lg in LANGS}
    shared = stop["nl"] & stop["en"]
    language = LanguageData(
        stopwords={lg: stop[lg] - shared for lg in LANGS},
        location_words=_word_set(lang_doc.get("location_words")),
        postcode_words=_word_set(lang_doc.get("postcode_words")),
        staff_words=_word_set(lang_doc.get("staff_words")),
        range_links=_word_set(lang_doc.get("range_links")),
        number_words={fold(str(k)): int(v) for k, v in (lang_doc.get("number_words") or {}).items()},
        currency_words=_word_set(lang_doc.get("currency_words")),
        multipliers={fold(str(k)): float(v) for k, v in (lang_doc.get("multipliers") or {}).items()},
        not_after_postcode=_word_set(lang_doc.get("not_after_postcode")),
        example_markers=_phrases(lang_doc, "example_markers"),
        negation_markers=_phrases(lang_doc, "negation_markers"),
        goal_markers=_phrases(lang_doc, "goal_markers"),
        mention_markers=_phrases(lang_doc, "mention_markers"),
        person_markers=_phrases(lang_doc, "person_markers"),
        proposal_markers=_phrases(lang_doc, "proposal_markers"),
        creditor_markers=_phrases(lang_doc, "creditor_markers"),
        creditor_after_markers=_phrases(lang_doc, "creditor_after_markers"),
        elsewhere_markers=_phrases(lang_doc, "elsewhere_markers"),
        referral_markers=_phrases(lang_doc, "referral_markers"),
        self_description_markers=_phrases(lang_doc, "self_description_markers"),
        firm_nouns=_word_set(lang_doc.get("firm_nouns")),
        alternative_words=_word_set(lang_doc.get("alternative_words")),
        source_markers=_phrases(lang_doc, "source_markers"),
        relative_words=_word_set(lang_doc.get("relative_words")),
        first_person_words=_word_set(lang_doc.get("first_person_words")),
        overview_markers=_phrases(lang_doc, "overview_markers"),
        marker_fillers=_word_set(lang_doc.get("marker_fillers")),
        contrast_words=_word_set(lang_doc.get("contrast_words")),
        goal_after_words=_word_set(lang_doc.get("goal_after_words")),
        default_language=str(lang_doc.get("default_language", "nl")),
        scheme_words=_word_set(lang_doc.get("scheme_words")),
        scheme_heads=_compound_heads(_word_set(lang_doc.get("scheme_words"))),
        fund_words=_word_set(lang_doc.get("fund_words")),
        fund_heads=_compound_heads(_word_set(lang_doc.get("fund_words"))),
        existential_markers=_phrases(lang_doc, "existential_markers"),
        existential_links=_word_set(lang_doc.get("existential_links")),
        capital_words=_word_set(lang_doc.get("capital_words")),
        capital_heads=_compound_heads(_word_set(lang_doc.get("capital_words"))),
        scheme_links=_word_set(lang_doc.get("scheme_links")),
        scheme_qualifiers=_word_set(lang_doc.get("scheme_qualifiers")),
        body_words={fold(str(k)): str(v) for k, v in (lang_doc.get("body_words") or {}).items()},
        funding_verbs=_word_set(lang_doc.get("funding_verbs")),
        funding_particles={fold(str(verb)): _word_set(parts)
                           for verb, parts in (lang_doc.get("funding_particles") or {}).items()},
        particle_objects=_word_set(lang_doc.get("particle_objects")),
        share_verbs={fold(str(verb)): _word_set(words)
                     for verb, words in (lang_doc.get("share_verbs") or {}).items()},
        owner_links=_word_set(lang_doc.get("owner_links")),
        holding_verbs=_word_set(lang_doc.get("holding_verbs")),
        money_words=_word_set(lang_doc.get("money_words")),
        possessives=_word_set(lang_doc.get("possessives")),
        not_heads=_word_set(lang_doc.get("not_heads")),
        place_body_words=_word_set(lang_doc.get("place_body_words")),
        body_asked_words=_word_set(lang_doc.get("body_asked_words")),
        supplier_words=_phrases(lang_doc, "supplier_words"),
        workplace_links=frozenset(_phrases(lang_doc, "workplace_links")),
        subordinators=_word_set(lang_doc.get("subordinators")),
        units={w: str(unit) for unit, words in (lang_doc.get("units") or {}).items() for w in _word_set(words)},
        money_roles={str(role): _word_set(words) for role, words in (lang_doc.get("money_roles") or {}).items()},
        rate_links=_word_set(lang_doc.get("rate_links")),
    )
    for word, kind in language.body_words.items():
        if kind not in ("province", "municipality"):
            r.error("language.yaml", f"body_words: {word!r} names {kind!r} (use province or municipality)")
    for role in language.money_roles:
        if role not in MONEY_ROLES:
            r.error("language.yaml", f"unknown money role {role!r} (use {', '.join(MONEY_ROLES)})")

    prov_doc = r.yaml("providers.yaml")
    families = _load_families(r, prov_doc)
    providers = _load_providers(r, prov_doc, families)
    geo, _ = _load_geo(r, language.location_words, lang_doc)

    # Regional doors generated from the region tables, plus a finder door per regional family.
    for f in families.values():
        if f.regional:
            base = providers.get(f.id)
            if base is None:
                providers[f.id] = finder_provider(f, f.instance_mandate or f.name)
        if f.instance_name is None:
            continue
        if f.regional_by == "municipality":
            areas = [(m.code, m.name) for m in geo.municipalities.values()]
            level = "municipality"
        elif f.regional_by == "province":
            areas = [(p.code, p.name) for p in geo.provinces.values()]
            level = "province"
        elif f.regional_by == "labour_market_region":
            areas = [(a.code, a.name) for a in geo.labour_market_regions.values()]
            level = "labour_market_region"
        else:
            continue
        for code, name in areas:
            providers[f"{f.id}:{code}"] = instance_provider(f, code, name, level)
    for rid in list(geo.rom_by_province.values()) + [o.primary for o in geo.rom_overrides]:
        if rid not in providers:
            r.error("regions/rom_areas.yaml", f"unknown ROM {rid!r}")
    directory = Directory(families=families, providers=providers)

    lexicon, firm_lexicon, concepts, instruments, roles, possessives = _lexicon_of(
        r, taxonomy, providers, language.not_heads, language.contrast_words)
    language = replace(language, first_person_possessives=possessives)
    targets = set(families) | set(providers) | REGION_FAMILY_ALIASES
    tables = _load_tables(r, taxonomy, instruments, targets)
    for iid in instruments:
        if iid not in tables.instruments():
            r.error(f"lexicon instrument {iid}", "no tier-1 row names this instrument")
    for row in tables.rows:
        if "$named" in (row.primary, *(a.provider for a in row.also)):
            unnamed = [c for iid in (row.when.instruments or ()) for c in instruments.get(iid, {}).get("concepts", [])
                       if concepts[c].provider is None]
            if row.when.instruments is None or unnamed:
                r.error(f"{row.file} ({row.id})", "$named needs an instrument whose every concept names a "
                        f"provider{': ' + ', '.join(unnamed) if unnamed else ''}")

    th = r.yaml("thresholds.yaml") or {}
    try:
        thresholds = Thresholds(
            min_instrument_weight=float(th["min_instrument_weight"]),
            confidence_scale=float(th["confidence_scale"]),
            min_confidence=float(th["min_confidence"]),
            min_margin=float(th["min_margin"]),
            structured_need_weight=float(th["structured_need_weight"]),
            max_clarify_options=int(th["max_clarify_options"]),
            context_instrument_factor=float(th["context_instrument_factor"]),
            example_instrument_factor=float(th["example_instrument_factor"]),
            min_service_evidence=float(th["min_service_evidence"]),
            alternative_door_share=float(th["alternative_door_share"]),
            min_firm_weight=float(th.get("min_firm_weight", 1.0)),
            second_need_theme=float(th.get("second_need_theme", 1.0)),
            overview_doors=int(th.get("overview_doors", 3)),
            negated_instrument_factor=float(th.get("negated_instrument_factor", 1.0)),
            goal_instrument_factor=float(th.get("goal_instrument_factor", 1.0)),
            mentioned_instrument_factor=float(th.get("mentioned_instrument_factor", 1.0)),
            learned=_learned(r, th.get("learned")),
        )
    except (KeyError, TypeError, ValueError) as e:
        r.error("thresholds.yaml", f"missing or invalid value: {e}")
        thresholds = Thresholds(1.0, 1.5, 0.5, 0.15, 5.0, 3, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0)
    messages = r.yaml("messages.yaml") or {}
    principles = messages.get("principles") if isinstance(messages, dict) else None
    for code in sorted(PRINCIPLES):
        label = principles.get(code) if isinstance(principles, dict) else None
        if not (isinstance(label, dict) and all(isinstance(label.get(k), str) and label[k] for k in ("nl", "en"))):
            r.error("messages.yaml", f"principles.{code} needs nl and en labels")
    profile = r.yaml("profile.yaml") or {}

    for fam in thresholds.learned.local_families:
        if fam not in directory.families or not directory.families[fam].regional:
            r.error("thresholds.yaml", f"learned.local_families: {fam!r} is not a regional provider family")
    for role in thresholds.learned.back_in_roles:
        if role not in roles or not roles[role].private:
            r.error("thresholds.yaml", f"learned.back_in_roles: {role!r} is not a private role of lexicon/roles.yaml")
    model = _model(r)
    if thresholds.learned.mode != "lexicon" and model is None:
        r.error("thresholds.yaml", f"learned.mode {thresholds.learned.mode!r} needs {MODEL_FILE}")
    meta_doc = r.yaml("ruleset.yaml") or {}  # read last: the parts shared between versions never see it
    if r.problems:
        raise RuleSetError(r.problems)
    meta = RuleSetMeta(
        version=str(meta_doc.get("version")),
        valid_from=_date(r, "ruleset.yaml", meta_doc.get("valid_from")) or date.min,
        author=str(meta_doc.get("author", "")),
        note=str(meta_doc.get("note", "")),
        checksum=r.checksum(),
    )
    return RuleSetData(
        meta=meta,
        directory=directory,
        taxonomy=taxonomy,
        lexicon=lexicon,
        concepts=concepts,
        instruments=instruments,
        tables=tables,
        geo=geo,
        language=language,
        thresholds=thresholds,
        messages=messages,
        profile=profile,
        roles=roles,
        firm_lexicon=firm_lexicon,
        model=model,
    )
