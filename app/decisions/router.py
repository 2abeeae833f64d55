"""GET /v1/decisions/{request_id}, POST /v1/decisions/{request_id}/feedback, GET /v1/stats."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.responses import JSONResponse, Response

from app.clients.auth import Access, Caller
from app.decisions import service
from app.decisions.log import DecisionLog
from app.decisions.schemas import DecisionOut, FeedbackIn, FeedbackOut, GroupBy, StatsOut
from app.problems import PROBLEM_JSON
from app.timeparams import moment

router = APIRouter(tags=["decisions"])
DECISIONS, FEEDBACK, STATS = Access("decisions"), Access("feedback"), Access("stats")
_PROBLEM = {"content": {PROBLEM_JSON: {}}, "description": "Problem details (RFC 9457)"}


def _wait_for(request: Request, request_id: str) -> None:
    """A decision may still be in the writer's queue: let it land first (a moment at most)."""
    dlog: DecisionLog | None = request.app.state.decision_log
    if dlog is not None and dlog.writer.is_pending(request_id):
        dlog.writer.flush(timeout=2.0)


@router.get("/v1/decisions/{request_id}", operation_id="get_decision", response_model=DecisionOut,
            summary="A stored decision with its full trace (rules, evidence, rule-set version): "
                    "one the client made, or one routed to its provider's door",
            responses={404: _PROBLEM})
def get_decision(request_id: str, request: Request, caller: Caller = Depends(DECISIONS)) -> dict[str, Any]:
    _wait_for(request, request_id)
    found = service.get_decision(request.app.state.engine, request_id, caller)
    if found is None:
        raise HTTPException(404, f"no decision with request_id {request_id!r}")
    return found


@router.post("/v1/decisions/{request_id}/feedback", operation_id="give_feedback", response_model=FeedbackOut,
             status_code=201, summary="Was the door right? One feedback per decision per client",
             responses={200: {"model": FeedbackOut, "description": "Earlier feedback replaced"},
                        404: _PROBLEM, 422: _PROBLEM})
def give_feedback(request_id: str, body: FeedbackIn, request: Request,
                  caller: Caller = Depends(FEEDBACK)) -> JSONResponse:
    directory = request.app.state.answers.router.data.directory
    if body.actual_provider_id is not None and directory.get(body.actual_provider_id) is None:
        raise HTTPException(422, f"unknown provider id {body.actual_provider_id!r}; see GET /v1/providers")
    _wait_for(request, request_id)
    # One feedback per decision per client, on decisions it may act on (app.decisions.access).
    result = service.upsert_feedback(request.app.state.engine, request_id, caller, body.correct,
                                     body.actual_provider_id, body.channel, body.note, request.app.state.scrubber)
    if result is None:
        raise HTTPException(404, f"no decision with request_id {request_id!r}")
    stored, created = result
    return JSONResponse(stored, status_code=201 if created else 200)


@router.get("/v1/stats", operation_id="get_stats", response_model=StatsOut,
            summary="Decisions, entrepreneurs reached, clarify/out-of-scope shares and accuracy",
            responses={200: {"content": {"text/csv": {}}}, 422: _PROBLEM})
def get_stats(
    request: Request,
    _: Caller = Depends(STATS),
    from_: str | None = Query(None, alias="from", description="Start date or date-time (inclusive)"),
    to: str | None = Query(None, description="End date (inclusive) or date-time (exclusive)"),
    group_by: GroupBy | None = Query(None, description="Break the counts down by this field"),
) -> Response:
    start, end = moment(from_, "from", False), moment(to, "to", True)
    if start and end and end <= start:
        raise HTTPException(422, "to: must come after from")
    settings = request.app.state.settings
    result = service.stats(request.app.state.engine, start, end, group_by, settings.reach_target)
    if "text/csv" in request.headers.get("accept", ""):
        return Response(_csv(result), media_type="text/csv; charset=utf-8")
    return JSONResponse(result)


def _cell(value: Any) -> Any:
    """Decimals as spreadsheets read them: 0.00001, never 1e-05."""
    return f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else value


def _csv(result: dict[str, Any]) -> str:
    """The same figures as the JSON answer, one row per figure set, with a `section` column."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")

    def put(*cells: Any) -> None:
        w.writerow([_cell(c) for c in cells])

    put("section", "key", "decisions", "entrepreneurs", "clarify_share", "out_of_scope_share",
        "feedback_n", "correct_share", "target", "progress")
    put("total", "", result["decisions"], result["entrepreneurs"], result["clarify_share"],
        result["out_of_scope_share"], "", "", result["target"], result["progress"])
    for g in result["groups"]:
        put(f"group:{result['group_by']}", g["key"] or "", g["decisions"], g["entrepreneurs"],
            g["clarify_share"], g["out_of_scope_share"], "", "", "", "")
    for section in ("provider", "theme"):
        for a in result[f"accuracy_by_{section}"]:
            put(f"accuracy:{section}", a["key"] or "", "", "", "", "", a["n"], a["correct_share"], "", "")
    return out.getvalue()
