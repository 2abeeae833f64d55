"""Referrals: create (idempotent, consent required), read, list, move through the lifecycle,
purge contact details after the retention. Framework-free: errors are exceptions that the
router turns into problem answers."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from ulid import ULID

from app.clients.auth import Caller
from app.db import storable
from app.decisions.service import decision_for
from app.pages import envelope
from app.referrals.intake import Webhook
from app.referrals.models import OutboxRow, ReferralEventRow, ReferralRow

# The lifecycle: which status may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    "created": frozenset({"delivered"}),
    "delivered": frozenset({"accepted", "declined", "forwarded"}),
    "accepted": frozenset({"closed"}),
    "declined": frozenset({"closed"}),
    "forwarded": frozenset({"closed"}),
    "closed": frozenset(),
}
STATUSES = tuple(TRANSITIONS)
# Who may set a status: the provider the referral is for ("provider"), the client that made it
# ("creator"); an admin client may do both.
_MAY_SET: dict[str, frozenset[str]] = {
    "delivered": frozenset({"provider"}),
    "accepted": frozenset({"provider"}),
    "declined": frozenset({"provider"}),
    "forwarded": frozenset({"provider"}),
    "closed": frozenset({"provider", "creator"}),
}


class ReferralError(Exception):
    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ReferralError):
    status = 404


class Forbidden(ReferralError):
    status = 403


class Conflict(ReferralError):
    status = 409


class Invalid(ReferralError):
    status = 422


@dataclass(frozen=True)
class Contact:
    name: str | None
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class NewReferral:
    decision_id: str
    provider_id: str
    contact: Contact
    consent: bool
    note: str | None


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).isoformat()


def _roles(caller: Caller, ref: ReferralRow) -> set[str]:
    roles = set()
    if caller.may("admin"):
        roles |= {"provider", "creator"}
    if caller.provider_id is not None and caller.provider_id == ref.provider_id:
        roles.add("provider")
    if caller.name is not None and caller.name == ref.created_by:
        roles.add("creator")
    return roles


def _visible(caller: Caller) -> Any:
    """SQL filter: the referrals this caller may see."""
    if caller.may("admin"):
        return None
    conds = [ReferralRow.created_by == (caller.name or "")]
    if caller.provider_id is not None:
        conds.append(ReferralRow.provider_id == caller.provider_id)
    return or_(*conds)


def _text(value: str | None) -> str | None:
    return storable(value) if value else value


def _hash(new: NewReferral) -> str:
    doc = {"decision_id": new.decision_id, "provider_id": new.provider_id, "contact": new.contact.__dict__,
           "consent": new.consent, "note": new.note}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _event(s: Session, ref_id: str, frm: str | None, to: str, actor: str, reason: str | None = None) -> None:
    s.add(ReferralEventRow(referral_id=ref_id, from_status=frm, to_status=to, actor=actor[:64], at=_now(),
                           reason=_text(reason)))


def _insert(s: Session, *, decision_id: str, provider_id: str, contact: dict[str, Any] | None, note: str | None,
            consent_at: datetime, created_by: str, idempotency_key: str | None, request_hash: str,
            webhooks: Mapping[str, Webhook], parent_id: str | None = None) -> ReferralRow:
    now = _now()
    ref = ReferralRow(id=f"ref_{ULID()}", decision_id=decision_id, provider_id=provider_id, status="created",
                      contact=contact, note=note, consent_at=consent_at, created_by=created_by[:64],
                      idempotency_key=idempotency_key, request_hash=request_hash, parent_id=parent_id,
                      forwarded_to=None, created_at=now, updated_at=now, closed_at=None, purged_at=None,
                      pull=provider_id not in webhooks)
    s.add(ref)
    s.flush()
    _event(s, ref.id, None, "created", created_by)
    if not ref.pull:
        s.add(OutboxRow(referral_id=ref.id, event="referral.created", idempotency_key=f"{ref.id}.created",
                        provider_id=provider_id, status="pending", attempts=0, next_attempt_at=time.time(),
                        lease_until=None, leased_by=None, last_error=None, created_at=now, delivered_at=None))
    return ref


def create(engine: Engine, caller: Caller, new: NewReferral, idempotency_key: str | None,
           known_provider: Callable[[str], bool], webhooks: Mapping[str, Webhook]) -> tuple[dict[str, Any], bool]:
    """(the referral, created now). A repeat with the same Idempotency-Key returns the first
    one; the same key with other content is a conflict."""
    if new.consent is not True:
        raise Invalid("the entrepreneur's explicit consent is required to hand the question over", "consent")
    if not known_provider(new.provider_id):
        raise Invalid(f"unknown provider id {new.provider_id!r}; see GET /v1/providers", "provider_id")
    if not (new.contact.email or new.contact.phone):
        raise Invalid("give an e-mail address or a phone number so the provider can reach the entrepreneur",
                      "contact")
    creator = caller.name or "anonymous"
    digest = _hash(new)
    if idempotency_key is not None:
        found = _by_key(engine, creator, idempotency_key, digest)
        if found is not None:
            return found, False
    with Session(engine) as s:
        if decision_for(s, new.decision_id, caller) is None:  # only a decision the caller may act on
            raise Invalid(f"no decision with request_id {new.decision_id!r}", "decision_id")
        try:
            ref = _insert(s, decision_id=new.decision_id, provider_id=new.provider_id,
                          contact={k: _text(v) for k, v in new.contact.__dict__.items() if v},
                          note=_text(new.note), consent_at=_now(), created_by=creator, idempotency_key=idempotency_key,
                          request_hash=digest, webhooks=webhooks)
            s.commit()
        except IntegrityError:  # the same key, committed by a concurrent first request
            s.rollback()
            found = _by_key(engine, creator, idempotency_key, digest) if idempotency_key is not None else None
            if found is None:
                raise
            return found, False
        return _dict(s, ref, with_events=True), True


def _by_key(engine: Engine, creator: str, key: str, digest: str) -> dict[str, Any] | None:
    with Session(engine) as s:
        ref = s.scalar(select(ReferralRow).where(ReferralRow.created_by == creator,
                                                 ReferralRow.idempotency_key == key))
        if ref is None:
            return None
        if ref.request_hash != digest:
            raise Conflict("this Idempotency-Key was used for a different referral", "Idempotency-Key")
        return _dict(s, ref, with_events=True)


def get(engine: Engine, caller: Caller, ref_id: str) -> dict[str, Any]:
    with Session(engine) as s:
        ref = s.get(ReferralRow, ref_id)
        if ref is None or not _roles(caller, ref):
            raise NotFound(f"no referral {ref_id!r}")  # another provider's referral does not exist for you
        return _dict(s, ref, with_events=True)


def list_page(engine: Engine, caller: Caller, *, provider: str | None, status: str | None,
              start: datetime | None, end: datetime | None, page: int, per_page: int) -> dict[str, Any]:
    conds = []
    visible = _visible(caller)
    if visible is not None:
        conds.append(visible)
    if provider is not None:
        conds.append(ReferralRow.provider_id == provider)
    if status is not None:
        conds.append(ReferralRow.status == status)
    if start is not None:
        conds.append(ReferralRow.created_at >= start)
    if end is not None:
        conds.append(ReferralRow.created_at < end)
    where = and_(*conds) if conds else None
    with Session(engine) as s:
        q = select(ReferralRow).order_by(ReferralRow.created_at, ReferralRow.id)
        n = select(func.count()).select_from(ReferralRow)
        if where is not None:
            q, n = q.where(where), n.where(where)
        total = s.scalar(n) or 0
        # Past the end nothing is asked: an offset beyond the database's integers is a 500.
        offset = (page - 1) * per_page
        rows = s.scalars(q.offset(offset).limit(per_page)).all() if offset < total else []
        items = [_dict(s, r, with_events=False) for r in rows]
    return envelope(items, total, page, per_page)


def transition(engine: Engine, caller: Caller, ref_id: str, to: str, reason: str | None,
               forward_to: str | None, known_provider: Callable[[str], bool],
               webhooks: Mapping[str, Webhook]) -> dict[str, Any]:
    if to not in _MAY_SET:
        raise Invalid(f"status must be one of {', '.join(_MAY_SET)}", "status")
    with Session(engine) as s:
        q = select(ReferralRow).where(ReferralRow.id == ref_id).with_for_update()
        ref = s.scalar(q)
        roles = _roles(caller, ref) if ref is not None else set()
        if ref is None or not roles:
            raise NotFound(f"no referral {ref_id!r}")
        if not roles & _MAY_SET[to]:
            raise Forbidden(f"only {' or '.join(sorted(_MAY_SET[to]))} may set a referral to {to}")
        if to not in TRANSITIONS[ref.status]:
            allowed = ", ".join(sorted(TRANSITIONS[ref.status])) or "nothing (it is closed)"
            raise Conflict(f"a referral that is {ref.status} cannot become {to}; it can become: {allowed}", "status")
        actor = caller.name or "anonymous"
        if to == "forwarded":
            if not forward_to:
                raise Invalid("name the provider to forward to", "forward_to")
            if forward_to == ref.provider_id or not known_provider(forward_to):
                raise Invalid(f"cannot forward to {forward_to!r}: an other, known provider is needed", "forward_to")
            child = _insert(s, decision_id=ref.decision_id, provider_id=forward_to, contact=ref.contact,
                            note=ref.note, consent_at=ref.consent_at, created_by=actor, idempotency_key=None,
                            request_hash=ref.request_hash, webhooks=webhooks, parent_id=ref.id)
            ref.forwarded_to = child.id
        elif forward_to:
            raise Invalid("forward_to only goes with status forwarded", "forward_to")
        _event(s, ref.id, ref.status, to, actor, reason)
        ref.status = to
        ref.updated_at = _now()
        if to == "closed":
            ref.closed_at = ref.updated_at
        s.commit()
        return _dict(s, ref, with_events=True)


def mark_delivered(s: Session, ref_id: str, actor: str = "outbox") -> None:
    """After a webhook delivery: created -> delivered (a later status stays as it is)."""
    ref = s.get(ReferralRow, ref_id)
    if ref is not None and ref.status == "created":
        _event(s, ref.id, "created", "delivered", actor)
        ref.status = "delivered"
        ref.updated_at = _now()


def purge(engine: Engine, days: int, now: datetime | None = None) -> int:
    """Remove contact details and notes of referrals closed more than `days` ago."""
    now = now or _now()
    with Session(engine) as s:
        r = s.execute(update(ReferralRow)
                      .where(ReferralRow.closed_at < now - timedelta(days=days), ReferralRow.purged_at.is_(None))
                      .values(contact=None, note=None, purged_at=now))
        s.commit()
        return int(r.rowcount)  # type: ignore[attr-defined]


def _dict(s: Session, ref: ReferralRow, with_events: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ref.id, "decision_id": ref.decision_id, "provider_id": ref.provider_id, "status": ref.status,
        "contact": ref.contact, "note": ref.note, "consent_at": _iso(ref.consent_at), "created_by": ref.created_by,
        "created_at": _iso(ref.created_at), "updated_at": _iso(ref.updated_at), "closed_at": _iso(ref.closed_at),
        "purged_at": _iso(ref.purged_at), "parent_id": ref.parent_id, "forwarded_to": ref.forwarded_to,
    }
    if ref.pull:
        out["delivery"] = {"mode": "pull", "status": None, "attempts": 0, "last_error": None}
    else:
        box = s.scalar(select(OutboxRow).where(OutboxRow.referral_id == ref.id).order_by(OutboxRow.id.desc()))
        out["delivery"] = {"mode": "webhook", "status": box.status if box else None,
                           "attempts": box.attempts if box else 0, "last_error": box.last_error if box else None}
    if with_events:
        events = s.scalars(select(ReferralEventRow).where(ReferralEventRow.referral_id == ref.id)
                           .order_by(ReferralEventRow.id)).all()
        out["events"] = [{"from": e.from_status, "to": e.to_status, "actor": e.actor, "at": _iso(e.at),
                          "reason": e.reason} for e in events]
    return out
