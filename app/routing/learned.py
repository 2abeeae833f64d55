"""A learned second opinion on a question's need: a linear model over word and character n-grams.

Trained offline (app/devtools/train_model.py, scikit-learn) and shipped as plain weights in
`routing_rules/model/need_model.json`; scored here in pure Python. Three heads: `family` (the
provider family of the first door, or "none" when the question is out of scope), `theme` and
`service`, each a softmax over linear scores.

Features (`features`, also sklearn's analyzer at training time, so training and serving cannot
diverge) come in *groups*: one group per word (its unigram and its character n-grams within the
word boundaries, as sklearn's char_wb) and one per pair of adjacent words (the bigram). A
feature's value is count x idf; the question vector is divided by the square root of the sum of
the groups' squared norms (`group_sqnorm`): an L2 norm that ignores overlaps between groups, so
it decomposes per word. That is what makes the per-word memo exact: a word's class-score
contributions and its squared norm are computed once, and a question costs one memo lookup per
word and per bigram.

The per-word score vectors are summed as packed integers: every class score is a 64-bit
fixed-point slot of one Python int, so adding a word is one (C-level) integer addition instead
of a loop over the classes; `_SCALE` keeps 2**-32 of precision per feature (each feature's
contribution is rounded once, when it is first packed). A new word is likewise the sum of its
features' packed ints. The word memo holds at most `memo_limit` words (it is cleared when full);
the feature memo at most the model's own features. `predict` does only this sum; a head's softmax and
ranking are computed when the Prediction is first asked for them.
"""

from __future__ import annotations

import json
import math
import struct
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise, repeat
from operator import add, and_, itemgetter, lshift, mul, or_, rshift, sub
from pathlib import Path
from typing import Any, cast

from app.routing import PROJECT_ROOT
from app.routing.text import WORD_MEMO, Token

FORMAT = 1
HEADS = ("family", "theme", "service")
NO_FAMILY = "none"  # the family class of an out-of-scope question
DEFAULT_PATH = PROJECT_ROOT / "routing_rules" / "model" / "need_model.json"
MEMO_LIMIT = WORD_MEMO

_BITS = 64
_SCALE = float(1 << 32)  # fixed point of a slot: 2**-32
_EXP_SAFE = 700.0  # math.exp overflows above 709.78 and reaches 0.0 below -745
_NORM = itemgetter(Token._fields.index("norm"))  # Token.norm, without the property's cost
_PACKED = itemgetter(0)
_SQNORM = itemgetter(1)

Ranking = tuple[tuple[str, float], ...]  # (class, probability), best first
_Sums = tuple[tuple[int, ...], float, int]  # (fixed-point class-score sums, 1 / (norm x scale), groups)


@dataclass(frozen=True)
class FeatureSpec:
    """Which n-grams make the features; stored in the model document."""

    unigrams: bool = True
    bigrams: bool = True
    char_min: int = 2
    char_max: int = 4

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> FeatureSpec:
        return cls(bool(doc["unigrams"]), bool(doc["bigrams"]), int(doc["char_min"]), int(doc["char_max"]))

    def to_document(self) -> dict[str, Any]:
        return {"unigrams": self.unigrams, "bigrams": self.bigrams,
                "char_min": self.char_min, "char_max": self.char_max,
                "description": self.describe()}

    def describe(self) -> str:
        parts = ["word unigrams"] if self.unigrams else []
        if self.bigrams:
            parts.append("word bigrams")
        if self.char_max >= self.char_min > 0:
            parts.append(f"char {self.char_min}-{self.char_max}-grams within word boundaries (char_wb)")
        return (", ".join(parts) + " of the folded words (Token.norm); count x idf, divided by the root "
                "of the summed squared norms of the word and bigram groups")


DEFAULT_SPEC = FeatureSpec()


def word_group(norm: str, spec: FeatureSpec = DEFAULT_SPEC) -> list[str]:
    """The features of one word: its unigram ("w:") and its character n-grams ("c:") of " norm "."""
    out = [f"w:{norm}"] if spec.unigrams else []
    padded = f" {norm} "
    size = len(padded)
    for n in range(spec.char_min, min(spec.char_max, size) + 1) if spec.char_min > 0 else ():
        out.extend("c:" + padded[i:i + n] for i in range(size - n + 1))
    return out


