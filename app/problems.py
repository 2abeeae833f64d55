"""RFC 9457 problem details (application/problem+json) for every error a client can cause."""

from __future__ import annotations

import json
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.db import unavailable
from app.routing.model import InvalidInput

log = structlog.get_logger("wegwijzer.http")

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}


def problem(status: int, detail: str, *, instance: str | None = None, slug: str | None = None,
            errors: list[dict[str, Any]] | None = None, request_id: str | None = None,
            headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {
        "type": f"/problems/{slug or TITLES.get(status, 'error').lower().replace(' ', '-')}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    if request_id:
        body["request_id"] = request_id
    return Response(json.dumps(body, ensure_ascii=False), status_code=status,
                    media_type=PROBLEM_JSON, headers=headers)


def _loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "json_invalid":
        return "the body is not valid JSON"
    if kind == "extra_forbidden":
        return "unknown field; see the OpenAPI document for the accepted fields"
    if kind == "missing":
        return "this field is required"
    return str(err.get("msg", "invalid value"))


def install(app: FastAPI) -> None:
    async def invalid_input(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, InvalidInput)
        return problem(422, exc.message, instance=request.url.path, slug="invalid-input",
                       errors=[{"field": exc.field, "message": exc.message}],
                       request_id=getattr(request.state, "request_id", None))

    async def validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [{"field": "body" if e.get("type") == "json_invalid" else _loc(tuple(e.get("loc", ()))),
                   "message": _message(e)} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, detail or "invalid request", instance=request.url.path,
                       slug="invalid-input", errors=errors,
                       request_id=getattr(request.state, "request_id", None))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return problem(exc.status_code, str(exc.detail), instance=request.url.path,
                       request_id=getattr(request.state, "request_id", None),
                       headers=dict(exc.headers) if exc.headers else None)

    async def database(request: Request, exc: Exception) -> Response:
        if not unavailable(exc):
            raise exc  # a bug, not an outage: logged and answered 500 like any other
        # The database is gone, hung past its timeouts or not migrated: the client may retry.
        log.warning("database_unavailable", path=request.url.path, error=type(exc).__name__)
        return problem(503, "the database is unavailable right now; please retry", instance=request.url.path,
                       request_id=getattr(request.state, "request_id", None), headers={"Retry-After": "5"})

    async def unexpected(request: Request, exc: Exception) -> Response:
        # Never a stack trace or an internal path in a response; the log has the details.
        return problem(500, "An unexpected error occurred; it has been logged.",
                       instance=request.url.path,
                       request_id=getattr(request.state, "request_id", None))

    app.add_exception_handler(InvalidInput, invalid_input)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(SQLAlchemyError, database)
    app.add_exception_handler(Exception, unexpected)
