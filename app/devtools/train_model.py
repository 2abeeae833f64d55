"""Train the learned need model (app/routing/learned.py) and export it as plain JSON weights.

    python -m app.devtools.train_model [--out routing_rules/model/need_model.json] [--cv] [--folds 5]
                                       [--config NAME|all]

Training data: ../shared/eval/train.jsonl and the further labelled sets in eval/fresh/ whose misses
were read (real questions; a fresh set is learned from only after its first look, as the log
docs/eval-log.md records it), tests/scenarios/*.jsonl and tests/golden/*.yaml (family only).
../shared/eval/dev.jsonl is a measuring set: never read here.
Labels: `family` is the row's primary family, or "none" when it is out of scope; `theme` and
`service` come from in-scope rows that have them (not golden rows).

`--cv` cross-validates on the folds of train.jsonl (`fold_of`: variants share their original's
fold): each fold is scored by the exported model of train-minus-fold + scenarios + golden.
Without `--cv` the model is trained on everything and written to `--out`, its header carrying
the cross-validation summary of the same configuration. scikit-learn is a dev dependency; the
serving side reads the JSON in pure Python.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

from app.devtools.evaluate import LOG, read_folds, set_name
from app.devtools.quality import DEFAULT_FOLDS, fold_of, load_rows
from app.routing.learned import (
    FORMAT,
    HEADS,
    NO_FAMILY,
    FeatureSpec,
    NeedModel,
    feature_groups,
    features,
    group_sqnorm,
)
from app.routing.text import clean, tokenize

ROOT = Path(__file__).resolve().parents[2]
TRAIN_FILE = ROOT.parent / "shared" / "eval" / "train.jsonl"
SCENARIOS = ROOT / "tests" / "scenarios"
GOLDEN = ROOT / "tests" / "golden"
FRESH = ROOT / "eval" / "fresh"
DEFAULT_OUT = ROOT / "routing_rules" / "model" / "need_model.json"

Row = dict[str, Any]
REAL = ("train", "fresh")  # sources of real questions (weighed `Config.real_weight`)


@dataclass(frozen=True)
class Config:
    """Features and regularisation of one model; `real_weight` is the sample weight of real
    questions (train.jsonl and read fresh sets; scenario and golden rows weigh 1). The defaults
    are the chosen model."""

    spec: FeatureSpec = field(default_factory=FeatureSpec)
    c: float = 10.0  # inverse L2 regularisation strength of LogisticRegression
    real_weight: float = 2.0
    min_df: int = 3  # features seen in fewer training texts are dropped
    class_weight: str | None = "balanced"  # reweights the rarer classes (families, themes)
    prune: float = 0.2  # weights below this (absolute) are dropped on export (keeps the file under 3.8 MB)
    digits: int = 4  # significant digits of exported numbers

    def to_document(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("spec")
        return doc


CHOSEN = Config()
# The alternatives compared by `--cv --config all` (each differs from CHOSEN in one respect).
CONFIGS: dict[str, Config] = {
    "chosen": CHOSEN,
    "unbalanced": replace(CHOSEN, class_weight=None),
    "no-bigrams": replace(CHOSEN, spec=FeatureSpec(bigrams=False)),
    "char-3-5": replace(CHOSEN, spec=FeatureSpec(char_min=3, char_max=5)),
    "words-only": replace(CHOSEN, spec=FeatureSpec(char_min=0, char_max=0)),
    "real-x1": replace(CHOSEN, real_weight=1.0),
    "real-x4": replace(CHOSEN, real_weight=4.0),
    "c3": replace(CHOSEN, c=3.0),
    "c30": replace(CHOSEN, c=30.0),
}


# -- data --------------------------------------------------------------------------------------
def _labelled(row: Row, source: str, file: str) -> Row:
    oos = bool(row.get("out_of_scope"))
    theme, service = row.get("theme"), row.get("service")
    in_scope_need = not oos and theme not in (None, "none") and service not in (None, "none")
    return {**row, "source": source, "file": file,
            "family": NO_FAMILY if oos else row["primary"],
            "theme": theme if in_scope_need else None,
            "service": service if in_scope_need else None}


def read_fresh_sets(fresh: Path = FRESH, log: Path = LOG) -> list[Path]:
    """The further labelled sets whose misses were read: for learning. One not yet read is kept
    for its first look (a model trained on it would make that score memory)."""
    read = read_folds(log.read_text(encoding="utf-8"))
    return [p for p in sorted(fresh.glob("*.jsonl")) if set_name(p) in read]


def load_training_rows(train: Path = TRAIN_FILE, scenarios: Path = SCENARIOS, golden: Path = GOLDEN,
                       fresh: Sequence[Path] | None = None) -> list[Row]:
    """Every labelled row, with `source` ("train", "fresh", "scenario", "golden"), `file` and the
    labels `family` (a family or "none"), `theme` and `service` (None where the row has none).
    `fresh`: the further labelled sets to learn from (default: those read, `read_fresh_sets`)."""
    rows = [_labelled(r, "train", train.name) for r in load_rows(train)]
    for path in read_fresh_sets() if fresh is None else fresh:
        rows += [_labelled(r, "fresh", path.name) for r in load_rows(path)]
    for path in sorted(scenarios.glob("*.jsonl")):
        rows += [_labelled(r, "scenario", path.name) for r in load_rows(path)]
    for path in sorted(golden.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            expect = case.get("expect") or {}
            if expect.get("outcome") == "out_of_scope":
                family = NO_FAMILY
            elif expect.get("primary"):
                family = str(expect["primary"]).split(":", 1)[0]
            else:
                continue  # a clarify case without a door
            rows.append({"id": case["id"], "text": case["question"], "source": "golden", "file": path.name,
                         "family": family, "theme": None, "service": None,
                         "primary": None if family == NO_FAMILY else family, "acceptable": [],
                         "out_of_scope": family == NO_FAMILY})
    return rows


def trained_on(rows: Sequence[Row]) -> dict[str, int]:
    """Row counts per source file (relative names; no texts)."""
    where = {"train": "../shared/eval/", "fresh": "eval/fresh/", "scenario": "tests/scenarios/",
             "golden": "tests/golden/"}
    counts: dict[str, int] = {}
    for r in rows:
        name = where[r["source"]] + r["file"]
        counts[name] = counts.get(name, 0) + 1
    return counts


# -- training ----------------------------------------------------------------------------------
@dataclass
class Trained:
    """The fitted vectoriser and one classifier per head (for export and for tests)."""

    config: Config
    vectorizer: Any
    idf: dict[str, float]
    heads: dict[str, Any]

    def transform(self, texts: Sequence[str]) -> Any:
        """The normalised feature matrix of `texts`, as the classifiers saw it."""
        x = self.vectorizer.transform(list(texts))
        scale = np.array([_inverse_norm(t, self.config.spec, self.idf) for t in texts])
        return x.multiply(scale[:, None]).tocsr()


def _inverse_norm(text: str, spec: FeatureSpec, idf: dict[str, float]) -> float:
    sq = sum(group_sqnorm(g, idf) for g in feature_groups(tokenize(clean(text)), spec))
    return 1.0 / math.sqrt(sq) if sq > 0 else 0.0


def _dedupe(rows: Sequence[Row], config: Config) -> list[tuple[str, Row, float]]:
    """(text, row, weight) once per distinct text and labels: location variants repeat a text."""
    seen: dict[tuple[Any, ...], tuple[str, Row, float]] = {}
    for r in rows:
        key = (r["text"], r["family"], r["theme"], r["service"])
        weight = config.real_weight if r["source"] in REAL else 1.0
        if key not in seen or seen[key][2] < weight:
            seen[key] = (r["text"], r, weight)
    return list(seen.values())


def train(rows: Sequence[Row], config: Config = CHOSEN) -> Trained:
    """Fit the vectoriser (learned.features is its analyzer) and the three heads."""
    items = _dedupe(rows, config)
    spec = config.spec
    vectorizer = TfidfVectorizer(analyzer=lambda text: features(tokenize(clean(text)), spec),
                                 min_df=config.min_df, norm=None, smooth_idf=True, sublinear_tf=False)
    vectorizer.fit([t for t, _, _ in items])
    idf = dict(zip(vectorizer.get_feature_names_out().tolist(), vectorizer.idf_.tolist(), strict=True))
    trained = Trained(config, vectorizer, idf, {})
    x = trained.transform([t for t, _, _ in items])
    for head in HEADS:
        pick = [i for i, (_, r, _) in enumerate(items) if r[head] is not None]
        y = [items[i][1][head] for i in pick]
        if len(set(y)) < 3:
            raise ValueError(f"{head}: fewer than three classes to learn")
        clf = LogisticRegression(C=config.c, class_weight=config.class_weight, max_iter=3000)
        clf.fit(x[pick], y, sample_weight=np.array([items[i][2] for i in pick]))
        trained.heads[head] = clf
    return trained


def _round(x: float, digits: int | None) -> float:
    return float(f"{x:.{digits}g}") if digits else float(x)


def export(trained: Trained, *, prune: float | None = None, digits: int | None = -1) -> dict[str, Any]:
    """The JSON document of a trained model (header, vocabulary, idf, intercepts, sparse weights).
    `prune` and `digits` default to the config's; `digits=None` keeps full precision."""
    config = trained.config
    cut = config.prune if prune is None else prune
    nd = config.digits if digits == -1 else digits
    vocab = trained.vectorizer.get_feature_names_out().tolist()
    doc: dict[str, Any] = {
        "format": FORMAT,
        "kind": "wegwijzer need model: multinomial logistic regression per head",
        "created": date.today().isoformat(),
        "features": config.spec.to_document(),
        "training": config.to_document(),
        "classes": {h: [str(c) for c in trained.heads[h].classes_] for h in HEADS},
        "intercepts": {h: [_round(b, nd) for b in trained.heads[h].intercept_] for h in HEADS},
        "vocabulary": vocab,
        "idf": [_round(x, nd and nd + 2) for x in trained.vectorizer.idf_],
        "weights": {},
        "layout": "weights[head][class] = [index gaps, weights]: the feature indices (into vocabulary) of the "
                  "class's non-zero weights, each as its distance from the previous one (the first from -1); "
                  "score = intercept + sum(count * idf * weight) / root of the summed squared group norms",
    }
    for h in HEADS:
        clf = trained.heads[h]
        per_class: dict[str, list[list[Any]]] = {}
        for c, row in zip(clf.classes_, clf.coef_, strict=True):
            keep = np.flatnonzero(np.abs(row) >= cut) if cut > 0 else np.arange(len(row))
            gaps = np.diff(keep, prepend=-1)  # feature indices as gaps from the previous one (+1)
            per_class[str(c)] = [gaps.tolist(), [_round(w, nd) for w in row[keep]]]
        doc["weights"][h] = per_class
    return doc


