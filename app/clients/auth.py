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

import contextlib
import threading
import time
from dataclasses import dataclass, field

import structlog
from fastapi import HTTPException, Request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from app.clients.keys import SCOPES, digest
from app.clients.ratelimit import RateLimiter
from app.clients.store import active_origins, find_by_key_hash

log = structlog.get_logger("wegwijzer.access")
_CACHE_S = 5.0  # a revoked key stops working within this many seconds on every worker
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
    """Resolves keys to callers, with a short cache so that a request costs no database read."""

    engine: Engine
    config_admins: dict[str, str]  # name -> token, from WEGWIJZER_ADMIN_TOKENS (bootstrap)
    limiter: RateLimiter
    allow_anonymous: bool
    anonymous_rate_limit: int
    admin_rate_limit: int
    _cache: dict[str, tuple[float, Caller | None]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _admins: dict[str, Caller] = field(default_factory=dict)
    _origins: tuple[float, frozenset[str]] = (0.0, frozenset())

    def __post_init__(self) -> None:
        self._admins = {digest(token): Caller(name, "admin", frozenset(SCOPES), (), self.admin_rate_limit)
                        for name, token in self.config_admins.items()}

    def cached(self, key: str) -> tuple[bool, Caller | None]:
        """(known, caller) without touching the database."""
        return self._cached(digest(key))

    def _cached(self, h: str) -> tuple[bool, Caller | None]:
        admin = self._admins.get(h)
        if admin is not None:
            return True, admin
        hit = self._cache.get(h)
        if hit is not None and hit[0] > time.monotonic():
            return True, hit[1]
        return False, None

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
            with self._lock:
                self._cache[h] = (now + _CACHE_S, stale[1])
            return stale[1]
        found = None
        if row is not None and row.revoked_at is None:
            found = Caller(row.name, row.kind, frozenset(row.scopes), tuple(row.origins), row.rate_limit,
                           row.provider_id)
        with self._lock:
            if len(self._cache) > 10_000:  # bounded: unknown keys are cached too
                self._cache.clear()
            self._cache[h] = (now + _CACHE_S, found)
        return found

    def client_origins(self) -> frozenset[str]:
        """Origins of all active clients (for CORS), refreshed every few seconds."""
        at, origins = self._origins
        now = time.monotonic()
        if now - at > _CACHE_S:
            with contextlib.suppress(Exception):  # keep the last known set when the database hiccups
                origins = active_origins(self.engine)
            self._origins = (now, origins)
        return origins

    def forget(self) -> None:
        """Drop cached keys and origins (after creating or revoking a client in-process)."""
        with self._lock:
            self._cache.clear()
        self._origins = (0.0, frozenset())


def presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise HTTPException(401, "use Authorization: Bearer <key> or X-API-Key: <key>", headers=_CHALLENGE)
        return value.strip()
    key = request.headers.get("x-api-key")
    return key.strip() if key is not None else None


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
                raise self._refuse(401, f"this endpoint needs a client key with scope '{self.scope}'", "no_key")
            ip = request.client.host if request.client else "unknown"
            await self._limit(auth, f"ip:{ip}", auth.anonymous_rate_limit)
            request.state.caller = ANONYMOUS
            return ANONYMOUS
        known, caller = auth.cached(key)
        if not known:
            try:
                caller = await run_in_threadpool(auth.caller, key)
            except KeysUnavailable:
                log.warning("access_unverifiable", scope=self.scope)
                raise HTTPException(503, "the client key cannot be checked right now; please retry",
                                    headers={"Retry-After": "5"}) from None
        if caller is None:
            raise self._refuse(401, "unknown or revoked client key", "unknown_key")
        if not caller.may(self.scope):
            raise self._refuse(403, f"this client key lacks scope '{self.scope}'", "scope", caller.name)
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
        limiter = auth.limiter
        verdict = limiter.try_local(bucket, per_minute)
        if verdict is None:
            verdict = (limiter.hit(bucket, per_minute) if limiter.in_memory
                       else await run_in_threadpool(limiter.hit, bucket, per_minute))
        if not verdict.allowed:
            raise HTTPException(429, f"rate limit of {verdict.limit} requests per minute reached; "
                                     f"retry after {verdict.retry_after} s",
                                headers={"Retry-After": str(verdict.retry_after)})

