"""`make eval`: how well the routing generalises, measured honestly.

    python -m app.devtools.evaluate                 # dev and train, folds, the first-look log
    python -m app.devtools.evaluate first-look (--fold N | --set FILE) [--note TEXT]
    python -m app.devtools.evaluate misses (--fold N | --set FILE)

Three figures, and which one to believe:

1. The shared judge's scorer (../shared/tools/score_route.py) against a running service, on the
   dev set (a measuring set: never tuned on) and on train (for learning: its misses are read).
2. Train split into folds by original question (a variant stays with its original). For each
   fold the in-process score of the shipped configuration, marked "read" once its misses have
   been looked at: a read fold's score measures memory, not routing.
3. The first-look log (docs/eval-log.md): the score of a fold recorded *before* its misses were
   read, with the date and rule-set version, for the lexicon alone (a), the learned model alone
   (b, trained without that fold) and their combination (c). That is the number to believe.

`first-look` records a fold's figures in the log and refuses a fold whose misses were read;
`misses` prints a fold's misses and records in the log that they were read.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.config import PROJECT_ROOT, get_settings
from app.devtools.quality import (
    DEFAULT_FOLDS,
    Answer,
    Score,
    fold_of,
    load_rows,
    model_answer,
    router_answer,
    score,
    split,
)
from app.devtools.server import migrated_sqlite, serve
from app.routing.engine import Router
from app.routing.learned import NeedModel
from app.routing.loader import RuleSetData, load_ruleset

SHARED = PROJECT_ROOT.parent / "shared"
DEV = SHARED / "eval" / "dev.jsonl"
TRAIN = SHARED / "eval" / "train.jsonl"
SCORER = SHARED / "tools" / "score_route.py"
LOG = PROJECT_ROOT / "docs" / "eval-log.md"
MODES = ("lexicon", "model", "combined")
_FIRST_LOOK = "## First looks"
_READ = "## Folds read"
_ROW = re.compile(r"^\|(.+)\|\s*$")


# -- the log -------------------------------------------------------------------------------------
def _table(section: str, text: str) -> list[list[str]]:
    """The rows of the markdown table under a section heading (without header and rule)."""
    if section not in text:
        return []
    body = text.split(section, 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in m.group(1).split("|")] for line in body.splitlines()
            if (m := _ROW.match(line.strip()))]
    return [r for r in rows[2:]]  # header and |---| rule


def read_folds(text: str) -> dict[str, str]:
    """Fold ("0".."k-1", or the name of a further labelled set) -> the date its misses were first read."""
    out: dict[str, str] = {}
    for r in _table(_READ, text):
        out.setdefault(r[1], r[0])
    return out


def set_name(path: Path) -> str:
    """How a further labelled set is named in the log: its file name without .jsonl, prefixed by
    its folder ("fresh/a.jsonl" -> "fresh-a")."""
    return f"{path.parent.name}-{path.stem}"


def first_looks(text: str) -> list[dict[str, str]]:
    keys = ("date", "ruleset", "fold", "mode", "n", "top1", "top3", "region", "oos_p", "oos_r", "note")
    return [dict(zip(keys, r, strict=False)) for r in _table(_FIRST_LOOK, text)]


def _append(section: str, line: str) -> None:
    text = LOG.read_text(encoding="utf-8")
    head, _, rest = text.partition(section)
    table, sep, tail = rest.partition("\n## ")
    LOG.write_text(head + section + table.rstrip("\n") + "\n" + line + "\n" + ("\n## " + tail if sep else ""),
                   encoding="utf-8")


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


# -- routers for the three modes -------------------------------------------------------------------
def _with_mode(data: RuleSetData, mode: str, model: NeedModel | None = None) -> Router:
    """A router on the same rule set, with the learned model left out ("lexicon") or combined
    as thresholds.yaml says ("combined"); `model` replaces the shipped one (cross-validation: a
    model trained without the scored fold)."""
    learned = dataclasses.replace(data.thresholds.learned, mode=mode)
    thresholds = dataclasses.replace(data.thresholds, learned=learned)
    return Router(dataclasses.replace(data, thresholds=thresholds, model=model or data.model))


def mode_answers(data: RuleSetData, model: NeedModel | None, modes: Sequence[str] = MODES
                 ) -> dict[str, Answer]:
    """(a) the lexicon and rules alone, (b) the learned model alone, (c) the combination."""
    out: dict[str, Answer] = {}
    for mode in modes:
        if mode == "lexicon":
            out[mode] = router_answer(_with_mode(data, "lexicon"))
        elif model is not None and mode == "model":
            out[mode] = model_answer(Router(data), model)
        elif model is not None and mode == "combined":
            out[mode] = router_answer(_with_mode(data, "combined", model))
    return out


def fold_model(fold: int, k: int = DEFAULT_FOLDS) -> NeedModel:
    """The learned model trained on everything but this train fold (never on dev)."""
    from app.devtools.train_model import fit, load_training_rows  # scikit-learn: dev extra only

    rows = [r for r in load_training_rows() if not (r["source"] == "train" and fold_of(r, k) == fold)]
    return NeedModel.from_document(fit(rows))


def fold_scores(data: RuleSetData, rows: Sequence[dict[str, Any]], fold: int, k: int = DEFAULT_FOLDS,
                modes: Sequence[str] = MODES) -> dict[str, Score]:
    _, inside = split(rows, fold, k)
    model = fold_model(fold, k) if set(modes) - {"lexicon"} else None
    return {mode: score(inside, answer) for mode, answer in mode_answers(data, model, modes).items()}


# -- commands ------------------------------------------------------------------------------------
def cmd_first_look(args: argparse.Namespace) -> int:
    """Record the score of a train fold (with a model trained without it) or of a further labelled
    set (`--set`, with the shipped model), before its misses are read."""
    fold = set_name(args.set) if args.set else str(args.fold)
    text = LOG.read_text(encoding="utf-8")
    read = read_folds(text)
    if fold in read:
        print(f"{fold}: its misses were read on {read[fold]}; a score now measures memory, "
              "not routing. No first look recorded.", file=sys.stderr)
        return 1
    data = load_ruleset(get_settings().rules_dir)
    if args.set:
        rows = load_rows(args.set)
        scores = {mode: score(rows, answer) for mode, answer in mode_answers(data, data.model).items()}
    else:
        scores = fold_scores(data, load_rows(TRAIN), args.fold, args.k)
    for mode, s in scores.items():
        m = s.metrics()
        line = (f"| {date.today().isoformat()} | {data.meta.version} | {fold} | {mode} | {m['n']} | "
                f"{_fmt(m['top1'])} | {_fmt(m['top3'])} | {_fmt(m['region_exact'])} | "
                f"{_fmt(m['oos_precision'])} | {_fmt(m['oos_recall'])} | {args.note} |")
        _append(_FIRST_LOOK, line)
        print(line)
    return 0


def cmd_misses(args: argparse.Namespace) -> int:
    """Misses as the first look saw them: the lexicon alone, and combined with the model (for a
    train fold one trained without the fold: the shipped model has learned its questions).
    Records that they were read."""
    rows = load_rows(args.set or TRAIN)
    if args.set is None:
        _, rows = split(rows, args.fold, args.k)
    data = load_ruleset(get_settings().rules_dir)
    model = fold_model(args.fold, args.k) if args.set is None else data.model
    for mode, answer in mode_answers(data, model, ("lexicon", "combined")).items():
        s = score(rows, answer)
        print(f"== {mode}: {s.metrics()}")
        for rid, text, what in s.misses:
            print(f"MISS {rid} {what} | {text}")
    fold = set_name(args.set) if args.set else str(args.fold)
    text = LOG.read_text(encoding="utf-8")
    if fold not in read_folds(text):
        _append(_READ, f"| {date.today().isoformat()} | {fold} | {data.meta.version} |")
    return 0


def _http(labelled: Path, scorer: Path, misses: int) -> tuple[dict[str, str], list[str], int]:
    with tempfile.TemporaryDirectory() as tmp, serve(
        "app.main:app", env={"DATABASE_URL": migrated_sqlite(tmp, "eval"),
                             "WEGWIJZER_ANONYMOUS_RATE_LIMIT": "1000000"}
    ) as base:
        out = subprocess.run([sys.executable, str(scorer), base, str(labelled), "--misses", str(misses)],
                             capture_output=True, text=True)
    lines = out.stdout.splitlines()
    metrics = {k.strip(): v.strip() for k, _, v in (ln.partition(":") for ln in lines if not ln.startswith("MISS"))}
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
    return metrics, [ln for ln in lines if ln.startswith("MISS")], out.returncode


def cmd_report(args: argparse.Namespace) -> int:
    rc = 0
    # 1. the judge's scorer against the running service
    for name, path in (("dev", args.set or DEV), ("train", TRAIN)):
        if not path.is_file() or not SCORER.is_file():
            print(f"{name}: {path} or {SCORER} not found; skipped")
            continue
        metrics, misses, code = _http(path, SCORER, args.misses if name == "dev" else 0)
        rc = rc or code
        print(f"{name} ({path}), scored by score_route.py against the running service:")
        for k in ("n", "top1", "top1_originals", "top3", "region_exact", "needs_location", "oos_precision",
                  "oos_recall", "language", "latency_ms_p50"):
            print(f"  {k}: {metrics.get(k)}")
        for ln in misses:
            print("  " + ln)
    if not TRAIN.is_file():
        return rc
    # 2. folds of train, in process, with the shipped configuration
    text = LOG.read_text(encoding="utf-8") if LOG.is_file() else ""
    read = read_folds(text)
    data = load_ruleset(get_settings().rules_dir)
    rows = load_rows(TRAIN)
    shipped = data.thresholds.learned.mode
    print(f"\ntrain by fold (k={args.k}), in process, shipped mode '{shipped}', rule set {data.meta.version}:")
    answer = router_answer(Router(data))
    for fold in range(args.k):
        _, inside = split(rows, fold, args.k)
        m = score(inside, answer).metrics()
        seen = f"misses read {read[str(fold)]}" if str(fold) in read else "unread"
        print(f"  fold {fold}: n {m['n']:3d}  top1 {_fmt(m['top1'])}  top3 {_fmt(m['top3'])}  "
              f"region {_fmt(m['region_exact'])}  oos p/r {_fmt(m['oos_precision'])}/{_fmt(m['oos_recall'])}"
              f"  ({seen})")
    # 3. the first-look log: the figure to believe
    looks = first_looks(text)
    if looks:
        print(f"\nfirst looks ({LOG.relative_to(PROJECT_ROOT)}): the score of a fold before its misses were read")
        latest: dict[tuple[str, str], dict[str, str]] = {}
        for look in looks:
            latest[(look["fold"], look["mode"])] = look
        for mode in MODES:
            vals = [(f, v) for (f, m), v in sorted(latest.items()) if m == mode]
            if not vals:
                continue
            top1 = [float(v["top1"]) for _, v in vals if v["top1"] not in ("–", "")]
            print(f"  {mode:9s} latest per fold: " + "  ".join(f"{f}:{v['top1']} ({v['ruleset']})" for f, v in vals)
                  + (f"  mean {statistics.mean(top1):.3f}" if top1 else ""))
    return rc


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--k", type=int, default=DEFAULT_FOLDS, help="number of folds of train")
    sub = p.add_subparsers(dest="cmd")
    rep = sub.add_parser("report", help="dev and train by the judge's scorer, folds, first-look log (default)")
    rep.add_argument("--set", type=Path, default=None, help="labelled JSONL instead of the dev set")
    rep.add_argument("--misses", type=int, default=100, help="dev misses to print")
    fl = sub.add_parser("first-look", help="record a fold's score before reading its misses")
    fl.add_argument("--fold", type=int, default=0)
    fl.add_argument("--set", type=Path, default=None,
                    help="a further labelled JSONL file, scored whole (logged under its name)")
    fl.add_argument("--note", default="", help="what changed since the last round")
    ms = sub.add_parser("misses", help="print a fold's misses (and record that they were read)")
    ms.add_argument("--fold", type=int, default=0)
    ms.add_argument("--set", type=Path, default=None, help="a further labelled JSONL file instead of a fold")
    args = p.parse_args(argv)
    commands: dict[str | None, Callable[[argparse.Namespace], int]] = {
        None: cmd_report, "report": cmd_report, "first-look": cmd_first_look, "misses": cmd_misses}
    if args.cmd is None:
        args.set, args.misses = None, 100
    return commands[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
