"""The decision log writer with other writers on the same tables (several uvicorn workers or
replicas), rows the database refuses, retried batches and a schema that was never migrated.
Runs on SQLite and, with WEGWIJZER_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.exc import OperationalError

import app.decisions.writer as writer_module
import app.referrals.outbox as outbox_module
from app.db import PreJSON, make_engine, missing_table
from app.decisions.models import AnswerRow, DecisionRow
from app.decisions.record import ANSWER_COLUMNS, AnswerFields, LogRow, Stamp, log_row
from app.decisions.writer import DecisionWriter, Record
from app.referrals.outbox import Worker
from tests.conftest import fresh_database, migrate


# -- helpers ------------------------------------------------------------------------------------
def answer(name: str) -> AnswerFields:
    values = ("nl", "routed", "tax", "information", "belastingdienst", "belastingdienst", "tax.rule", "P5",
              None, None, None, None, None, "test", "sha256:test", f"vraag {name}",
              PreJSON("[]"), PreJSON("[]"), PreJSON("[]"))
    assert len(values) == len(ANSWER_COLUMNS)
    return AnswerFields(hashlib.sha256(name.encode()).hexdigest(), values)


def record(fields: AnswerFields, request_id: str, created: float | None = None) -> Record:
    return (fields, request_id, time.time() if created is None else created, 1.5, "test", None, None, None)


def builder(engine: Engine, bad: Collection[str] = ()) -> Callable[[Record], LogRow]:
    """Builds rows as the service does; a request id in `bad` gets a NULL latency, which the
    database refuses (NOT NULL)."""
    stamp = Stamp(as_text=engine.dialect.name == "sqlite")

    def build(r: Record) -> LogRow:
        row = log_row(stamp, r[0], r[1], r[2], r[3], r[4], r[5], r[6], None)
        if r[1] in bad:
            request = list(row.request)
            request[-2] = None  # latency_ms
            return LogRow(row.answer, tuple(request))
        return row

    return build


def stored(engine: Engine) -> dict[str, str | None]:
    """request_id -> the digest of its answer, for every decision row."""
    with engine.connect() as c:
        rows = c.execute(select(DecisionRow.request_id, AnswerRow.digest)
                         .join(AnswerRow, DecisionRow.answer_id == AnswerRow.id))
        return {rid: digest for rid, digest in rows}


def metric(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def wait_for(check: Callable[[], object], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


class Calls:
    """Wraps a method and records the size of its first list argument per call."""

    def __init__(self, obj: Any, name: str) -> None:
        self.sizes: list[int] = []
        real = getattr(obj, name)

        def spy(*args: Any, **kw: Any) -> Any:
            self.sizes.append(len(args[-1]) if args and isinstance(args[-1], list) else -1)
            return real(*args, **kw)

        setattr(obj, name, spy)


class Recorder:
    """Stands in for a module's structlog logger: (level, event) of every line."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, dict[str, Any]]] = []

    def __getattr__(self, level: str) -> Callable[..., None]:
        return lambda event, **kw: self.lines.append((level, event, kw))

    def events(self, level: str | None = None) -> list[str]:
        return [e for lv, e, _ in self.lines if level is None or lv == level]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    fresh_database(db_url)
    e = make_engine(db_url)
    yield e
    e.dispose()


@pytest.fixture
def unmigrated(db_url: str) -> Iterator[str]:
    """The database without any table (as before `python -m app migrate`); migrated afterwards."""
    migrate(db_url, "base", down=True)
    try:
        yield db_url
    finally:
        fresh_database(db_url)


def drain(writer: DecisionWriter) -> None:
    """Start the writer, wait until everything submitted is settled, stop it."""
    writer.start()
    try:
        assert writer.flush(20)
    finally:
        writer.stop()


# -- two workers, the same new answers ------------------------------------------------------------

