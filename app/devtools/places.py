"""Build `routing_rules/regions/places.csv`: the towns and villages (BAG woonplaatsen) people
name instead of their municipality ("een lunchroom in Bolnes" is Ridderkerk).

Input is a public copy of the BAG woonplaats list (woonplaats, gemeente, provincie); see
`routing_rules/regions/README.md` for the source, its licence and the checks. Only names that
point to one municipality (or, given the older list, whose largest namesake dwarfs the others: see
DOMINANCE) and are not already a municipality, province, alias or region name are written; the
service reads them only where they stand as a place (capitalised, after a word of where: "in
Ospel"), like the ambiguous names.

    python -m app.devtools.places SOURCE.csv [--check OLDER.csv] > routing_rules/regions/places.csv
    (add --namesakes routing_rules/regions/namesakes.csv to write the shared names too)
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

from wordfreq import zipf_frequency

from app.routing.text import fold

REGIONS = Path(__file__).resolve().parents[2] / "routing_rules" / "regions"
# Source spellings of municipalities that differ from the CBS and Locatieserver names.
SPELLINGS = {"sudwest friesland": "sudwest fryslan", "noardeast friesland": "noardeast fryslan",
             "den haag": "s gravenhage"}
# Woonplaatsen whose name is, in a question, far more often something else: a country or a
# continent ("in Nederland", "in America"), or a common Dutch or English word that starts a
# sentence or a title (found by looking the names up in the labelled questions' words).
NOT_PLACES = {"nederland", "america", "holland", "europa", "egypte", "canada", "jeruzalem",
              "een", "winkel", "hem", "loon", "waarde", "anderen", "heel", "made", "well",
              "enter", "hoeven"}


# A name that is a common word or a foreign place in Dutch or English text ("Dieren", "Monster",
# "Hasselt", "Zurich") is read as that more often than as the village: left out by its word
# frequency (wordfreq's Zipf scale: 4 is about once per 100,000 words). Village cores, mostly
# hamlets, are held to a stricter bar than BAG woonplaatsen.
WORD_BAR = {"woonplaats": (4.0, 3.5), "core": (3.5, 3.0)}

# A name BAG gives to woonplaatsen in several municipalities is kept, for the largest of them, when
# that one has at least this many times the PC6 postcodes of every other ("in Velp" is Velp in
# Rheden, 668 PC6, not the hamlet near Grave, 61): people name the large place far more often.
DOMINANCE = 5


# Towns and villages whose name is also a word ("Dieren" = animals, "Zetten" = to put) but that
# people do name as the place where their firm is ("een garagebedrijf in Dieren"): the service reads
# them only where they stand as a place (capitalised, right after a word of where), so the word
# frequency does not keep them out. Not here: names that also read as a foreign place (Hasselt,
# Mechelen, Zurich, Sint Maarten), as a direction or region ("in het Noorden"), as a plain word
# after "in" ("in Een", "in Made", "during Lent"), or as a name after "bij" ("bij De Vries", "bij Erica").
TOWNS_THAT_ARE_WORDS = {
    "dieren", "zetten", "helden", "velden", "klimmen", "monster", "dalen", "warns", "philippine", "opende",
    "nieuw amsterdam", "nieuw dordrecht", "bergen aan zee", "boven leeuwen", "de steeg", "t harde", "t zand",
    "ten post", "ter aard", "schiphol rijk", "oude meer", "maria hoop", "haren", "den ham", "neer",
}


def is_word(key: str, kind: str) -> bool:
    """Whether a folded name reads as an ordinary word or a foreign place (see WORD_BAR)."""
    if key in TOWNS_THAT_ARE_WORDS:
        return False
    nl, en = WORD_BAR[kind]
    return key in NOT_PLACES or zipf_frequency(key, "nl") >= nl or zipf_frequency(key, "en") >= en


def _municipalities() -> tuple[dict[str, str], dict[tuple[str, str], str], set[str]]:
    """Folded name -> code, (base name, province) -> code for suffixed names, names taken."""
    by_name: dict[str, str] = {}
    by_base: dict[tuple[str, str], str] = {}
    for row in csv.DictReader((REGIONS / "municipalities.csv").open(encoding="utf-8")):
        for name in (row["gemeente_name"], row["gemeente_name_pdok_locatieserver"]):
            by_name[fold(name)] = row["gemeente_code"]
            by_base[(fold(name.split("(")[0]), fold(row["province_name"]))] = row["gemeente_code"]
    taken = set(by_name)
    taken |= {fold(r["province_name"]) for r in csv.DictReader((REGIONS / "provinces.csv").open(encoding="utf-8"))}
    taken |= {fold(r["province_name_alt"]) for r in csv.DictReader((REGIONS / "provinces.csv").open(encoding="utf-8"))
              if r["province_name_alt"]}
    taken |= {fold(r["alias"]) for r in csv.DictReader((REGIONS / "aliases.csv").open(encoding="utf-8"))}
    return by_name, by_base, taken


def _pc4() -> dict[str, tuple[str, int]]:
    """PC4 -> (gemeente code, number of PC6 postcodes it has there), from pc4.csv."""
    return {r["pc4"]: (r["gemeente_code"], int(r["pc6_count"]))
            for r in csv.DictReader((REGIONS / "pc4.csv").open(encoding="utf-8"))}


def _ranges(older: Path) -> list[tuple[str, str, str, str]]:
    """The rows of an older list that give a postcode range: (place, woonplaatscode or "" for a
    village core, lowest PC4, highest PC4)."""
    found: list[tuple[str, str, str, str]] = []
    for row in csv.reader(older.open(encoding="utf-8")):
        if len(row) >= 3 and row[2][:4].isdigit():
            low, _, high = row[2].replace("–", "-").partition("-")
            found.append((row[0], row[1].strip(), low.strip()[:4], (high or low).strip()[:4]))
    return found


def namesake_sizes(older: Path) -> dict[str, dict[str, int]]:
    """Folded place name -> {gemeente code: size}: the PC6 postcodes of the PC4s in the postcode
    ranges an older list gives that name, each PC4 counted once, for the municipality pc4.csv puts
    it in. Either name of a pair counts ("Oosterwolde / Easterwâlde"). A PC4 the list gives to
    woonplaatsen of different names counts for none of them: 7991 is mostly Dwingeloo, and the
    Westerveld slivers of Ansen, Pesse, Ruinen and Spier would otherwise look as large."""
    pc4 = _pc4()
    pcs: dict[str, set[str]] = defaultdict(set)
    woonplaatsen: dict[str, list[set[str]]] = defaultdict(list)
    for place, code, low, high in _ranges(older):
        if "(" in place or "?" in place or not high.isdigit():
            continue
        names = {fold(n) for n in place.split("/")}
        for pc in (f"{n:04d}" for n in range(int(low), int(high) + 1)):
            for name in names:
                pcs[name].add(pc)
            if code:
                woonplaatsen[pc].append(names)
    sizes: dict[str, dict[str, int]] = defaultdict(dict)
    for name, found in pcs.items():
        for pc in sorted(found & pc4.keys()):
            if all(name in names for names in woonplaatsen[pc]):
                code, count = pc4[pc]
                sizes[name][code] = sizes[name].get(code, 0) + count
    return sizes


def dominant(codes: set[str], sizes: dict[str, int]) -> str | None:
    """The municipality of the namesake at least DOMINANCE times the size of every other, or None
    (also when a namesake has no size)."""
    if not all(sizes.get(c) for c in codes):
        return None
    first, *rest = sorted(codes, key=lambda c: -sizes[c])
    return first if all(sizes[first] >= DOMINANCE * sizes[c] for c in rest) else None


def _code_of(row: dict[str, str], by_name: dict[str, str], by_base: dict[tuple[str, str], str]) -> str | None:
    """The CBS code of a source row's municipality (by name, else by its name and province), or None."""
    g = fold(row["gemeente"])
    g = SPELLINGS.get(g, g)
    return by_name.get(g) or by_base.get((g, fold(row["provincie"].replace("Friesland", "Fryslân"))))


