"""POST /v1/route: the HTTP face of the routing core."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from starlette.datastructures import Headers
from starlette.responses import Response

from app.decisions.log import DecisionLog
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
    started = time.perf_counter()
    # `explain` is read by hand (documented above): a declared query parameter costs a
    # validation pass on every request of the busiest endpoint.
    explain = request.query_params.get("explain", "").lower() in ("1", "true", "yes")
    cache: AnswerCache = request.app.state.answers
    answer = cache.answer(to_input(body), explain)
    rid: str = request.state.request_id
    # The answer is built from validated dataclasses; skip a second pydantic pass.
    response = Response(with_request_id(answer.body, rid), media_type="application/json")
    dlog: DecisionLog | None = request.app.state.decision_log
    if dlog is not None and answer.log_fields is not None:
        headers = request.headers
        latency_ms = (time.perf_counter() - started) * 1000
        dlog.submit(answer.log_fields, rid, time.time(), latency_ms, _channel(headers.get("x-wegwijzer-channel")),
                    _origin(headers), None, body.company.kvk_number if body.company else None)
    return response


def _channel(value: str | None) -> str | None:
    """A channel name as a client declares it (X-Wegwijzer-Channel): printable, at most 64."""
    if not value:
        return None
    return "".join(ch for ch in value if ch.isprintable())[:64] or None


def _origin(headers: Headers) -> str | None:
    """The calling page's origin: Origin, else scheme://host of Referer (never its path)."""
    origin = headers.get("origin")
    if not origin:
        referer = headers.get("referer")
        if referer:
            parts = urlsplit(referer)
            origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
    return origin[:255] if origin else None