def fit(rows: list[Row], config: Config = CHOSEN, **export_options: Any) -> dict[str, Any]:
    """Train on `rows` (as from load_training_rows) and return the JSON document."""
    return export(train(rows, config), **export_options)


# -- cross-validation --------------------------------------------------------------------------
@dataclass
class FoldScore:
    n: int = 0
    n_in: int = 0
    top1: int = 0
    top3: int = 0
    none_tp: int = 0
    none_fp: int = 0
    none_fn: int = 0
    need_n: int = 0
    theme_ok: int = 0
    service_ok: int = 0

    def add(self, row: Row, model: NeedModel) -> None:
        p = model.predict(tokenize(clean(row["text"])))
        fams = [c for c, _ in p.family]
        self.n += 1
        if row["family"] == NO_FAMILY:
            self.none_tp += fams[0] == NO_FAMILY
            self.none_fn += fams[0] != NO_FAMILY
            return
        self.none_fp += fams[0] == NO_FAMILY
        self.n_in += 1
        ok = {row["primary"], *row.get("acceptable", [])}
        self.top1 += fams[0] in ok
        self.top3 += bool(ok & set(fams[:3]))
        if row["theme"] is not None:
            self.need_n += 1
            self.theme_ok += p.theme[0][0] == row["theme"]
            self.service_ok += p.service[0][0] == row["service"]

    def metrics(self) -> dict[str, float]:
        def r(a: int, b: int) -> float:
            return a / b if b else float("nan")

        return {"top1": r(self.top1, self.n_in), "top3": r(self.top3, self.n_in),
                "none_p": r(self.none_tp, self.none_tp + self.none_fp),
                "none_r": r(self.none_tp, self.none_tp + self.none_fn),
                "theme": r(self.theme_ok, self.need_n), "service": r(self.service_ok, self.need_n)}


    def merged(self, other: FoldScore) -> FoldScore:
        return FoldScore(**{k: getattr(self, k) + getattr(other, k) for k in self.__dataclass_fields__})


