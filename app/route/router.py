"""POST /v1/route: the HTTP face of the routing core."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.responses import Response

from app.clients.auth import Access, Caller
from app.decisions.log import DecisionLog
from app.observability import DECISIONS, labelled
from app.problems import PROBLEM_JSON
from app.route.cache import AnswerCache, with_request_id
from app.route.schemas import RouteRequest, RouteResponse
from app.routing.model import CompanyInput, LocationInput, RouteInput


async def _direct(request: Request) -> Response:
    """What FastAPI's generated handler did for POST /v1/route, without its per-request
    dependency machinery: the body parsed from bytes by pydantic in one pass, the access check,
    the endpoint. A body the one-pass parser refuses is read again as FastAPI reads it (Python's
    JSON reader, then the model), so every refusal keeps its status, order and wording, and the
    few bodies only that reader accepts (a lone surrogate escape) are still answered."""
    raw = await request.body()
    try:
        body = RouteRequest.model_validate_json(raw)
    except ValidationError:
        document = _document(raw)  # a body that is not JSON is refused before the access check
        caller = await ROUTE_ACCESS(request)
        if document is _EMPTY:
            raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required",
                                           "input": None}]) from None
        try:
            body = RouteRequest.model_validate(document, from_attributes=True)
        except ValidationError as e:
            raise RequestValidationError([{**err, "loc": ("body", *err["loc"])}
                                          for err in e.errors(include_url=False)]) from None
        return await route_question(body, request, caller)
    return await route_question(body, request, await ROUTE_ACCESS(request))


_EMPTY = object()


def _document(raw: bytes) -> Any:
    """The body as FastAPI reads it: 422 for a body that is not JSON, 400 for one that is not
    UTF-8, `_EMPTY` for none."""
    if not raw:
        return _EMPTY
    try:
        return json.loads(raw)
    except json.JSONDecodeError as e:
        raise RequestValidationError([{"type": "json_invalid", "loc": ("body", e.pos), "msg": "JSON decode error",
                                       "input": {}, "ctx": {"error": e.msg}}]) from None
    except ValueError:
        raise HTTPException(400, "There was an error parsing the body") from None


class _DirectRoute(APIRoute):
    """POST /v1/route: FastAPI reads the endpoint's signature for the OpenAPI document and the
    route table; each request is answered by `_direct` (FastAPI's dependency solving and JSON
    reading cost this, the busiest endpoint, 30-50 µs a request in process: about a sixth of a
    cached answer)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return _direct


router = APIRouter(tags=["routing"], route_class=_DirectRoute)

_PROBLEM = {"content": {PROBLEM_JSON: {}}, "description": "Problem details (RFC 9457)"}
ROUTE_ACCESS = Access("route", anonymous=True)


def to_input(body: RouteRequest) -> RouteInput:
    loc = body.location
    comp = body.company
    return RouteInput(
        question=body.question,
        language=body.language,
        location=LocationInput(loc.postcode, loc.municipality, loc.province) if loc else None,
        company=CompanyInput(comp.employees, comp.phase, comp.kvk_number, comp.sbi) if comp else None,
        needs=tuple((n.theme, n.service) for n in body.needs),
        signals=tuple(dict.fromkeys(sig for n in body.needs for sig in n.signals)),
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
async def route_question(body: RouteRequest, request: Request,
                         caller: Caller = Depends(ROUTE_ACCESS)) -> Response:
    started = time.perf_counter()
    # `explain` is read by hand (documented above): a declared query parameter costs a
    # validation pass on every request of the busiest endpoint.
    explain = request.query_params.get("explain", "").lower() in ("1", "true", "yes")
    cache: AnswerCache = request.app.state.answers
    answer = cache.answer(to_input(body), explain)
    rid: str = request.state.request_id
    # The answer is built from validated dataclasses; skip a second pydantic pass.
    response = Response(with_request_id(answer.body, rid), media_type="application/json")
    labelled(DECISIONS, answer.outcome, answer.door).inc()
    dlog: DecisionLog | None = request.app.state.decision_log
    if dlog is not None and answer.log_fields is not None:
        channel, origin = _caller(request.scope["headers"])
        latency_ms = (time.perf_counter() - started) * 1000
        dlog.submit(answer.log_fields, rid, time.time(), latency_ms, channel, origin, caller.name,
                    body.company.kvk_number if body.company else None)
    return response


def _caller(raw: list[tuple[bytes, bytes]]) -> tuple[str | None, str | None]:
    """(channel, origin) of the caller, from one pass over the raw headers.

    The channel is what a client declares in X-Wegwijzer-Channel (printable, at most 64
    characters); the origin is the calling page's Origin, else the scheme and host of its
    Referer (never its path or query)."""
    channel = origin = referer = None
    for k, v in raw:
        if k == b"x-wegwijzer-channel":
            channel = "".join(ch for ch in v.decode("latin-1") if ch.isprintable())[:64] or None
        elif k == b"origin":
            origin = v.decode("latin-1")
        elif k == b"referer":
            referer = v.decode("latin-1")
    if not origin and referer:
        try:
            parts = urlsplit(referer)
        except ValueError:  # e.g. "http://[::1": a header the caller got wrong is no reason to fail
            parts = None
        origin = f"{parts.scheme}://{parts.netloc}" if parts and parts.scheme and parts.netloc else None
    return channel, (origin[:255] if origin else None)
