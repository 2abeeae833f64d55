"""Request and response models of POST /v1/route (api-contract.md). Strict JSON types:
"12" is not a number and unknown fields are refused, so a client's mistake is reported
instead of silently ignored."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

_STRICT = ConfigDict(extra="forbid", strict=True)


class LocationIn(BaseModel):
    model_config = _STRICT
    postcode: str | None = Field(None, max_length=16, description="PC4 or PC6, e.g. '5038' or '5038 AB'",
                                 examples=["5038 AB"])
    municipality: str | None = Field(None, max_length=100, description="Name or CBS code (GMxxxx)",
                                     examples=["Tilburg"])
    province: str | None = Field(None, max_length=100, description="Name or CBS code (PVxx)",
                                 examples=["Noord-Brabant"])


class CompanyIn(BaseModel):
    model_config = _STRICT
    employees: int | None = Field(None, ge=0, le=1_000_000)
    phase: Literal["idea", "start", "established", "growth", "trouble"] | None = None
    kvk_number: str | None = Field(None, pattern=r"^[0-9]{8}$", description="8-digit KVK number")
    sbi: str | None = Field(None, pattern=r"^[0-9]{1,5}$", description="SBI activity code")


class NeedIn(BaseModel):
    model_config = _STRICT
    theme: str = Field(max_length=40, description="A theme id from GET /v1/themes")
    service: str = Field(max_length=40, description="A service id from GET /v1/themes")
    signals: list[str] = Field(
        default_factory=list, max_length=5,
        description="Signals that decide among the need's doors, as a clarify option carries them "
                    "(e.g. 'microcredit', 'risk_capital', 'large'); send an option's needs back unchanged")


class RouteRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{
            "question": "Wij willen zonnepanelen op ons bedrijfspand, welke subsidie of aftrek is er?",
            "location": {"postcode": "5038 AB"},
        }]},
    )
    question: str | None = Field(None, max_length=2000, description="1 to 2,000 characters, Dutch or English")
    language: Literal["nl", "en"] | None = Field(None, description="Answer language; detected when absent")
    location: LocationIn | None = None
    company: CompanyIn | None = None
    needs: list[NeedIn] = Field(default_factory=list, max_length=10)


class ProviderOut(BaseModel):
    id: str
    family: str
    name: str
    url: str | None
    phone: str | None
    hours: str | None = None
    unconfirmed: list[str] = Field(default_factory=list,
                                   description="Fields not yet verified against their source")


class RouteOut(BaseModel):
    rank: int
    role: Literal["primary", "also"]
    provider: ProviderOut
    needs_location: bool
    rule: str
    principle: str
    reason: str
    score: float
    evidence: list[str]


class NeedOut(BaseModel):
    theme: str
    service: str
    score: float
    evidence: list[str]


class AreaOut(BaseModel):
    code: str
    name: str


class LocationOut(BaseModel):
    postcode4: str | None
    municipality: AreaOut | None
    province: AreaOut | None
    labour_market_region: AreaOut | None
    rom: str | None
    source: Literal["request", "text", "named_provider"]
    region_name: str | None = None
    evidence: str | None = None
    note: str | None = None


class ClarifyNeed(BaseModel):
    theme: str
    service: str
    signals: list[str] = Field(default_factory=list)


class ClarifyOptionOut(BaseModel):
    label: str
    needs: list[ClarifyNeed]


class ClarifyOut(BaseModel):
    field: Literal["need", "location"]
    question: str
    options: list[ClarifyOptionOut]


class RulesetRef(BaseModel):
    version: str
    checksum: str


class TraceOut(BaseModel):
    concept: str
    cue: str
    evidence: str
    weight: float
    fuzzy: bool


class RouteResponse(BaseModel):
    request_id: str
    ruleset: RulesetRef
    language: Literal["nl", "en"]
    outcome: Literal["routed", "clarify", "out_of_scope"]
    out_of_scope: bool
    needs: list[NeedOut]
    location: LocationOut | None
    routes: list[RouteOut]
    clarify: list[ClarifyOut]
    message: str | None
    facts: dict[str, float | int | str | bool] | None = Field(
        None, description="Facts read from the question or profile: amount_eur, employees, non_eu_founder; for "
        "an out-of-scope answer its kind (scope); where the learned model decided the scope (sent the "
        "question out, or kept a firm at home in), scope_by 'model', model_p (its probability of no "
        "business door) and model_words")
    trace: list[TraceOut] | None = None
