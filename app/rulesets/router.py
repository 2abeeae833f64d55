"""Rule governance over HTTP: list, inspect, compare, validate, publish, simulate, activate."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, PlainTextResponse, Response

from app.clients.auth import Access, Caller
from app.decisions.service import logged_inputs
from app.problems import PROBLEM_JSON
from app.routing.engine import Router
from app.routing.loader import RuleSetError
from app.rules.diff import diff
from app.rules.simulate import Case, OutOfTime, golden_cases, log_case, simulate, summary
from app.rules.spreadsheet import export_table
from app.rulesets import store
from app.rulesets.models import RuleSetRow
from app.rulesets.validation import validate_cached
from app.timeparams import moment

RULESETS = Access("rulesets")
router = APIRouter(tags=["rule sets"], dependencies=[Depends(RULESETS)])


def _actor(caller: Caller) -> str:
    return caller.name or "unknown"
_PROBLEM: dict[str, Any] = {"content": {PROBLEM_JSON: {}}, "description": "Problem details (RFC 9457)"}
_ADMIN: dict[int | str, dict[str, Any]] = {401: _PROBLEM, 403: _PROBLEM}


class FilesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    files: dict[str, str] = Field(description="The rule set's files by relative path, as UTF-8 text",
                                  min_length=1, max_length=500)


class ChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, max_length=1000, description="Why (recorded in the audit log)")


class SimulateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_: str | None = Field(None, alias="from", description="Start of the logged period (date or datetime)")
    to: str | None = Field(None, description="End of the logged period, exclusive")
    golden: bool = Field(True, description="Also replay the golden scenarios")
    examples: int = Field(10, ge=0, le=200)


def _files(body: FilesIn) -> dict[str, bytes]:
    for rel in body.files:
        if rel.startswith("/") or ".." in rel.split("/") or "\\" in rel or "\x00" in rel or not rel.strip():
            raise HTTPException(422, f"not a relative file path: {rel!r}")
    return {rel: text.encode("utf-8") for rel, text in body.files.items()}


def _summary(row: RuleSetRow, active: str | None, pinned: str | None) -> dict[str, Any]:
    return {"version": row.version, "checksum": row.checksum, "valid_from": row.valid_from.isoformat(),
            "author": row.author, "note": row.note, "published_at": _iso(row.published_at),
            "published_by": row.published_by, "errors": row.errors, "warnings": row.warnings,
            "active": row.version == active, "pinned": row.version == pinned}


def _iso(dt: datetime) -> str:
    from app.decisions.service import _iso as iso

    return iso(dt) or ""


def _row(request: Request, version: str) -> RuleSetRow:
    row = store.find(request.app.state.engine, version)
    if row is None:
        raise HTTPException(404, f"no published rule set {version!r}; see GET /v1/rulesets")
    return row


@router.get("/v1/rulesets", operation_id="list_rulesets", summary="Published rule sets, the active one marked")
def list_rulesets(request: Request) -> dict[str, Any]:
    engine = request.app.state.engine
    active, pinned = store.active_version(engine), store.pinned(engine)
    return {"active": active, "pinned": pinned, "serving": request.app.state.answers.router.version,
            "rulesets": [_summary(r, active, pinned) for r in store.listing(engine)]}


@router.get("/v1/rulesets/audit", operation_id="ruleset_audit", responses=_ADMIN,
            summary="Who published, activated, rolled back or unpinned which set, and when")
def ruleset_audit(request: Request, limit: int = Query(200, ge=1, le=5000)) -> dict[str, Any]:
    return {"entries": [{"at": _iso(a.at), "actor": a.actor, "action": a.action, "from": a.from_version,
                         "to": a.to_version, "note": a.note}
                        for a in store.audit_log(request.app.state.engine, limit)]}


@router.post("/v1/rulesets/validate", operation_id="validate_ruleset", responses={**_ADMIN, 422: _PROBLEM},
             summary="Check a rule set without publishing it: errors, warnings and the coverage matrix")
async def validate_ruleset(body: FilesIn) -> dict[str, Any]:
    report = await run_in_threadpool(validate_cached, _files(body))
    return report.as_dict()


@router.post("/v1/rulesets", operation_id="publish_ruleset", status_code=201,
             responses={**_ADMIN, 200: {"description": "The same content was published before"},
                        409: _PROBLEM, 422: _PROBLEM},
             summary="Publish a rule set (its version, valid_from, author and note come from its ruleset.yaml)")
async def publish_ruleset(body: FilesIn, request: Request, admin: Caller = Depends(RULESETS)) -> JSONResponse:
    files = _files(body)
    try:
        result = await run_in_threadpool(store.publish, request.app.state.engine, files, _actor(admin), validate_cached)
    except store.PublishError as e:
        raise HTTPException(422, str(e)) from None
    except store.VersionConflict as e:
        raise HTTPException(409, str(e)) from None
    return JSONResponse({"version": result.version, "created": result.created, "errors": result.errors,
                         "warnings": result.warnings, "findings": result.findings,
                         "activatable": result.errors == 0},
                        status_code=201 if result.created else 200)


@router.post("/v1/rulesets/unpin", operation_id="unpin_ruleset", responses=_ADMIN,
             summary="Undo a pin: the newest published set whose valid_from has passed becomes active")
def unpin_ruleset(request: Request, body: ChangeIn | None = None, admin: Caller = Depends(RULESETS)
                  ) -> dict[str, Any]:
    before, after = store.unpin(request.app.state.engine, _actor(admin), body.note if body else None)
    return {"from": before, "to": after, "action": "unpin"}


@router.get("/v1/rulesets/{version}", operation_id="get_ruleset", responses={404: _PROBLEM},
            summary="One published rule set: identity, validation findings and files")
def get_ruleset(version: str, request: Request) -> dict[str, Any]:
    engine = request.app.state.engine
    row = _row(request, version)
    files = store.unpack(row.content)
    return {**_summary(row, store.active_version(engine), store.pinned(engine)),
            "findings": row.findings,
            "files": [{"path": rel, "bytes": len(data)} for rel, data in sorted(files.items())]}


@router.get("/v1/rulesets/{version}/coverage", operation_id="ruleset_coverage",
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "The matrix as JSON, or as a text table with Accept: text/plain"},
                       404: _PROBLEM},
            summary="Which door every theme x service gets, without a location and in every province")
def ruleset_coverage(version: str, request: Request) -> Response:
    report = validate_cached(store.unpack(_row(request, version).content))
    if report.coverage is None:
        raise HTTPException(422, f"rule set {version} does not load, so it has no coverage matrix")
    if "text/plain" in request.headers.get("accept", ""):
        return PlainTextResponse(report.coverage.as_table())
    return JSONResponse(report.coverage.as_dict())


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/v1/rulesets/{version}/tables/{name}", operation_id="export_table", response_class=Response,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}},
                                         _XLSX: {"schema": {"type": "string", "format": "binary"}}},
                             "description": "The table as a spreadsheet (`format`), as an attachment"},
                       404: _PROBLEM},
            summary="A decision table as a spreadsheet (CSV or XLSX) for editing")
def export_decision_table(version: str, name: str, request: Request,
                          format: str = Query("csv", pattern="^(csv|xlsx)$")) -> Response:
    files = store.unpack(_row(request, version).content)
    rel = f"decisions/{name.removesuffix('.yaml')}.yaml"
    if rel not in files:
        tables = ", ".join(sorted(r.removeprefix("decisions/").removesuffix(".yaml")
                                  for r in files if r.startswith("decisions/")))
        raise HTTPException(404, f"no decision table {name!r}; tables: {tables}")
    media = "text/csv; charset=utf-8" if format == "csv" else _XLSX
    stem = rel.removeprefix("decisions/").removesuffix(".yaml")
    return Response(export_table(files[rel], format), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{stem}-{version}.{format}"'})


@router.get("/v1/rulesets/{a}/diff/{b}", operation_id="diff_rulesets", responses={404: _PROBLEM},
            summary="Rows and lexicon entries added, removed and changed from set a to set b")
def diff_rulesets(a: str, b: str, request: Request) -> dict[str, Any]:
    fa, fb = store.unpack(_row(request, a).content), store.unpack(_row(request, b).content)
    return {"from": a, "to": b, **diff(fa, fb)}


@router.post("/v1/rulesets/{version}/simulate", operation_id="simulate_ruleset",
             responses={**_ADMIN, 404: _PROBLEM, 422: _PROBLEM},
             summary="Replay logged questions (and the golden scenarios) under this set before activating it")
def simulate_ruleset(version: str, request: Request, body: SimulateIn | None = None) -> dict[str, Any]:
    started = time.monotonic()
    body = body or SimulateIn()
    start, end = moment(body.from_, "from", False), moment(body.to, "to", True)
    if start and end and start >= end:
        raise HTTPException(422, "'from' must be before 'to'")
    engine = request.app.state.engine
    try:
        candidate = Router.from_files(store.unpack(_row(request, version).content))
    except RuleSetError as e:
        raise HTTPException(422, f"rule set {version} does not load: {e}") from None
    baseline: Router = request.app.state.answers.router
    rows, purged = logged_inputs(engine, start, end)
    cases: list[Case] = [log_case(*r) for r in rows]
    if body.golden:
        cases += golden_cases(request.app.state.settings.scenarios_dir)
    settings = request.app.state.settings
    try:  # the request's deadline answers 503; the replay stops with it instead of running on
        result = simulate(baseline, candidate, cases, body.examples,
                          deadline=started + settings.request_timeout_s)
    except OutOfTime:
        raise HTTPException(503, "the replay took longer than the request deadline; choose a shorter period",
                            headers={"Retry-After": "1"}) from None
    result["sources"].setdefault("log", {"questions": 0, "distinct_inputs": 0, "changed": 0, "skipped": 0})
    result["sources"]["log"]["purged"] = purged
    return {**result, "summary": summary(result), "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None}


@router.post("/v1/rulesets/{version}/activate", operation_id="activate_ruleset",
             responses={**_ADMIN, 404: _PROBLEM, 409: _PROBLEM},
             summary="Make this set the active one (a pin); every worker follows within seconds")
def activate_ruleset(version: str, request: Request, body: ChangeIn | None = None,
                     admin: Caller = Depends(RULESETS)) -> dict[str, Any]:
    try:
        before, after, action = store.activate(request.app.state.engine, version, _actor(admin),
                                               body.note if body else None)
    except store.NotFound as e:
        raise HTTPException(404, str(e)) from None
    except store.Refused as e:
        raise HTTPException(409, str(e)) from None
    return {"from": before, "to": after, "action": action}
