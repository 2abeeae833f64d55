"""Structured JSON logs (structlog) and Prometheus metrics.

Log lines carry event names, counts, ids and error class names — never question texts, notes,
keys or other personal data.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Any, TypeVar

import structlog
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, multiprocess
from prometheus_client.metrics import MetricWrapperBase

DECISIONS_QUEUED = Counter("wegwijzer_decision_log_queued_total", "Decisions handed to the log writer")
DECISIONS_WRITTEN = Counter("wegwijzer_decision_log_written_total", "Decisions written to the database")
DECISIONS_DROPPED = Counter("wegwijzer_decision_log_dropped_total",
                            "Decisions not logged, each counted once (buffer full, row refused by the database, "
                            "request id taken by another decision, still queued at shutdown)")
DECISION_WRITE_ERRORS = Counter("wegwijzer_decision_log_write_errors_total", "Failed batch writes (retried)")
# With several uvicorn workers, PROMETHEUS_MULTIPROC_DIR makes /metrics add up all workers
# (docker/entrypoint.sh sets it): counters and histograms are summed; these gauges say how.
QUEUE_DEPTH = Gauge("wegwijzer_decision_log_queue_depth", "Decisions waiting to be written",
                    multiprocess_mode="livesum")
# Requests by route template (never the raw path: ids would explode the label set).
HTTP_REQUESTS = Counter("wegwijzer_http_requests_total", "HTTP requests by route, method and status",
                        ["route", "method", "status"])
HTTP_LATENCY = Histogram("wegwijzer_http_request_duration_seconds", "Time to answer, by route", ["route"],
                         buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0))
# Doors generated from the region tables (a municipality, province, labour-market region) count
# under their family, so the label set stays small.
DECISIONS = Counter("wegwijzer_decisions_total", "Routing answers by outcome and first door", ["outcome", "provider"])
RULESET = Gauge("wegwijzer_ruleset_active", "1 for the rule-set version a worker serves (per pid with several "
                "workers)", ["version"], multiprocess_mode="liveall")

_M = TypeVar("_M", bound=MetricWrapperBase)
_CHILDREN: dict[tuple[Any, tuple[str, ...]], Any] = {}


def labelled(metric: _M, *values: str) -> _M:
    """`metric.labels(*values)`, kept for the next request: on the request path the lookup (label
    checks under a lock) costs more than the increment. Bounded by the metric's own label set;
    not for a metric whose labels are ever removed (RULESET)."""
    key = (metric, values)
    child = _CHILDREN.get(key)
    if child is None:
        child = _CHILDREN[key] = metric.labels(*values)
    return child


# How late a periodic tick of each worker's event loop runs: anything that blocks the loop (a
# synchronous call, a long computation, a garbage collection of a large heap) shows up here.
EVENT_LOOP_LAG = Histogram("wegwijzer_event_loop_lag_seconds",
                           "How late a periodic tick of the event loop ran (stalls of a worker)",
                           buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))


async def watch_event_loop(interval_s: float) -> None:
    """Sleep `interval_s` at a time and record how much later than asked the loop woke up
    (runs until cancelled; a task of the lifespan)."""
    loop = asyncio.get_running_loop()
    while True:
        start = loop.time()
        await asyncio.sleep(interval_s)
        EVENT_LOOP_LAG.observe(max(0.0, loop.time() - start - interval_s))


def registry() -> CollectorRegistry:
    """What /metrics shows: this process, or all workers when PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
        return merged
    return REGISTRY


def ruleset_served(version: str, previous: str | None) -> None:
    if previous is not None and previous != version:
        RULESET.remove(previous)
    RULESET.labels(version).set(1)


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for the service's own events (uvicorn keeps its access log)."""
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level.upper())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,  # the trace of an unexpected error, as one field
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
