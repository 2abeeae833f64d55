"""Service meta (GET /), liveness (/healthz) and readiness (/readyz)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from app import __version__
from app.clients.auth import Access
from app.meta.readiness import background_state
from app.observability import QUEUE_DEPTH, registry
from app.routing.engine import Router
from app.routing.model import RouteInput

# Public: load balancers and Prometheus call these without a key.
router = APIRouter(tags=["meta"], dependencies=[Depends(Access(None))])


@router.get("/", operation_id="service_info", summary="Service and rule-set version, OpenAPI URL")
async def service_info(request: Request) -> dict[str, Any]:
    core: Router = request.app.state.answers.router
    meta = core.data.meta
    return {
        "service": "wegwijzer",
        "version": __version__,
        "ruleset": {"version": meta.version, "checksum": meta.checksum,
                    "valid_from": meta.valid_from.isoformat()},
        "openapi_url": "/openapi.json",
        "docs_url": "/docs",
    }


@router.get("/metrics", operation_id="metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    dlog = request.app.state.decision_log
    if dlog is not None:
        QUEUE_DEPTH.set(dlog.writer.queue_depth())
    return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)


@router.get("/healthz", operation_id="healthz", summary="Liveness: the process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str]
    ruleset: str


@router.get("/readyz", operation_id="readyz", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "Not ready: a check failed"}},
            summary="Readiness: rules loaded, a canned question routes, database at the migrations' head")
async def readyz(request: Request) -> JSONResponse:
    core: Router = request.app.state.answers.router
    canned = core.data.messages.get("readiness") or {}
    checks: dict[str, Any] = {}
    try:
        d = core.route(RouteInput(question=str(canned.get("question"))))
        got = d.routes[0].provider_id if d.routes else None
        checks["routing"] = "ok" if got == canned.get("expect") else f"unexpected door {got}"
    except Exception as e:  # readiness must report, not crash
        checks["routing"] = f"error: {type(e).__name__}"
    checks["database"] = await request.app.state.database_probe.state()
    dlog = request.app.state.decision_log
    if dlog is not None:
        checks["decision_log"] = background_state(dlog.writer)
    if request.app.state.outbox is not None:
        checks["referral_outbox"] = background_state(request.app.state.outbox)
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks,
                         "ruleset": core.version}, status_code=200 if ok else 503)