def test_two_writers_storing_the_same_new_answers_lose_nothing(db_url: str, engine: Engine) -> None:
    """Two workers (two writers, two engines) write 2 × 1,000 decisions that share 100 answers
    new to the database, at the same time: every decision is stored with its own answer, no
    answer twice, nothing dropped, and every batch goes in whole (no bisection, no small
    transactions)."""
    answers = [answer(f"shared-{i}") for i in range(100)]
    n, batch = 1000, 100
    engines = [make_engine(db_url) for _ in range(2)]
    writers = [DecisionWriter(e, builder(e), batch_size=batch, linger=0.01) for e in engines]
    calls = [Calls(w, "_insert") for w in writers]
    expected: dict[str, str] = {}
    for k, w in enumerate(writers):
        for i in range(n):
            fields = answers[(i * (1 + 6 * k)) % 100]  # the same answers, in another order
            rid = f"w{k}-{i:05d}"
            expected[rid] = fields.digest
            assert w.submit(record(fields, rid))
    try:
        for w in writers:  # everything is queued: both first batches hold all 100 new answers
            w.start()
        assert all(w.flush(60) for w in writers)
    finally:
        for w in writers:
            w.stop()
        for e in engines:
            e.dispose()
    assert stored(engine) == expected
    with engine.connect() as c:
        assert c.scalar(select(func.count(AnswerRow.id))) == 100
    for w, spy in zip(writers, calls, strict=True):
        assert (w.written, w.dropped, w.splits) == (n, 0, 0)
        assert set(spy.sizes) == {batch}  # whole batches only (a retried one is whole again)
        assert w.transactions == n // batch


@contextmanager
def uncommitted_answer(engine: Engine, fields: AnswerFields) -> Iterator[tuple[Connection, int]]:
    """Another worker's transaction that has inserted `fields` and not committed yet."""
    with engine.connect() as c:
        tx = c.begin()
        answer_id = c.execute(insert(AnswerRow).values(
            digest=fields.digest, **dict(zip(ANSWER_COLUMNS, fields.values, strict=True)))).inserted_primary_key
        assert answer_id is not None
        yield c, int(answer_id[0])
        tx.commit()


def test_an_answer_another_worker_has_not_committed_yet_is_waited_for_and_shared(engine: Engine) -> None:
    """The case that lost a decision: the other worker's insert of the same answer is not yet
    committed when this writer inserts it. The writer waits, skips it once committed, reads its
    id back and writes the whole batch in one transaction."""
    other, first = answer("racing"), answer("alone")
    writer = DecisionWriter(engine, builder(engine), batch_size=10, linger=0.01)
    for i in range(10):
        writer.submit(record(other if i % 2 else first, f"race-{i:02d}"))
    with uncommitted_answer(engine, other) as (conn, other_id):
        writer.start()
        if engine.dialect.name == "postgresql":  # until the writer's insert waits for our row
            wait_for(lambda: conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()")).scalar())
        else:  # SQLite: the writer waits for the write lock (its busy timeout is 2 s)
            time.sleep(0.4)
    try:
        assert writer.flush(20)
    finally:
        writer.stop()
    assert (writer.written, writer.dropped, writer.splits) == (10, 0, 0)
    with engine.connect() as c:
        ids = dict(c.execute(select(DecisionRow.request_id, DecisionRow.answer_id)).all())
    assert len(ids) == 10 and {ids[f"race-{i:02d}"] for i in range(1, 10, 2)} == {other_id}
    assert stored(engine)["race-00"] == first.digest


# -- refused rows and the dropped count ------------------------------------------------------------
def test_one_bad_row_is_isolated_and_counted_once(engine: Engine) -> None:
    dropped_before, written_before = (metric("wegwijzer_decision_log_dropped_total"),
                                      metric("wegwijzer_decision_log_written_total"))
    writer = DecisionWriter(engine, builder(engine, bad={"row-37"}), batch_size=64, linger=0.01)
    for i in range(64):
        writer.submit(record(answer(f"a{i % 5}"), f"row-{i:02d}"))
    drain(writer)
    assert set(stored(engine)) == {f"row-{i:02d}" for i in range(64)} - {"row-37"}
    assert (writer.written, writer.dropped) == (63, 1)
    assert metric("wegwijzer_decision_log_dropped_total") - dropped_before == 1
    assert metric("wegwijzer_decision_log_written_total") - written_before == 63
    # bisection: 64 → 32 → ... → 1, one committed half per level
    assert (writer.splits, writer.transactions) == (6, 6)


def test_a_request_id_already_taken_is_not_an_error(engine: Engine) -> None:
    """A request id that another decision holds: that row alone is dropped and counted, the
    batch is written in one transaction."""
    writer = DecisionWriter(engine, builder(engine), batch_size=6, linger=0.01)
    for i, rid in enumerate(["dup-a", "dup-b", "dup-a", "dup-c", "dup-d", "dup-e"]):
        writer.submit(record(answer(f"q{i}"), rid, created=1_790_000_000.0 + i))
    drain(writer)
    assert stored(engine) == {"dup-a": answer("q0").digest, "dup-b": answer("q1").digest,
                              "dup-c": answer("q3").digest, "dup-d": answer("q4").digest,
                              "dup-e": answer("q5").digest}
    assert (writer.written, writer.dropped, writer.splits, writer.transactions) == (5, 1, 0, 1)


class FlakyEngine:
    """The writer's engine, with transactions that fail before they start (connection lost) or
    whose commit succeeds but is never acknowledged, on the given calls of begin()."""

    def __init__(self, engine: Engine, fail_before: Collection[int] = (), lose_ack: Collection[int] = ()) -> None:
        self.engine, self.dialect = engine, engine.dialect
        self.fail_before, self.lose_ack = fail_before, lose_ack
        self.calls = 0

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        self.calls += 1
        call = self.calls
        if call in self.fail_before:
            raise OperationalError("BEGIN", {}, ConnectionError("server closed the connection"))
        with self.engine.begin() as conn:
            yield conn
        if call in self.lose_ack:
            raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))