def bigram(a: str, b: str) -> str:
    """The feature of two adjacent words."""
    return f"b:{a} {b}"


def feature_groups(tokens: Sequence[Token], spec: FeatureSpec = DEFAULT_SPEC) -> list[list[str]]:
    """The features of a question, grouped: one group per word, then one per adjacent pair."""
    norms = [t.norm for t in tokens]
    groups = [word_group(n, spec) for n in norms]
    if spec.bigrams:
        groups.extend([bigram(a, b)] for a, b in pairwise(norms))
    return groups


def features(tokens: Sequence[Token], spec: FeatureSpec = DEFAULT_SPEC) -> list[str]:
    """All features of a question (with repeats): the analyzer used for training."""
    return [f for group in feature_groups(tokens, spec) for f in group]


def group_sqnorm(group: Iterable[str], idf: Mapping[str, float]) -> float:
    """The squared norm of one group's count x idf vector; features outside `idf` are ignored."""
    return sum(((count * idf[f]) ** 2 for f, count in Counter(group).items() if f in idf), 0.0)


class ModelError(ValueError):
    """The model document is malformed."""


class Prediction:
    """The three heads' classes with softmax probabilities, best first (`family`, `theme`,
    `service`). A head's exp(score)s are computed when the head is first read (most questions
    only ever ask for the family), its ranking when it is first needed; both are then kept."""

    __slots__ = ("_heads", "_inv", "_model", "_ranked", "_raw", "_safe", "_tokens")

    def __init__(self, model: NeedModel, tokens: tuple[Token, ...], raw: Sequence[int], inv: float,
                 safe: bool) -> None:
        self._model = model
        self._tokens = tokens
        self._raw = raw
        self._inv = inv
        self._safe = safe
        self._ranked: dict[str, Ranking] = {}
        self._heads: dict[str, tuple[list[float], Mapping[str, int], float]] = {}

    def _head(self, name: str) -> tuple[list[float], Mapping[str, int], float]:
        """(exp(score) of each class, position of each class, their sum) of a head."""
        got = self._heads.get(name)
        if got is None:
            lo, hi, index = self._model.layout(name)
            part = self._model.head_exps(lo, hi, self._raw, self._inv, self._safe)
            got = self._heads[name] = (part, index, sum(part, 0.0))
        return got

    @property
    def family(self) -> Ranking:
        return self._ranked.get("family") or self.head("family")

    @property
    def theme(self) -> Ranking:
        return self._ranked.get("theme") or self.head("theme")

    @property
    def service(self) -> Ranking:
        return self._ranked.get("service") or self.head("service")

    def head(self, name: str) -> Ranking:
        """The ranking of one head (KeyError for an unknown head)."""
        ranking = self._ranked.get(name)
        if ranking is None:
            part, _, total = self._head(name)
            ranking = self._ranked[name] = self._model.rank(name, part, total)
        return ranking

    def top(self, name: str) -> tuple[str, float]:
        """The best class of a head and its probability (the head's ranking's first, without
        sorting the head when it has not been ranked)."""
        ranking = self._ranked.get(name)
        if ranking is not None:
            return ranking[0]
        part, _, total = self._head(name)
        e, cls = max(zip(part, self._model.classes[name], strict=True))
        return cls, e * (1.0 / total)

    def top_k(self, name: str, k: int) -> Ranking:
        """The k likeliest classes of a head with their probabilities, without ranking them all."""
        part, _, total = self._head(name)
        scale = 1.0 / total
        classes = self._model.classes[name]
        best = sorted(range(len(part)), key=part.__getitem__, reverse=True)[:k]
        return tuple((classes[i], part[i] * scale) for i in best)

    def likeliest(self, name: str) -> str:
        """A head's likeliest class, from its linear scores: no softmax (the ranking's first, for
        about a third of its cost, where the probability is not needed)."""
        ranking = self._ranked.get(name)
        if ranking is not None:
            return ranking[0][0]
        scores = self._model.head_scores(name, self._raw, self._inv)
        return self._model.classes[name][scores.index(max(scores))]

    def best(self, name: str) -> float:
        """The probability of a head's likeliest class (without sorting the head)."""
        part, _, total = self._head(name)
        return max(part) / total

    def probability(self, name: str, cls: str) -> float:
        """The probability of one class of a head (0.0 for a class the model does not know)."""
        part, index, total = self._head(name)
        i = index.get(cls)
        return 0.0 if i is None else part[i] / total

    def evidence(self, head: str, cls: str, k: int = 3) -> tuple[str, ...]:
        """Up to k words of the question (as typed) that raised `cls` most above the head's mean."""
        return self._model.evidence(self._tokens, head, cls, k)

    def __repr__(self) -> str:
        return f"Prediction(family={self.top('family')}, theme={self.top('theme')}, service={self.top('service')})"


