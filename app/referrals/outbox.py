"""The delivery worker: leases due outbox rows, posts each referral to its provider's webhook,
signed, and records the outcome.

At-least-once, never lost: a row is only marked delivered after the provider answered 2xx. A
worker that dies mid-batch leaves leases that expire after `lease_s`; another worker then
delivers those rows again with the same `Wegwijzer-Idempotency-Key`, which receivers use to
process each referral once. Leasing is safe with several workers: on PostgreSQL the due rows are
picked with `FOR UPDATE SKIP LOCKED`; SQLite runs one writer at a time anyway.

Failures are retried with exponential backoff and full jitter (`base_s * 2**attempt`, capped at
`cap_s`, a random fraction of it) up to `max_attempts`; then the row is `dead`, visible in the
referral's `delivery` and in the metrics, and an operator can retry it (`python -m app worker
--retry-dead`).

A missing table (a database never migrated) is not an outage to wait out: the worker logs one
error, sets `Worker.fatal` (readiness reports it) and only looks again every `fatal_recheck_s`,
silently; once the schema is there it clears `fatal` and delivers as usual.
"""

from __future__ import annotations

import json
import os
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import structlog
from prometheus_client import Counter, Gauge
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from app.db import missing_table
from app.referrals.intake import Webhook
from app.referrals.models import OutboxRow, ReferralRow
from app.referrals.service import mark_delivered
from app.referrals.signing import HEADER, sign

log = structlog.get_logger("wegwijzer.outbox")

DELIVERED = Counter("wegwijzer_referral_deliveries_total", "Referral webhook deliveries by outcome", ["outcome"])
OUTBOX = Gauge("wegwijzer_referral_outbox", "Outbox rows by state (as last counted by a worker)", ["state"],
               multiprocess_mode="mostrecent")


@dataclass(frozen=True)
class Policy:
    batch: int = 20
    lease_s: float = 60.0
    timeout_s: float = 10.0
    max_attempts: int = 12
    base_s: float = 2.0
    cap_s: float = 3600.0

    def backoff(self, attempts: int) -> float:
        """Full jitter: a random delay up to base * 2^(attempts-1), at most cap."""
        return random.uniform(0, min(self.cap_s, self.base_s * 2 ** max(0, attempts - 1)))


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{threading.get_ident() % 10_000}"


def claim(engine: Engine, me: str, policy: Policy, now: float | None = None) -> list[int]:
    """Lease up to `policy.batch` due rows for this worker; their ids."""
    now = time.time() if now is None else now
    with Session(engine) as s:
        due = (select(OutboxRow.id)
               .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now,
                      (OutboxRow.lease_until.is_(None)) | (OutboxRow.lease_until < now))
               .order_by(OutboxRow.next_attempt_at, OutboxRow.id).limit(policy.batch)
               .with_for_update(skip_locked=True))
        ids = list(s.scalars(due))
        if not ids:
            s.rollback()
            return []
        # the lease is re-checked in the UPDATE: with SQLite (no row locks) a concurrent worker
        # may have taken a row between our SELECT and here
        free = (OutboxRow.lease_until.is_(None)) | (OutboxRow.lease_until < now)
        taken = s.execute(update(OutboxRow)
                          .where(OutboxRow.id.in_(ids), free)
                          .values(lease_until=now + policy.lease_s, leased_by=me[:64])
                          .returning(OutboxRow.id))
        got = [int(i) for i in taken.scalars()]
        s.commit()
        return got


