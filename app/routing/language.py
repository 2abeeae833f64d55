"""Language detection (nl / en) from function words and the language of matched cues."""

from __future__ import annotations

from collections.abc import Sequence

from app.routing.facts import LanguageData
from app.routing.lexicon import Match
from app.routing.text import Token

_CUE_VOTE = 0.5


def detect(tokens: Sequence[Token], matches: Sequence[Match], data: LanguageData) -> str:
    stop_nl, stop_en = data.stopwords["nl"], data.stopwords["en"]
    nl = en = 0.0
    for t in tokens:
        if t.norm in stop_nl:
            nl += 1.0
        elif t.norm in stop_en:
            en += 1.0
    for m in matches:
        if m.cue.lang == "nl":
            nl += _CUE_VOTE
        elif m.cue.lang == "en":
            en += _CUE_VOTE
    if en > nl:
        return "en"
    if nl > en:
        return "nl"
    return data.default_language


def has_words(tokens: Sequence[Token], data: LanguageData) -> bool:
    """True when at least one token is a known function word of either language."""
    return any(t.norm in data.stopwords["nl"] or t.norm in data.stopwords["en"] for t in tokens)
