"""Remove personal data from free text before it is stored: e-mail addresses, phone numbers,
IBANs, BSNs, full postcodes with house numbers and street addresses. KVK numbers are replaced
by a keyed hash, so the same firm can still be counted without being identifiable.

Patterns, not policy: they describe how these numbers are written, in Dutch and English text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
# Dutch numbers (06-12345678, 020 123 4567, +31 6 1234 5678, 0031...) and other international ones.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)[\s.-]?)?\d(?:[\s.-]?\d){6,11}"
    r"|0[1-9](?:[\s.-]?\d){8})(?!\w)"
)
_DIGITS9 = re.compile(r"(?<![\w.,])(\d{3})[ .]?(\d{3})[ .]?(\d{3})(?![\w]|[.,]\d)")
_BSN_CONTEXT = re.compile(r"\b(?:bsn|burgerservicenummer|sofi-?nummer|citizen service number)\b[:\s#-]*"
                          r"(\d[\d .]{7,10}\d)", re.IGNORECASE)
_KVK = re.compile(r"(?<![\w.,])(\d{8})(?![\w]|[.,]\d)")
_POSTCODE_HOUSE = re.compile(r"\b([1-9]\d{3})\s?[A-Za-z]{2}[\s,]+(?:nr\.?\s*)?\d{1,5}(?:\s?[A-Za-z]\b|-\d+)?\b")
_HOUSE_POSTCODE = re.compile(r"\b\d{1,5}[A-Za-z]?\s*,\s*([1-9]\d{3})\s?[A-Za-z]{2}\b")
_STREET = re.compile(
    r"\b[A-Z][\w'-]*(?:straat|laan|weg|plein|singel|gracht|kade|dijk|hof|steeg|dreef|pad|park|ring|markt)"
    r"\s+\d{1,5}(?:\s?[a-zA-Z]\b|-\d+)?"
    r"|\b(?:[A-Z][\w'-]*\s+){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Square|Drive)\s+\d{1,5}\b"
    r"|\b\d{1,5}\s+(?:[A-Z][\w'-]*\s+){1,3}(?:Street|Road|Avenue|Lane|Square|Drive)\b",
)
_PC6 = re.compile(r"\b([1-9]\d{3})\s?[A-Z]{2}\b")
_DIGIT = re.compile(r"\d")

# Each step below has a hint: what its pattern cannot match without, as a scan that is cheap
# because it starts at a digit (or is a literal). Most questions hold none, and the pattern itself
# is not run. Each hint is a necessary condition of its pattern (IBAN: two digits and four word
# characters, which every [A-Z0-9] of the pattern is, also under IGNORECASE; a street address: a
# digit next to white space); tests/test_scrub.py compares `scrub` with `scrub_all` on thousands
# of real questions.
_FOUR_DIGITS = re.compile(r"[1-9]\d{3}")


def _bsn_valid(digits: str) -> bool:
    """The eleven-test (elfproef) of a Dutch BSN."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0 and digits != "000000000"


class Scrubber:
    def __init__(self, secret: str) -> None:
        self._key = secret.encode()
        # (pattern, its hint, replacement), in the order they are applied
        self._steps: tuple[tuple[re.Pattern[str], re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
            (_EMAIL, re.compile("@"), "[e-mail]"),
            (_IBAN, re.compile(r"\d\d ?\w{4}"), "[IBAN]"),
            (_BSN_CONTEXT, re.compile(r"\d[\d .]{7,10}\d"), lambda m: m.group(0).replace(m.group(1), "[BSN]")),
            (_PHONE, re.compile(r"\d(?:\D*\d){7}"), "[telefoon]"),
            (_DIGITS9, re.compile(r"\d{3}[ .]?\d{3}"),
             lambda m: "[BSN]" if _bsn_valid("".join(m.groups())) else m.group(0)),
            (_KVK, re.compile(r"\d{8}"), lambda m: f"[kvk:{self.kvk_hash(m.group(1))[:12]}]"),
            (_STREET, re.compile(r"\d\s|\s\d"), "[adres]"),
            (_POSTCODE_HOUSE, _FOUR_DIGITS, lambda m: f"{m.group(1)} [adres]"),
            (_HOUSE_POSTCODE, _FOUR_DIGITS, lambda m: f"[adres] {m.group(1)}"),
            (_PC6, _FOUR_DIGITS, lambda m: m.group(1)),
        )

    def kvk_hash(self, number: str) -> str:
        """Keyed hash of a KVK number (64 hex characters): countable, not reversible."""
        digits = re.sub(r"\D", "", number)
        return hmac.new(self._key, digits.encode(), hashlib.sha256).hexdigest()

    def scrub(self, text: str) -> str:
        # Every pattern but the e-mail address needs a digit: most questions have neither, and
        # skip every pattern; the others run only the patterns whose hint they hold (logging a
        # new answer with a number in it cost about 50 µs of regular expressions before).
        if "@" not in text and _DIGIT.search(text) is None:
            return text
        for pattern, hint, replacement in self._steps:
            if hint.search(text) is not None:
                text = pattern.sub(replacement, text)
        return text

    def scrub_all(self, text: str) -> str:
        """Every pattern, whatever the text (`scrub` skips the patterns that cannot match)."""
        for pattern, _, replacement in self._steps:
            text = pattern.sub(replacement, text)
        return text