def test_a_batch_retried_after_an_unacknowledged_commit_is_counted_once(engine: Engine) -> None:
    dropped_before, written_before = (metric("wegwijzer_decision_log_dropped_total"),
                                      metric("wegwijzer_decision_log_written_total"))
    writer = DecisionWriter(engine, builder(engine), batch_size=20, linger=0.01)
    flaky = FlakyEngine(engine, lose_ack={1})
    writer.engine = flaky  # type: ignore[assignment]
    for i in range(20):
        writer.submit(record(answer(f"a{i % 3}"), f"ack-{i:02d}"))
    drain(writer)
    assert flaky.calls == 2  # written, not acknowledged, written again: all already there
    assert len(stored(engine)) == 20
    assert (writer.written, writer.dropped, writer.splits) == (20, 0, 0)
    assert metric("wegwijzer_decision_log_dropped_total") - dropped_before == 0
    assert metric("wegwijzer_decision_log_written_total") - written_before == 20


def test_a_bisected_batch_retried_after_an_outage_counts_its_bad_row_once(engine: Engine) -> None:
    """The bad row is dropped, a half is committed without acknowledgement, then the database
    goes away: the retried batch holds only what was not settled, nothing counts twice."""
    dropped_before = metric("wegwijzer_decision_log_dropped_total")
    writer = DecisionWriter(engine, builder(engine, bad={"mix-0"}), batch_size=8, linger=0.01)
    # calls: 1 [0,8) refused, 2 [0,4) refused, 3 [0,2) refused, 4 [0] refused (dropped),
    # 5 [1] committed but not acknowledged, 6 [2,4) fails, then the retry of [1] [2,4) [4,8)
    flaky = FlakyEngine(engine, lose_ack={5}, fail_before={6})
    writer.engine = flaky  # type: ignore[assignment]
    for i in range(8):
        writer.submit(record(answer(f"m{i}"), f"mix-{i}"))
    drain(writer)
    assert flaky.calls > 6
    assert set(stored(engine)) == {f"mix-{i}" for i in range(1, 8)}
    assert (writer.written, writer.dropped) == (7, 1)
    assert metric("wegwijzer_decision_log_dropped_total") - dropped_before == 1


