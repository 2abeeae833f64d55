"""The OpenAPI document states every answer an operation can really give.

FastAPI documents the success answer and a 422 in its own JSON shape; this service answers
every client error as RFC 9457 problem details (app.problems, app.middleware). `install(app)`
wraps `app.openapi` so that each operation documents, as `application/problem+json` with the
shared `Problem` schema:

* 400, 413 and 415 when it takes a request body (a body that is not UTF-8, too large, or not JSON),
* 422 when it takes parameters or a body,
* 401, 403 and 429 when its `Access` dependency needs a scope (no valid key, a missing scope
  or web origin, the client's rate limit; public operations are not rate-limited),
* 503 everywhere (the request deadline of app.middleware.Deadline; a key store that cannot be
  read),

and the two ways to present a key (`securitySchemes`), with a per-operation `security` that
has the `{}` alternative when the operation also serves anonymous callers.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant

from app.clients.auth import Access
from app.problems import PROBLEM_JSON

PROBLEM_REF = "#/components/schemas/Problem"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "Problem details (RFC 9457). Further members may be added.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "A URI reference naming the kind of problem",
                 "examples": ["/problems/invalid-input"]},
        "title": {"type": "string", "description": "Short summary of the kind of problem"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "The HTTP status code"},
        "detail": {"type": "string", "description": "What went wrong with this request, for a human"},
        "instance": {"type": "string", "description": "The path of the request"},
        "request_id": {"type": "string", "description": "The server's id of the request (for support)"},
        "errors": {
            "type": "array",
            "description": "One entry per invalid field",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "description": "JSON path, e.g. location.postcode or body",
                              "examples": ["location.postcode"]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {"type": "http", "scheme": "bearer",
                   "description": "A client key: `Authorization: Bearer <key>`"},
    "apiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                   "description": "The same client key as `X-API-Key: <key>`"},
}

_GENERIC = "Problem details (RFC 9457)"  # what the routers declare; the specific text replaces it
_RETRY_AFTER = {"description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 0}}

# status -> (description, headers)
PROBLEMS: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("The request body could not be read (it is not UTF-8)", {}),
    401: ("No valid client key: none given where one is needed, unknown, revoked or malformed",
          {"WWW-Authenticate": {"description": "The Bearer challenge", "required": True,
                                "schema": {"type": "string"}}}),
    403: ("The client key lacks the scope of this operation, or is used from a web origin it is not "
          "registered for", {}),
    404: ("No such resource", {}),
    409: ("The request conflicts with the stored rule sets (see `detail`)", {}),
    413: ("The request body is larger than the limit", {}),
    415: ("The request body is not JSON (send Content-Type: application/json)", {}),
    422: ("Invalid input: `errors` names each field and what is wrong with it", {}),
    429: ("The rate limit of the client key (or of the anonymous caller's address) is reached",
          {"Retry-After": {**_RETRY_AFTER, "required": True}}),
    503: ("Try again later: the request took longer than the service's deadline, or the client key cannot "
          "be checked right now", {"Retry-After": _RETRY_AFTER}),
}


def _accesses(dependant: Dependant) -> Iterator[Access]:
    for dep in dependant.dependencies:
        if isinstance(dep.call, Access):
            yield dep.call
        yield from _accesses(dep)


def _route_accesses(app: FastAPI) -> dict[tuple[str, str], list[Access]]:
    """(path, method) -> the Access dependencies of that operation."""
    out: dict[tuple[str, str], list[Access]] = {}
    iter_contexts: Callable[[Any], Any] | None = getattr(routing, "iter_route_contexts", None)
    routes: Iterable[Any] = iter_contexts(app.routes) if iter_contexts is not None else app.routes
    for route in routes:
        # Recent FastAPI wraps routes of included routers in a RouteContext; older ones do not.
        original = getattr(route, "original_route", route)
        if not isinstance(original, routing.APIRoute):
            continue
        accesses = list(_accesses(route.dependant))
        for method in route.methods or ():
            out[(route.path_format, method.lower())] = accesses
    return out


def _is_fastapi_validation(media: dict[str, Any]) -> bool:
    return str(media.get("schema", {}).get("$ref", "")).endswith("/HTTPValidationError")


def _document_problem(responses: dict[str, Any], status: int) -> None:
    description, headers = PROBLEMS.get(status, (_GENERIC, {}))
    resp = responses.setdefault(str(status), {"description": description})
    if resp.get("description") in (None, "", _GENERIC):
        resp["description"] = description
    content = resp.setdefault("content", {})
    # FastAPI's own 422 shape is never sent: every validation error is problem+json.
    for media in [m for m, v in content.items() if m == "application/json" and _is_fastapi_validation(v)]:
        del content[media]
    if not content.get(PROBLEM_JSON, {}).get("schema"):
        content[PROBLEM_JSON] = {"schema": {"$ref": PROBLEM_REF}}
    if headers:
        resp["headers"] = {**headers, **resp.get("headers", {})}


def document(spec: dict[str, Any], accesses: dict[tuple[str, str], list[Access]]) -> dict[str, Any]:
    """A copy of `spec` with the problem answers, the Problem schema and the security schemes."""
    spec = copy.deepcopy(spec)
    components = spec.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            responses: dict[str, Any] = op.setdefault("responses", {})
            scoped = [a for a in accesses.get((path, method), []) if a.scope is not None]
            statuses = {503}
            if "requestBody" in op:
                statuses |= {400, 413, 415, 422}
            if op.get("parameters"):
                statuses.add(422)
            if scoped:
                statuses |= {401, 403, 429}
                alternatives: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"apiKeyAuth": []}]
                if all(a.anonymous for a in scoped):
                    alternatives.append({})
                op["security"] = alternatives
                scopes = ", ".join(sorted({str(a.scope) for a in scoped}))
                note = f"Needs a client key with scope `{scopes}` (or `admin`)"
                if all(a.anonymous for a in scoped):
                    note += "; without a key it is served under the anonymous per-address limit when allowed"
                op["description"] = f"{op['description']}\n\n{note}." if op.get("description") else f"{note}."
            # Problem answers the operation already declares get the shared schema as well.
            statuses |= {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            for status in sorted(statuses):
                _document_problem(responses, status)
            op["responses"] = dict(sorted(responses.items()))
    # FastAPI's validation-error schemas are left unused: drop them (ValidationError after
    # HTTPValidationError, which refers to it).
    schemas = components["schemas"]
    for name in ("HTTPValidationError", "ValidationError"):
        if name in schemas:
            kept = schemas.pop(name)
            if f'"#/components/schemas/{name}"' in json.dumps(spec):
                schemas[name] = kept
    return spec


def install(app: FastAPI) -> None:
    """Wrap app.openapi: FastAPI's document is built once (again only if FastAPI rebuilds it)."""
    original = app.openapi
    cached: tuple[dict[str, Any], dict[str, Any]] | None = None

    def openapi() -> dict[str, Any]:
        nonlocal cached
        source = original()
        if cached is None or cached[0] is not source:
            cached = (source, document(source, _route_accesses(app)))
        return cached[1]

    app.openapi = openapi  # type: ignore[method-assign]
