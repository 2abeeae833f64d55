"""`make bench`, growth check: does the routing core's cost per question stay flat as the rule
tables grow?

The shipped rule set is enlarged in memory to about `factor` times its lexicon (new theme
concepts whose cue phrases are generated pseudo-words shaped like the real cues of every lexicon
file: as many words, a prefix where the real one is) and `factor` times its decision rows (copies of every tier 1 and
tier 2 row, placed after the originals, so the originals still win). The questions must get the
same answers from both; the ratio of the median time per question is the figure.
"""

from __future__ import annotations

import random
import statistics
import time

import yaml

from app.routing.engine import Router
from app.routing.loader import load_ruleset, read_rule_files
from app.routing.model import RouteInput

_THEMES = "lexicon/themes.yaml"
_TABLES = ("decisions/tier1_named.yaml", "decisions/tier2_needs.yaml")
_LETTERS = "bcdfghjklmnpqrstvwxz"
_VOWELS = "aeiouy"


def _word(rng: random.Random) -> str:
    """A pronounceable pseudo-word no question contains (it carries a 'q' after a vowel pair)."""
    syll = "".join(rng.choice(_LETTERS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 4)))
    return syll + "eeq" + rng.choice(_LETTERS)


def _cue(rng: random.Random, like: str) -> str:
    """A generated cue shaped like a real one: a phrase of as many words, a prefix where it is one."""
    words = [_word(rng) for _ in like.split()]
    out = " ".join(words)
    return out + "*" if like.endswith("*") else out


def grown_files(root: str, factor: int, seed: int = 14, shipped_cues: int | None = None) -> dict[str, bytes]:
    """The rule files of `root` with `factor` x the lexicon's cues (generated theme concepts) and
    `factor` x the tier 1 and tier 2 rows."""
    rng = random.Random(seed)
    files = dict(read_rule_files(root))
    shapes = [str(w) for rel, raw in sorted(files.items()) if rel.startswith("lexicon/")
              for c in (yaml.safe_load(raw) or {}).get("concepts") or () if isinstance(c, dict)
              for lang in ("nl", "en") for w in c.get(lang) or ()]
    themes = yaml.safe_load(files[_THEMES])
    topics = sorted({c["theme"] for c in themes["concepts"] if isinstance(c.get("theme"), str)})
    # every cue of the shipped set, places and named schemes included
    cues = shipped_cues if shipped_cues is not None else len(load_ruleset(files).lexicon.cues)
    for k in range((factor - 1) * cues // 50):  # concepts of 25 cues per language
        picked = rng.sample(shapes, 50)
        themes["concepts"].append({"id": f"theme.grown{k}", "theme": topics[k % len(topics)], "weight": 1.0,
                                   "nl": [_cue(rng, w) for w in picked[:25]],
                                   "en": [_cue(rng, w) for w in picked[25:]]})
    files[_THEMES] = yaml.safe_dump(themes, allow_unicode=True, sort_keys=False).encode()
    for rel in _TABLES:
        doc = yaml.safe_load(files[rel])
        doc["rows"] += [{**row, "id": f"{row['id']}.grown{k}"} for k in range(factor - 1) for row in doc["rows"]]
        files[rel] = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()
    return files


def bench_growth(root: str, inputs: list[RouteInput], factor: int, rounds: int) -> dict[str, float]:
    """Median time per question of the shipped and the grown rule set, in alternating rounds of
    one process; raises when the grown set answers any question differently."""
    shipped = Router(load_ruleset(root))
    grown = Router(load_ruleset(grown_files(root, factor, shipped_cues=len(shipped.data.lexicon.cues))))
    routers = {"shipped": shipped, "grown": grown}
    for inp in inputs:
        a, b = routers["shipped"].route(inp), routers["grown"].route(inp)
        if [(r.provider_id, r.rule.split(".grown")[0]) for r in a.routes] != \
                [(r.provider_id, r.rule.split(".grown")[0]) for r in b.routes]:
            raise AssertionError(f"the grown rule set answers {inp.question!r} differently")
    best: dict[str, float] = {}
    for r in range(rounds):
        for name in (("shipped", "grown") if r % 2 == 0 else ("grown", "shipped")):
            samples = []
            for inp in inputs:
                t = time.perf_counter_ns()
                routers[name].route(inp)
                samples.append(time.perf_counter_ns() - t)
            med = statistics.median(samples) / 1000
            best[name] = min(best.get(name, med), med)
    return {"shipped_median_us": best["shipped"], "grown_median_us": best["grown"],
            "ratio": best["grown"] / best["shipped"],
            "shipped_cues": len(routers["shipped"].data.lexicon.cues),
            "grown_cues": len(routers["grown"].data.lexicon.cues),
            "shipped_rows": _rows(routers["shipped"]), "grown_rows": _rows(routers["grown"])}


def _rows(router: Router) -> int:
    return len(router.data.tables.rows)
