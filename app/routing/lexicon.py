"""The compiled lexicon: finds cue words and phrases of the rule tables in a tokenised question.

Cue syntax (documented for editors in routing_rules/README.md):

- ``subsidie``   the word and its inflections (-s, -en, -e, ...); a cue of 5+ letters also
                 matches as the first part of a compound ("subsidieregeling").
- ``=bank``      the word and its inflections only, never inside a compound.
- ``==geld``     exactly this word ("gelden", to apply, is not "geld", money).
- ``btw*``       any word that starts with it, whatever the length.
- ``*vergunning`` also as the last part of a compound ("terrasvergunning", "-vergunningen").
- ``**fonds``    only as the last part of a compound ("ideeenfonds", not "fonds" alone).
- ``!NOW``       case-sensitive (acronyms that are also ordinary words: NOW, SLIM, GO).
- ``in dienst nemen``  a phrase: consecutive words, each with the syntax above.
- ``personeel ... vinden``  "..." allows up to four other words in between.
- ``mijn .. bedrijf``  ".." allows at most one word in between ("mijn eigen bedrijf").
- ``personeel ~ zoek*``  both, in either order, up to four words apart.

Overlapping matches are resolved "longest wins": a match whose text lies strictly inside a
longer match is dropped, so "precariobelasting" (a municipal levy) does not also count as
"belasting" (tax). A word that matches nothing is compared with the single-word cues at edit
distance one (typos such as "vergunnig"), at a lower weight.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from app.routing.text import WORD_MEMO, Token, clean, tokenize

INFLECTIONS: tuple[str, ...] = ("", "s", "e", "n", "en", "es", "er", "ers", "'s", "je", "jes")
_MIN_DEFAULT_PREFIX = 5
_MIN_FUZZY_LEN = 8
_ENDING_MODES = ("suffix", "head")  # cue word modes that match the end of a word
_FUZZY_FACTOR = 0.8
# "..." in a cue: up to four words in between; "..": at most one (an adjective, "eigen")
GAPS = {"...": 4, "…": 4, "..": 1}
# A word the question hyphenates is matched joined (`Lexicon._joined`) by cue words of other modes
# than these, at most this many letters shorter (an inflection: "startupvisums")
_PART_MODES = frozenset({"head", "suffix"})
_JOIN_SLACK = 3


@dataclass(frozen=True, slots=True)
class Concept:
    """A group of cues with one meaning: evidence for themes, services, a named instrument,
    a routing signal or a scope (business / private / off-topic ...)."""

    id: str
    weight: float = 1.0
    themes: tuple[tuple[str, float], ...] = ()
    services: tuple[tuple[str, float], ...] = ()
    needs: tuple[tuple[str, str, float], ...] = ()
    instrument: str | None = None
    provider: str | None = None
    signals: tuple[str, ...] = ()
    scope: str | None = None
    business: bool = False
    source: str = ""
    role: str | None = None  # who is asking (lexicon/roles.yaml)

    effect: tuple[object, ...] = ()  # what the concept points at, ignoring weights
    # "scope", "signal" or "topic": a longer match only hides a shorter one of the same kind
    # ("bedrijf starten" is a topic and does not hide "bedrijf" as business context).
    kind: str = "topic"

    def __post_init__(self) -> None:
        topical = bool(self.themes or self.services or self.needs or self.instrument)
        kind = "scope" if self.scope or (self.role and not topical) else (
            "signal" if self.signals and not topical else "topic")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "effect", (
            tuple(t for t, _ in self.themes), tuple(s for s, _ in self.services),
            tuple((t, s) for t, s, _ in self.needs), self.instrument, self.provider, self.scope,
            self.role,
        ))


@dataclass(frozen=True, slots=True)
class Role:
    """Who is asking (lexicon/roles.yaml): a firm role keeps a question in scope, a private
    role sends it out of scope unless a firm role is found too. `themes` is what the role
    suggests when the question names no topic at all (a persona is not a topic). A private role
    that `outweighs_firm` is the asker saying the matter itself is private ("dit is gewoon
    privé"): its weight is taken off the firm roles' before they are weighed. A private role
    `of_others` names someone else who runs a business ("Our neighbour runs a garage"): a firm
    role read from words its cue began is that person's, not the asker's."""

    id: str
    private: bool
    label: Mapping[str, str]
    themes: tuple[tuple[str, float], ...] = ()
    outweighs_firm: bool = False
    of_others: bool = False


@dataclass(frozen=True, slots=True)
class CueWord:
    text: str
    mode: str  # "exact" | "infl" | "prefix" | "suffix" | "head" (compound head only)
    case_sensitive: bool
    # a compound head is not found inside these longer words that end like it but are another word
    # ("lening" in "dienstverlening": language.yaml not_heads)
    not_after: tuple[str, ...] = ()


_NO_WORDS: frozenset[str] = frozenset()


def _word_set(words: list[str]) -> frozenset[str]:
    """The words as a set, with one shared empty set: a cue of one word has no required words,
    and most cues have no required endings (~19,000 cues, three sets each)."""
    return frozenset(words) if words else _NO_WORDS


@dataclass(frozen=True, slots=True)
class Cue:
    """One compiled cue: a sequence of words and gaps (an int: how many words may lie in
    between at most) belonging to a concept."""

    concept: Concept
    lang: str | None
    raw: str
    parts: tuple[CueWord | int, ...]
    # Words (after the first) the question must contain, as a word form, a word start or a word
    # ending, for this phrase to match: a cheap pre-check before walking the tokens.
    required: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        words = [p for p in self.parts[1:] if isinstance(p, CueWord) and not p.case_sensitive]
        required = _word_set([p.text for p in words])
        object.__setattr__(self, "required", required)
        # required as a word form or start, and as the ending of a word (a suffix or compound head);
        # without endings (most cues) the starts are all of required: the same set
        starts = [p.text for p in words if p.mode not in _ENDING_MODES]
        endings = [p.text for p in words if p.mode in _ENDING_MODES]
        object.__setattr__(self, "required_whole", _word_set(starts) if endings else required)
        object.__setattr__(self, "required_ending", _word_set(endings))
        # the longest required word that is a form or a start (not an ending): the phrase's key
        # in the index of the word it starts with
        object.__setattr__(self, "key", max(starts, key=len) if starts else None)
        object.__setattr__(self, "single", len(self.parts) == 1)
        steps: list[tuple[CueWord, int]] = []
        gap = 0
        for p in self.parts[1:]:
            if isinstance(p, int):
                gap = p
            else:
                steps.append((p, gap))
                gap = 0
        object.__setattr__(self, "steps", tuple(steps))

    single: bool = False
    key: str | None = None
    required_whole: frozenset[str] = frozenset()
    required_ending: frozenset[str] = frozenset()
    # the words after the first, each with how many words may lie before it at most
    steps: tuple[tuple[CueWord, int], ...] = ()



class Match(NamedTuple):
    """One cue found in the question (a NamedTuple: many are made per question)."""

    concept: Concept
    cue: Cue
    start: int
    end: int
    first: int
    last: int
    evidence: str
    fuzzy: bool = False
    gapped: bool = False
    scale: float = 1.0  # set by the engine: context or example mentions count less

    @property
    def weight(self) -> float:
        return self.concept.weight * self.scale * (_FUZZY_FACTOR if self.fuzzy else 1.0)


_new = tuple.__new__  # builds a Match without the Python-level NamedTuple __new__ (hot path)


class CueSyntaxError(ValueError):
    pass


def _cue_word(text: str, first: bool, last: bool, flags: tuple[bool, bool, bool, bool, bool]) -> CueWord:
    """One word of a cue: its matching mode from the markers around it (see module doc)."""
    suffix, prefix, explicit_infl, case_sensitive, exact = flags
    if exact:
        mode = "exact"
    elif suffix and first:
        mode = "suffix"
    elif (prefix and last) or (
        last and not explicit_infl and not case_sensitive and len(text) >= _MIN_DEFAULT_PREFIX
    ):
        mode = "prefix"
    else:
        mode = "infl"
    return CueWord(text, mode, case_sensitive)


def parse_cue(raw: str) -> list[tuple[CueWord | int, ...]]:
    """Parse a cue string into one or more word sequences (a hyphenated word also yields
    its written-together form, so "btw-nummer" matches "btwnummer"; "a ~ b" is "a ... b" or
    "b ... a", for Dutch word order: "personeel zoeken" / "ik zoek personeel")."""
    if " ~ " in raw:
        left, _, right = raw.partition(" ~ ")
        if not left.strip() or not right.strip() or " ~ " in right:
            raise CueSyntaxError(f"'~' needs exactly one word group on each side: {raw!r}")
        return parse_cue(f"{left} ... {right}") + parse_cue(f"{right} ... {left}")
    words = raw.strip().split()
    if not words:
        raise CueSyntaxError("empty cue")
    seqs: list[list[CueWord | int]] = [[]]
    for w in words:
        if w in GAPS:
            for s in seqs:
                s.append(GAPS[w])
            continue
        case_sensitive = w.startswith("!")
        w = w.lstrip("!")
        exact = w.startswith("==")
        explicit_infl = w.startswith("=")
        w = w.lstrip("=")
        head_only = w.startswith("**")
        suffix = w.startswith("*")
        prefix = w.endswith("*") and not w.endswith("**")
        core = w.strip("*")
        toks = _cue_tokens(core)
        if not toks:
            if core and not any(ch.isalnum() for ch in core) and len(words) > 1:
                continue  # punctuation between words ("bed & breakfast") is not a word in text
            raise CueSyntaxError(f"cue word without letters: {w!r}")
        texts = [cased if case_sensitive else norm for norm, cased in toks]
        flags = (suffix, prefix, explicit_infl, case_sensitive, exact)
        if len(texts) == 1:
            cw = _cue_word(texts[0], True, True, flags)
            if head_only:
                cw = CueWord(cw.text, "head", cw.case_sensitive)
            for s in seqs:
                s.append(cw)
        else:
            split = [_cue_word(t, i == 0, i == len(texts) - 1, flags) for i, t in enumerate(texts)]
            joined = _cue_word("".join(texts), True, True, flags)
            seqs = [[*s, *split] for s in seqs] + [[*s, joined] for s in seqs]
    out = []
    for s in seqs:
        if not isinstance(s[0], CueWord) or not isinstance(s[-1], CueWord):
            raise CueSyntaxError(f"a cue cannot start or end with a gap ('...' or '..'): {raw!r}")
        out.append(tuple(s))
    return out


@lru_cache(maxsize=65536)
def _cue_tokens(core: str) -> tuple[tuple[str, str], ...]:
    """(folded, cased) of each word of one cue word as the question tokenizer reads it: the
    same few thousand words recur across twenty thousand cues, so a rule set loads faster
    (cold start) when each is tokenized once."""
    return tuple((t.norm, t.cased) for t in tokenize(clean(core)))


def _strip_inflections(word: str) -> Iterable[str]:
    yield word
    for suf in INFLECTIONS[1:]:
        if len(word) - len(suf) >= 2 and word.endswith(suf):
            yield word[: -len(suf)]


@lru_cache(maxsize=WORD_MEMO)
def _forms(text: str) -> tuple[str, ...]:
    """The word and its stems without an inflection suffix (pure, so memoised)."""
    return tuple(dict.fromkeys(_strip_inflections(text)))


def _whole_offers(text: str) -> frozenset[str]:
    """What a word offers the phrase pre-check for a word matched whole, inflected or as a
    beginning: its forms and its beginnings from two letters on."""
    return frozenset(_forms(text) + tuple(text[:k] for k in range(2, len(text) + 1)))


def _ending_offers(text: str) -> frozenset[str]:
    """What a word offers the phrase pre-check for a suffix or compound-head word ("**bedrijf"
    in "installatiebedrijf"): its forms and their endings."""
    forms = _forms(text)
    return frozenset(forms + tuple(f[k:] for f in forms for k in range(1, len(f))))


_FULL = (0, -1)


def _offsets(cw: CueWord, norm: str, cased: str) -> tuple[int, int] | None:
    """Where `cw` matches inside a token's text: _FULL, (start, end), or None."""
    text = cased if cw.case_sensitive else norm
    w = cw.text
    if cw.mode == "exact":
        return _FULL if text == w else None
    forms = _forms(text)
    if w in forms and cw.mode != "head":
        return _FULL
    if cw.mode == "prefix" and text.startswith(w):
        return (0, len(w))
    if cw.mode == "suffix":
        for f in forms:
            if f.endswith(w):
                return (len(f) - len(w), len(text))
    if cw.mode == "head":
        for f in forms:
            if f.endswith(w) and len(f) > len(w) and not (cw.not_after and f.endswith(cw.not_after)):
                return (len(f) - len(w), len(text))
    return None


def _span(tok: Token, off: tuple[int, int]) -> tuple[int, int]:
    if off == _FULL or len(tok.norm) != tok.end - tok.start:  # by value: compiled, a tuple has no identity
        return (tok.start, tok.end)
    return (tok.start + off[0], tok.start + off[1])


def _word_hit(cw: CueWord, tok: Token) -> tuple[int, int] | None:
    """Return the character span inside `tok` that `cw` matches, or None."""
    off = _offsets(cw, tok.norm, tok.cased)
    return None if off is None else _span(tok, off)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _osa_distance_le1(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


def _with_not_heads(cues: Sequence[Cue], not_heads: frozenset[str]) -> Sequence[Cue]:
    """The cues with each compound-head word told which longer words it is not the head of."""
    if not not_heads:
        return cues
    out = []
    for cue in cues:
        parts = tuple(dataclasses.replace(p, not_after=tuple(sorted(x for x in not_heads
                                                                     if x.endswith(p.text) and x != p.text)))
                      if isinstance(p, CueWord) and p.mode == "head" else p for p in cue.parts)
        out.append(cue if parts == cue.parts else dataclasses.replace(cue, parts=parts))
    return out


@dataclass
class _Index:
    exact: dict[str, list[Cue]] = field(default_factory=dict)
    prefix: dict[str, list[Cue]] = field(default_factory=dict)
    suffix: dict[str, list[Cue]] = field(default_factory=dict)
    cased: dict[str, list[Cue]] = field(default_factory=dict)
    # one-word topic cues by each of their one-letter deletions (and the word itself): the
    # cue's word is its first part
    fuzzy: dict[str, list[Cue]] = field(default_factory=dict)


class _Hits(NamedTuple):
    singles: tuple[tuple[Cue, tuple[int, int]], ...]
    keyed: dict[str, tuple[tuple[Cue, tuple[int, int]], ...]]
    keys: frozenset[str]
    open: tuple[tuple[Cue, tuple[int, int]], ...]


_NO_HITS = _Hits((), {}, frozenset(), ())  # a word that starts no cue (most words)


class Lexicon:
    """Immutable after construction; `match` only reads the indexes."""

    def __init__(self, cues: Sequence[Cue], not_heads: Iterable[str] = (), gap_breakers: Iterable[str] = ()) -> None:
        """`not_heads`: words that end like a compound-head cue word but are another word
        ("verlening" is no "lening"); a head cue does not match inside them. `gap_breakers`: words
        a phrase's gap never runs across ("maar", "but": what follows is another clause)."""
        self.cues = tuple(_with_not_heads(cues, frozenset(not_heads)))
        idx = _Index()
        vocabulary: set[str] = set()
        for cue in self.cues:
            first = cue.parts[0]
            assert isinstance(first, CueWord)
            for p in cue.parts:
                if isinstance(p, CueWord) and not p.case_sensitive:
                    vocabulary.add(p.text)
            if first.case_sensitive:
                idx.cased.setdefault(first.text, []).append(cue)
            elif first.mode == "suffix":
                idx.suffix.setdefault(first.text, []).append(cue)
                idx.exact.setdefault(first.text, []).append(cue)
            elif first.mode == "head":
                idx.suffix.setdefault(first.text, []).append(cue)
            elif first.mode == "prefix":
                idx.prefix.setdefault(first.text, []).append(cue)
            else:
                idx.exact.setdefault(first.text, []).append(cue)
            if (cue.single and not first.case_sensitive and len(first.text) >= _MIN_FUZZY_LEN
                    and cue.concept.kind == "topic"):
                for d in _deletes(first.text) | {first.text}:
                    idx.fuzzy.setdefault(d, []).append(cue)
        self._idx = idx
        self._gap_breakers = frozenset(gap_breakers)
        self.vocabulary = frozenset(vocabulary)
        self._max_suffix = max((len(k) for k in idx.suffix), default=0)
        self._memo: dict[str, _Hits] = {}
        # The phrase pre-check only ever asks about words some phrase requires: a word offers
        # just those of its forms and beginnings (mostly none), memoised per word.
        # (an ending is only offered to a word some phrase needs as an ending: "a" or "i" must be
        # a word of the question, not the end of "huisarts" or "bedrijfsleider")
        self._required_whole = frozenset().union(*(cue.required_whole for cue in self.cues))
        self._required_ending = frozenset().union(*(cue.required_ending for cue in self.cues))
        self._offers: dict[str, frozenset[str]] = {}
        self._fuzzy_memo: dict[str, tuple[Cue, ...]] = {}

    # -- candidate lookup -------------------------------------------------------------------
    def _first_hits(self, tok: Token) -> _Hits:
        """Cues whose first word matches this token, with where: single words, phrases keyed
        by one word they also need, and phrases without such a word. Memoised per word form:
        the answer depends only on the token's text and this (immutable) lexicon."""
        key = tok.cased  # the norm is the cased form case-folded
        hit = self._memo.get(key)
        if hit is None:
            singles: list[tuple[Cue, tuple[int, int]]] = []
            keyed: dict[str, list[tuple[Cue, tuple[int, int]]]] = {}
            open_: list[tuple[Cue, tuple[int, int]]] = []
            for cue in self._candidates(tok):
                first = cue.parts[0]
                assert isinstance(first, CueWord)
                off = _offsets(first, tok.norm, tok.cased)
                if off is None:
                    continue
                if cue.single:
                    singles.append((cue, off))
                elif cue.key is not None:
                    keyed.setdefault(cue.key, []).append((cue, off))
                else:
                    open_.append((cue, off))
            hit = (_Hits(tuple(singles), {k: tuple(v) for k, v in keyed.items()},
                         frozenset(keyed), tuple(open_)) if singles or keyed or open_ else _NO_HITS)
            if len(self._memo) > WORD_MEMO:
                self._memo.clear()
            self._memo[key] = hit
        return hit

    def _candidates(self, tok: Token) -> list[Cue]:
        idx = self._idx
        norm = tok.norm
        found: list[Cue] = []
        seen: set[int] = set()

        def add(cues: list[Cue] | None) -> None:
            if cues:
                for c in cues:
                    if id(c) not in seen:
                        seen.add(id(c))
                        found.append(c)

        for s in _strip_inflections(norm):
            add(idx.exact.get(s))
            add(idx.suffix.get(s))
        for k in range(2, len(norm) + 1):
            add(idx.prefix.get(norm[:k]))
        if idx.suffix:
            for s in _strip_inflections(norm):
                for k in range(max(1, len(s) - self._max_suffix), len(s) - 1):
                    add(idx.suffix.get(s[k:]))
        if idx.cased:
            for s in _strip_inflections(tok.cased):
                add(idx.cased.get(s))
        return found

    def _fuzzy(self, tok: Token) -> tuple[Cue, ...]:
        norm = tok.norm
        if len(norm) < _MIN_FUZZY_LEN or not norm.isalpha():
            return ()
        memo = self._fuzzy_memo.get(norm)
        if memo is not None:
            return memo
        out: list[Cue] = []
        for d in sorted(_deletes(norm) | {norm}):  # sorted: the same order in every process
            for cue in self._idx.fuzzy.get(d, ()):
                word = cue.parts[0]
                if (isinstance(word, CueWord) and word.text != norm and _osa_distance_le1(word.text, norm)
                        and cue not in out):
                    out.append(cue)
        if len(self._fuzzy_memo) > WORD_MEMO:
            self._fuzzy_memo.clear()
        self._fuzzy_memo[norm] = tuple(out)
        return tuple(out)

    # -- matching -----------------------------------------------------------------------------
    def _match_from(self, cue: Cue, tokens: Sequence[Token], i: int,
                    off: tuple[int, int]) -> Match | None:
        found = self._steps_from(cue.steps, 0, tokens, i, tokens[i].sent)
        if found is None:
            return None
        j, end, gapped = found
        start, first_end = _span(tokens[i], off)
        end = first_end if end is None else end
        evidence = (" ".join(t.surface for t in tokens[i : j + 1]) if j - i < 4 else
                    f"{tokens[i].surface} … {tokens[j].surface}")
        return _new(Match, (cue.concept, cue, start, end, i, j, evidence, False, gapped, 1.0))

    def _steps_from(self, steps: tuple[tuple[CueWord, int], ...], s: int, tokens: Sequence[Token],
                    j: int, sent: int) -> tuple[int, int | None, bool] | None:
        """Match steps[s:] after the token at j: (last token, end offset or None when no step was
        left, whether a gap was used), or None. A word after a gap is tried at each place it occurs
        in the gap, not only the first: "ik heb ... mensen ... in dienst" matches "ik heb twee
        mensen in deeltijd in dienst", where the first "in" is not followed by "dienst"."""
        if s == len(steps):
            return j, None, False
        p, gap = steps[s]
        breakers = self._gap_breakers
        for k in range(j + 1, min(len(tokens), j + 2 + gap)):
            tok = tokens[k]
            if tok.sent != sent:
                return None  # a phrase never runs across a sentence end
            o = _offsets(p, tok.norm, tok.cased)
            if o is not None:
                rest = self._steps_from(steps, s + 1, tokens, k, sent)
                if rest is not None:
                    last, end, gapped = rest
                    return last, _span(tok, o)[1] if end is None else end, gapped or k > j + 1
            if tok.norm in breakers:
                return None  # nor its gap across "maar" / "but": another clause begins
        return None

    def match(self, tokens: Sequence[Token]) -> list[Match]:
        """All non-dominated cue matches in the question, in text order."""
        raw: list[Match] = []
        matched_tokens: set[int] = set()
        present: set[str] | None = None  # built on the first phrase that needs it
        memo = self._memo
        for i, tok in enumerate(tokens):
            hits = memo.get(tok.cased) or self._first_hits(tok)
            if tok.hyphen_after and not tok.space_after_hyphen and i + 1 < len(tokens):
                raw.extend(self._joined(tokens, i))
            if hits is _NO_HITS:
                if tok.space_after_hyphen and i + 1 < len(tokens):
                    raw.extend(self._elision(tokens, i))
                continue  # most words start no cue: skip the bookkeeping below
            for cue, off in hits.singles:
                start, end = _span(tok, off)
                raw.append(_new(Match, (cue.concept, cue, start, end, i, i, tok.surface, False, False, 1.0)))
                matched_tokens.add(i)
            if hits.keys or hits.open:
                if present is None:
                    present = self._present(tokens)
                keys = hits.keys & present
                if keys or hits.open:  # mostly not: no phrase of this word has its key word here
                    phrases = [c for c in hits.open if c[0].required <= present] if hits.open else []
                    # sorted: set order varies between processes, and so would the trace
                    for k in (sorted(keys) if len(keys) > 1 else keys):
                        for c in hits.keyed[k]:
                            if c[0].required <= present:
                                phrases.append(c)
                    for cue, off in phrases:
                        m = self._match_from(cue, tokens, i, off)
                        if m is not None:
                            raw.append(m)
                            matched_tokens.update(range(m.first, m.last + 1))
            if tok.space_after_hyphen and i + 1 < len(tokens):
                raw.extend(self._elision(tokens, i))
        fuzzy_memo = self._fuzzy_memo
        for i, tok in enumerate(tokens):
            if i in matched_tokens or len(tok.norm) < _MIN_FUZZY_LEN:
                continue
            found = fuzzy_memo.get(tok.norm)
            for cue in (self._fuzzy(tok) if found is None else found):
                raw.append(_new(Match, (cue.concept, cue, tok.start, tok.end, i, i, tok.surface, True, False, 1.0)))
        return _longest_wins(_dedupe(raw)) if len(raw) > 1 else raw

    def _present(self, tokens: Sequence[Token]) -> set[str]:
        """The required words (of any phrase) the question offers as a word form, start or ending."""
        offers = self._offers
        parts = []
        for t in tokens:
            got = offers.get(t.norm)
            if got is None:
                got = self._required_whole.intersection(_whole_offers(t.norm))
                if self._required_ending:
                    got |= self._required_ending.intersection(_ending_offers(t.norm))
                if len(offers) > WORD_MEMO:
                    offers.clear()
                offers[t.norm] = got
            if got:
                parts.append(got)
        return set().union(*parts)

    def _joined(self, tokens: Sequence[Token], i: int) -> list[Match]:
        """A word the question splits with a hyphen where a cue writes it together
        ("start-upvisum" for "startupvisum"): the two parts matched as one word (a cue's own
        hyphenated words already match their written-together form, `parse_cue`)."""
        tok, nxt = tokens[i], tokens[i + 1]
        if nxt.start != tok.end + 1:
            return []
        virtual = _virtual(tok, nxt.norm, nxt.cased, f"{tok.surface}-{nxt.surface}", nxt.end)
        # the cue's word is (nearly) all of the joined word: a compound-head, suffix or short
        # prefix cue matches no more than one part, which already counts on its own ("Bbz-lening"
        # is not a plain "**lening" that would hide the Bbz)
        return [Match(cue.concept, cue, tok.start, nxt.end, i, i + 1, virtual.surface)
                for cue, word in self._whole_word_cues(virtual)
                if word.mode not in _PART_MODES and len(word.text) >= len(virtual.norm) - _JOIN_SLACK]

    def _elision(self, tokens: Sequence[Token], i: int) -> list[Match]:
        """Dutch elision: "energiebesparings- en informatieplicht" means
        "energiebesparingsplicht en informatieplicht"; complete the first word with the head
        of the next compound and match it as a single word."""
        head_src = next((t for t in tokens[i + 1 : i + 4] if len(t.norm) >= 6), None)
        if head_src is None:
            return []
        tok = tokens[i]
        # the borrowed head is at least four letters: "ongevallen-" + "ing" of "...verzekering"
        # would make "ongevallening", a "lening" that was never written
        for k in range(1, len(head_src.norm) - 3):
            virtual = _virtual(tok, head_src.norm[k:], head_src.cased[k:], tok.surface, tok.end)
            out = [Match(cue.concept, cue, tok.start, tok.end, i, i, f"{tok.surface}-")
                   for cue, _ in self._whole_word_cues(virtual)]
            if out:
                return out
        return []

    def _whole_word_cues(self, virtual: Token) -> list[tuple[Cue, CueWord]]:
        """The one-word cues (with their word) that match all of a word made up from the question's
        (`_joined`, `_elision`)."""
        span = (virtual.start, virtual.end)
        out: list[tuple[Cue, CueWord]] = []
        for cue in self._candidates(virtual):
            first = cue.parts[0]
            if cue.single and isinstance(first, CueWord) and _word_hit(first, virtual) == span:
                out.append((cue, first))
        return out


def _virtual(tok: Token, norm: str, cased: str, surface: str, end: int) -> Token:
    """A word the question does not write as one: `tok` with `norm`/`cased` appended, ending at `end`."""
    return Token(norm=tok.norm + norm, cased=tok.cased + cased, surface=surface, start=tok.start, end=end,
                 pos=tok.pos, hyphen_after=False, space_after_hyphen=False)


def merge(a: Sequence[Match], b: Sequence[Match]) -> list[Match]:
    """The matches of two lexicons over one question, as if matched by one ("longest wins")."""
    return _longest_wins(_dedupe([*a, *b]))


def _dedupe(matches: list[Match]) -> list[Match]:
    """One match per concept and span; of two cues over the same words, the one without a gap
    ("energy saving information obligation" over "energy saving ... obligation"): it covers
    the words inside it, so the answer never depends on which cue was tried first."""
    at: dict[tuple[str, int, int], int] = {}
    out: list[Match] = []
    for m in matches:
        key = (m.concept.id, m.start, m.end)
        i = at.get(key)
        if i is None:
            at[key] = len(out)
            out.append(m)
        elif out[i].gapped and not m.gapped:
            out[i] = m
    return out


def _longest_wins(matches: list[Match]) -> list[Match]:
    """Drop matches lying strictly inside a longer match of the same kind with another effect
    ("welke subsidie" and "subsidie" both count for the scheme service)."""
    # A gapped phrase covers the words in its gap only for scope ("employee at a tech company"
    # is private even though "company" alone is business); topics keep the words in a gap, and
    # so does who asks: a private matter with a gap ("huur ... verhogen") does not hide the
    # asker's own firm inside it ("de huur van mijn winkelpand flink verhogen").
    matches = sorted(matches, key=_END, reverse=True)
    matches.sort(key=_START)  # text order: by start, the longer first (two stable C-level sorts)
    end = -1
    for m in matches:
        if m.start < end:
            break
        end = m.end
    else:
        return matches  # no two matches overlap: nothing can be dominated
    keep: list[Match] = []
    for m in matches:
        start, end, concept = m.start, m.end, m.concept
        length = end - start
        for o in matches:  # only a match starting no later can cover m
            if o.start > start:
                keep.append(m)
                break
            if (o.end >= end and o.end - o.start > length and o.concept.kind == concept.kind
                    and o.concept.effect != concept.effect
                    and (not o.gapped or (o.concept.kind == "scope" and (o.concept.role is not None
                                                                          or concept.role is None)))):
                break  # dominated
        else:
            keep.append(m)
    return keep  # in text order, as `matches` was sorted


_START = attrgetter("start")
_END = attrgetter("end")
