"""Who is calling, and may they? Every endpoint declares its access with a dependency:

    @router.post("/v1/route", dependencies=[Depends(Access("route", anonymous=True))])

`Access(scope)` accepts a client key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) that
holds `scope` (an `admin` client holds every scope), answers 401 without a valid key, 403 for a
missing scope or a page origin the client is not registered for, and 429 over the client's rate
limit. With `anonymous=True` and WEGWIJZER_ALLOW_ANONYMOUS on, a call without a key is served
under the stricter per-IP limit. `Access(None)` marks a public endpoint (health, static pages),
so that a test can check that every route declares its access.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import structlog
from fastapi import HTTPException, Request
from limits.storage import MemoryStorage
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app.clients.keys import SCOPES, digest
from app.clients.ratelimit import RateLimiter, SharedCounting
from app.clients.store import active_origins, find_by_key_hash

log = structlog.get_logger("wegwijzer.access")
_CACHE_S = 5.0  # a revoked key stops working within this many seconds on every worker
KNOWN_KEYS_CACHED = 10_000
UNKNOWN_KEYS_CACHED = 10_000
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="wegwijzer"'}


class KeysUnavailable(Exception):
    """The key store (database) cannot be read right now."""


@dataclass(frozen=True)
class Caller:
    """An authenticated client, or the anonymous caller (name None)."""

    name: str | None = None
    kind: str | None = None
    scopes: frozenset[str] = frozenset()
    origins: tuple[str, ...] = ()
    rate_limit: int = 0
    provider_id: str | None = None

    def may(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes


ANONYMOUS = Caller()


@dataclass
class Authenticator:
    """Resolves keys to callers, with a short cache so that a request costs no database read.
    Known keys and unknown ones are cached apart: unknown ones in a bounded LRU, so a flood of
    random keys never pushes a valid key out."""

    engine: Engine
    config_admins: dict[str, str]  # name -> token, from WEGWIJZER_ADMIN_TOKENS (bootstrap)
    limiter: RateLimiter
    allow_anonymous: bool
    anonymous_rate_limit: int
    admin_rate_limit: int
    unverified_rate_limit: int = 120  # per IP and minute: keys that need a lookup or were refused
    rate_limit_budget_s: float = 0.25
    key_lookup_budget_s: float = 1.0
    guard: RateLimiter = field(default_factory=lambda: RateLimiter(MemoryStorage()))  # in process
    _cache: dict[str, tuple[float, Caller | None]] = field(default_factory=dict)  # known keys
    _unknown: OrderedDict[str, float] = field(default_factory=OrderedDict)  # digest -> until
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _admins: dict[str, Caller] = field(default_factory=dict)
    _origins: tuple[float, frozenset[str]] = (0.0, frozenset())
    _refreshing: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.counting = SharedCounting(self.limiter, self.rate_limit_budget_s)
        self._admins = {digest(token): Caller(name, "admin", frozenset(SCOPES), (), self.admin_rate_limit)
                        for name, token in self.config_admins.items()}

    def cached(self, key: str) -> tuple[bool, Caller | None]:
        """(known, caller) without touching the database. A client's key whose entry has
        expired is (False, its last caller): it must be looked up again, but it is no unverified
        key, so a flood of random keys from the same address does not lock it out."""
        return self._cached(digest(key))

    def _cached(self, h: str) -> tuple[bool, Caller | None]:
        admin = self._admins.get(h)
        if admin is not None:
            return True, admin
        now = time.monotonic()
        hit = self._cache.get(h)
        if hit is not None:
            return hit[0] > now, hit[1]
        until = self._unknown.get(h)
        if until is not None and until > now:
            return True, None
        return False, None

    def _remember(self, h: str, found: Caller | None, until: float) -> None:
        with self._lock:
            if found is None:
                self._unknown[h] = until
                self._unknown.move_to_end(h)
                while len(self._unknown) > UNKNOWN_KEYS_CACHED:
                    self._unknown.popitem(last=False)
                self._cache.pop(h, None)
            else:
                if len(self._cache) > KNOWN_KEYS_CACHED:  # only real clients' keys are ever here
                    self._cache.clear()
                self._cache[h] = (until, found)
                self._unknown.pop(h, None)

    def caller(self, key: str) -> Caller | None:
        """The client of `key`, or None. Raises KeysUnavailable when the database cannot say
        and no earlier answer is known (a known key keeps working through an outage)."""
        h = digest(key)
        known, found = self._cached(h)
        if known:
            return found
        now = time.monotonic()
        try:
            row = find_by_key_hash(self.engine, h)
        except SQLAlchemyError as e:
            stale = self._cache.get(h)
            if stale is None:
                raise KeysUnavailable from e
            self._remember(h, stale[1], now + _CACHE_S)
            return stale[1]
        found = None
        if row is not None and row.revoked_at is None:
            found = Caller(row.name, row.kind, frozenset(row.scopes), tuple(row.origins), row.rate_limit,
                           row.provider_id)
        self._remember(h, found, now + _CACHE_S)
        return found

    def client_origins(self) -> frozenset[str]:
        """Origins of all active clients (for CORS). Called on the event loop for a request with
        an Origin, so it never waits on the database: it answers the last known set and, when
        that is older than a few seconds, refreshes it in a background thread (one at a time)."""
        at, origins = self._origins
        if time.monotonic() - at > _CACHE_S and not self._refreshing.is_set():
            self._refreshing.set()
            threading.Thread(target=self.refresh_origins, name="cors-origins", daemon=True).start()
        return origins

    def refresh_origins(self) -> None:
        """Read the active clients' origins (blocking); keeps the last known set on a failure."""
        try:
            with contextlib.suppress(Exception):  # the database hiccups: try again in a few seconds
                self._origins = (time.monotonic(), active_origins(self.engine))
                return
            self._origins = (time.monotonic(), self._origins[1])
        finally:
            self._refreshing.clear()

    def forget(self) -> None:
        """Drop cached keys and re-read the origins (after creating or revoking a client
        in-process)."""
        with self._lock:
            self._cache.clear()
            self._unknown.clear()
        self.refresh_origins()


