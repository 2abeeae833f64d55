"""Writes the decision log off the request path: a bounded queue and a batch writer thread.

`submit` never blocks and never raises: when the queue is full the record is dropped and
counted (metric + log line). The thread writes batches in one transaction; when the database
is slow or down it keeps the batch, backs off and retries, so it recovers by itself when the
database returns. Nothing personal is ever logged: only counts and error class names.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

import structlog
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import IntegrityError

from app.decisions.models import DecisionDetailRow, DecisionRow
from app.decisions.record import COLUMNS, CREATED_AT, AnswerFields, LogRow
from app.observability import DECISION_WRITE_ERRORS, DECISIONS_DROPPED, DECISIONS_QUEUED, DECISIONS_WRITTEN

log = structlog.get_logger("wegwijzer.decision_log")

Record = tuple[AnswerFields, str, float, float, str | None, str | None, str | None, str | None]
RowBuilder = Callable[[Record], LogRow]


class DecisionWriter:
    def __init__(self, engine: Engine, build_row: RowBuilder, maxsize: int = 10_000, batch_size: int = 500,
                 max_backoff: float = 5.0) -> None:
        self.engine = engine
        self.build_row = build_row
        self.batch_size = batch_size
        self.max_backoff = max_backoff
        self._queue: queue.Queue[Record] = queue.Queue(maxsize=maxsize)
        self._pending: set[str] = set()  # request ids queued or being written
        self._idle = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="decision-writer", daemon=True)
        self.dropped = 0
        self.written = 0
        self._detail_ids: dict[str, int] = {}  # digest -> decision_details.id already stored

    # -- request side ------------------------------------------------------------------------
    def submit(self, record: Record) -> bool:
        try:
            self._queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1
            DECISIONS_DROPPED.inc()
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning("decision_log_dropped", dropped_total=self.dropped, queue_size=self._queue.maxsize)
            return False
        self._pending.add(record[1])
        DECISIONS_QUEUED.inc()
        return True

    def queue_depth(self) -> int:
        return self._queue.qsize()

    def is_pending(self, request_id: str) -> bool:
        return request_id in self._pending

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted so far is written (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(min(left, 0.05))
        return True

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.flush(timeout)
        self._stop.set()
        self._thread.join(timeout)

    # -- writer thread -----------------------------------------------------------------------
    def _take_batch(self) -> list[Record]:
        try:
            first = self._queue.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        while len(batch) < self.batch_size:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        backoff = 0.1
        batch: list[Record] = []
        while not (self._stop.is_set() and not batch and self._queue.empty()):
            if not batch:
                batch = self._take_batch()
                if not batch:
                    continue
            try:
                rows = self._write(batch)
            except Exception as e:  # the database is down, slow or refused the batch
                DECISION_WRITE_ERRORS.inc()
                log.warning("decision_log_write_failed", error=type(e).__name__, batch=len(batch),
                            retry_in_s=round(backoff, 2))
                if self._stop.wait(backoff):
                    # shutting down with the database gone: count what cannot be written
                    self.dropped += len(batch)
                    DECISIONS_DROPPED.inc(len(batch))
                    self._done(batch)
                    batch = []
                backoff = min(backoff * 2, self.max_backoff)
                continue
            backoff = 0.1
            self.written += len(rows)
            DECISIONS_WRITTEN.inc(len(rows))
            self._done(batch)
            batch = []

    def _write(self, batch: list[Record]) -> list[LogRow]:
        """Insert a batch in one transaction; returns the rows written."""
        rows = [self.build_row(r) for r in batch]
        try:
            with self.engine.begin() as conn:
                self._insert(conn, rows)
            return rows
        except IntegrityError:
            # Another writer stored the same answer's details first, or a client repeated its
            # X-Request-ID: start from the database's view and write row by row.
            self._detail_ids.clear()
            return self._insert_one_by_one(rows)
        except Exception:
            self._detail_ids.clear()  # ids seen in a rolled-back transaction may not exist
            raise

    def _insert(self, conn: Connection, rows: list[LogRow]) -> None:
        """Store each distinct answer's documents once, then the short decision rows."""
        ids = self._detail_ids
        if len(ids) > 100_000:  # a bounded memo; the database stays the truth
            ids.clear()
        missing = {r.answer.details[0]: r.answer.details for r in rows if r.answer.details[0] not in ids}
        if missing:
            digests = list(missing)
            ids.update(conn.execute(select(DecisionDetailRow.digest, DecisionDetailRow.id)
                                    .where(DecisionDetailRow.digest.in_(digests))).all())
            new = [missing[d] for d in digests if d not in ids]
            if new:
                conn.execute(insert(DecisionDetailRow), [
                    {"digest": dg, "needs": needs, "routes": routes, "trace": trace}
                    for dg, needs, routes, trace in new])
                ids.update(conn.execute(select(DecisionDetailRow.digest, DecisionDetailRow.id)
                                        .where(DecisionDetailRow.digest.in_([n[0] for n in new]))).all())
        # The decision rows go straight to the driver: no per-row work in SQLAlchemy.
        sqlite = conn.dialect.name == "sqlite"
        values = []
        for r in rows:
            row = (*r.answer.values, *r.request, ids[r.answer.details[0]])
            if sqlite:  # SQLAlchemy's SQLite storage format for DateTime (UTC)
                row = (*row[:CREATED_AT], row[CREATED_AT].strftime("%Y-%m-%d %H:%M:%S.%f"), *row[CREATED_AT + 1:])
            values.append(row)
        conn.exec_driver_sql(self._sql(conn), values)

    def _sql(self, conn: Connection) -> str:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        return (f"INSERT INTO {DecisionRow.__tablename__} ({', '.join(COLUMNS)}) "
                f"VALUES ({', '.join([mark] * len(COLUMNS))})")

    def _insert_one_by_one(self, rows: list[LogRow]) -> list[LogRow]:
        kept = []
        for row in rows:
            try:
                with self.engine.begin() as conn:
                    self._insert(conn, [row])
                kept.append(row)
            except IntegrityError:
                self._detail_ids.clear()
                self.dropped += 1
                DECISIONS_DROPPED.inc()
                log.warning("decision_log_duplicate_request_id")
        return kept

    def _done(self, batch: list[Record]) -> None:
        with self._idle:
            for r in batch:
                self._pending.discard(r[1])
            self._idle.notify_all()
