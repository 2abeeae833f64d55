"""`make bench`: speed of the routing core and of POST /v1/route, measured in one run.

1. Core, in process: every question of the labelled set routed repeatedly; questions per
   second, median and p99 microseconds per question.
2. HTTP on loopback: requests/s of /v1/route and of a bare FastAPI endpoint with the same
   request model (app.devtools.bare), each on one uvicorn worker, driven by the same
   keep-alive load generator in alternating rounds; reported as ratios to the bare endpoint,
   with the decision cache on (questions repeat) and off (each question routed anew).
Figures are ratios against a baseline in the same run, never absolute promises.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.config import get_settings
from app.devtools.growth import bench_growth
from app.devtools.load import bench_load, bench_load_database, cold_start, report, rss_growth
from app.devtools.server import cpu_split, migrated_sqlite, serve
from app.routing import compiled_build_is_fresh
from app.routing.engine import Router
from app.routing.loader import load_ruleset
from app.routing.model import LocationInput, RouteInput


def load_questions(path: Path) -> list[dict[str, object]]:
    if path.is_file():
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        return [{"question": r["text"], **({"location": r["location"]} if r.get("location") else {})}
                for r in rows]
    import yaml  # fall back on the golden scenarios shipped with the tests

    out: list[dict[str, object]] = []
    for f in sorted(Path("tests/golden").glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            out.append({"question": case["question"]})
    return out


def route_inputs(bodies: list[dict[str, object]]) -> list[RouteInput]:
    """The routing core's inputs for request bodies (question and location)."""
    return [RouteInput(question=str(b["question"]),
                       location=LocationInput(**loc) if isinstance(loc := b.get("location"), dict) else None)
            for b in bodies]


# What makes a question new to the core: a tag no earlier question carried (as varied.lua does
# under load), so no per-word memo knows it.
NEW_TAG = " ({r}.{i})"


def bench_core(bodies: list[dict[str, object]], rounds: int) -> dict[str, float]:
    core = Router.from_directory(get_settings().rules_dir)
    inputs = route_inputs(bodies)
    for inp in inputs:  # warm-up
        core.route(inp)
    samples: list[int] = []
    t0 = time.perf_counter()
    for _ in range(rounds):
        for inp in inputs:
            s = time.perf_counter_ns()
            core.route(inp)
            samples.append(time.perf_counter_ns() - s)
    total = time.perf_counter() - t0
    samples.sort()
    # New questions, as under load: each question once more with a tag (NEW_TAG)
    fresh: list[int] = []
    for r in range(rounds):
        for i, inp in enumerate(inputs):
            tagged = dataclasses.replace(inp, question=f"{inp.question}{NEW_TAG.format(r=r, i=i)}")
            s = time.perf_counter_ns()
            core.route(tagged)
            fresh.append(time.perf_counter_ns() - s)
    fresh.sort()
    return {
        "questions": len(samples),
        "per_second": len(samples) / total,
        "median_us": statistics.median(samples) / 1000,
        "p99_us": samples[int(len(samples) * 0.99) - 1] / 1000,
        "new_median_us": statistics.median(fresh) / 1000,
        "new_p99_us": fresh[int(len(fresh) * 0.99) - 1] / 1000,
    }


# Measures one checkout's routing core on a labelled set, in a process of its own: run with the
# checkout as working directory, so each tree's own code and rule set are measured.
_CORE_SCRIPT = """
import json, statistics, sys, time
sys.path.insert(0, ".")
from app.routing.engine import Router
from app.routing.loader import load_ruleset
from app.routing.model import LocationInput, RouteInput
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
inputs = [RouteInput(question=r["text"], location=LocationInput(**r["location"]) if r.get("location") else None)
          for r in rows]
core = Router.from_directory("routing_rules")
for inp in inputs:
    core.route(inp)
best = None
for rep in range(int(sys.argv[2])):
    run = []
    for new in (False, True):  # the questions as known, then each with a tag not seen before
        samples = []
        for i, inp in enumerate(inputs):
            if new:
                inp = RouteInput(question=inp.question + sys.argv[3].format(r=rep, i=i), location=inp.location)
            s = time.perf_counter_ns()
            core.route(inp)
            samples.append(time.perf_counter_ns() - s)
        samples.sort()
        run += [statistics.median(samples) / 1000, samples[int(len(samples) * 0.99) - 1] / 1000]
    best = run if best is None else [min(b, r) for b, r in zip(best, run)]
print(json.dumps(best))
"""


