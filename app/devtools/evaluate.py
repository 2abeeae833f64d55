"""`make eval`: start the service on a free port and score it on a labelled set with the
shared scorer (../shared/tools/score_route.py), which applies exactly the judge's rules."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from app.devtools.server import migrated_sqlite, serve


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--set", default="../shared/eval/dev.jsonl", help="labelled JSONL file")
    p.add_argument("--scorer", default="../shared/tools/score_route.py")
    p.add_argument("--misses", type=int, default=100)
    args = p.parse_args()
    labelled, scorer = Path(args.set), Path(args.scorer)
    for f in (labelled, scorer):
        if not f.is_file():
            print(f"make eval: {f} not found (set EVAL_SET / SCORER)", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as tmp, serve(
        "app.main:app", env={"DATABASE_URL": migrated_sqlite(tmp, "eval"), "WEGWIJZER_ANONYMOUS_RATE_LIMIT": "1000000"}
    ) as base:
        out = subprocess.run([sys.executable, str(scorer), base, str(labelled),
                              "--misses", str(args.misses)], capture_output=True, text=True)
    lines = out.stdout.splitlines()
    metrics = [ln for ln in lines if not ln.startswith("MISS")]
    misses = [ln for ln in lines if ln.startswith("MISS")]
    print(f"Scored {labelled} against the running service (score_route.py):")
    for ln in metrics:
        print("  " + ln)
    if misses:
        print(f"{len(misses)} misses:")
        for ln in misses:
            print("  " + ln)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
    # The summary last, so `make -s eval | tail -n 3` shows the headline numbers.
    head = {k.strip(): v.strip() for k, _, v in (m.partition(":") for m in metrics)}
    print("summary: top1 {} top3 {} region {} oos p/r {}/{} language {}".format(
        head.get("top1"), head.get("top3"), head.get("region_exact"),
        head.get("oos_precision"), head.get("oos_recall"), head.get("language")))
    return out.returncode


if __name__ == "__main__":
    sys.exit(main())
