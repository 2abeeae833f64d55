"""Honest replays: each further labelled set routed again by the tree of its own first-look commit
(the rule set, the code and the learned model it was first scored with, the model never trained on
it), as it was and with a change, so a change to the arbitration or a threshold is judged on answers
it never saw (issue 12; how the model's scope thresholds were chosen, docs/learned-model.md).

    python -m app.devtools.replay --since ce [--patch change.diff] [--learned back_in_none_p=0.02 ...]
    python -m app.devtools.replay --sets cz,da --learned first_door_p=0.5

The first-look commit of set `x` is the commit that added its "| fresh-x | combined |" row to
docs/eval-log.md. Every such commit gets a detached worktree; the change (a `git diff` of code or
rule files) is applied there with `git apply`, and `--learned` overrides thresholds.yaml `learned`
values in memory. The routing runs in a subprocess on that tree's own code (pure Python), so old
commits need nothing of this module. Prints per set and pooled: top-1, top-3, region exact and
out-of-scope precision / recall, before and after, and every row whose verdict changed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from app.config import PROJECT_ROOT
from app.devtools.evaluate import first_looks
from app.devtools.quality import Outcome, Score, load_rows

LOG = "docs/eval-log.md"
FRESH = PROJECT_ROOT / "eval" / "fresh"

# Run in the old tree with its own code: only load_ruleset, Router and quality.router_answer, which
# every first-look commit since the fresh sets began has.
_WORKER = """
import dataclasses, json, sys
from pathlib import Path
from app.routing.engine import Router
from app.routing.loader import load_ruleset
from app.devtools.quality import load_rows, router_answer
tree, files = sys.argv[1], sys.argv[3:]
overrides = {k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(sys.argv[2]).items()}
data = load_ruleset(Path(tree) / "routing_rules")
if overrides:
    th = data.thresholds
    data = dataclasses.replace(data, thresholds=dataclasses.replace(
        th, learned=dataclasses.replace(th.learned, **overrides)))
answer = router_answer(Router(data))
for f in files:
    for row in load_rows(f):
        print(json.dumps({"id": row["id"], **dataclasses.asdict(answer(row))}))
"""


def _git(*args: str, cwd: Path = PROJECT_ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def first_look_commit(name: str, repo: Path = PROJECT_ROOT) -> str | None:
    """The commit that logged set `name`'s first look (its "| fresh-<name> | combined |" row)."""
    found = _git("log", "--format=%H", "--reverse", "-S", f"| fresh-{name} | combined |", "--", LOG, cwd=repo)
    return found.split()[0] if found.split() else None


def logged_sets(repo: Path = PROJECT_ROOT) -> list[str]:
    """The further labelled sets with a first look in the log, in the log's order."""
    rows = first_looks((repo / LOG).read_text(encoding="utf-8"))
    names = [r["fold"].removeprefix("fresh-") for r in rows if r["fold"].startswith("fresh-")]
    return list(dict.fromkeys(names))


def _route(tree: Path, overrides: dict[str, Any], files: Sequence[Path]) -> dict[str, Outcome]:
    env = {**os.environ, "PYTHONPATH": str(tree), "WEGWIJZER_PURE": "1"}
    out = subprocess.run([sys.executable, "-c", _WORKER, str(tree), json.dumps(overrides), *map(str, files)],
                         cwd=tree, env=env, check=True, capture_output=True, text=True).stdout
    answers: dict[str, Outcome] = {}
    for line in out.splitlines():
        d = json.loads(line)
        rid = d.pop("id")
        answers[rid] = Outcome(**{**d, "families": tuple(d["families"])})
    return answers


def _apply(patch: Path, tree: Path) -> bool:
    """Apply the change in a first-look tree: as it is, else merged with the files it was made
    against (`git apply --3way`: the code may have moved on since that first look); False when
    it conflicts there (a line it changes was changed since)."""
    for extra in ((), ("--3way",)):
        try:
            _git("apply", *extra, str(patch.resolve()), cwd=tree)
            return True
        except subprocess.CalledProcessError:
            continue
    return False


def replay(names: Iterable[str], patch: Path | None, overrides: dict[str, Any],
           repo: Path = PROJECT_ROOT) -> dict[str, tuple[Score, Score, list[str]] | None]:
    """Per set: (score as first looked at, score with the change, the rows whose verdict changed),
    or None where the change does not apply at the set's first-look commit."""
    by_commit: dict[str, list[str]] = defaultdict(list)
    for name in names:
        commit = first_look_commit(name, repo)
        if commit is None:
            raise SystemExit(f"no first look of fresh-{name} in {LOG}")
        by_commit[commit].append(name)
    results: dict[str, tuple[Score, Score, list[str]] | None] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for commit, sets in by_commit.items():
            tree = Path(tmp) / commit[:12]
            _git("worktree", "add", "--detach", str(tree), commit, cwd=repo)
            try:
                files = [FRESH / f"{s}.jsonl" for s in sets]
                before = _route(tree, {}, files)
                if patch is not None and not _apply(patch, tree):
                    results.update(dict.fromkeys(sets))
                    continue
                after = _route(tree, overrides, files)
            finally:
                _git("worktree", "remove", "--force", str(tree), cwd=repo)
            for s, f in zip(sets, files, strict=True):
                old, new, changed = Score(), Score(), []
                for row in load_rows(f):
                    a, b = old.add(row, before[row["id"]]), new.add(row, after[row["id"]])
                    if a != b:
                        changed.append(f"{'gained' if b else 'lost'} {row['id']}: {row['text'][:100]}")
                results[s] = (old, new, changed)
    return results


def _figures(s: Score) -> str:
    m = s.metrics()
    return "  ".join(f"{label} {'-' if m[key] is None else m[key]}" for label, key in (
        ("top-1", "top1"), ("top-3", "top3"), ("region", "region_exact"),
        ("out of scope P", "oos_precision"), ("R", "oos_recall")))


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--sets", help="comma-separated set names (eval/fresh/<name>.jsonl)")
    which.add_argument("--since", help="every logged set from this one on, in the log's order")
    p.add_argument("--patch", type=Path, help="a `git diff` to apply in each first-look tree")
    p.add_argument("--learned", nargs="*", default=[], metavar="KEY=VALUE",
                   help="thresholds.yaml learned values to override (JSON values: 0.5, [\"homeowner\"])")
    args = p.parse_args(argv)
    logged = logged_sets()
    names = args.sets.split(",") if args.sets else logged[logged.index(args.since):]
    overrides = {k: _value(v) for k, v in (item.split("=", 1) for item in args.learned)}
    results = replay(names, args.patch, overrides)
    done = {name: r for name, r in results.items() if r is not None}
    for name, (old, new, changed) in done.items():
        print(f"{name:<4} before  {_figures(old)}")
        print(f"{'':<4} after   {_figures(new)}")
        for line in changed:
            print(f"       {line}")
    skipped = [name for name, r in results.items() if r is None]
    if skipped:
        print(f"not replayed (the change conflicts with the rules or code of their first look): {', '.join(skipped)}")
    print(f"pooled before  {_figures(Score.pooled(o for o, _, _ in done.values()))}")
    print(f"pooled after   {_figures(Score.pooled(n for _, n, _ in done.values()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
