"""Response models of the directory endpoints (for the OpenAPI document)."""

from __future__ import annotations

from pydantic import BaseModel

from app.pages import PageEnvelope
from app.route.schemas import AreaOut


class ProviderFull(BaseModel):
    id: str
    family: str
    name: dict[str, str]
    mandate: dict[str, str]
    url: str | None
    phone: str | None
    hours: dict[str, str] | None
    scope: dict[str, object]
    source: str
    checked: str | None
    unconfirmed: list[str]


class PageOut(PageEnvelope):
    """Open Referral HSDS 3.0 page envelope."""

    contents: list[ProviderFull]


class Label(BaseModel):
    nl: str
    en: str


class ThemeOut(BaseModel):
    id: str
    label: Label
    transition: bool


class ServiceOut(BaseModel):
    id: str
    label: Label


class PrincipleOut(BaseModel):
    id: str
    label: dict[str, str]


class ThemesOut(BaseModel):
    themes: list[ThemeOut]
    services: list[ServiceOut]


class RegionOut(BaseModel):
    postcode4: str | None
    municipality: AreaOut | None
    province: AreaOut | None
    labour_market_region: AreaOut | None
    rom: str | None
    rom_also: list[str]
    source: str
    note: str | None = None
    providers: dict[str, str | None]