METRICS = ("top1", "top3", "none_p", "none_r", "theme", "service")


def cross_validate(rows: Sequence[Row], config: Config = CHOSEN, k: int = DEFAULT_FOLDS) -> list[FoldScore]:
    """The score of each fold of train.jsonl, each by the exported model of the other folds +
    scenarios + golden."""
    real = [r for r in rows if r["source"] == "train"]
    rest = [r for r in rows if r["source"] != "train"]
    out = []
    for fold in range(k):
        model = NeedModel.from_document(fit([r for r in real if fold_of(r, k) != fold] + rest, config))
        score = FoldScore()
        for r in real:
            if fold_of(r, k) == fold:
                score.add(r, model)
        out.append(score)
    return out


def summary(folds: Sequence[FoldScore]) -> dict[str, dict[str, float]]:
    """`mean`: the mean over folds (a fold without the figure left out); `pooled`: all held-out
    rows counted together (the fairer figure for the few out-of-scope rows)."""
    per_fold = [f.metrics() for f in folds]
    pooled = FoldScore()
    for f in folds:
        pooled = pooled.merged(f)
    return {"mean": {m: round(statistics.fmean(x for f in per_fold if not math.isnan(x := f[m])), 4) for m in METRICS},
            "pooled": {m: round(v, 4) for m, v in pooled.metrics().items()}}


