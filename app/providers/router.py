"""Provider directory, needs taxonomy and region lookup (read-only views of the rule set)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from app.clients.auth import Access
from app.pages import envelope
from app.problems import PROBLEM_JSON
from app.providers.schemas import PageOut, PrincipleOut, ProviderFull, RegionOut, ThemesOut
from app.routing.engine import Router
from app.routing.explain import location_dict

# Reference data: open to anonymous callers (when allowed) like /v1/route itself.
router = APIRouter(tags=["directory"], dependencies=[Depends(Access("route", anonymous=True))])
_PROBLEM = {"content": {PROBLEM_JSON: {}}, "description": "Problem details (RFC 9457)"}


def _core(request: Request) -> Router:
    core: Router = request.app.state.answers.router
    return core


@router.get("/v1/providers", operation_id="list_providers", response_model=PageOut,
            summary="The provider directory (HSDS-style page envelope)", responses={422: _PROBLEM})
async def list_providers(
    request: Request,
    page: int = Query(1, ge=1, description="Page number, from 1"),
    per_page: int = Query(50, ge=1, le=500, description="Items per page"),
    family: str | None = Query(None, max_length=40, description="Only this family, e.g. rom"),
) -> dict[str, Any]:
    d = _core(request).data.directory
    if family is not None and family not in d.families:
        raise HTTPException(422, f"unknown family {family!r}; families: {', '.join(d.families)}")
    items = [p for p in d.providers.values() if family is None or p.family == family]
    items.sort(key=lambda p: (p.area is not None, p.finder))  # stable: the order of providers.yaml
    chunk = items[(page - 1) * per_page : page * per_page]
    return envelope([p.full() for p in chunk], len(items), page, per_page)


@router.get("/v1/providers/{provider_id}", operation_id="get_provider", response_model=ProviderFull,
            summary="One provider, with contact facts, mandate, source and checked date",
            responses={404: _PROBLEM})
async def get_provider(provider_id: str, request: Request) -> dict[str, Any]:
    p = _core(request).data.directory.get(provider_id)
    if p is None:
        raise HTTPException(404, f"no provider with id {provider_id!r}")
    return p.full()


@router.get("/v1/principles", operation_id="list_principles", response_model=list[PrincipleOut],
            summary="The principles of the task division (P1-P5) with nl/en labels")
async def list_principles(request: Request) -> list[dict[str, Any]]:
    labels = _core(request).data.messages["principles"]
    return [{"id": code, "label": dict(labels[code])} for code in sorted(labels)]


@router.get("/v1/themes", operation_id="list_themes", response_model=ThemesOut,
            summary="The needs taxonomy: themes and services with nl/en labels")
async def list_themes(request: Request) -> dict[str, Any]:
    tax = _core(request).data.taxonomy
    return {
        "themes": [{"id": k, "label": dict(v["label"]), "transition": bool(v.get("transition", False))}
                   for k, v in tax.themes.items()],
        "services": [{"id": k, "label": dict(v["label"])} for k, v in tax.services.items()],
    }


@router.get("/v1/regions/resolve", operation_id="resolve_region", response_model=RegionOut,
            summary="Municipality, province, ROM, labour-market region and regional doors of a location",
            responses={404: _PROBLEM, 422: _PROBLEM})
async def resolve_region(
    request: Request,
    postcode: str | None = Query(None, max_length=16, description="PC4 or PC6"),
    municipality: str | None = Query(None, max_length=100, description="Name or GMxxxx"),
    province: str | None = Query(None, max_length=100, description="Name or PVxx"),
) -> dict[str, Any]:
    core = _core(request)
    if not (postcode or municipality or province):
        raise HTTPException(422, "give postcode, municipality or province")
    loc = core.resolve_location(postcode, municipality, province, source="request")
    if loc is None or not loc.known:
        raise HTTPException(404, f"no municipality is known for postcode {postcode!r}; "
                                 "give the municipality instead")
    doors: dict[str, str | None] = {
        "gemeente": f"gemeente:{loc.municipality.code}" if loc.municipality else None,
        "provincie": f"provincie:{loc.province.code}" if loc.province else None,
        "rom": loc.rom,
        "wsp": f"wsp:{loc.labour_market_region.code}" if loc.labour_market_region else None,
        "omgevingsdienst": "omgevingsdienst",
    }
    out = location_dict(loc)
    assert out is not None
    out["rom_also"] = list(loc.rom_also)
    out["providers"] = doors
    return out
