"""`make bench`, under load: /v1/route driven by wrk with a different question on every request.

Each configuration is one uvicorn server on loopback, loaded by `wrk --latency` with the script
`varied.lua` (every request carries a question no earlier request carried, so the answer cache
never helps, as with call-centre and portal traffic). Reported per configuration: requests/s,
p50/p90/p99 and the slowest request, and the ratios against the stack's floor measured in the
same run: a bare FastAPI endpoint with the same request model that writes pre-rendered bytes
(`app.devtools.bare`), next to the same endpoint answering through a pydantic response model.
With the decision log on, the rows written are counted after the server stopped: every answered
request must have its row.

One worker: the server on one CPU, wrk on the other. Two workers: both on all CPUs, wrk
included (on a 2-core machine wrk then takes part of the workers' CPU; the ratio shows it).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from app.db import make_engine
from app.devtools.server import Base, cpu_split, migrate, migrated_sqlite, serve

_SCRIPT = Path(__file__).with_name("varied.lua")


@dataclass(frozen=True)
class Config:
    name: str
    app: str = "app.main:app"
    env: tuple[tuple[str, str], ...] = ()
    workers: int = 1
    logged: bool = False  # count the decision rows afterwards
    label: str = ""


@dataclass
class Run:
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    errors: int


def wrk_path(install: bool) -> str | None:
    """The wrk binary; installed with apt-get when missing, `install` is set and this is root."""
    found = shutil.which("wrk")
    if found or not install:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True)
    return shutil.which("wrk")


def write_bodies(bodies: list[dict[str, object]], path: Path) -> None:
    """One request body per line, split by a tab at the end of the question's JSON string, where
    varied.lua inserts its unique tag."""
    with path.open("w", encoding="utf-8") as f:
        for body in bodies:
            rest = {k: v for k, v in body.items() if k != "question"}
            head = '{"question":' + json.dumps(str(body["question"]))[:-1]
            tail = '"' + ("," + json.dumps(rest)[1:] if rest else "}")
            f.write(head + "\t" + tail + "\n")


def _wrk(wrk: str, base: str, bodies: Path, connections: int, seconds: float, cpus: set[int] | None) -> Run:
    cmd = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s",
           "-s", str(_SCRIPT), base + "/v1/route", "--", str(bodies)]
    if cpus:
        cmd = ["taskset", "-c", ",".join(map(str, sorted(cpus))), *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in reversed(out.splitlines()) if ln.startswith("{"))
    d = json.loads(line)
    errors = sum(d[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    return Run(rps=d["requests"] / (d["duration_us"] / 1e6), p50_ms=d["p50_us"] / 1000,
               p90_ms=d["p90_us"] / 1000, p99_ms=d["p99_us"] / 1000, max_ms=d["max_us"] / 1000,
               requests=d["requests"], errors=errors)


def _decision_rows(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM decisions")).scalar_one())
    finally:
        engine.dispose()


@contextmanager
def _server(cfg: Config, tmp: str, cpus: set[int] | None, database_url: str | None = None
            ) -> Iterator[tuple[Base, str | None]]:
    """The configuration's server; the service on `database_url`, else on a fresh SQLite database
    whose URL is yielded (for counting its rows and dropping it afterwards)."""
    env = dict(cfg.env)
    url = None
    if cfg.app == "app.main:app":
        url = None if database_url else migrated_sqlite(tmp, cfg.name)
        env = {"DATABASE_URL": database_url or str(url), "WEGWIJZER_ANONYMOUS_RATE_LIMIT": "1000000",
               "WEGWIJZER_RULESET_FOLLOW": "false", **env}
    with serve(cfg.app, env, cpus=cpus if cfg.workers == 1 else None, workers=cfg.workers) as base:
        yield base, url


def configurations() -> list[Config]:
    return [
        Config("floor", "app.devtools.bare:app", label="floor: bare endpoint, pre-rendered bytes"),
        Config("floor_model", "app.devtools.bare:app", (("WEGWIJZER_BARE_RESPONSE", "model"),),
               label="floor: bare endpoint, pydantic response model"),
        Config("route", logged=True, label="/v1/route, log on, SQLite counters"),
        Config("route_nolog", env=(("WEGWIJZER_DECISION_LOG", "false"),),
               label="/v1/route, log off, SQLite counters"),
        Config("route_memory", env=(("WEGWIJZER_RATE_LIMIT_STORAGE", "memory://"),), logged=True,
               label="/v1/route, log on, counters in memory"),
        Config("route_switch", env=(("WEGWIJZER_GIL_SWITCH_INTERVAL_S", "0.0005"),), logged=True,
               label="/v1/route, log on, GIL slices of 0.5 ms"),
    ]


def bench_load(bodies: list[dict[str, object]], seconds: float, rounds: int, connections: tuple[int, ...],
               install: bool = True) -> dict[str, object] | None:
    """Every configuration at every connection count, `rounds` times in alternating order; the
    median of each figure over the rounds. None when wrk is not available."""
    wrk = wrk_path(install)
    if wrk is None:
        return None
    server_cpus, client_cpus = cpu_split()
    configs = configurations()
    results: dict[str, dict[int, list[Run]]] = {c.name: {n: [] for n in connections} for c in configs}
    logged: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bodies.txt"
        write_bodies(bodies, path)
        for r in range(rounds):
            order = configs if r % 2 == 0 else configs[::-1]
            for cfg in order:
                answered = 0
                with _server(cfg, tmp, server_cpus) as (base, url):
                    answered += _wrk(wrk, base, path, connections[0], 1.0, client_cpus).requests  # warm-up
                    for n in connections:
                        run = _wrk(wrk, base, path, n, seconds, client_cpus)
                        results[cfg.name][n].append(run)
                        answered += run.requests
                if cfg.logged and url:
                    rows = _decision_rows(url)
                    old = logged.get(cfg.name, (0, 0))
                    # wrk counts only the answers it read; the server may have answered (and logged) a
                    # few more that were in flight when wrk stopped
                    logged[cfg.name] = (old[0] + answered, old[1] + rows)
                _drop(url)
        two, _ = _two_workers(wrk, path, tmp, seconds, rounds, connections)
    return {"runs": {name: {n: _median(v) for n, v in by_n.items()} for name, by_n in results.items()},
            "labels": {c.name: c.label for c in configs}, "logged": logged, "two_workers": two}


def _two_workers(wrk: str, path: Path, tmp: str, seconds: float, rounds: int, connections: tuple[int, ...],
                 database_url: str | None = None, workers: int = 2) -> tuple[dict[str, dict[int, Run]], int]:
    """The floor and /v1/route with `workers` workers on all CPUs (shared with wrk), in
    alternating rounds: the median runs, and how many answers /v1/route gave (warm-ups included)."""
    out: dict[str, dict[int, list[Run]]] = {"floor": {n: [] for n in connections},
                                            "route": {n: [] for n in connections}}
    answered = 0
    for r in range(rounds):
        for name in (("floor", "route") if r % 2 == 0 else ("route", "floor")):
            cfg = Config(name, "app.devtools.bare:app" if name == "floor" else "app.main:app", workers=workers)
            with _server(cfg, tmp, None, database_url) as (base, url):
                runs = [_wrk(wrk, base, path, connections[0], 1.0, None)]  # warm-up
                for n in connections:
                    runs.append(_wrk(wrk, base, path, n, seconds, None))
                    out[name][n].append(runs[-1])
                if name == "route":
                    answered += sum(run.requests for run in runs)
            _drop(url)
    return {name: {n: _median(v) for n, v in by_n.items()} for name, by_n in out.items()}, answered


def _drop(url: str | None) -> None:
    if url:
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


def _median(runs: list[Run]) -> Run:
    return Run(rps=statistics.median(r.rps for r in runs), p50_ms=statistics.median(r.p50_ms for r in runs),
               p90_ms=statistics.median(r.p90_ms for r in runs), p99_ms=statistics.median(r.p99_ms for r in runs),
               max_ms=max(r.max_ms for r in runs), requests=sum(r.requests for r in runs),
               errors=sum(r.errors for r in runs))


def report(result: dict[str, object]) -> list[str]:
    runs: dict[str, dict[int, Run]] = result["runs"]  # type: ignore[assignment]
    labels: dict[str, str] = result["labels"]  # type: ignore[assignment]
    logged: dict[str, tuple[int, int]] = result["logged"]  # type: ignore[assignment]
    lines = []
    for name, by_n in runs.items():
        for n, run in by_n.items():
            floor = runs["floor"][n]
            lines.append(f"load c={n:<3} {labels[name]:<45} {run.rps:7.0f} req/s ({run.rps / floor.rps:4.2f} x floor)"
                         f"  p50 {run.p50_ms:6.1f}  p90 {run.p90_ms:6.1f}  p99 {run.p99_ms:6.1f} ms"
                         f" ({run.p99_ms / floor.p99_ms:4.1f} x floor)  max {run.max_ms:6.0f} ms"
                         + (f"  errors {run.errors}" if run.errors else ""))
    for name, (answered, rows) in logged.items():
        lines.append(f"load: {labels[name]}: {rows} decision rows for {answered} answered requests"
                     f": {'every answer logged' if rows >= answered else 'ROWS MISSING'}")
    two: dict[str, dict[int, Run]] = result["two_workers"]  # type: ignore[assignment]
    for n, run in two["route"].items():
        floor = two["floor"][n]
        lines.append(f"load c={n:<3} two workers, all CPUs shared with wrk: /v1/route {run.rps:.0f} req/s, "
                     f"floor {floor.rps:.0f} req/s ({run.rps / floor.rps:.2f} x); p99 {run.p99_ms:.1f} vs "
                     f"{floor.p99_ms:.1f} ms, max {run.max_ms:.0f} ms")
    return lines


def cold_start(rounds: int = 3) -> tuple[list[float], list[float]]:
    """Seconds from starting `make run`'s server process to its first 200 on /readyz (which
    checks the database and the schema head): (first starts on a fresh SQLite database just
    migrated, as `make run` does, the migration having published the shipped rule set; restarts
    on that same database, as after a deploy or a crash)."""
    first: list[float] = []
    again: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            url = migrated_sqlite(tmp, f"cold{r}")
            for out in (first, again):
                t0 = time.perf_counter()
                with serve("app.main:app", {"DATABASE_URL": url}, ready_path="/readyz", poll_s=0.01):
                    out.append(time.perf_counter() - t0)
    return first, again


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_growth(bodies: list[dict[str, object]], requests: int, install: bool = True) -> dict[str, float] | None:
    """The resident memory of one worker (log on, SQLite) after a warm-up of 10,000 varied
    questions and after `requests` more; None without wrk or /proc."""
    wrk = wrk_path(install)
    if wrk is None or not Path("/proc/self/status").exists():
        return None
    server_cpus, client_cpus = cpu_split()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bodies.txt"
        write_bodies(bodies, path)
        with _server(Config("rss"), tmp, server_cpus) as (base, _):
            warm = _wrk(wrk, base, path, 8, 10.0, client_cpus)
            after_warm = rss_mb(base.pid)
            seconds = max(5.0, requests / max(warm.rps, 1.0))
            run = _wrk(wrk, base, path, 8, seconds, client_cpus)
            after = rss_mb(base.pid)
    return {"warm_requests": warm.requests, "warm_mb": after_warm, "requests": run.requests, "after_mb": after}


@dataclass
class DatabaseLoad:
    runs: dict[str, dict[int, Run]]  # "floor" / "route" -> connections -> median run
    rows: int  # decision rows written during the runs
    answered: int  # answers wrk read from /v1/route (warm-ups included)


def bench_load_database(bodies: list[dict[str, object]], url: str, seconds: float, rounds: int,
                        connections: tuple[int, ...], workers: int = 2, install: bool = True
                        ) -> DatabaseLoad | None:
    """/v1/route on another database (e.g. PostgreSQL) with `workers` workers on all CPUs, against
    the floor with as many workers, in alternating rounds; the decision rows written during the
    runs are counted against the answers wrk read. The database is migrated first and its
    decision log grows by the run (use a throwaway database)."""
    wrk = wrk_path(install)
    if wrk is None:
        return None
    before = _decision_rows(migrate(url))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bodies.txt"
        write_bodies(bodies, path)
        runs, answered = _two_workers(wrk, path, tmp, seconds, rounds, connections, url, workers)
    return DatabaseLoad(runs, _decision_rows(url) - before, answered)
