"""Structured JSON logs (structlog) and Prometheus metrics.

Log lines carry event names, counts, ids and error class names — never question texts, notes,
keys or other personal data.
"""

from __future__ import annotations

import logging
import sys

import structlog
from prometheus_client import Counter, Gauge

DECISIONS_QUEUED = Counter("wegwijzer_decision_log_queued_total", "Decisions handed to the log writer")
DECISIONS_WRITTEN = Counter("wegwijzer_decision_log_written_total", "Decisions written to the database")
DECISIONS_DROPPED = Counter("wegwijzer_decision_log_dropped_total",
                            "Decisions not logged (buffer full, row refused by the database, gone at shutdown)")
DECISION_WRITE_ERRORS = Counter("wegwijzer_decision_log_write_errors_total", "Failed batch writes (retried)")
QUEUE_DEPTH = Gauge("wegwijzer_decision_log_queue_depth", "Decisions waiting to be written")


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
