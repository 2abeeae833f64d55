"""Rate limits per client key and per anonymous IP address, shared by all workers.

The counting strategy is the `limits` library's fixed window; where the counters live is
configurable: `database` (default: a table in the service's own database, so every worker and
replica shares them without extra infrastructure), `redis://...` (the library's Redis storage,
for high traffic; install `limits[redis]`), or `memory://` (one process only: development).
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
import time
from dataclasses import dataclass, field

import structlog
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

log = structlog.get_logger("wegwijzer.ratelimit")

# One statement: start a new window when the old one has expired, else count on. Portable
# between PostgreSQL and SQLite (3.35+ for RETURNING).
_INCR = text(
    "INSERT INTO rate_limit_counters (bucket, hits, expires_at) VALUES (:bucket, :amount, :expires) "
    "ON CONFLICT (bucket) DO UPDATE SET "
    "hits = CASE WHEN rate_limit_counters.expires_at <= :now THEN :amount "
    "ELSE rate_limit_counters.hits + :amount END, "
    "expires_at = CASE WHEN rate_limit_counters.expires_at <= :now THEN :expires "
    "ELSE rate_limit_counters.expires_at END "
    "RETURNING hits"
)
_GET = text("SELECT hits, expires_at FROM rate_limit_counters WHERE bucket = :bucket")
_PURGE = text("DELETE FROM rate_limit_counters WHERE expires_at < :before")


class DatabaseStorage(Storage):
    """A `limits` storage on the service's database (table rate_limit_counters)."""

    STORAGE_SCHEME = ["wegwijzer-database"]  # noqa: RUF012  (the base class declares it so)

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as conn:
            hits = conn.execute(_INCR, {"bucket": key, "amount": amount, "expires": now + expiry,
                                        "now": now}).scalar_one()
            if random.random() < 0.001:  # now and then, forget windows that ended long ago
                conn.execute(_PURGE, {"before": now - 3600})
        return int(hits)

    def _row(self, key: str) -> tuple[int, float] | None:
        with self.engine.connect() as conn:
            row = conn.execute(_GET, {"bucket": key}).first()
        return (int(row[0]), float(row[1])) if row is not None else None

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row is not None and row[1] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row is not None else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(text("DELETE FROM rate_limit_counters")).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM rate_limit_counters WHERE bucket = :bucket"), {"bucket": key})


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    retry_after: int = 0  # seconds, when refused


def verdict(allowed: bool, limit: int, reset: float) -> Verdict:
    """A refusal carries the seconds until the window ends (`reset`, Unix time)."""
    return Verdict(True, limit) if allowed else Verdict(False, limit, max(1, math.ceil(reset - time.time())))


@dataclass
class _Local:
    """A bucket as one worker knows it: the shared count at its last trip to the store, and
    the hits it let through since."""

    synced: int
    pending: int
    at: float


