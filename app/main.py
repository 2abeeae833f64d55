"""Application factory: routers, middleware, problem handlers and the lifespan that builds the
routing core once (rule tables are validated at start-up: a broken table never serves)."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from app import __version__
from app.clients.auth import Authenticator
from app.clients.cors import ClientCORS
from app.clients.ratelimit import make_limiter
from app.config import Settings, db_timeouts, get_settings
from app.db import make_engine
from app.decisions.log import DecisionLog
from app.decisions.router import router as decisions_router
from app.decisions.scrub import Scrubber
from app.meta.readiness import DatabaseProbe
from app.meta.router import router as meta_router
from app.middleware import Deadline, RequestContext, deprecation_headers
from app.observability import configure_logging, ruleset_served, watch_event_loop
from app.openapi_docs import install as install_openapi_docs
from app.problems import install as install_problems
from app.providers.router import router as providers_router
from app.referrals.intake import load as load_intake
from app.referrals.outbox import Policy, Worker
from app.referrals.router import router as referrals_router
from app.route.cache import AnswerCache
from app.route.router import router as route_router
from app.routing.engine import Router
from app.routing.loader import read_rule_files
from app.rulesets.follower import RuleFollower, adopt_shipped
from app.rulesets.router import router as rulesets_router
from app.web.router import make_router as make_web_router


def freeze_heap(refreeze: bool = False) -> None:
    """Move everything alive now (the routing core, rule tables, the learned model: ~90,000
    objects that never change) out of the cyclic garbage collector's sight. A full collection
    walks every tracked object and holds the GIL while it does: 17-40 ms with the core loaded,
    ~1 ms frozen (measured on this machine), i.e. a stall of the whole worker now and then.
    At start-up nothing is collected first: a full collection there finds ~10 unreachable
    objects and costs 0.15-0.2 s of every cold start. After a rule-set change the heap is
    unfrozen, collected once and frozen again, so an old set's cyclic garbage is not kept."""
    if refreeze:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        app.state.settings = settings
        app.state.engine = make_engine(settings.database_url, db_timeouts(settings))
        app.state.database_probe = DatabaseProbe(app.state.engine)
        app.state.scrubber = Scrubber(settings.hash_secret)
        app.state.auth = Authenticator(app.state.engine, settings.admin_tokens,
                                       make_limiter(settings.rate_limit_storage, app.state.engine),
                                       settings.allow_anonymous, settings.anonymous_rate_limit,
                                       settings.admin_rate_limit, settings.unverified_key_rate_limit,
                                       settings.rate_limit_budget_s, settings.key_lookup_budget_s)
        await asyncio.to_thread(app.state.auth.refresh_origins)  # CORS knows the portals from the start
        dlog = None
        if settings.decision_log:
            dlog = DecisionLog(app.state.engine, app.state.scrubber, settings.decision_queue_size,
                               settings.decision_batch_size, settings.decision_linger_s)
            dlog.writer.start()
        app.state.decision_log = dlog

        def install(router: Router) -> None:
            # One assignment: a request reads app.state.answers once and sees one rule set.
            previous = getattr(app.state, "answers", None)
            app.state.answers = AnswerCache(router, settings.decision_cache_size,
                                            describe=dlog.fields if dlog else None)
            ruleset_served(router.version, previous.router.version if previous is not None else None)
            if previous is not None and settings.freeze_heap:  # the old set may now be garbage
                freeze_heap(refreeze=True)

        shipped = read_rule_files(settings.rules_dir)
        shipped_router = Router.from_files(shipped)
        install(shipped_router)
        follower = None
        if settings.ruleset_follow:
            follower = RuleFollower(app.state.engine, lambda: app.state.answers.router.version, install,
                                    shipped_router, settings.ruleset_poll_s)
            adopt_shipped(app.state.engine, shipped, follower)
            follower.start()
        # tests and tools can make this worker catch up at once instead of at the next poll
        app.state.follower_check = follower.check if follower is not None else (lambda: False)
        app.state.webhooks = webhooks_for(settings, shipped_router)
        app.state.outbox = None
        if settings.referral_worker:
            app.state.outbox = Worker(app.state.engine, app.state.webhooks, outbox_policy(settings),
                                      settings.referral_poll_s)
            app.state.outbox.start()
        if settings.freeze_heap:
            freeze_heap()
        if settings.gil_switch_interval_s is not None:
            sys.setswitchinterval(settings.gil_switch_interval_s)
        lag_watch = asyncio.create_task(watch_event_loop(settings.event_loop_tick_s), name="event-loop-lag")
        try:
            yield
        finally:
            lag_watch.cancel()
            if app.state.outbox is not None:
                app.state.outbox.stop()
            if follower is not None:
                follower.stop()
            if dlog is not None:
                dlog.writer.stop()
            app.state.engine.dispose()

    app = FastAPI(
        title="Wegwijzer",
        version=__version__,
        description=(
            "Routes an entrepreneur's question or need to the right public provider (KVK, RVO, "
            "the regional development companies and other public bodies), with the reason, the "
            "rule and the principle of the task division behind it."
        ),
        lifespan=lifespan,
    )
    install_problems(app)
    install_openapi_docs(app)
    # Outermost last: the request id and security headers go on every answer, also on a CORS
    # preflight and on a 413/415 refused before the body is read.
    app.add_middleware(Deadline, seconds=settings.request_timeout_s)

    def registered_origins() -> frozenset[str]:
        auth: Authenticator | None = getattr(app.state, "auth", None)
        return auth.client_origins() if auth is not None else frozenset()

    app.add_middleware(ClientCORS, configured=settings.cors_origins, registered=registered_origins)
    app.add_middleware(RequestContext, max_body=settings.max_body_bytes,
                       large_bodies=("/v1/rulesets", settings.max_ruleset_bytes, "rulesets"),
                       v1_headers=deprecation_headers(settings.v1_deprecated_on, settings.v1_sunset_on,
                                                      settings.v1_migration_url))
    # /v1/route first: routes are matched in order, and it takes nearly all the traffic.
    app.include_router(route_router)
    app.include_router(providers_router)
    app.include_router(decisions_router)
    app.include_router(rulesets_router)
    app.include_router(referrals_router)
    app.include_router(meta_router)
    app.include_router(make_web_router())
    return app


def webhooks_for(settings: Settings, router: Router) -> Any:
    """The intake webhooks (routing_rules/intake.yaml); a broken file stops the start-up."""
    path = settings.intake_file or settings.rules_dir / "intake.yaml"
    text = path.read_bytes() if path.is_file() else None
    return load_intake(text, lambda pid: router.data.directory.get(pid) is not None)


def outbox_policy(settings: Settings) -> Policy:
    return Policy(settings.referral_batch, settings.referral_lease_s, settings.referral_timeout_s,
                  settings.referral_max_attempts, settings.referral_backoff_base_s, settings.referral_backoff_cap_s)


app = create_app()