# What a refused caller is told (here and by app.middleware, which checks rule-set uploads before
# their body is read).
NEEDS_KEY = "this endpoint needs a client key with scope '{scope}'"
UNKNOWN_KEY = "unknown or revoked client key"
LACKS_SCOPE = "this client key lacks scope '{scope}'"
UNCHECKABLE = "the client key cannot be checked right now; please retry"


def key_of(authorization: str | None, api_key: str | None) -> str | None:
    """The key a request presents (`Authorization: Bearer` first, else `X-API-Key`); ValueError
    for an Authorization header that is not a bearer token."""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ValueError("use Authorization: Bearer <key> or X-API-Key: <key>")
        return value.strip()
    return api_key.strip() if api_key is not None else None


def presented_key(request: Request) -> str | None:
    try:
        return key_of(request.headers.get("authorization"), request.headers.get("x-api-key"))
    except ValueError as e:
        raise HTTPException(401, str(e), headers=_CHALLENGE) from None


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.headers.get('host', '')}"


class Access:
    """The access an endpoint needs; the resolved Caller is stored in request.state.caller."""

    def __init__(self, scope: str | None, *, anonymous: bool = False) -> None:
        if scope is not None and scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        self.scope = scope
        self.anonymous = anonymous

    def __repr__(self) -> str:
        return f"Access({self.scope!r}, anonymous={self.anonymous})"

    async def __call__(self, request: Request) -> Caller:
        # async, with the database work (a key not in the cache, a shared counter) in the
        # thread pool: no thread hop for what needs none.
        if self.scope is None:
            return ANONYMOUS
        auth: Authenticator = request.app.state.auth
        key = presented_key(request)
        if not key:
            if not (self.anonymous and auth.allow_anonymous):
                raise self._refuse(401, NEEDS_KEY.format(scope=self.scope), "no_key")
            ip = request.client.host if request.client else "unknown"
            await self._limit(auth, f"ip:{ip}", auth.anonymous_rate_limit)
            request.state.caller = ANONYMOUS
            return ANONYMOUS
        known, caller = auth.cached(key)
        if caller is None:
            # A key to look up, or one refused before: limited per IP first, in process, so a
            # flood of random keys costs neither a database trip nor a thread.
            ip = request.client.host if request.client else "unknown"
            verdict = auth.guard.hit(f"unverified:{ip}", auth.unverified_rate_limit)
            if not verdict.allowed:
                log.info("access_refused", status=429, reason="unverified_keys", scope=self.scope)
                raise HTTPException(429, "too many requests with unknown or unchecked client keys; "
                                         f"retry after {verdict.retry_after} s",
                                    headers={"Retry-After": str(verdict.retry_after)})
        if not known:
            try:
                caller = await asyncio.wait_for(run_in_threadpool(auth.caller, key), auth.key_lookup_budget_s)
            except (KeysUnavailable, TimeoutError):
                log.warning("access_unverifiable", scope=self.scope)
                raise HTTPException(503, UNCHECKABLE,
                                    headers={"Retry-After": "5"}) from None
        if caller is None:
            raise self._refuse(401, UNKNOWN_KEY, "unknown_key")
        if not caller.may(self.scope):
            raise self._refuse(403, LACKS_SCOPE.format(scope=self.scope), "scope", caller.name)
        origin = request.headers.get("origin")
        if caller.origins and origin and origin not in caller.origins and origin != _own_origin(request):
            raise self._refuse(403, "this client key may not be used from this web origin", "origin", caller.name)
        await self._limit(auth, f"client:{caller.name}", caller.rate_limit)
        request.state.caller = caller
        return caller

    def _refuse(self, status: int, detail: str, reason: str, client: str | None = None) -> HTTPException:
        # Never the key itself; the request id is bound to every log line by the middleware.
        log.info("access_refused", status=status, reason=reason, scope=self.scope, client=client)
        return HTTPException(status, detail, headers=_CHALLENGE if status == 401 else None)

    @staticmethod
    async def _limit(auth: Authenticator, bucket: str, per_minute: int) -> None:
        verdict = await auth.counting.check(bucket, per_minute)
        if not verdict.allowed:
            raise HTTPException(429, f"rate limit of {verdict.limit} requests per minute reached; "
                                     f"retry after {verdict.retry_after} s",
                                headers={"Retry-After": str(verdict.retry_after)})

