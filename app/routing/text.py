"""Text normalisation and tokenisation.

Everything that compares words (lexicon cues, place names, stopwords) goes through `fold`, so a
cue written as "Fryslân" or "zzp'er" in the rule tables matches "fryslan" and "ZZP-er" in a
question. Tokens keep their character span in the NFKC text so evidence can be quoted verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# How many distinct words each per-word memo of the routing core keeps (an LRU cache, or a dict
# cleared when full). Real questions reuse a few thousand words; numbers, names and typos are
# new every time and must not grow a worker's memory without bound (each memo holds a word's
# forms, beginnings or cue hits: about a kilobyte per word).
WORD_MEMO = 8192

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})

# A word: letters/digits, with inner apostrophes ("zzp'er", "can't") and "&" between letters
# ("S&O", "R&D") kept inside the word. Hyphens split words (see `Token.hyphen_after`). The
# zero-width space marks a removed thousands separator (see `_mask_grouped_numbers`).
_WORD_RE = re.compile(r"(?:[^\W_]|\u200b(?=\d))+(?:['&](?:[^\W_]|\u200b(?=\d))+)*")
# The same without the marker, for text that has none (most questions): a plain character class
# repeats without trying an alternative at every character (~40 % faster).
_PLAIN_WORD_RE = re.compile(r"[^\W_]+(?:['&][^\W_]+)*")
# Thousands separators inside numbers ("1.225", "250,000") are removed before tokenising, so
# "1,225 hours" gives the token "1225".
_HAS_DIGIT = re.compile(r"\d")
# A sentence ends at ".", "!" or "?" followed by a space or the end (after closing quotes or
# brackets): not inside "1.5", "www.kvk.nl" or a name such as "GO!-NH".
SENTENCE_END = re.compile(r"[.!?]+(?=[\"')\]\u201d\u2019]*(?:\s|$))")
_GROUPED_NUMBER_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?![.,]?\d)")


_CLEAN = str.maketrans({**_APOSTROPHES, **_DASHES})


def clean(text: str) -> str:
    """NFKC-normalise and unify apostrophes and dashes; keeps length close to the input."""
    if text.isascii():  # NFKC leaves ASCII as it is; only the backtick needs mapping
        return text.replace("`", "'") if "`" in text else text
    return unicodedata.normalize("NFKC", text).translate(_CLEAN)


@lru_cache(maxsize=WORD_MEMO)
def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def fold_word(word: str) -> str:
    """Case- and accent-fold one word and drop inner apostrophes: "Zzp'er" -> "zzper"."""
    return strip_accents(word.casefold()).replace("'", "")


def fold(text: str) -> str:
    """Fold a phrase to space-separated folded words (used for names and cue phrases)."""
    return " ".join(t.norm for t in tokenize(text))


class Token(NamedTuple):
    """One word of the question.

    `norm` is the folded form used for matching, `cased` keeps the original case (accents
    stripped) for case-sensitive cues such as "NOW" or "SLIM", `surface` is the text as typed.
    `hyphen_after` is True when the word is directly followed by "-" (a compound written with
    a hyphen, or a Dutch elision such as "energiebesparings- en informatieplicht").
    """

    norm: str
    cased: str
    surface: str
    start: int
    end: int
    pos: int
    hyphen_after: bool
    space_after_hyphen: bool
    sent: int = 0  # sentence number (a new sentence after ".", "!" or "?")


_new = tuple.__new__


def _mask_grouped_numbers(text: str) -> str:
    # Replace the separators with a marker character that is not a word character, then drop
    # it from the token: we keep offsets stable by substituting same-length strings.
    return _GROUPED_NUMBER_RE.sub(lambda m: re.sub(r"[.,]", "\u200b", m.group(0)), text)


@lru_cache(maxsize=WORD_MEMO)
def _word_forms(raw: str) -> tuple[str, str]:
    """(cased, norm) of a raw word: accents and inner apostrophes removed; norm also folded."""
    cased = strip_accents(raw.replace("\u200b", "")).replace("'", "")
    return cased, cased.casefold()


def tokenize(text: str) -> list[Token]:
    """Split cleaned text into tokens with offsets; grouped numbers become one token."""
    masked = _mask_grouped_numbers(text) if _HAS_DIGIT.search(text) else text
    same = masked is text
    words = _PLAIN_WORD_RE if "\u200b" not in masked else _WORD_RE
    tokens: list[Token] = []
    append = tokens.append
    n = len(masked)
    sent = 0
    # sentence ends, scanned once: a token after one (and after the previous token) opens a sentence
    ends = [m.start() for m in SENTENCE_END.finditer(masked)]
    k = 0
    n_ends = len(ends)
    forms = _word_forms
    find = masked.find
    end = 0
    # findall and str.find: cheaper than a match object per word. A word starts with a word
    # character and only non-word characters lie between two words, so the next occurrence of
    # a word's text from the previous word's end is where it was found.
    for pos, raw in enumerate(words.findall(masked)):
        start = find(raw, end)
        if n_ends:
            while k < n_ends and ends[k] < end:
                k += 1
            if pos and k < n_ends and ends[k] < start:
                sent += 1
        end = start + len(raw)
        cased, norm = forms(raw)
        hyphen_after = end < n and masked[end] == "-"
        # tuple.__new__ directly: a NamedTuple's own __new__ is a Python-level call (hot path)
        append(_new(Token, (
            norm, cased, raw if same else text[start:end], start, end, pos, hyphen_after,
            hyphen_after and (end + 1 >= n or masked[end + 1].isspace()), sent,
        )))
    return tokens