def print_table(name: str, folds: Sequence[FoldScore]) -> None:
    print(f"== {name}")
    print(f"{'fold':>6} {'n':>4} {'oos':>4} " + " ".join(f"{m:>7}" for m in METRICS))
    for i, f in enumerate(folds):
        ms = f.metrics()
        print(f"{i:>6} {f.n:>4} {f.n - f.n_in:>4} " + " ".join(f"{ms[m]:>7.3f}" for m in METRICS))
    n, oos = sum(f.n for f in folds), sum(f.n - f.n_in for f in folds)
    for label, ms in summary(folds).items():
        print(f"{label:>6} {n:>4} {oos:>4} " + " ".join(f"{ms[m]:>7.3f}" for m in METRICS))


def dump(doc: dict[str, Any]) -> str:
    """The document as JSON with one top-level key per line (a readable header, compact data)."""
    lines = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False, separators=(',', ':'))}" for k, v in doc.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


# -- command line ------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=None, help=f"where to write the model (default {DEFAULT_OUT})")
    ap.add_argument("--cv", action="store_true", help="cross-validate and print the table (no export without --out)")
    ap.add_argument("--folds", type=int, default=DEFAULT_FOLDS)
    ap.add_argument("--config", default="chosen", choices=[*CONFIGS, "all"])
    args = ap.parse_args(argv)
    rows = load_training_rows()
    names = list(CONFIGS) if args.config == "all" else [args.config]
    summaries: dict[str, dict[str, dict[str, float]]] = {}
    for name in names:
        t0 = time.perf_counter()
        folds = cross_validate(rows, CONFIGS[name], args.folds)
        summaries[name] = summary(folds)
        if args.cv:
            print_table(f"{name}: {CONFIGS[name]} ({time.perf_counter() - t0:.1f} s)", folds)
    if args.cv and args.out is None:
        return 0
    if args.config == "all":
        print("choose one --config to export", file=sys.stderr)
        return 2
    config = CONFIGS[args.config]
    doc = fit(rows, config)
    doc["trained_on"] = trained_on(rows)
    doc["cv"] = {"folds": args.folds, "scored_on": "held-out folds of ../shared/eval/train.jsonl",
                 **summaries[args.config]}
    header = ("format", "kind", "created", "trained_on", "features", "training", "cv", "classes", "layout")
    doc = {**{k: doc[k] for k in header}, **doc}
    out = args.out or DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump(doc), encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {len(doc['vocabulary'])} features); "
          f"cv mean {doc['cv']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