def build(source: Path, older: Path | None = None) -> tuple[list[tuple[str, str]], dict[str, int], set[str]]:
    """(place, gemeente code) rows, sorted; counts of what was left out and why; and the folded
    names of woonplaatsen in several municipalities (no village core may bring them back). Given
    an older list with postcode ranges, such a name is kept for its dominant namesake (DOMINANCE)."""
    by_name, by_base, taken = _municipalities()
    sizes = namesake_sizes(older) if older else {}
    codes: dict[str, set[str]] = defaultdict(set)
    spelled: dict[str, str] = {}
    unknown = 0
    for row in csv.DictReader(source.open(encoding="utf-8")):
        code = _code_of(row, by_name, by_base)
        if code is None:
            unknown += 1
            continue
        key = fold(row["woonplaats"])
        codes[key].add(code)
        spelled.setdefault(key, row["woonplaats"].strip())
    skipped = {"unknown municipality": unknown, "in several municipalities": 0,
               "already a municipality, province or alias": 0, "read as something else": 0}
    rows: list[tuple[str, str]] = []
    shared = {key for key, cs in codes.items() if len(cs) > 1}
    for key, cs in codes.items():
        code = next(iter(cs)) if len(cs) == 1 else dominant(cs, sizes.get(key, {}))
        if key in taken:
            skipped["already a municipality, province or alias"] += 1
        elif code is None:
            skipped["in several municipalities"] += 1
        elif len(key) < 3 or is_word(key, "woonplaats"):
            skipped["read as something else"] += 1
        else:
            rows.append((spelled[key], code))
    return sorted(rows, key=lambda r: (fold(r[0]), r[1])), skipped, shared