def payload(s: Session, box: OutboxRow) -> bytes:
    ref = s.get(ReferralRow, box.referral_id)
    if ref is None:
        return b"{}"
    body = {
        "event": box.event,
        "idempotency_key": box.idempotency_key,
        "referral": {
            "id": ref.id, "decision_id": ref.decision_id, "provider_id": ref.provider_id, "status": ref.status,
            "contact": ref.contact, "note": ref.note, "consent_at": ref.consent_at.isoformat(),
            "created_by": ref.created_by, "created_at": ref.created_at.isoformat(), "parent_id": ref.parent_id,
        },
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def deliver_one(engine: Engine, http: httpx.Client, box_id: int, me: str, webhooks: Mapping[str, Webhook],
                policy: Policy) -> str:
    """Post one leased row; returns "delivered", "retry" or "dead" (or "skipped" when the
    lease was lost)."""
    with Session(engine) as s:
        box = s.get(OutboxRow, box_id)
        if box is None or box.status != "pending" or box.leased_by != me[:64]:
            return "skipped"
        hook = webhooks.get(box.provider_id)
        body = payload(s, box)
        key, provider = box.idempotency_key, box.provider_id
    error: str | None
    secret = hook.secret() if hook is not None else None
    if hook is None:
        error = "no intake webhook configured for this provider any more"
    elif secret is None:
        error = f"secret not set: environment variable {hook.secret_env} (16+ characters)"
    else:
        try:
            r = http.post(hook.url, content=body, headers={
                "Content-Type": "application/json", HEADER: sign(secret, body),
                "Wegwijzer-Idempotency-Key": key, "Wegwijzer-Event": "referral.created",
                "User-Agent": "Wegwijzer-referrals/1"})
            error = None if 200 <= r.status_code < 300 else f"HTTP {r.status_code}"
        except httpx.HTTPError as e:
            error = type(e).__name__
    return _record(engine, box_id, me, error, policy, provider)


def _record(engine: Engine, box_id: int, me: str, error: str | None, policy: Policy, provider: str) -> str:
    now = time.time()
    with Session(engine) as s:
        box = s.get(OutboxRow, box_id, with_for_update=True)
        if box is None or box.status != "pending" or box.leased_by != me[:64]:
            return "skipped"
        box.attempts += 1
        box.lease_until, box.leased_by = None, None
        if error is None:
            box.status, box.delivered_at, box.last_error = "delivered", datetime.now(UTC), None
            mark_delivered(s, box.referral_id)
            outcome = "delivered"
        else:
            box.last_error = error[:255]
            if box.attempts >= policy.max_attempts:
                box.status, outcome = "dead", "dead"
            else:
                box.next_attempt_at, outcome = now + policy.backoff(box.attempts), "retry"
        s.commit()
    DELIVERED.labels(outcome).inc()
    # never the contact details or the note: the referral id and the provider identify it
    log.info("referral_delivery", outcome=outcome, provider=provider, outbox_id=box_id, error=error)
    return outcome


def count_states(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        rows = s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status)).all()
    counts = {"pending": 0, "delivered": 0, "dead": 0, **{str(k): int(v) for k, v in rows}}
    for state, n in counts.items():
        OUTBOX.labels(state).set(n)
    return counts


def retry_dead(engine: Engine) -> int:
    with Session(engine) as s:
        r = s.execute(update(OutboxRow).where(OutboxRow.status == "dead")
                      .values(status="pending", attempts=0, next_attempt_at=time.time(), last_error=None))
        s.commit()
        return int(r.rowcount)  # type: ignore[attr-defined]


class Worker:
    """The delivery loop, in a thread of the service (default) or as `python -m app worker`."""

    def __init__(self, engine: Engine, webhooks: Mapping[str, Webhook], policy: Policy | None = None,
                 poll_s: float = 1.0, client: Callable[[], httpx.Client] | None = None,
                 fatal_recheck_s: float = 2.0) -> None:
        self.engine = engine
        self.webhooks = webhooks
        self.policy = policy or Policy()
        self.poll_s = poll_s
        self.me = worker_id()
        self._client = client or (lambda: httpx.Client(timeout=self.policy.timeout_s))
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.fatal_recheck_s = fatal_recheck_s
        # Why the worker cannot deliver (the schema is missing), for readiness; None when working.
        self.fatal: str | None = None

    def run_once(self, http: httpx.Client) -> int:
        """Lease and deliver one batch; how many rows were handled."""
        ids = claim(self.engine, self.me, self.policy)
        for box_id in ids:
            if self._stop.is_set():
                break  # the leases expire and another worker takes the rest
            deliver_one(self.engine, http, box_id, self.me, self.webhooks, self.policy)
        return len(ids)

    def wake(self) -> None:
        """A referral was just created: look now rather than at the next poll."""
        self._wake.set()

    def run(self) -> None:
        last_count = 0.0
        with self._client() as http:
            while not self._stop.is_set():
                try:
                    handled = self.run_once(http)
                    if time.monotonic() - last_count > 10:
                        count_states(self.engine)
                        last_count = time.monotonic()
                except Exception as e:
                    why = missing_table(e)
                    if why is None:  # the database may be away for a while: keep trying
                        log.warning("outbox_error", error=type(e).__name__)
                        handled = 0
                    else:  # never migrated: say so once, then only look again now and then
                        if self.fatal is None:
                            self.fatal = why
                            log.error("outbox_schema_missing", error=why, hint="run `python -m app migrate`")
                        self._stop.wait(self.fatal_recheck_s)
                        continue
                if self.fatal is not None:
                    log.info("outbox_schema_found")
                    self.fatal = None
                if not handled:
                    self._wake.wait(self.poll_s)
                    self._wake.clear()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="referral-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

