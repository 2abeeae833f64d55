"""The decision log as the HTTP layer sees it: one call per answer, never blocking."""

from __future__ import annotations

from sqlalchemy import Engine

from app.decisions.record import AnswerFields, LogRow, Stamp, decision_fields, log_row
from app.decisions.scrub import Scrubber
from app.decisions.writer import DecisionWriter, Record
from app.routing.engine import Router
from app.routing.model import Decision, RouteInput


class DecisionLog:
    def __init__(self, engine: Engine, scrubber: Scrubber, queue_size: int, batch_size: int,
                 linger: float = 0.5) -> None:
        self.scrubber = scrubber
        self.stamp = Stamp(as_text=engine.dialect.name == "sqlite")
        self.writer = DecisionWriter(engine, self._row, maxsize=queue_size, batch_size=batch_size, linger=linger)

    def fields(self, router: Router, decision: Decision, inp: RouteInput) -> AnswerFields:
        """The parts of the log row that depend only on the answer (computed once per answer)."""
        return decision_fields(decision, inp.question, router.version, router.checksum, self.scrubber)

    def submit(self, fields: AnswerFields, request_id: str, created: float, latency_ms: float,
               channel: str | None, origin: str | None, client: str | None, kvk_number: str | None) -> None:
        self.writer.submit((fields, request_id, created, latency_ms, channel, origin, client, kvk_number))

    def _row(self, r: Record) -> LogRow:
        fields, request_id, created, latency_ms, channel, origin, client, kvk_number = r
        kvk_hash = self.scrubber.kvk_hash(kvk_number) if kvk_number else None
        return log_row(self.stamp, fields, request_id, created, latency_ms, channel, origin, client, kvk_hash)
