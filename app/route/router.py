"""POST /v1/route: the HTTP face of the routing core."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.problems import PROBLEM_JSON
from app.route.cache import AnswerCache, with_request_id
from app.route.schemas import RouteRequest, RouteResponse
from app.routing.model import CompanyInput, LocationInput, RouteInput

router = APIRouter(tags=["routing"])

_PROBLEM = {"content": {PROBLEM_JSON: {}}, "description": "Problem details (RFC 9457)"}


def to_input(body: RouteRequest) -> RouteInput:
    loc = body.location
    comp = body.company
    return RouteInput(
        question=body.question,
        language=body.language,
        location=LocationInput(loc.postcode, loc.municipality, loc.province) if loc else None,
        company=CompanyInput(comp.employees, comp.phase, comp.kvk_number, comp.sbi) if comp else None,
        needs=tuple((n.theme, n.service) for n in body.needs),
    )


@router.post(
    "/v1/route",
    operation_id="route_question",
    summary="Route a question or need to the right public provider",
    response_model=RouteResponse,
    responses={413: _PROBLEM, 422: _PROBLEM},
    openapi_extra={"parameters": [{
        "name": "explain", "in": "query", "required": False,
        "schema": {"type": "boolean", "default": False},
        "description": "Include the matched cues (trace) in the answer",
    }]},
)
async def route_question(body: RouteRequest, request: Request) -> Response:
    # `explain` is read by hand (documented above): a declared query parameter costs a
    # validation pass on every request of the busiest endpoint.
    explain = request.query_params.get("explain", "").lower() in ("1", "true", "yes")
    cache: AnswerCache = request.app.state.answers
    answer = cache.answer(to_input(body), explain)
    # The answer is built from validated dataclasses; skip a second pydantic pass.
    return Response(with_request_id(answer.body, request.state.request_id), media_type="application/json")
