"""The provider directory: every door the service can name, national and regional.

Concrete regional doors (gemeente:GM0855, provincie:PV30, wsp:AM36) are generated from the
family templates in providers.yaml and the region tables, so a municipality never needs a
hand-written entry. Unconfirmed facts (`unconfirmed` in providers.yaml) are flagged in the
directory and left out of route answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

LANGS = ("nl", "en")


@dataclass(frozen=True, slots=True)
class Family:
    id: str
    name: Mapping[str, str]
    regional_by: str  # national | province | municipality | labour_market_region | finder
    finder_url: str | None
    finder_name: Mapping[str, str] | None
    instance_name: Mapping[str, str] | None
    instance_mandate: Mapping[str, str] | None
    unconfirmed: frozenset[str]
    principle: str = "P4"  # the principle that gives the family its task (routing-policy.md §1)

    @property
    def regional(self) -> bool:
        return self.regional_by != "national"


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    family: str
    name: Mapping[str, str]
    mandate: Mapping[str, str]
    url: str | None
    phone: str | None
    hours: Mapping[str, str] | None
    scope: Mapping[str, Any]
    source: str
    checked: date | None
    unconfirmed: frozenset[str]
    area: str | None = None  # GM/PV/AM code for generated regional doors
    finder: bool = False  # True for a family's finder door (location unknown)

    def public(self, lang: str) -> dict[str, Any]:
        """The provider block of a route answer. Facts not yet verified are flagged in
        `unconfirmed` (routing-policy.md: "keep it out of answers or flag it"), never hidden
        silently, so an agent can double-check a number before reading it out."""
        return {
            "id": self.id,
            "family": self.family,
            "name": self.name[lang],
            "url": self.url,
            "phone": self.phone,
            "hours": self.hours[lang] if self.hours else None,
            "unconfirmed": sorted(self.unconfirmed),
        }

    def full(self) -> dict[str, Any]:
        """The directory entry with all facts, their source, date and confirmation flags."""
        return {
            "id": self.id,
            "family": self.family,
            "name": dict(self.name),
            "mandate": dict(self.mandate),
            "url": self.url,
            "phone": self.phone,
            "hours": dict(self.hours) if self.hours else None,
            "scope": dict(self.scope),
            "source": self.source,
            "checked": self.checked.isoformat() if self.checked else None,
            "unconfirmed": sorted(self.unconfirmed),
        }


@dataclass
class Directory:
    families: Mapping[str, Family]
    providers: Mapping[str, Provider]
    _public: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        # Answers are built from these pre-rendered blocks; callers must copy before mutating.
        self._public = {(p.id, lang): p.public(lang) for p in self.providers.values() for lang in LANGS}

    def get(self, provider_id: str) -> Provider | None:
        return self.providers.get(provider_id)

    def public(self, provider_id: str, lang: str) -> dict[str, Any]:
        return self._public[(provider_id, lang)]

    def family_of(self, provider_id: str) -> str:
        return provider_id.split(":", 1)[0]


def finder_provider(f: Family, mandate: Mapping[str, str]) -> Provider:
    """The door for a regional family when the location is unknown: its national finder."""
    name = f.finder_name or f.name
    return Provider(
        id=f.id,
        family=f.id,
        name=name,
        mandate=mandate,
        url=f.finder_url,
        phone=None,
        hours=None,
        scope={"level": "national", "finder": True},
        source="routing_rules/providers.yaml (family finder)",
        checked=None,
        unconfirmed=frozenset({"url"}) if "finder_url" in f.unconfirmed else frozenset(),
        finder=True,
    )


def instance_provider(f: Family, code: str, area_name: str, level: str) -> Provider:
    assert f.instance_name is not None
    return Provider(
        id=f"{f.id}:{code}",
        family=f.id,
        name={lang: f.instance_name[lang].format(name=area_name) for lang in LANGS},
        mandate=dict(f.instance_mandate or f.name),
        url=f.finder_url,
        phone=None,
        hours=None,
        scope={"level": "regional", level: code},
        source="routing_rules/regions (CBS/PDOK) + providers.yaml family template",
        checked=None,
        unconfirmed=frozenset({"url"}) if "finder_url" in f.unconfirmed else frozenset(),
        area=code,
    )