def add_cores(rows: list[tuple[str, str]], older: Path,
              shared: set[str] | frozenset[str] = frozenset()) -> tuple[list[tuple[str, str]], int]:
    """Add the village cores (kernen) of an older list that are no BAG woonplaats of their own
    ("Bolnes" lies in woonplaats Ridderkerk): their municipality is today's municipality of their
    postcodes in pc4.csv (so mergers since the list was made are followed), only where all their
    postcodes lie in one municipality and the name is not taken. A name BAG gives to woonplaatsen
    in several municipalities (`shared`) stays out: the older list may spell one of them
    differently ("Oosterwolde / Easterwâlde"), which does not make the other the only one."""
    pc4 = {pc: code for pc, (code, _) in _pc4().items()}
    _, _, taken = _municipalities()
    have = {fold(n) for n, _ in rows}
    found: dict[str, set[str]] = defaultdict(set)
    spelled: dict[str, str] = {}
    for place, _, low, high in _ranges(older):
        if "(" in place or "?" in place:
            continue
        key = fold(place)
        for pc in {low, high}:
            found[key].add(pc4.get(pc, "?"))
        spelled.setdefault(key, place.strip())
    added = [(spelled[k], next(iter(cs))) for k, cs in found.items()
             if k not in have and k not in taken and k not in shared and len(k) >= 3 and "/" not in spelled[k]
             and len(cs) == 1 and "?" not in cs and not is_word(k, "core")]
    return sorted(rows + added, key=lambda r: (fold(r[0]), r[1])), len(added)


def namesakes(source: Path, older: Path) -> list[tuple[str, str, str]]:
    """(place, gemeente code, kind) for every name that towns or villages in more than one
    municipality bear ("Elst": Overbetuwe, Rhenen and Oss; "Hoorn": the city and a village on
    Terschelling). The service reads such a name only where another place in the sentence picks
    one of them ("Elst, in de provincie Utrecht"). kind is `woonplaats` (BAG) or `core` (a village
    core of the older list only, placed by the municipality of its lowest postcode)."""
    by_name, by_base, _ = _municipalities()
    pc4 = {pc: code for pc, (code, _) in _pc4().items()}
    found: dict[str, dict[str, str]] = defaultdict(dict)
    spelled: dict[str, str] = {}
    for row in csv.DictReader(source.open(encoding="utf-8")):
        code = _code_of(row, by_name, by_base)
        if code is not None:
            key = fold(row["woonplaats"])
            found[key][code] = "woonplaats"
            spelled.setdefault(key, row["woonplaats"].strip())
    for place, wcode, low, _ in _ranges(older):
        if "(" in place or "?" in place or "/" in place or low not in pc4:
            continue
        key = fold(place)
        if wcode:
            found[key][pc4[low]] = "woonplaats"
        else:
            found[key].setdefault(pc4[low], "core")
        spelled.setdefault(key, place.strip())
    rows = [(spelled[k], code, kind) for k, codes in found.items()
            if len(codes) > 1 and len(k) >= 3 and k not in NOT_PLACES for code, kind in codes.items()]
    return sorted(rows, key=lambda r: (fold(r[0]), r[1]))


def check(rows: list[tuple[str, str]], older: Path) -> tuple[int, int, list[str]]:
    """Compare with an older list that gives each woonplaats's lowest postcode: (agree,
    compared, differences) by the municipality of that postcode in pc4.csv."""
    pc4 = {pc: code for pc, (code, _) in _pc4().items()}
    lowest: dict[str, set[str]] = defaultdict(set)
    for place, _, low, _ in _ranges(older):
        lowest[fold(place)].add(low)
    agree = compared = 0
    diffs: list[str] = []
    for name, code in rows:
        pcs = lowest.get(fold(name))
        if not pcs or len(pcs) > 1 or next(iter(pcs)) not in pc4:
            continue
        compared += 1
        if pc4[next(iter(pcs))] == code:
            agree += 1
        else:
            diffs.append(f"{name}: {code} vs postcode {next(iter(pcs))} -> {pc4[next(iter(pcs))]}")
    return agree, compared, diffs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path)
    ap.add_argument("--check", type=Path, help="an older list with postcode ranges: cross-check, size the "
                    "namesakes of shared names, and add its village cores that are no woonplaats of their own")
    ap.add_argument("--namesakes", type=Path, help="with --check: also write the names borne by places in "
                    "several municipalities to this file (regions/namesakes.csv)")
    args = ap.parse_args(argv)
    if args.namesakes and args.check:
        with args.namesakes.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["place", "gemeente_code", "kind"])
            w.writerows(namesakes(args.source, args.check))
    rows, skipped, shared = build(args.source, args.check)
    if args.check:
        kept = [name for name, _ in rows if fold(name) in shared]
        print(f"{len(kept)} names of several woonplaatsen kept for their dominant namesake: {kept}", file=sys.stderr)
        # Those names are checked by their sizes; their lowest postcodes are several by nature.
        agree, compared, diffs = check([r for r in rows if fold(r[0]) not in shared], args.check)
        print(f"cross-check: {agree}/{compared} agree", file=sys.stderr)
        for d in diffs:
            print("  " + d, file=sys.stderr)
        rows, added = add_cores(rows, args.check, shared)
        print(f"{added} village cores added from the older list", file=sys.stderr)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["place", "gemeente_code"])
    out.writerows(rows)
    print(f"{len(rows)} places; left out: {skipped}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
