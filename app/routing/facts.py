"""Fact extraction from the question text: postcode, staff size and amounts in euro.

Only the *patterns* of writing a number live here; the words that give them meaning (units,
multipliers, location and staff words) come from routing_rules/language.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import NamedTuple

from app.routing.text import Token

_PC6_RE = re.compile(r"(?<![\w€$])([1-9]\d{3}) ?([A-Za-z]{2})(?!\w)")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_GLUED_RE = re.compile(r"(\d+(?:[.,]\d+)?)([a-z]+)")
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")


# The roles an amount of money can play (language.yaml `money_roles`): only money the firm wants
# to raise or borrow is evidence of a financing need; a threshold ("omzet onder de € 20.000")
# or the value of a purchase ("een investering van € 30.000 in zonnepanelen") is not.
RAISE, THRESHOLD, VALUE = "raise", "threshold", "value"
INCOME = "income"  # what the asker earns ("ik verdien er 9.000 euro per jaar mee"): never money to raise
COMPARISON = "comparison"  # words such as "boven", "tot": a threshold, unless money is raised
# a period after "per" ("200 euro per jaar", "€ 45 an hour"): a price or a fee paid, not money to raise
PERIOD = "period"


@dataclass(frozen=True, slots=True)
class LanguageData:
    """Word lists from language.yaml, folded."""

    stopwords: dict[str, frozenset[str]]
    location_words: frozenset[str]
    postcode_words: frozenset[str]
    staff_words: frozenset[str]
    currency_words: frozenset[str]
    multipliers: dict[str, float]
    not_after_postcode: frozenset[str]
    example_markers: tuple[tuple[str, ...], ...] = ()
    # an instrument right after these is negated ("valt niet onder de informatieplicht")
    negation_markers: tuple[tuple[str, ...], ...] = ()
    # an instrument right after these is the question's goal ("to use the Innovation Box")
    goal_markers: tuple[tuple[str, ...], ...] = ()
    # an instrument right after these, in a clause a contrast word ends, is only mentioned:
    # where the asker read or heard of it ("las ik over de MIT-regeling, maar ...")
    mention_markers: tuple[tuple[str, ...], ...] = ()
    # an instrument right after these describes a person, not what is asked ("iemand met een
    # WW-uitkering via een proefplaatsing"): it weighs as a mention
    person_markers: tuple[tuple[str, ...], ...] = ()
    # "mijn baas wil dat ik ... als zzp'er": what someone else proposes the asker becomes
    proposal_markers: tuple[tuple[str, ...], ...] = ()
    creditor_markers: tuple[tuple[str, ...], ...] = ()  # "achterstand bij de Belastingdienst": owed, not asked
    # "... de Belastingdienst niet meer betalen": a body right before these is owed, not asked
    creditor_after_markers: tuple[tuple[str, ...], ...] = ()
    # "Waar kan ik beter terecht?": an instrument named before these is where the asker has been
    elsewhere_markers: tuple[tuple[str, ...], ...] = ()
    # "Geldfit verwees me door naar de gemeente": the body before it referred the asker on, a mention
    referral_markers: tuple[tuple[str, ...], ...] = ()
    # "We're a Dutch cybersecurity software scale-up": an instrument word right after these and right
    # before one of `firm_nouns` says what the firm is, not what it asks; it weighs as a mention
    self_description_markers: tuple[tuple[str, ...], ...] = ()
    firm_nouns: frozenset[str] = frozenset()
    # "bij het Werkplein of bij UWV": bodies joined by one of these are candidates the asker weighs
    alternative_words: frozenset[str] = frozenset()
    source_markers: tuple[tuple[str, ...], ...] = ()  # "volgens het UWV ...": quoted, not asked
    relative_words: frozenset[str] = frozenset()  # "mensen die werk zoeken": a role of someone else
    first_person_words: frozenset[str] = frozenset()
    # "... die mijn uitzicht wegneemt": still the asker's (the roles' one-word `owner` markers, set by the loader)
    first_person_possessives: frozenset[str] = frozenset()
    # "waar moet ik allemaal aan denken": an overview of everything to arrange is asked for
    overview_markers: tuple[tuple[str, ...], ...] = ()
    # words that may stand inside any marker phrase without breaking it ("what *exactly* do I have
    # to arrange before", "valt *eigenlijk* niet onder")
    marker_fillers: frozenset[str] = frozenset()
    # an instrument right before one of these is what the question asks for ("ook EIA krijgen")
    goal_after_words: frozenset[str] = frozenset()
    contrast_words: frozenset[str] = frozenset()  # "maar", "but": what follows is the question
    range_links: frozenset[str] = frozenset()  # "2 tot 50 werknemers": the words of a range of numbers
    number_words: dict[str, int] = field(default_factory=dict)  # "acht" -> 8: a count written as a word
    default_language: str = "nl"
    # words for a scheme; next to a place name they name a regional one ("Friese subsidie")
    scheme_words: frozenset[str] = frozenset()
    scheme_links: frozenset[str] = frozenset()  # may stand between ("subsidie van de gemeente X")
    scheme_qualifiers: frozenset[str] = frozenset()  # one may stand between a place and its scheme
    # "provincie" -> "province": a body word before a place names that body ("de provincie Limburg")
    body_words: dict[str, str] = field(default_factory=dict)
    funding_verbs: frozenset[str] = frozenset()  # a body that "vergoedt" in its clause owns the scheme
    # a funding verb with one of these particles later in its sentence is another verb: "geeft ... door"
    # (passes on)
    funding_particles: dict[str, frozenset[str]] = field(default_factory=dict)
    particle_objects: frozenset[str] = frozenset()  # "op mijn pand": a preposition with its object, no particle
    # a verb that funds only with a share of the cost in its sentence ("Betaalt de provincie daar een
    # deel van?"), not when it pays a bill ("De gemeente betaalt mijn factuur niet")
    share_verbs: dict[str, frozenset[str]] = field(default_factory=dict)
    owner_links: frozenset[str] = frozenset()  # "<scheme> ... van de provincie X": X owns it
    holding_verbs: frozenset[str] = frozenset()  # "de provincie heeft een ondernemersloket": it owns it
    money_words: frozenset[str] = frozenset()  # "heeft de provincie geld voor ...": held money is a scheme
    possessives: frozenset[str] = frozenset()  # "the province ... its relocation subsidy": its own scheme
    not_heads: frozenset[str] = frozenset()  # "dienstverlening" ends like "lening" but is no loan
    place_body_words: frozenset[str] = frozenset()  # "in de gemeente Tilburg" is a location
    body_asked_words: frozenset[str] = frozenset()  # "bij de gemeente een lening krijgen"
    # "mijn energiebedrijf", "my energy supplier": someone the asker buys from, not the asker's firm
    supplier_words: tuple[tuple[str, ...], ...] = ()
    workplace_links: frozenset[tuple[str, ...]] = frozenset()  # "bij een" before a trade: not the asker
    subordinators: frozenset[str] = frozenset()  # "dat", "of": a clause with its verb last
    # unit word -> unit ("uur" -> hours): a number with a unit is never money
    units: dict[str, str] = field(default_factory=dict)
    # role -> words that give an amount of money that role (RAISE, THRESHOLD, COMPARISON, INCOME, VALUE);
    # PERIOD: the periods that, after a `rate_links` word, make the amount a rate (a VALUE)
    money_roles: dict[str, frozenset[str]] = field(default_factory=dict)
    rate_links: frozenset[str] = frozenset()  # "per" before a money role `period` word

    scheme_heads: tuple[str, ...] = ()  # the scheme words that also end a compound (5+ letters)
    # a fund a ROM is named with in its sentence is the ROM's ("het investeringsfonds van de provincie
    # dat door de NOM wordt beheerd"), where a subsidy stays its province's (regional_schemes.yaml)
    fund_words: frozenset[str] = frozenset()
    fund_heads: tuple[str, ...] = ()
    # "Zijn er in Zeeland vouchers ...?": a scheme asked for as existing in a place is that place's
    # own, unless it is capital (a fund or a loan: the ROM's, §4a)
    existential_markers: tuple[tuple[str, ...], ...] = ()
    existential_links: frozenset[str] = frozenset()  # "in" / "op": before the place
    capital_words: frozenset[str] = frozenset()
    capital_heads: tuple[str, ...] = ()

    def is_scheme_word(self, norm: str) -> bool:
        """A scheme word, alone or as the last part of a compound ("adviesregeling")."""
        return norm in self.scheme_words or norm.endswith(self.scheme_heads)

    def is_fund_word(self, norm: str) -> bool:
        """A fund, alone or as the last part of a compound ("investeringsfonds")."""
        return norm in self.fund_words or norm.endswith(self.fund_heads)

    def is_capital_word(self, norm: str) -> bool:
        """A fund or a loan, alone or as the last part of a compound ("starterslening")."""
        return self.is_fund_word(norm) or norm in self.capital_words or norm.endswith(self.capital_heads)


@dataclass(frozen=True, slots=True)
class TextFacts:
    postcode: str | None = None  # "5038" or "5038AB"
    postcode_evidence: str | None = None
    employees: int | None = None  # the firm's own staff count ("wij hebben 12 medewerkers")
    # token indices of every staff count, the firm's and those named as a limit ("bedrijven met 2 tot
    # 50 werknemers"): a size, not a labour-market topic
    staff_spans: tuple[tuple[int, int], ...] = ()
    amount: float | None = None  # money to raise (or of no known role): read as a capital need
    amount_evidence: str | None = None
    amount_role: str | None = None
    quantities: tuple[Quantity, ...] = ()  # every number with a unit or a role, for the log


class Quantity(NamedTuple):
    """A number read from the question with its unit ("eur", "hours", "percent", ...) and, for
    money, its role (RAISE, THRESHOLD, INCOME, VALUE or None when nothing says)."""

    value: float
    unit: str
    role: str | None
    evidence: str


def parse_number(raw: str) -> float | None:
    """Parse "250.000", "250,000", "1,5", "2.5", "40000" the way a Dutch or English writer means it."""
    if _GROUPED.match(raw):
        return float(re.sub(r"[.,]", "", raw))
    if raw.count(",") + raw.count(".") > 1:
        return None
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def _looks_like_year(n: int) -> bool:
    return 1900 <= n <= 2099


def find_postcode(text: str, tokens: Sequence[Token], lang: LanguageData) -> tuple[str, str] | None:
    """A postcode written in the question: "5038 AB" / "5038ab" anywhere, or four digits after a
    location or postcode word ("ik zit in 5038", "postcode 9711") or in brackets after a name
    ("Oosterwolde (8431)"), never a year or an amount."""
    for m in _PC6_RE.finditer(text):
        letters = m.group(2)
        glued = m.group(0)[4:5] != " "
        if letters.isupper() or (glued and letters.islower()):
            if letters.upper() in ("SA", "SD", "SS"):
                continue
            return m.group(1) + letters.upper(), m.group(0)
    for i, tok in enumerate(tokens):
        if len(tok.norm) != 4 or not tok.norm.isdigit() or tok.norm[0] == "0":
            continue
        if tok.surface != tok.norm:  # "1.225" is a number, not a postcode
            continue
        prev = [t.norm for t in tokens[max(0, i - 3) : i]]
        nxt = tokens[i + 1].norm if i + 1 < len(tokens) else ""
        if nxt in lang.not_after_postcode:
            continue
        if any(p in lang.postcode_words for p in prev):
            return tok.norm, tok.surface
        if prev and prev[-1] in lang.location_words and not _looks_like_year(int(tok.norm)):
            return tok.norm, tok.surface
        if (i and text[tok.start - 1 : tok.start] == "(" and text[tok.end : tok.end + 1] == ")"
                and tokens[i - 1].surface[:1].isupper() and not _looks_like_year(int(tok.norm))):
            return tok.norm, tok.surface  # "in Oosterwolde (8431)": a place with its postcode
    return None


def find_employees(tokens: Sequence[Token], lang: LanguageData) -> tuple[int | None, tuple[tuple[int, int], ...]]:
    """Staff sizes written as a number (or a number word) before a staff word ("12 medewerkers",
    "acht medewerkers", "50 staff"): the first count (read as the firm's own) and the token spans
    of all of them, ranges included ("firms with 2 to 50 employees", "10-49 werknemers"): every one
    is a size, not a topic."""
    count: int | None = None
    spans: list[tuple[int, int]] = []
    words = lang.number_words

    def number(tok: Token) -> int | None:
        return int(tok.norm) if tok.norm.isdigit() else words.get(tok.norm)

    for i, tok in enumerate(tokens):
        if spans and i <= spans[-1][1]:
            continue
        n = number(tok)
        if n is None:
            continue
        if (tok.hyphen_after and i + 1 < len(tokens) and number(tokens[i + 1]) is None
                and tokens[i + 1].norm not in lang.staff_words):
            continue  # part of a compound ("50-plussers", "24-uurs"), not a count
        for j in range(i + 1, min(i + 3, len(tokens))):
            if tokens[j].norm in lang.staff_words:
                if not 0 < n < 1_000_000:
                    break
                first = i  # a range starts at its lower number: "2 tot 50", "2 to 50", "2-50"
                if i >= 2 and tokens[i - 1].norm in lang.range_links and number(tokens[i - 2]) is not None:
                    first = i - 2
                elif i >= 1 and tokens[i - 1].hyphen_after and tokens[i - 1].norm.isdigit():
                    first = i - 1
                spans.append((first, j))
                if count is None:
                    count = n
                break
    return count, tuple(spans)


def _unit_after(tokens: Sequence[Token], j: int, lang: LanguageData, text: str) -> str | None:
    """The unit written right after the number ending at token j ("1.225 uur", "21%", "50 m2")."""
    end = tokens[j].end
    if text[end : end + 2].lstrip().startswith("%"):
        return "percent"
    for k in (j + 1, j + 2):  # the unit, or one word (an adjective: "1.400 vaste klanten") before it
        if k >= len(tokens) or text[tokens[k - 1].end : tokens[k].start].strip() not in ("", "-"):
            break
        unit = lang.units.get(tokens[k].norm)
        if unit is not None:
            return unit
    return None


def _money_role(tokens: Sequence[Token], i: int, j: int, lang: LanguageData) -> str | None:
    """What an amount is for: a threshold word just before or after it ("omzet onder de",
    "boven", "turnover of"), else money to raise anywhere in its sentence ("lenen", "nodig",
    "financiering"), else income the asker earns ("verdien", "inkomen"), else the value of
    something bought or owed just around it ("investering van", "kost", "ter waarde van") or a
    rate ("200 euro per jaar"); None when nothing says."""
    roles = lang.money_roles
    sent = tokens[i].sent
    near = [t.norm for t in tokens[max(0, i - 3) : i] if t.sent == sent]
    near += [t.norm for t in tokens[j + 1 : j + 3] if t.sent == sent]
    if any(w in roles.get(THRESHOLD, ()) for w in near):
        return THRESHOLD
    if any(_raises(t.norm, roles) for t in tokens if t.sent == sent):
        return RAISE  # "tot € 50.000 lenen": a comparison word next to money to borrow
    if any(t.norm in roles.get(INCOME, ()) for t in tokens if t.sent == sent):
        return INCOME  # "ik verdien er nog zo'n 9.000 euro per jaar mee"
    if any(w in roles.get(COMPARISON, ()) for w in near):
        return THRESHOLD  # "omzet onder de", "boven € 20.000"
    if any(w in roles.get(VALUE, ()) for w in near):
        return VALUE
    k = j + 2 if j + 1 < len(tokens) and tokens[j + 1].norm in lang.currency_words else j + 1
    if k + 1 < len(tokens) and tokens[k].norm in lang.rate_links and tokens[k + 1].norm in roles.get(PERIOD, ()):
        return VALUE  # "voor zo'n 200 euro per jaar": what something costs
    return None


def _raises(word: str, roles: Mapping[str, frozenset[str]]) -> bool:
    """A word of money to raise, also as the first part of a compound ("kredietaanvraag",
    "financieringsbehoefte"): raise words of 6+ letters."""
    raise_words = roles.get(RAISE, frozenset())
    if word in raise_words:
        return True
    return len(word) > 7 and any(word.startswith(w) for w in raise_words if len(w) >= 6)


def find_amounts(tokens: Sequence[Token], lang: LanguageData, text: str) -> list[Quantity]:
    """Amounts of money (a number next to a currency word or sign, or with a multiplier: "2
    miljoen", "50k", "€ 1,5 mln", or a grouped number such as "40.000" without a unit), each
    with its role. Numbers with a unit (hours, %, kWh, m2, years, people) are not money."""
    out: list[Quantity] = []
    skip = -1
    for i, tok in enumerate(tokens):
        if i == skip:
            continue  # the decimals of "1,5": already read with the token before
        if not (tok.norm[:1].isdigit() or tok.surface[:1].isdigit()):
            continue  # both patterns below start with a digit (isdigit: every \d and more)
        m = _NUMBER_RE.fullmatch(tok.surface) or _NUMBER_RE.fullmatch(tok.norm)
        glued_mult: float | None = None
        if m is None:
            # "50k", "2m", "1,5mln": digits glued to a multiplier
            g = _GLUED_RE.fullmatch(tok.norm)
            if g and g.group(2) in lang.multipliers:
                glued_mult = lang.multipliers[g.group(2)]
                value = parse_number(g.group(1))
            else:
                continue
        else:
            value = parse_number(tok.surface if _NUMBER_RE.fullmatch(tok.surface) else tok.norm)
        if value is None:
            continue
        # Decimal numbers are tokenised as "1" "5" for "1,5": rejoin them.
        j = i
        if (
            glued_mult is None
            and i + 1 < len(tokens)
            and tokens[i + 1].norm.isdigit()
            and text[tok.end : tokens[i + 1].start] in (",", ".")
        ):
            joined = parse_number(f"{tok.norm}.{tokens[i + 1].norm}")
            if joined is not None:
                value = joined
                j = skip = i + 1
        before = tokens[i - 1].norm if i > 0 else ""
        before_text = text[max(0, tok.start - 2) : tok.start]
        after = tokens[j + 1].norm if j + 1 < len(tokens) else ""
        after2 = tokens[j + 2].norm if j + 2 < len(tokens) else ""
        mult = glued_mult or lang.multipliers.get(after, 1.0)
        # a currency word counts only in the same run of words ("EUR.1" is a customs form)
        before_ok = i > 0 and text[tokens[i - 1].end : tok.start].strip() == ""
        after_ok = j + 1 < len(tokens) and text[tokens[j].end : tokens[j + 1].start].strip() == ""
        currency = (
            "€" in before_text
            or (before in lang.currency_words and before_ok)
            or (after in lang.currency_words and after_ok)
            or (after in lang.multipliers and after2 in lang.currency_words)
        )
        if not currency and _unit_after(tokens, j, lang, text) is not None:
            continue  # "1.225 uur", "50.000 kWh", "21%": a quantity, not money
        grouped = tok.surface != tok.norm and value >= 1000 and after not in lang.not_after_postcode
        if not currency and mult == 1.0 and not grouped:
            continue  # a bare number ("12 medewerkers", "2023") is not money; "40.000" is
        amount = value * mult
        last = j + (1 if after in lang.multipliers else 0)
        evidence = text[tok.start : tokens[min(last, len(tokens) - 1)].end]
        if "€" in before_text:
            evidence = "€ " + evidence
        out.append(Quantity(amount, "eur", _money_role(tokens, i, last, lang), evidence))
    return out


_DIGIT = re.compile(r"\d")


def extract(text: str, tokens: Sequence[Token], lang: LanguageData,
            norms: AbstractSet[str] | None = None) -> TextFacts:
    """The facts of the question; `norms`, the question's words, if the caller has them."""
    if not _DIGIT.search(text):  # no number but perhaps a count in words ("acht medewerkers")
        if lang.number_words.keys().isdisjoint(norms if norms is not None else {t.norm for t in tokens}):
            return TextFacts()
        staff, staff_spans = find_employees(tokens, lang)
        return TextFacts(employees=staff, staff_spans=staff_spans)
    pc = find_postcode(text, tokens, lang)
    amounts = find_amounts(tokens, lang, text)
    capital = max((q for q in amounts if q.role in (RAISE, None)), key=lambda q: q.value, default=None)
    staff, staff_spans = find_employees(tokens, lang)
    return TextFacts(
        postcode=pc[0] if pc else None,
        postcode_evidence=pc[1] if pc else None,
        employees=staff,
        staff_spans=staff_spans,
        amount=capital.value if capital else None,
        amount_evidence=capital.evidence if capital else None,
        amount_role=capital.role if capital else None,
        quantities=tuple(amounts),
    )
