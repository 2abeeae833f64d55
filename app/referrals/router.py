"""/v1/referrals: hand a decision over to a provider, follow it, move it through its lifecycle."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from app.clients.auth import Access, Caller
from app.problems import PROBLEM_JSON
from app.referrals import service
from app.referrals.schemas import ReferralIn, ReferralOut, ReferralPage, StatusIn
from app.timeparams import moment

REFERRALS = Access("referrals")
router = APIRouter(tags=["referrals"], dependencies=[Depends(REFERRALS)])
_PROBLEM: dict[str, Any] = {"content": {PROBLEM_JSON: {}}, "description": "Problem details (RFC 9457)"}
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def _known(request: Request) -> Any:
    directory = request.app.state.answers.router.data.directory
    return lambda pid: directory.get(pid) is not None


def _fail(e: service.ReferralError) -> HTTPException:
    return HTTPException(e.status, f"{e.field}: {e.message}" if e.field else e.message)


@router.post("/v1/referrals", operation_id="create_referral", status_code=201, response_model=ReferralOut,
             summary="Hand the entrepreneur's question over to a provider (with consent)",
             responses={200: {"model": ReferralOut, "description": "The same Idempotency-Key again: the "
                                                                     "referral made the first time"},
                        409: _PROBLEM, 422: _PROBLEM})
async def create_referral(body: ReferralIn, request: Request, caller: Caller = Depends(REFERRALS),
                          idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                               description="Makes a retry safe (1-200 visible "
                                                                           "ASCII characters)")) -> JSONResponse:
    if idempotency_key is not None and not _KEY.match(idempotency_key):
        raise HTTPException(422, "Idempotency-Key: 1-200 visible ASCII characters")
    new = service.NewReferral(body.decision_id, body.provider_id,
                              service.Contact(body.contact.name, body.contact.email, body.contact.phone),
                              body.consent, body.note)
    try:
        ref, created = await run_in_threadpool(service.create, request.app.state.engine, caller, new,
                                               idempotency_key, _known(request), request.app.state.webhooks)
    except service.ReferralError as e:
        raise _fail(e) from None
    if created and request.app.state.outbox is not None:
        request.app.state.outbox.wake()
    return JSONResponse(ref, status_code=201 if created else 200)


@router.get("/v1/referrals", operation_id="list_referrals", response_model=ReferralPage,
            summary="Referrals you made or that are for your provider (HSDS page envelope)",
            responses={422: _PROBLEM})
def list_referrals(request: Request, caller: Caller = Depends(REFERRALS),
                   provider: str | None = Query(None, max_length=64), status: str | None = Query(None, max_length=16),
                   from_: str | None = Query(None, alias="from", description="Created on or after (date or time)"),
                   to: str | None = Query(None, description="Created up to (date, inclusive, or time, exclusive)"),
                   page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    if status is not None and status not in service.STATUSES:
        raise HTTPException(422, f"status: one of {', '.join(service.STATUSES)}")
    start, end = moment(from_, "from", False), moment(to, "to", True)
    return service.list_page(request.app.state.engine, caller, provider=provider, status=status, start=start,
                             end=end, page=page, per_page=per_page)


@router.get("/v1/referrals/{referral_id}", operation_id="get_referral", response_model=ReferralOut,
            summary="One referral with its history and delivery state", responses={404: _PROBLEM})
def get_referral(referral_id: str, request: Request, caller: Caller = Depends(REFERRALS)) -> dict[str, Any]:
    try:
        return service.get(request.app.state.engine, caller, referral_id)
    except service.ReferralError as e:
        raise _fail(e) from None


@router.post("/v1/referrals/{referral_id}/status", operation_id="update_referral_status",
             response_model=ReferralOut, summary="Move a referral on: delivered, accepted, declined, forwarded, "
                                                  "closed", responses={403: _PROBLEM, 404: _PROBLEM, 409: _PROBLEM,
                                                                       422: _PROBLEM})
async def update_status(referral_id: str, body: StatusIn, request: Request,
                        caller: Caller = Depends(REFERRALS)) -> dict[str, Any]:
    try:
        ref = await run_in_threadpool(service.transition, request.app.state.engine, caller, referral_id,
                                      body.status, body.reason, body.forward_to, _known(request),
                                      request.app.state.webhooks)
    except service.ReferralError as e:
        raise _fail(e) from None
    if body.status == "forwarded" and request.app.state.outbox is not None:
        request.app.state.outbox.wake()
    return ref
