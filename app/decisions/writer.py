"""Writes the decision log off the request path: a bounded buffer and a batch writer thread.

`submit` never blocks and never raises: when the buffer is full the record is dropped and
counted (metric + log line). The thread writes batches in one transaction; when the database
is slow or down it keeps the batch, backs off and retries, so it recovers by itself when the
database returns. Nothing personal is ever logged: only counts and error class names.

Why a deque and multi-row INSERTs rather than `queue.Queue` and `executemany`: the writer shares
the GIL with the event loop. Under load every GIL hand-over costs the writer up to one switch
interval (5 ms), and sqlite3's `executemany` releases the GIL once per row; so the writer wakes
once per batch (or per `linger`), and a batch is one statement per chunk of rows.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

import structlog
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import DataError, IntegrityError

from app.decisions.models import AnswerRow, DecisionRow
from app.decisions.record import ANSWER_COLUMNS, DECISION_COLUMNS, AnswerFields, LogRow
from app.observability import (
    DECISION_WRITE_ERRORS,
    DECISIONS_DROPPED,
    DECISIONS_QUEUED,
    DECISIONS_WRITTEN,
    QUEUE_DEPTH,
)

log = structlog.get_logger("wegwijzer.decision_log")

Record = tuple[AnswerFields, str, float, float, str | None, str | None, str | None, str | None]
RowBuilder = Callable[[Record], LogRow]

# Bound parameters per statement: SQLite's default limit is 32766 (999 before 3.32), PostgreSQL's 65535.
_MAX_PARAMS = {"sqlite": 999, "postgresql": 65_535}


class DecisionWriter:
    def __init__(self, engine: Engine, build_row: RowBuilder, maxsize: int = 10_000, batch_size: int = 500,
                 max_backoff: float = 5.0, linger: float = 0.5) -> None:
        self.engine = engine
        self.build_row = build_row
        self.maxsize = maxsize
        self.batch_size = batch_size
        self.max_backoff = max_backoff
        self.linger = linger  # longest wait before a part-filled batch is written
        self._buffer: deque[Record] = deque()
        self._wake = threading.Event()
        self._pending: set[str] = set()  # request ids buffered or being written
        self._idle = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="decision-writer", daemon=True)
        self.dropped = 0
        self.written = 0
        # digest -> answers.id of answers known to be stored. Kept for one UTC day at most: a
        # purge (retention >= 1 day) only clears answers no decision of the last day refers to.
        self._answer_ids: dict[str, int] = {}
        self._answer_ids_day = -1
        max_params = _MAX_PARAMS.get(engine.dialect.name, 999)
        if engine.dialect.name == "sqlite":
            import sqlite3

            if sqlite3.sqlite_version_info >= (3, 32):
                max_params = 32_766
        self._rows_per_statement = max(1, max_params // len(DECISION_COLUMNS))

    # -- request side ------------------------------------------------------------------------
    def submit(self, record: Record) -> bool:
        """Buffer one record (called on the event loop: a few hundred nanoseconds)."""
        buffer = self._buffer
        if len(buffer) >= self.maxsize:
            self.dropped += 1
            DECISIONS_DROPPED.inc()
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning("decision_log_dropped", dropped_total=self.dropped, queue_size=self.maxsize)
            return False
        buffer.append(record)
        self._pending.add(record[1])
        if len(buffer) >= self.batch_size and not self._wake.is_set():  # set() takes a lock: only once
            self._wake.set()
        return True

    def queue_depth(self) -> int:
        return len(self._buffer)

    def is_pending(self, request_id: str) -> bool:
        return request_id in self._pending

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted so far is written (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        self._wake.set()
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
        if len(self._buffer) < self.batch_size:
            self._wake.wait(self.linger)
        self._wake.clear()
        buffer = self._buffer
        batch: list[Record] = []
        while buffer and len(batch) < self.batch_size:
            batch.append(buffer.popleft())
        if batch:
            DECISIONS_QUEUED.inc(len(batch))
        return batch

    def _run(self) -> None:
        backoff = 0.1
        batch: list[Record] = []
        while not (self._stop.is_set() and not batch and not self._buffer):
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
            QUEUE_DEPTH.set(len(self._buffer))
            self._done(batch)
            batch = []

    def _write(self, batch: list[Record]) -> list[LogRow]:
        """Insert a batch in one transaction; returns the rows written."""
        rows = [self.build_row(r) for r in batch]
        try:
            with self.engine.begin() as conn:
                self._insert(conn, rows)
            return rows
        except (IntegrityError, DataError):
            # Another writer stored the same answer first, a client repeated its X-Request-ID,
            # or one row holds what the database refuses: write row by row from the database's
            # view, so one bad row never blocks the others (a retry could not fix it).
            self._answer_ids.clear()
            return self._insert_one_by_one(rows)
        except Exception:
            self._answer_ids.clear()  # ids seen in a rolled-back transaction may not exist
            raise

    def _insert(self, conn: Connection, rows: list[LogRow]) -> None:
        """Store each new answer once, then the short decision rows."""
        ids = self._answer_ids
        today = int(time.time() // 86_400)
        if len(ids) > 100_000 or today != self._answer_ids_day:  # the database stays the truth
            ids.clear()
            self._answer_ids_day = today
        missing = {r.answer.digest: r.answer.values for r in rows if r.answer.digest not in ids}
        if missing:
            ids.update(self._answer_ids_for(conn, list(missing)))
            new = [d for d in missing if d not in ids]
            if new:
                conn.execute(insert(AnswerRow), [
                    {"digest": d, **dict(zip(ANSWER_COLUMNS, missing[d], strict=True))} for d in new])
                ids.update(self._answer_ids_for(conn, new))
        # The decision rows go straight to the driver, a chunk of rows per statement.
        values: list[object] = []
        extend, append = values.extend, values.append
        for answer, request in rows:
            extend(request)
            append(ids[answer.digest])
        width = len(DECISION_COLUMNS) * self._rows_per_statement
        for start in range(0, len(values), width):
            chunk = values[start:start + width]
            conn.exec_driver_sql(self._sql(conn, len(chunk) // len(DECISION_COLUMNS)), tuple(chunk))

    @staticmethod
    def _answer_ids_for(conn: Connection, digests: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for start in range(0, len(digests), 500):  # within every database's bound-parameter limit
            found = conn.execute(select(AnswerRow.digest, AnswerRow.id)
                                 .where(AnswerRow.digest.in_(digests[start:start + 500])))
            out.update((digest, id_) for digest, id_ in found if digest is not None)
        return out

    def _sql(self, conn: Connection, n_rows: int) -> str:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        one = f"({', '.join([mark] * len(DECISION_COLUMNS))})"
        return (f"INSERT INTO {DecisionRow.__tablename__} ({', '.join(DECISION_COLUMNS)}) "
                f"VALUES {', '.join([one] * n_rows)}")

    def _insert_one_by_one(self, rows: list[LogRow]) -> list[LogRow]:
        kept = []
        for row in rows:
            try:
                with self.engine.begin() as conn:
                    self._insert(conn, [row])
                kept.append(row)
            except (IntegrityError, DataError) as e:
                self._answer_ids.clear()
                self.dropped += 1
                DECISIONS_DROPPED.inc()
                log.warning("decision_log_row_refused", error=type(e).__name__)
        return kept

    def _done(self, batch: list[Record]) -> None:
        with self._idle:
            self._pending.difference_update([r[1] for r in batch])
            self._idle.notify_all()