def _same_build(tree: Path) -> str:
    """How both sides of a comparison run: "compiled" where this checkout runs its mypyc build and the
    baseline in `tree` builds too (`app.devtools.compile`, about a minute), else "pure" for both, so a
    compiled core is never compared with a pure one (a baseline without the build ran pure before
    2026-12-07 and read as ~0.7x)."""
    if os.environ.get("WEGWIJZER_PURE") == "1" or not compiled_build_is_fresh():
        return "pure"
    built = subprocess.run([sys.executable, "-m", "app.devtools.compile"], cwd=tree, capture_output=True, text=True)
    return "compiled" if built.returncode == 0 and (tree / "build" / "mypyc" / "DIGEST").is_file() else "pure"


def bench_against(baseline: str, labelled: Path, rounds: int, reps: int = 5) -> tuple[dict[str, float], str]:
    """The routing core of this checkout against another commit's, in alternating rounds of
    separate processes (each pinned to one CPU where possible): the lowest median and p99 per
    question of each, and their ratio, and whether both ran compiled or both pure (`_same_build`).
    The baseline is checked out with `git archive`, so the working tree is left alone."""
    root = Path(__file__).resolve().parents[2]
    pin = [] if not hasattr(os, "sched_setaffinity") else ["taskset", "-c", str(max(os.sched_getaffinity(0)))]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "baseline"
        tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", baseline, "app", "routing_rules", "pyproject.toml"],
            capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        mode = _same_build(tree)
        env = {**os.environ, **({"WEGWIJZER_PURE": "1"} if mode == "pure" else {})}
        best: dict[str, list[float]] = {}
        for r in range(rounds):
            for name, cwd in ((("baseline", tree), ("current", root)) if r % 2 == 0 else
                              (("current", root), ("baseline", tree))):
                out = subprocess.run([*pin, sys.executable, "-c", _CORE_SCRIPT, str(labelled.resolve()), str(reps),
                                      NEW_TAG],
                                     cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout
                run = json.loads(out)
                best[name] = [min(b, r) for b, r in zip(best.get(name, run), run, strict=True)]
    keys = ("median_us", "p99_us", "new_median_us", "new_p99_us")
    figures = {f"{name}_{k}": best[name][i] for name in ("baseline", "current") for i, k in enumerate(keys)}
    for k in keys:
        figures[k.replace("_us", "_ratio")] = figures[f"current_{k}"] / figures[f"baseline_{k}"]
    return figures, mode


def bench_learned(bodies: list[dict[str, object]], rounds: int) -> dict[str, float]:
    """The same rule set with the learned model combined (as shipped) and left out, in one
    process and alternating rounds: what the second opinion costs per question."""
    data = load_ruleset(get_settings().rules_dir)
    lexicon = dataclasses.replace(data, thresholds=dataclasses.replace(
        data.thresholds, learned=dataclasses.replace(data.thresholds.learned, mode="lexicon")))
    routers = {"combined": Router(data), "lexicon": Router(lexicon)}
    inputs = route_inputs(bodies)
    for router in routers.values():
        for inp in inputs:
            router.route(inp)
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, router in routers.items():
            samples = []
            for inp in inputs:
                t = time.perf_counter_ns()
                router.route(inp)
                samples.append(time.perf_counter_ns() - t)
            med = statistics.median(samples) / 1000
            best[name] = min(best.get(name, med), med)
    return {"combined_median_us": best["combined"], "lexicon_median_us": best["lexicon"],
            "ratio": best["combined"] / best["lexicon"]}


async def _client(host: str, port: int, requests: list[bytes], stop: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = 0
    try:
        while time.perf_counter() < stop:
            writer.write(requests[i % len(requests)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.split(b"\r\n")[0].decode())
            counts[0] += 1
    finally:
        writer.close()


async def _load(base: str, bodies: list[bytes], seconds: float, connections: int) -> float:
    host, port = base.removeprefix("http://").split(":")
    reqs = [
        b"POST /v1/route HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(b)}\r\n\r\n".encode() + b
        for b in bodies
    ]
    counts = [0]
    stop = time.perf_counter() + seconds
    t0 = time.perf_counter()
    await asyncio.gather(*(_client(host, int(port), reqs, stop, counts) for _ in range(connections)))
    return counts[0] / (time.perf_counter() - t0)


_LOG_SLICES = 10
_LOG_SLICE_S = 0.5


def bench_http(bodies: list[dict[str, object]], seconds: float, rounds: int,
               connections: int, log_rounds: int) -> dict[str, float]:
    """Four servers, measured in alternating rounds: the bare endpoint; the service as
    configured (answer cache on: the set's questions repeat, as FAQ traffic does; decision log
    on, SQLite); the same with the decision log off; and the service with the cache off (every
    question routed from scratch, log on).

    The decision log's cost is a small difference between two figures that drift by more than
    that on a shared machine, so it is measured on its own: `log_rounds` blocks, each switching
    between log off and log on every half second for ten slices each (the order alternating),
    so drifts hit both alike; the ratio is requests with the log over requests without it per
    block, reported as the median over the blocks."""
    payloads = [json.dumps(b, ensure_ascii=False).encode() for b in bodies]
    runs: dict[str, list[float]] = {"bare": [], "cached": [], "nolog": [], "uncached": [], "memlimit": []}
    with tempfile.TemporaryDirectory() as tmp:
        env = {name: {"DATABASE_URL": migrated_sqlite(tmp, name), "WEGWIJZER_ANONYMOUS_RATE_LIMIT": "1000000"}
               for name in ("cached", "nolog", "uncached", "memlimit")}
        # the shared (database) rate-limit counter against counting in the process
        env["memlimit"]["WEGWIJZER_RATE_LIMIT_STORAGE"] = "memory://"
        env["nolog"]["WEGWIJZER_DECISION_LOG"] = "false"
        env["uncached"]["WEGWIJZER_DECISION_CACHE_SIZE"] = "0"
        server_cpus, client_cpus = cpu_split()
        with serve("app.devtools.bare:app", cpus=server_cpus) as bare, serve(
            "app.main:app", env["cached"], cpus=server_cpus
        ) as cached, serve("app.main:app", env["nolog"], cpus=server_cpus) as nolog, serve(
            "app.main:app", env["uncached"], cpus=server_cpus
        ) as uncached, serve("app.main:app", env["memlimit"], cpus=server_cpus) as memlimit:
            if client_cpus:
                os.sched_setaffinity(0, client_cpus)
            bases: dict[str, str] = {"bare": bare, "cached": cached, "nolog": nolog, "uncached": uncached,
                                     "memlimit": memlimit}
            for base in bases.values():  # warm-up
                asyncio.run(_load(base, payloads, 1.0, connections))
            for _ in range(rounds):
                for name in ("bare", "cached", "uncached"):
                    runs[name].append(asyncio.run(_load(bases[name], payloads, seconds, connections)))
            blocks = _interleaved(bases, "cached", "nolog", payloads, connections, log_rounds, runs)
            limit_blocks = _interleaved(bases, "cached", "memlimit", payloads, connections, log_rounds, runs)
    med = {k: statistics.median(v) for k, v in runs.items()}
    return {"bare_rps": med["bare"], "cached_rps": med["cached"], "nolog_rps": med["nolog"],
            "uncached_rps": med["uncached"], "cached_ratio": med["cached"] / med["bare"],
            "uncached_ratio": med["uncached"] / med["bare"],
            "log_ratio": statistics.median(blocks), "log_ratio_min": min(blocks), "log_ratio_max": max(blocks),
            "log_rounds": len(blocks), "memlimit_rps": med["memlimit"],
            "limit_ratio": statistics.median(limit_blocks), "limit_ratio_min": min(limit_blocks),
            "limit_ratio_max": max(limit_blocks)}


def _interleaved(bases: dict[str, str], on: str, off: str, payloads: list[bytes], connections: int,
                 blocks: int, runs: dict[str, list[float]]) -> list[float]:
    """Per block, requests/s of `on` over `off`, switching every slice (order alternating) so
    that the machine's drift hits both alike."""
    out: list[float] = []
    for _ in range(blocks):
        done = {on: 0.0, off: 0.0}
        for i in range(_LOG_SLICES):
            for name in ((off, on) if i % 2 == 0 else (on, off)):
                done[name] += asyncio.run(_load(bases[name], payloads, _LOG_SLICE_S, connections))
        runs[off].append(done[off] / _LOG_SLICES)
        out.append(done[on] / done[off])
    return out


def bench_workers(bodies: list[dict[str, object]], seconds: float, rounds: int, connections: int) -> dict[str, float]:
    """The service with 1 and with 2 uvicorn workers (all CPUs, shared with the load generator:
    on a 2-core machine the generator takes part of the second core), in alternating rounds."""
    payloads = [json.dumps(b, ensure_ascii=False).encode() for b in bodies]
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, os.sched_getaffinity(0) | set(range(os.cpu_count() or 1)))
    runs: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        env = {"DATABASE_URL": migrated_sqlite(tmp, "workers"), "WEGWIJZER_ANONYMOUS_RATE_LIMIT": "1000000"}
        with serve("app.main:app", env, workers=1) as one, serve("app.main:app", env, workers=2) as two:
            bases = {1: one, 2: two}
            for base in bases.values():
                asyncio.run(_load(base, payloads, 1.0, connections))
            for r in range(rounds):
                for n in ((1, 2) if r % 2 == 0 else (2, 1)):
                    runs[n].append(asyncio.run(_load(bases[n], payloads, seconds, connections)))
    one_rps, two_rps = statistics.median(runs[1]), statistics.median(runs[2])
    return {"one_rps": one_rps, "two_rps": two_rps, "ratio": two_rps / one_rps}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--set", default="../shared/eval/dev.jsonl")
    p.add_argument("--core-rounds", type=int, default=20)
    p.add_argument("--seconds", type=float, default=4.0)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--log-rounds", type=int, default=7)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--baseline", default=None,
                   help="a git commit whose routing core to compare with (e.g. the one before a change)")
    p.add_argument("--baseline-rounds", type=int, default=8)
    p.add_argument("--core-only", action="store_true", help="skip the HTTP measurements")
    p.add_argument("--growth-factor", type=int, default=10,
                   help="grow the lexicon and the decision rows this many times for the growth check (0: skip)")
    p.add_argument("--load-seconds", type=float, default=8.0, help="seconds per wrk run (0: skip the load runs)")
    p.add_argument("--load-rounds", type=int, default=2)
    p.add_argument("--load-connections", default="8,32")
    p.add_argument("--no-install", action="store_true", help="do not install wrk when it is missing")
    p.add_argument("--database-url", default=None,
                   help="also load /v1/route with two workers on this (throwaway) database, e.g. PostgreSQL")
    p.add_argument("--rss-requests", type=int, default=100_000,
                   help="varied questions after which a worker's memory is read (0: skip)")
    args = p.parse_args()
    bodies = load_questions(Path(args.set))
    core = bench_core(bodies, args.core_rounds)
    print(f"core: {core['questions']} routings, {core['per_second']:.0f} questions/s, "
          f"median {core['median_us']:.0f} µs, p99 {core['p99_us']:.0f} µs per question; new questions (each "
          f"with a tag not seen before) median {core['new_median_us']:.0f} µs, p99 {core['new_p99_us']:.0f} µs")
    learned = bench_learned(bodies, max(5, args.core_rounds // 2))
    print(f"core: learned model combined {learned['combined_median_us']:.0f} µs vs left out "
          f"{learned['lexicon_median_us']:.0f} µs median per question: ratio {learned['ratio']:.2f}")
    if args.baseline and Path(args.set).is_file():
        cmp, mode = bench_against(args.baseline, Path(args.set), args.baseline_rounds)
        print(f"core: this checkout vs {args.baseline} (both {mode}; alternating processes, lowest of "
              f"{args.baseline_rounds // 2} rounds each): median {cmp['current_median_us']:.0f} vs "
              f"{cmp['baseline_median_us']:.0f} µs, ratio {cmp['median_ratio']:.2f}; p99 "
              f"{cmp['current_p99_us']:.0f} vs {cmp['baseline_p99_us']:.0f} µs, ratio {cmp['p99_ratio']:.2f}; "
              f"new questions median {cmp['current_new_median_us']:.0f} vs {cmp['baseline_new_median_us']:.0f} µs, "
              f"ratio {cmp['new_median_ratio']:.2f}, p99 {cmp['current_new_p99_us']:.0f} vs "
              f"{cmp['baseline_new_p99_us']:.0f} µs, ratio {cmp['new_p99_ratio']:.2f}")
    if args.growth_factor > 1:
        g = bench_growth(str(get_settings().rules_dir), route_inputs(bodies), args.growth_factor,
                         max(5, args.core_rounds // 2))
        print(f"core: growth x{args.growth_factor} ({g['shipped_cues']:.0f} -> {g['grown_cues']:.0f} cues, "
              f"{g['shipped_rows']:.0f} -> {g['grown_rows']:.0f} decision rows, same answers): median "
              f"{g['grown_median_us']:.0f} vs {g['shipped_median_us']:.0f} µs per question, ratio {g['ratio']:.2f}")
    if args.core_only:
        return 0
    http = bench_http(bodies, args.seconds, args.rounds, args.connections, args.log_rounds)
    print(f"http: bare endpoint (same request model) {http['bare_rps']:.0f} req/s")
    print(f"http: /v1/route, repeated questions (decision cache) {http['cached_rps']:.0f} req/s: "
          f"ratio {http['cached_ratio']:.2f} x bare")
    print(f"http: /v1/route, every question routed anew (cache off) {http['uncached_rps']:.0f} req/s: "
          f"ratio {http['uncached_ratio']:.2f} x bare")
    print(f"http: decision log on SQLite vs off (log off median {http['nolog_rps']:.0f} req/s): ratio "
          f"{http['log_ratio']:.2f}, median of {http['log_rounds']:.0f} interleaved blocks "
          f"(range {http['log_ratio_min']:.2f}-{http['log_ratio_max']:.2f})")
    print(f"http: rate-limit counter shared in SQLite vs per process (memory {http['memlimit_rps']:.0f} req/s): "
          f"ratio {http['limit_ratio']:.2f} (range {http['limit_ratio_min']:.2f}-{http['limit_ratio_max']:.2f})")
    workers = bench_workers(bodies, args.seconds, max(4, args.rounds), args.connections * 2)
    print(f"http: /v1/route with 1 worker {workers['one_rps']:.0f} req/s, with 2 workers {workers['two_rps']:.0f} "
          f"req/s on {os.cpu_count()} CPUs (load generator on the same CPUs): ratio {workers['ratio']:.2f}")
    conns = tuple(int(c) for c in args.load_connections.split(","))
    if args.load_seconds > 0:
        load = bench_load(bodies, args.load_seconds, args.load_rounds, conns, install=not args.no_install)
        if load is None:
            print("load: wrk is not installed (apt-get install wrk); the load runs are skipped")
        else:
            for line in report(load):
                print(line)
    if args.database_url and args.load_seconds > 0:
        db = bench_load_database(bodies, args.database_url, args.load_seconds, args.load_rounds, conns,
                                 install=not args.no_install)
        if db is not None:
            kind = args.database_url.split(":", 1)[0]
            for n in conns:
                run, floor = db.runs["route"][n], db.runs["floor"][n]
                print(f"load c={n:<3} {kind}, two workers on all CPUs (shared with wrk): /v1/route {run.rps:.0f} "
                      f"req/s = {run.rps / floor.rps:.2f} x the floor's {floor.rps:.0f}; p50 {run.p50_ms:.1f} "
                      f"p90 {run.p90_ms:.1f} p99 {run.p99_ms:.1f} ms ({run.p99_ms / floor.p99_ms:.1f} x floor), "
                      f"max {run.max_ms:.0f} ms")
            print(f"load: {kind}: {db.rows} decision rows written for {db.answered} answered requests: "
                  f"{'every answer logged' if db.rows >= db.answered else 'ROWS MISSING'}")
    first, again = cold_start()
    print(f"start: process start to the first 200 on /readyz (make run's configuration): restart on its "
          f"database median {statistics.median(again):.2f} s, slowest {max(again):.2f} s of {len(again)}; first "
          f"start on a database just migrated (the migration published the shipped rule set) median "
          f"{statistics.median(first):.2f} s, "
          f"slowest {max(first):.2f} s")
    if args.rss_requests > 0:
        rss = rss_growth(bodies, args.rss_requests, install=not args.no_install)
        if rss is not None:
            print(f"memory: one worker {rss['warm_mb']:.0f} MB after {rss['warm_requests']:.0f} varied questions, "
                  f"{rss['after_mb']:.0f} MB after {rss['requests']:.0f} more")
    return 0


if __name__ == "__main__":
    sys.exit(main())