class NeedModel:
    """The exported linear model; immutable after construction apart from its word memo."""

    def __init__(self, doc: Mapping[str, Any], memo_limit: int = MEMO_LIMIT) -> None:
        if not isinstance(doc, Mapping):
            raise ModelError("a need model is a JSON object")
        if doc.get("format") != FORMAT:
            raise ModelError(f"need model format {doc.get('format')!r}, expected {FORMAT}")
        try:
            self.spec = FeatureSpec.from_document(doc["features"])
            self.classes: Mapping[str, tuple[str, ...]] = {h: tuple(doc["classes"][h]) for h in HEADS}
            n_classes = sum(len(self.classes[h]) for h in HEADS)
            if n_classes > 256:  # a class slot is one byte (of the keys below and of the table)
                raise ModelError(f"{n_classes} classes: at most 256")
            vocab = [str(f) for f in doc["vocabulary"]]
            idf_values = [float(x) for x in doc["idf"]]
            if len(vocab) != len(idf_values):
                raise ModelError("vocabulary and idf differ in length")
            # Every non-zero weight as (feature index << 8 | class slot, weight), gathered class by
            # class, then sorted into one flat feature-major table: no object per weight or row.
            keys: list[int] = []
            values: list[float] = []
            class_norm: list[float] = []  # per class slot, the length of its weight vector
            intercepts: list[float] = []
            for h in HEADS:
                icpt = [float(x) for x in doc["intercepts"][h]]
                if len(icpt) != len(self.classes[h]):
                    raise ModelError(f"{h}: {len(icpt)} intercepts for {len(self.classes[h])} classes")
                for c in self.classes[h]:
                    gaps, ws = doc["weights"][h][c]
                    if len(gaps) != len(ws):
                        raise ModelError(f"{h}/{c}: index gaps and weights differ in length")
                    steps = list(map(int, gaps))
                    if steps and min(steps) < 1:
                        raise ModelError(f"{h}/{c}: feature index gaps must be positive")
                    slot = len(intercepts) + self.classes[h].index(c)
                    rows = accumulate(steps, initial=-1)
                    next(rows)
                    keys.extend(map(or_, map(lshift, rows, repeat(8)), repeat(slot)))
                    weights = list(map(float, ws))
                    values.extend(weights)
                    class_norm.append(math.sqrt(sum(map(mul, weights, weights), 0.0)))
                intercepts.extend(icpt)
        except (AttributeError, KeyError, TypeError, ValueError, IndexError) as e:
            if isinstance(e, ModelError):
                raise
            raise ModelError(f"malformed need model: {e!r}") from e
        if keys and max(keys) >> 8 >= len(vocab):
            raise ModelError("a feature index beyond the vocabulary")
        self.header: Mapping[str, Any] = {k: v for k, v in doc.items()
                                          if k not in ("vocabulary", "idf", "intercepts", "weights")}
        self._n = len(intercepts)
        self._intercepts = tuple(intercepts)
        self._layout: dict[str, tuple[int, int, Mapping[str, int]]] = {}
        start = 0
        for h in HEADS:
            self._layout[h] = (start, start + len(self.classes[h]), {c: i for i, c in enumerate(self.classes[h])})
            start += len(self.classes[h])
        self._idf: dict[str, float] = dict(zip(vocab, idf_values, strict=True))
        # The weights as one feature-major table, sorted in C-level passes (no object per weight):
        # feature row r's class slots are slots[row_start[r]:row_start[r + 1]], its weights the
        # same range of w.
        order = sorted(range(len(keys)), key=keys.__getitem__)
        ordered = list(map(keys.__getitem__, order))
        slots = bytes(map(and_, ordered, repeat(255)))
        w = array("d", map(values.__getitem__, order))
        feature_of = list(map(rshift, ordered, repeat(8)))
        row_start = array("l", map(bisect_left, repeat(feature_of), range(len(vocab) + 1)))
        self._unpack = struct.Struct(f"<{self._n}q").unpack
        self._nbytes = self._n * _BITS // 8
        self._zeros = (0,) * self._n
        bound = max(class_norm, default=0.0)
        margin = _EXP_SAFE - max((abs(b) for b in intercepts), default=0.0)
        self._safe_groups = int((margin / bound) ** 2) if bound > 0 and margin > 0 else 0
        self._slots, self._w, self._row_start = slots, w, row_start
        self._row: dict[str, int] = {f: r for r, f in enumerate(vocab) if row_start[r] < row_start[r + 1]}
        # Per feature its packed contributions (see _feature), made when first needed: a word's
        # scores are then a C-level sum of ints. Bigrams are single features, all packed now, with
        # their squared norm beside (one the model knows without a weight still counts in the norm).
        self._packed: dict[str, int] = {}
        self._bigrams: dict[tuple[str, str], tuple[int, float]] = {}
        for r, f in enumerate(vocab):
            if f.startswith("b:"):
                a, b = f[2:].split(" ", 1)
                self._bigrams[a, b] = (self._pack_row(r, idf_values[r]), idf_values[r] ** 2)
        self._memo: dict[str, tuple[int, float]] = {}
        self._lifts: dict[tuple[object, int], float] = {}  # (word or bigram, slot) -> lift, see evidence
        self.memo_limit = memo_limit

    @classmethod
    def from_document(cls, doc: Mapping[str, Any], memo_limit: int = MEMO_LIMIT) -> NeedModel:
        return cls(doc, memo_limit)

    @classmethod
    def from_path(cls, path: Path | str = DEFAULT_PATH, memo_limit: int = MEMO_LIMIT) -> NeedModel:
        with Path(path).open(encoding="utf-8") as f:
            return cls(json.load(f), memo_limit)

    # -- scoring ---------------------------------------------------------------------------------
    def _pack_row(self, r: int, x: float) -> int:
        """Feature row r's contributions x x weight, each rounded to a fixed-point slot, packed."""
        packed = 0
        slots, w = self._slots, self._w
        for k in range(self._row_start[r], self._row_start[r + 1]):
            packed += round(x * w[k] * _SCALE) << (slots[k] * _BITS)
        return packed

    def _feature(self, f: str) -> int:
        """One feature's packed contributions (count 1), memoised for the model's own features
        only, so the memo is bounded by the vocabulary; 0 for a feature without weights."""
        packed = self._packed.get(f)
        if packed is None:
            r = self._row.get(f)
            if r is None:
                return 0
            packed = self._packed[f] = self._pack_row(r, self._idf[f])
        return packed

    def _word(self, norm: str) -> tuple[int, float]:
        """(packed scores, squared norm) of one word, memoised; the memo is cleared when full."""
        entry = self._memo.get(norm)
        if entry is None:
            group = word_group(norm, self.spec)
            # a feature n times in the word adds its packed contributions n times
            entry = (sum(map(self._feature, group)), group_sqnorm(group, self._idf))
            if len(self._memo) >= self.memo_limit:
                self._memo.clear()
            self._memo[norm] = entry
        return entry

    @property
    def memo_size(self) -> int:
        return len(self._memo)

    @property
    def feature_memo_size(self) -> int:
        return len(self._packed)

    def _sums(self, tokens: Sequence[Token]) -> _Sums:
        """The summed fixed-point class scores of the question's groups, 1 / (norm x scale) and
        the number of groups. The loops are C-level (map, filter, sum): the per-question hot path."""
        norms = list(map(_NORM, tokens))
        found = list(map(self._memo.get, norms))
        entries = (cast(list[tuple[int, float]], found) if None not in found
                   else [e or self._word(n) for e, n in zip(found, norms, strict=True)])
        if self._bigrams:
            entries.extend(filter(None, map(self._bigrams.get, pairwise(norms))))
        sq = sum(map(_SQNORM, entries))
        if sq <= 0.0:
            return self._zeros, 0.0, 0
        return self._unpack_slots(sum(map(_PACKED, entries))), 1.0 / (math.sqrt(sq) * _SCALE), len(entries)

    def _unpack_slots(self, packed: int) -> tuple[int, ...]:
        """The signed slots of a packed sum. Read as little-endian int64s, a slot can be one unit
        (2**-32) low when the slots below it add up to a negative number: far below rounding."""
        return self._unpack(packed.to_bytes(self._nbytes, "little", signed=True))

    def scores(self, tokens: Sequence[Token]) -> list[float]:
        """The linear scores of every class of every head (heads in HEADS order)."""
        raw, inv, _ = self._sums(tokens)
        return list(map(add, self._intercepts, map(mul, raw, repeat(inv))))

    def predict(self, tokens: Sequence[Token]) -> Prediction:
        """Each head's classes with softmax probabilities, best first (see Prediction)."""
        raw, inv, groups = self._sums(tokens)
        return Prediction(self, tuple(tokens), raw, inv, groups <= self._safe_groups)

    def head_scores(self, head: str, raw: Sequence[int], inv: float) -> list[float]:
        """The linear scores of a head's classes."""
        lo, hi, _ = self._layout[head]
        return list(map(add, self._intercepts[lo:hi], map(mul, raw[lo:hi], repeat(inv))))

    def head_exps(self, lo: int, hi: int, raw: Sequence[int], inv: float, safe: bool) -> list[float]:
        """exp(score) of the classes in slots lo..hi. A score is at most |intercept| + |w_c| x
        sqrt(groups) (the normalised vector's length is at most sqrt(groups)); where exp() could
        overflow (not `safe`), the head is shifted by its maximum."""
        scores = list(map(add, self._intercepts[lo:hi], map(mul, raw[lo:hi], repeat(inv))))
        if safe:
            return list(map(math.exp, scores))
        return list(map(math.exp, map(sub, scores, repeat(max(scores)))))

    def layout(self, head: str) -> tuple[int, int, Mapping[str, int]]:
        """(first slot, end slot, position of each class) of a head (KeyError for an unknown one)."""
        return self._layout[head]

    def rank(self, head: str, part: Sequence[float], total: float) -> Ranking:
        """A head's (class, softmax probability) pairs, best first, from its classes' exp(score)s
        and their sum."""
        scale = 1.0 / total
        return tuple([(c, e * scale) for e, c in sorted(zip(part, self.classes[head], strict=False), reverse=True)])

    def evidence(self, tokens: Sequence[Token], head: str, cls: str, k: int = 3) -> tuple[str, ...]:
        """Up to k words (surface form, first occurrence) whose features raised `cls` most above
        the head's mean score; a bigram's part is shared between its two words. () for a class the
        model does not know."""
        lo, hi, index = self._layout[head]
        if cls not in index:
            return ()
        slot = lo + index[cls]
        width = hi - lo
        lifts = self._lifts

        def lift(key: tuple[object, int], packed: int) -> float:
            vals = self._unpack_slots(packed)[lo:hi]
            got = float(vals[slot - lo] * width - sum(vals)) / (width * _SCALE)
            if len(lifts) >= self.memo_limit:
                lifts.clear()
            lifts[key] = got
            return got

        # memoised per (word or bigram, class slot): a feature's lift for a class never changes
        gain: dict[str, float] = {}
        surface: dict[str, str] = {}
        for t in tokens:
            n = t.norm
            if n not in surface:
                surface[n] = t.surface
            key = (n, slot)
            got = lifts.get(key)
            gain[n] = gain.get(n, 0.0) + (lift(key, self._word(n)[0]) if got is None else got)
        if self._bigrams:
            for a, b in pairwise(tokens):
                hit = self._bigrams.get((a.norm, b.norm))
                if hit is not None:
                    pair = ((a.norm, b.norm), slot)
                    got = lifts.get(pair)
                    half = (lift(pair, hit[0]) if got is None else got) / 2
                    gain[a.norm] += half
                    gain[b.norm] += half
        best = sorted((g, n) for n, g in gain.items() if g > 0)[::-1]
        return tuple(surface[n] for _, n in best[:k])