# -- an unmigrated database ----------------------------------------------------------------------
def test_missing_table_is_recognised_from_the_driver_error(unmigrated: str) -> None:
    e = make_engine(unmigrated)
    try:
        with pytest.raises(Exception) as raised, e.connect() as c:
            c.execute(select(AnswerRow.id))
        assert missing_table(raised.value) is not None and "answers" in str(missing_table(raised.value))
        with pytest.raises(Exception) as other, e.connect() as c:
            c.execute(text("SELECT no_such_column FROM (SELECT 1 AS x) AS t"))
        assert missing_table(other.value) is None
    finally:
        e.dispose()


def test_the_writer_on_an_unmigrated_database_stops_and_says_so_once(
        unmigrated: str, monkeypatch: pytest.MonkeyPatch) -> None:
    logged = Recorder()
    monkeypatch.setattr(writer_module, "log", logged)
    e = make_engine(unmigrated)
    writer = DecisionWriter(e, builder(e), batch_size=10, linger=0.01, fatal_recheck_s=3600)
    attempts = Calls(writer, "_write")
    for i in range(3):
        writer.submit(record(answer(f"u{i}"), f"unmigrated-{i}"))
    writer.start()
    try:
        wait_for(lambda: writer.fatal)
        assert "answers" in str(writer.fatal)
        started = time.monotonic()
        assert not writer.flush(5) and time.monotonic() - started < 1  # gives up at once
        time.sleep(1.0)  # a transient error would have been retried 3 times by now
        assert len(attempts.sizes) == 1
        assert logged.events("error") == ["decision_log_schema_missing"]
        assert "decision_log_write_failed" not in logged.events()
        assert writer.dropped == 0 and writer.is_pending("unmigrated-0")  # kept in the queue
        writer.submit(record(answer("u3"), "unmigrated-3"))
        assert writer.queue_depth() == 1
    finally:
        writer.stop(timeout=2)
        e.dispose()
    assert writer.dropped == 4  # still queued at shutdown: counted


def test_the_writer_resumes_once_the_schema_is_migrated(unmigrated: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    logged = Recorder()
    monkeypatch.setattr(writer_module, "log", logged)
    e = make_engine(unmigrated)
    writer = DecisionWriter(e, builder(e), batch_size=10, linger=0.01, fatal_recheck_s=0.2)
    for i in range(5):
        writer.submit(record(answer(f"r{i}"), f"resume-{i}"))
    writer.start()
    try:
        wait_for(lambda: writer.fatal)
        migrate(unmigrated)
        wait_for(lambda: writer.fatal is None)
        assert writer.flush(20)
    finally:
        writer.stop()
        e.dispose()
    assert (writer.written, writer.dropped) == (5, 0)
    assert logged.events("error") == ["decision_log_schema_missing"]
    assert "decision_log_schema_found" in logged.events("info")


def test_the_outbox_worker_on_an_unmigrated_database_stops_and_says_so_once(
        unmigrated: str, monkeypatch: pytest.MonkeyPatch) -> None:
    logged = Recorder()
    monkeypatch.setattr(outbox_module, "log", logged)
    e = make_engine(unmigrated)
    worker = Worker(e, {}, poll_s=0.01, fatal_recheck_s=3600)
    polls = Calls(worker, "run_once")
    worker.start()
    try:
        wait_for(lambda: worker.fatal)
        assert "outbox" in str(worker.fatal)
        time.sleep(0.5)  # at poll_s=0.01 a transient error would be retried dozens of times
        assert len(polls.sizes) == 1
        assert logged.events() == ["outbox_schema_missing"] and logged.events("error") == logged.events()
    finally:
        worker.stop(2)
        e.dispose()
    assert worker._thread is not None and not worker._thread.is_alive()


def test_the_outbox_worker_resumes_once_the_schema_is_migrated(unmigrated: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    logged = Recorder()
    monkeypatch.setattr(outbox_module, "log", logged)
    e = make_engine(unmigrated)
    worker = Worker(e, {}, poll_s=0.01, fatal_recheck_s=0.1)
    worker.start()
    try:
        wait_for(lambda: worker.fatal)
        migrate(unmigrated)
        wait_for(lambda: worker.fatal is None)
    finally:
        worker.stop(2)
        e.dispose()
    assert logged.events("error") == ["outbox_schema_missing"]
    assert "outbox_schema_found" in logged.events("info")

