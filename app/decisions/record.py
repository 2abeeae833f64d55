"""What the decision log stores for one answer.

The part that depends only on the answer (outcome, first door, location, the scrubbed question,
the needs/routes/trace documents) is computed once per distinct answer and stored once, in
`answers`; per request only a short `decisions` row is added (request id, time, channel, origin,
latency, KVK hash, the answer's id), off the request path. Rows are plain tuples in column
order: the writer hands decision rows straight to the database driver.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from app.db import PreJSON, storable
from app.decisions.scrub import Scrubber
from app.routing.model import Decision

ANSWER_COLUMNS = (
    "language", "outcome", "theme", "service", "provider_id", "provider_family", "rule_id", "principle",
    "postcode4", "municipality_code", "province_code", "labour_market_region_code", "location_source",
    "ruleset_version", "ruleset_checksum", "question", "needs", "routes", "trace",
)
DECISION_COLUMNS = (
    "request_id", "created_at", "day", "week", "month", "channel", "origin", "client", "latency_ms", "kvk_hash",
    "answer_id",
)


class AnswerFields(NamedTuple):
    digest: str  # identifies the answer across requests, processes and restarts
    values: tuple[Any, ...]  # in ANSWER_COLUMNS order


class LogRow(NamedTuple):
    answer: AnswerFields
    request: tuple[Any, ...]  # DECISION_COLUMNS without answer_id


# An escaped NUL in JSON text: \u0000 after an even number of backslashes.
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def _json(value: Any) -> PreJSON:
    # PostgreSQL text and JSONB cannot hold NUL characters; nothing is lost by dropping them.
    text = orjson.dumps(value).decode()
    return PreJSON(_JSON_NUL.sub(r"\1", text) if "u0000" in text else text)


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
        scrubber.scrub(storable(question)) if question is not None else None,
        _json([{"theme": n.theme, "service": n.service, "score": n.score, "evidence": list(n.evidence)}
               for n in d.needs]),
        _json([{"rank": r.rank, "role": r.role, "provider_id": r.provider_id, "family": r.family,
                "needs_location": r.needs_location, "rule": r.rule, "principle": r.principle,
                "score": r.score} for r in d.routes]),
        _json([{"concept": t.concept, "cue": t.cue, "evidence": t.evidence, "weight": t.weight,
                "fuzzy": t.fuzzy} for t in d.trace]),
    )
    return AnswerFields(hashlib.sha256(orjson.dumps(values)).hexdigest(), values)


class Stamp:
    """Turns a request's UNIX time into its created_at value and (day, ISO week, month) labels.

    Both are memoised (per day, per second): the writer stamps thousands of rows a second. On
    SQLite created_at is the text SQLAlchemy itself stores for a DateTime (UTC, microseconds),
    so the writer can hand it straight to the driver; elsewhere it is an aware datetime.
    """

    def __init__(self, as_text: bool) -> None:
        self.as_text = as_text
        self._days: dict[int, tuple[str, str, str]] = {}
        self._second = (-1, "")

    def calendar(self, created: float) -> tuple[str, str, str]:
        key = int(created // 86_400)
        cal = self._days.get(key)
        if cal is None:
            when = datetime.fromtimestamp(created, UTC)
            iso = when.isocalendar()
            cal = (when.strftime("%Y-%m-%d"), f"{iso.year}-W{iso.week:02d}", when.strftime("%Y-%m"))
            if len(self._days) > 4096:
                self._days.clear()
            self._days[key] = cal
        return cal

    def created_at(self, created: float) -> str | datetime:
        if not self.as_text:
            return datetime.fromtimestamp(created, UTC)
        second = int(created)
        if self._second[0] != second:
            self._second = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%d %H:%M:%S"))
        return f"{self._second[1]}.{int((created - second) * 1_000_000):06d}"


def log_row(stamp: Stamp, fields: AnswerFields, request_id: str, created: float, latency_ms: float,
            channel: str | None, origin: str | None, client: str | None, kvk_hash: str | None) -> LogRow:
    day, week, month = stamp.calendar(created)
    return LogRow(fields, (request_id, stamp.created_at(created), day, week, month, channel, origin, client,
                           round(latency_ms, 3), kvk_hash))
