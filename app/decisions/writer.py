"""Writes the decision log off the request path: a bounded buffer and a batch writer thread.

`submit` never blocks and never raises: when the buffer is full the record is dropped and
counted (metric + log line). The thread writes batches in one transaction; when the database
is slow or down it keeps the batch, backs off and retries, so it recovers by itself when the
database returns. Nothing personal is ever logged: only counts and error class names.

Why a deque and multi-row INSERTs rather than `queue.Queue` and `executemany`: the writer shares
the GIL with the event loop. Under load every GIL hand-over costs the writer up to one switch
interval (5 ms), and sqlite3's `executemany` releases the GIL once per row; so the writer wakes
once per batch (or per `linger`), and a batch is one statement per chunk of rows.

Several writers (uvicorn workers, replicas) share the tables, so a row that is already there is
never an error: answers go in with `INSERT ... ON CONFLICT (digest) DO NOTHING` and their ids are
read back afterwards (under READ COMMITTED the insert waits for another worker's uncommitted row
with the same digest and skips it once committed; the read-back, a later statement, sees it);
decisions with `ON CONFLICT (request_id) DO NOTHING`. When a statement inserts fewer decision rows
than it was given, the stored rows are read back: a row equal to ours (same answer, same instant)
was written by an earlier attempt of this batch whose commit was not acknowledged, and counts as
written; a request id that belongs to another decision is dropped and counted.

A batch the database refuses (IntegrityError, DataError: one row holds what it will not store) is
bisected: each half in its own transaction, so k bad rows in n cost about 2·k·log2(n)
transactions and the good rows are still written many at a time. Every record is settled once —
written, or dropped and counted — and a batch retried after a transient error holds only what is
not settled yet, so `dropped` (and wegwijzer_decision_log_dropped_total) counts each lost
decision exactly once.

A missing table (a schema that was never migrated) is not transient: the writer logs one error,
sets `fatal` (readiness reports it) and stops writing. Decisions stay in the bounded queue — past
`maxsize` they are dropped and counted, as always — and every `fatal_recheck_s` the writer tries
the batch once more, silently; when the schema has appeared (`python -m app migrate`), `fatal` is
cleared and the queue is written. At shutdown what is still queued is counted as dropped.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DataError, IntegrityError

from app.db import missing_table
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
_IN_CHUNK = 500  # values per IN (...) list: within every database's bound-parameter limit


class AnswerIdsUnreadable(RuntimeError):
    """Answers inserted (or found already there) could not be read back: a concurrent purge
    cleared their digest every time. Transient: the batch is retried."""


ANSWER_IDS_KEPT = 16_384


class DecisionWriter:
    def __init__(self, engine: Engine, build_row: RowBuilder, maxsize: int = 10_000, batch_size: int = 500,
                 max_backoff: float = 5.0, linger: float = 0.5, fatal_recheck_s: float = 2.0) -> None:
        self.engine = engine
        self.build_row = build_row
        self.maxsize = maxsize
        self.batch_size = batch_size
        self.max_backoff = max_backoff
        self.linger = linger  # longest wait before a part-filled batch is written
        self.fatal_recheck_s = fatal_recheck_s  # how often a writer without its tables looks again
        self._buffer: deque[Record] = deque()
        self._wake = threading.Event()
        self._pending: set[str] = set()  # request ids buffered or being written
        self._idle = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="decision-writer", daemon=True)
        self.dropped = 0  # decisions not logged: buffer full, refused, request id taken, gone at shutdown
        self.written = 0
        self.transactions = 0  # committed write transactions
        self.splits = 0  # times a refused batch was bisected
        # Why nothing can be written (the schema is missing), for readiness; None when writing.
        self.fatal: str | None = None
        # digest -> answers.id of answers known to be stored. Kept for one UTC day at most: a
        # purge (retention >= 1 day) only clears answers no decision of the last day refers to.
        # At most ANSWER_IDS_KEPT: with every question new, 100,000 held ~19 MB of a worker's
        # memory, and an answer not held costs one indexed read-back per batch.
        self._answer_ids: dict[str, int] = {}
        self._answer_ids_day = -1
        dialect = engine.dialect.name
        max_params = _MAX_PARAMS.get(dialect, 999)
        if dialect == "sqlite" and sqlite3.sqlite_version_info >= (3, 32):
            max_params = 32_766
        self._rows_per_statement = max(1, max_params // len(DECISION_COLUMNS))
        if dialect not in ("postgresql", "sqlite"):
            raise ValueError(f"the decision log runs on SQLite or PostgreSQL, not {dialect}")
        dialect_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        self._insert_answers: Any = dialect_insert(AnswerRow).on_conflict_do_nothing(index_elements=["digest"])

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
        """Wait until everything submitted so far is written (or the timeout passes). False at
        once while the schema is missing: nothing can be written then."""
        deadline = time.monotonic() + timeout
        self._wake.set()
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0 or self.fatal is not None:
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
                self._write(batch)  # on an error, `batch` keeps only the records not yet settled
            except Exception as e:
                why = missing_table(e)
                if why is not None:  # never migrated: not transient, say so once and wait for it
                    if self.fatal is None:
                        self.fatal = why
                        DECISION_WRITE_ERRORS.inc()
                        log.error("decision_log_schema_missing", error=why, queued=len(batch) + len(self._buffer),
                                  hint="run `python -m app migrate`; decisions are kept in the queue until then")
                        with self._idle:
                            self._idle.notify_all()  # flush() gives up at once
                    if self._stop.wait(self.fatal_recheck_s):
                        while self._buffer:
                            batch.append(self._buffer.popleft())
                        self._drop(batch)
                        batch = []
                    continue
                # the database is down, slow or refused the batch
                DECISION_WRITE_ERRORS.inc()
                log.warning("decision_log_write_failed", error=type(e).__name__, batch=len(batch),
                            retry_in_s=round(backoff, 2))
                if self._stop.wait(backoff):
                    self._drop(batch)  # shutting down with the database gone: count what cannot be written
                    batch = []
                backoff = min(backoff * 2, self.max_backoff)
                continue
            if self.fatal is not None:
                log.info("decision_log_schema_found")
                self.fatal = None
            backoff = 0.1
            QUEUE_DEPTH.set(len(self._buffer))
            batch = []

    def _write(self, batch: list[Record]) -> None:
        """Write a batch, in one transaction when the database takes it all. When it refuses a
        row, the batch is bisected until each refused row stands alone (dropped and counted);
        the rest is written a half at a time. Each part is settled when its transaction commits.
        On any other error the exception propagates and `batch` is cut down to the records not
        settled yet, for the retry."""
        rows = [self.build_row(r) for r in batch]
        spans = [(0, len(rows))]  # still to write; the last one first
        try:
            while spans:
                lo, hi = spans[-1]
                try:
                    with self.engine.begin() as conn:
                        kept = self._insert(conn, rows[lo:hi])
                except (IntegrityError, DataError) as e:
                    self._answer_ids.clear()  # ids seen in a rolled-back transaction may not exist
                    spans.pop()
                    if hi - lo == 1:  # a retry could not fix it: this row alone is lost
                        self._drop(batch[lo:hi], refused=type(e).__name__)
                    else:
                        mid = (lo + hi) // 2
                        spans += [(mid, hi), (lo, mid)]
                        self.splits += 1
                    continue
                spans.pop()
                self.transactions += 1
                self._settled(batch[lo:hi], kept)
        except Exception:
            self._answer_ids.clear()
            batch[:] = [r for lo, hi in spans for r in batch[lo:hi]]
            raise

    def _insert(self, conn: Connection, rows: list[LogRow]) -> int:
        """Store each new answer once, then the short decision rows; returns how many of `rows`
        are now stored as given (the others' request ids belong to another decision)."""
        ids = self._answer_ids
        today = int(time.time() // 86_400)
        if len(ids) > ANSWER_IDS_KEPT or today != self._answer_ids_day:  # the database stays the truth
            ids.clear()
            self._answer_ids_day = today
        missing = {r.answer.digest: r.answer.values for r in rows if r.answer.digest not in ids}
        if missing:
            self._store_answers(conn, missing)
        # The decision rows go straight to the driver, a chunk of rows per statement.
        values: list[object] = []
        extend, append = values.extend, values.append
        for answer, request in rows:
            extend(request)
            append(ids[answer.digest])
        width = len(DECISION_COLUMNS) * self._rows_per_statement
        inserted = 0
        for start in range(0, len(values), width):
            chunk = values[start:start + width]
            inserted += conn.exec_driver_sql(self._sql(conn, len(chunk) // len(DECISION_COLUMNS)),
                                             tuple(chunk)).rowcount
        if inserted == len(rows):
            return inserted
        return self._stored_as_given(conn, rows)

    def _store_answers(self, conn: Connection, missing: dict[str, tuple[Any, ...]]) -> None:
        """Make `self._answer_ids` hold the id of every digest in `missing`, inserting the
        answers not stored yet. A digest stored meanwhile by another writer is skipped by the
        insert (after waiting for that writer's commit) and found by the read-back. The read-back
        comes up short only when a purge cleared a digest in between: that answer is inserted
        afresh on the next round."""
        ids = self._answer_ids
        ids.update(self._answer_ids_for(conn, list(missing)))
        for _ in range(3):
            # sorted: concurrent writers take the digests' index locks in one order (no deadlock)
            new = sorted(d for d in missing if d not in ids)
            if not new:
                return
            conn.execute(self._insert_answers, [
                {"digest": d, **dict(zip(ANSWER_COLUMNS, missing[d], strict=True))} for d in new])
            ids.update(self._answer_ids_for(conn, new))
        if any(d not in ids for d in missing):
            raise AnswerIdsUnreadable(f"{sum(d not in ids for d in missing)} answer ids not found after insert")

    @staticmethod
    def _answer_ids_for(conn: Connection, digests: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for start in range(0, len(digests), _IN_CHUNK):
            found = conn.execute(select(AnswerRow.digest, AnswerRow.id)
                                 .where(AnswerRow.digest.in_(digests[start:start + _IN_CHUNK])))
            out.update((digest, id_) for digest, id_ in found if digest is not None)
        return out

    def _stored_as_given(self, conn: Connection, rows: list[LogRow]) -> int:
        """Some request ids were already taken. Count the rows stored exactly as ours (same answer,
        same instant: this or an unacknowledged earlier attempt wrote them), each request id once."""
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        request_ids = list({r.request[0] for r in rows})
        stored: dict[str, tuple[object, object]] = {}
        for start in range(0, len(request_ids), _IN_CHUNK):
            part = request_ids[start:start + _IN_CHUNK]
            found = conn.exec_driver_sql(
                f"SELECT request_id, answer_id, created_at FROM {DecisionRow.__tablename__} "
                f"WHERE request_id IN ({', '.join([mark] * len(part))})", tuple(part))
            stored.update((rid, (answer_id, created)) for rid, answer_id, created in found)
        ids = self._answer_ids
        return len({r.request[0] for r in rows if stored.get(r.request[0]) == (ids[r.answer.digest], r.request[1])})

    def _sql(self, conn: Connection, n_rows: int) -> str:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        one = f"({', '.join([mark] * len(DECISION_COLUMNS))})"
        return (f"INSERT INTO {DecisionRow.__tablename__} ({', '.join(DECISION_COLUMNS)}) "
                f"VALUES {', '.join([one] * n_rows)} ON CONFLICT (request_id) DO NOTHING")

    def _settled(self, records: list[Record], kept: int) -> None:
        self.written += kept
        DECISIONS_WRITTEN.inc(kept)
        taken = len(records) - kept
        if taken:
            self.dropped += taken
            DECISIONS_DROPPED.inc(taken)
            log.warning("decision_log_request_id_taken", dropped=taken)
        self._done(records)

    def _drop(self, records: list[Record], refused: str | None = None) -> None:
        if records:
            self.dropped += len(records)
            DECISIONS_DROPPED.inc(len(records))
            if refused is not None:
                log.warning("decision_log_row_refused", error=refused)
        self._done(records)

    def _done(self, batch: list[Record]) -> None:
        with self._idle:
            self._pending.difference_update([r[1] for r in batch])
            self._idle.notify_all()
