"""What the decision log stores for one answer.

The part that depends only on the answer (outcome, first door, location, the scrubbed question,
and the needs/routes/trace documents) is computed once per distinct answer and shared by
repeats; the rest (request id, time, channel, origin, latency, KVK hash) is added per request,
off the request path. Rows are plain tuples in COLUMNS order: the writer hands them straight to
the database driver.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from app.db import PreJSON
from app.decisions.scrub import Scrubber
from app.routing.model import Decision

ANSWER_COLUMNS = (
    "language", "outcome", "theme", "service", "provider_id", "provider_family", "rule_id", "principle",
    "postcode4", "municipality_code", "province_code", "labour_market_region_code", "location_source",
    "ruleset_version", "ruleset_checksum", "question",
)
REQUEST_COLUMNS = (
    "request_id", "created_at", "day", "week", "month", "channel", "origin", "client", "latency_ms", "kvk_hash",
)
COLUMNS = (*ANSWER_COLUMNS, *REQUEST_COLUMNS, "details_id")
CREATED_AT = COLUMNS.index("created_at")


class AnswerFields(NamedTuple):
    values: tuple[Any, ...]  # in ANSWER_COLUMNS order
    details: tuple[str, PreJSON, PreJSON, PreJSON]  # digest, needs, routes, trace


class LogRow(NamedTuple):
    answer: AnswerFields
    request: tuple[Any, ...]  # in REQUEST_COLUMNS order


def _json(value: Any) -> PreJSON:
    return PreJSON(orjson.dumps(value).decode())


def _details(d: Decision) -> tuple[str, PreJSON, PreJSON, PreJSON]:
    """(digest, needs, routes, trace): the answer's documents, stored once per distinct answer."""
    needs = _json([{"theme": n.theme, "service": n.service, "score": n.score, "evidence": list(n.evidence)}
                   for n in d.needs])
    routes = _json([{"rank": r.rank, "role": r.role, "provider_id": r.provider_id, "family": r.family,
                     "needs_location": r.needs_location, "rule": r.rule, "principle": r.principle,
                     "score": r.score} for r in d.routes])
    trace = _json([{"concept": t.concept, "cue": t.cue, "evidence": t.evidence, "weight": t.weight,
                    "fuzzy": t.fuzzy} for t in d.trace])
    digest = hashlib.sha256("\x00".join((needs, routes, trace)).encode()).hexdigest()
    return digest, needs, routes, trace


def decision_fields(d: Decision, question: str | None, ruleset_version: str, ruleset_checksum: str,
                    scrubber: Scrubber) -> AnswerFields:
    first = d.routes[0] if d.routes else None
    need = d.needs[0] if d.needs else None
    loc = d.location
    values = (
        d.language,
        d.outcome,
        need.theme if need else None,
        need.service if need else None,
        first.provider_id if first else None,
        first.family if first else None,
        first.rule if first else None,
        first.principle if first else None,
        loc.postcode4 if loc else None,
        loc.municipality.code if loc and loc.municipality else None,
        loc.province.code if loc and loc.province else None,
        loc.labour_market_region.code if loc and loc.labour_market_region else None,
        loc.source if loc else None,
        ruleset_version,
        ruleset_checksum,
        scrubber.scrub(question) if question is not None else None,
    )
    return AnswerFields(values, _details(d))


_calendar_memo: dict[int, tuple[str, str, str]] = {}


def _calendar(when: datetime) -> tuple[str, str, str]:
    """(day, ISO week, month) of a UTC moment; the same for a whole day, so memoised."""
    key = when.toordinal()
    cal = _calendar_memo.get(key)
    if cal is None:
        iso = when.isocalendar()
        cal = (when.strftime("%Y-%m-%d"), f"{iso.year}-W{iso.week:02d}", when.strftime("%Y-%m"))
        if len(_calendar_memo) > 4096:
            _calendar_memo.clear()
        _calendar_memo[key] = cal
    return cal


def log_row(fields: AnswerFields, request_id: str, created: float, latency_ms: float, channel: str | None,
            origin: str | None, client: str | None, kvk_hash: str | None) -> LogRow:
    when = datetime.fromtimestamp(created, UTC)
    day, week, month = _calendar(when)
    return LogRow(fields, (request_id, when, day, week, month, channel, origin, client, round(latency_ms, 3),
                           kvk_hash))