class RateLimiter:
    """`hit(bucket, per_minute)`: count one request; refused ones carry a Retry-After.

    High limits (`LOCAL_MIN_LIMIT` per minute and more: call centres, busy portals) are not
    worth a database write per request: while a bucket is below `LOCAL_SHARE` of its limit, a
    worker lets up to 1 % of the limit through on its own and adds them to the shared count on
    its next trip to the store, at most `LOCAL_MAX_AGE_S` later (`try_local`); that trip starts
    in the background once it is half due (`sync_due`, `SharedCounting.check`). Near the limit,
    and for every lower limit, each request is counted in the shared store first; what other
    workers let through unannounced (at most 1 % of the limit each) is the most a high limit can
    be exceeded by.

    When the shared counter store fails, requests are counted per process for the next
    `OUTAGE_S` seconds (the limits still hold per worker, and no request waits on a store that
    is down), then the shared store is tried again."""

    OUTAGE_S = 5.0
    LOCAL_MIN_LIMIT = 1000
    LOCAL_SHARE = 0.9
    LOCAL_MAX_AGE_S = 0.25
    LOCAL_BATCH_DIVISOR = 100  # at most 1 % of the limit between two trips, per worker

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.in_memory = isinstance(storage, MemoryStorage)  # no I/O: no need for a thread
        # per process: the storage itself when that is memory, else a memory stand-in for outages
        self.fallback = FixedWindowRateLimiter(storage if self.in_memory else MemoryStorage())
        self._items: dict[int, RateLimitItemPerMinute] = {}
        self._down_until = 0.0
        self._local: dict[str, _Local] = {}
        self._lock = threading.Lock()

    def _item(self, per_minute: int) -> RateLimitItemPerMinute:
        item = self._items.get(per_minute)
        if item is None:
            item = self._items[per_minute] = RateLimitItemPerMinute(per_minute)
        return item

    def window_s(self, per_minute: int) -> float:
        """The length of the counting window (the limits' per-minute item)."""
        return float(self._item(per_minute).get_expiry())

    def try_local(self, bucket: str, per_minute: int, renewing: bool = False) -> Verdict | None:
        """Let the request through without I/O when that is safe; None: call `hit`.

        `renewing`: a trip for the bucket is under way, so the allowance's age does not end it
        (under load a trip can take longer than the allowance lasts, as its thread waits for the
        GIL); its 1 % cap and the share of the limit still do."""
        if self.in_memory or per_minute < self.LOCAL_MIN_LIMIT:
            return None
        with self._lock:
            st = self._local.get(bucket)
            if (st is None or (not renewing and time.monotonic() - st.at > self.LOCAL_MAX_AGE_S)
                    or st.pending >= per_minute // self.LOCAL_BATCH_DIVISOR
                    or st.synced + st.pending + 1 > per_minute * self.LOCAL_SHARE):
                return None
            st.pending += 1
        return Verdict(True, per_minute)

    def sync_due(self, bucket: str, per_minute: int) -> bool:
        """A bucket `try_local` still answers is halfway to needing a trip (by age or by the
        requests let through since): time to start one in the background, so that no request
        has to wait for it when the local allowance runs out. A hint, read without the lock."""
        st = self._local.get(bucket)
        return st is not None and (time.monotonic() - st.at > self.LOCAL_MAX_AGE_S / 2
                                   or st.pending >= per_minute // self.LOCAL_BATCH_DIVISOR // 2)

    def hit_local(self, bucket: str, per_minute: int) -> Verdict:
        """Count one request in this process only (no I/O): memory storage, or the shared store
        is down or slow."""
        return self._hit(self.fallback, self._item(per_minute), bucket)

    @property
    def store_down(self) -> bool:
        """The shared store failed lately: count per process without trying it (`OUTAGE_S`)."""
        return time.monotonic() < self._down_until

    def store_failed(self, e: Exception) -> None:
        self._down_until = time.monotonic() + self.OUTAGE_S
        log.warning("rate_limit_store_unavailable", error=type(e).__name__, fallback="per_process",
                    retry_in_s=self.OUTAGE_S)

    def count(self, bucket: str, per_minute: int, amount: int) -> tuple[int, float]:
        """One trip to the shared store (blocking): add `amount` requests to the bucket, plus
        what a high limit let through locally since its last trip. Returns (the count after
        it, when the window ends: 0.0 when nothing was over the limit)."""
        item = self._item(per_minute)
        taken = 0
        st = None
        if per_minute >= self.LOCAL_MIN_LIMIT:
            with self._lock:
                st = self._local.get(bucket)
                if st is None:
                    if len(self._local) > 100_000:  # bounded: forget idle buckets now and then
                        self._local.clear()
                    st = self._local[bucket] = _Local(0, 0, 0.0)
                taken, st.pending = st.pending, 0
        key = item.key_for(bucket)
        hits = self.storage.incr(key, item.get_expiry(), amount=taken + amount)
        if st is not None:
            with self._lock:
                st.synced, st.at = hits, time.monotonic()
        return hits, (self.storage.get_expiry(key) if hits > item.amount else 0.0)

    def hit(self, bucket: str, per_minute: int) -> Verdict:
        """Count one request (blocking): in the shared store, or in this process while the
        store is down (and always, for memory storage)."""
        if self.in_memory or self.store_down:
            return self.hit_local(bucket, per_minute)
        try:
            hits, reset = self.count(bucket, per_minute, 1)
        except Exception as e:
            self.store_failed(e)
            return self.hit_local(bucket, per_minute)
        return verdict(hits <= per_minute, per_minute, reset)

    @staticmethod
    def _hit(strategy: FixedWindowRateLimiter, item: RateLimitItemPerMinute, bucket: str) -> Verdict:
        if strategy.hit(item, bucket):
            return Verdict(True, item.amount)
        reset = strategy.get_window_stats(item, bucket).reset_time
        return Verdict(False, item.amount, max(1, math.ceil(reset - time.time())))


def make_limiter(storage: str, engine: Engine) -> RateLimiter:
    if storage == "database":
        return RateLimiter(DatabaseStorage(engine))
    found = storage_from_string(storage)
    if not isinstance(found, Storage):
        raise ValueError(f"not a synchronous rate-limit storage: {storage!r}")
    return RateLimiter(found)


@dataclass
class _Flight:
    waiting: list[asyncio.Future[Verdict]] = field(default_factory=list)  # for the next trip
    since: float | None = None  # loop time the running trip started; None: no trip running
    unannounced: int = 0  # answered locally while a trip hung: added by the next trip
    task: asyncio.Task[None] | None = None  # the running trips (kept: the loop holds tasks weakly)
    known: int = 0  # the shared count the last trip returned
    known_until: float = 0.0  # loop time its window ends at the latest
    local: int = 0  # answered here since, not yet in a count a trip returned


class SharedCounting:
    """Counting in the shared store from the event loop, single-flight per bucket and worker.

    At most one trip per bucket runs at a time; requests that arrive meanwhile ride the next trip
    together (one write adds them all) and each learns its place in the window from the count the
    trip returns: request i of a group of k allowed iff count - k + 1 + i <= limit. That is as
    exact as one write per request, without a herd of writes on one row. A request waits at most
    `budget_s` for its trip (then it is answered in the worker, from the shared count the last
    trip returned plus what the worker answered since, and the shared count still lands); while
    a trip hangs past the budget, requests do not queue behind it at all, and are added to the
    store by the next trip that gets through."""

    def __init__(self, limiter: RateLimiter, budget_s: float) -> None:
        self.limiter = limiter
        self.budget_s = budget_s
        self._flights: dict[str, _Flight] = {}
        self.trips = 0  # shared-store writes made (for tests and benchmarks)

    async def check(self, bucket: str, per_minute: int) -> Verdict:
        """Count one request: from the worker's local allowance of a high limit when that is
        safe (starting the bucket's next trip in the background once it is due, so that steady
        traffic never waits for one), else in the shared store (`hit`)."""
        limiter = self.limiter
        flight = self._flights.get(bucket)
        verdict = limiter.try_local(bucket, per_minute, renewing=flight is not None and flight.since is not None)
        if verdict is None:
            return await self.hit(bucket, per_minute)
        if limiter.sync_due(bucket, per_minute) and not limiter.store_down:
            flight = self._flight(bucket)
            if flight.since is None:
                self._take_off(bucket, per_minute, flight, sync=True)
        return verdict

    def _flight(self, bucket: str) -> _Flight:
        flight = self._flights.get(bucket)
        if flight is None:
            if len(self._flights) > 100_000:  # bounded: idle buckets are forgotten
                self._flights = {k: f for k, f in self._flights.items() if f.since is not None}
            flight = self._flights[bucket] = _Flight()
        return flight

    def _take_off(self, bucket: str, per_minute: int, flight: _Flight, sync: bool = False) -> None:
        loop = asyncio.get_running_loop()
        flight.since = loop.time()
        flight.task = loop.create_task(self._fly(bucket, per_minute, flight, sync))

    async def hit(self, bucket: str, per_minute: int) -> Verdict:
        limiter = self.limiter
        if limiter.in_memory or limiter.store_down:
            return limiter.hit(bucket, per_minute)
        loop = asyncio.get_running_loop()
        flight = self._flight(bucket)
        if flight.since is not None and loop.time() - flight.since > self.budget_s:
            flight.unannounced += 1  # the store hangs: answer here, count it later
            return self._answer_here(flight, bucket, per_minute)
        answer: asyncio.Future[Verdict] = loop.create_future()
        flight.waiting.append(answer)
        if flight.since is None:
            self._take_off(bucket, per_minute, flight)
        try:
            return await asyncio.wait_for(asyncio.shield(answer), self.budget_s)
        except TimeoutError:
            # Cancelling marks it answered here (its trip still counts it in the store). It fails
            # when the trip answered just as the budget ran out: that answer stands, else the
            # request would be counted twice, in the trip's count and among those answered here.
            if not answer.cancel():
                return answer.result()
            return self._answer_here(flight, bucket, per_minute)

    def _answer_here(self, flight: _Flight, bucket: str, per_minute: int) -> Verdict:
        """A request its trip did not answer within the budget: decided in this worker, on the
        shared count the last trip returned plus what was answered here since (so a slow store
        does not open a fresh per-process allowance next to a bucket that is already full), and
        within the per-process limit."""
        now = asyncio.get_running_loop().time()
        if now >= flight.known_until:
            flight.known = 0
        flight.local += 1
        local = self.limiter.hit_local(bucket, per_minute)
        if local.allowed and flight.known + flight.local > per_minute:
            return Verdict(False, per_minute, max(1, math.ceil(flight.known_until - now)))
        return local

    async def _fly(self, bucket: str, per_minute: int, flight: _Flight, sync: bool = False) -> None:
        """Trips until no request waits; `sync`: at least one (it adds what the worker let
        through locally, and renews its allowance)."""
        loop = asyncio.get_running_loop()
        try:
            while sync or flight.waiting or flight.unannounced:
                sync = False
                group, flight.waiting = flight.waiting, []
                early, flight.unannounced = flight.unannounced, 0
                flight.since = loop.time()
                try:
                    hits, reset = await run_in_threadpool(
                        self.limiter.count, bucket, per_minute, early + len(group))
                except Exception as e:
                    self.limiter.store_failed(e)
                    for answer in group:
                        if not answer.done():
                            answer.set_result(self.limiter.hit_local(bucket, per_minute))
                    continue
                self.trips += 1
                now = loop.time()
                if reset:  # over the limit: the store said when the window ends
                    flight.known_until = now + reset - time.time()
                elif now >= flight.known_until:  # a new window began at the latest now
                    flight.known_until = now + self.limiter.window_s(per_minute)
                answered_here = early + sum(1 for answer in group if answer.done())
                flight.known, flight.local = hits, max(0, flight.local - answered_here)
                first = hits - len(group) + 1  # the group comes last in the trip
                for i, answer in enumerate(group):
                    if not answer.done():
                        answer.set_result(verdict(first + i <= per_minute, per_minute, reset))
        finally:
            flight.since = flight.task = None
