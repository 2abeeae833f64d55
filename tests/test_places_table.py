"""The builder of routing_rules/regions/places.csv (app/devtools/places.py): which towns and
villages it keeps, and how a village core gets today's municipality from its postcodes."""

from pathlib import Path

from app.devtools.places import add_cores, build


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_only_unambiguous_names_that_are_no_word_or_municipality_are_kept(tmp_path: Path) -> None:
    source = _write(tmp_path / "woonplaatsen.csv", "\n".join([
        "woonplaats,gemeente,provincie",
        "Ospel,Nederweert,Limburg",
        "Achterveld,Barneveld,Gelderland",  # in two municipalities: left out
        "Achterveld,Leusden,Utrecht",
        "Tilburg,Tilburg,Noord-Brabant",  # a municipality's own name: the municipality table wins
        "Winkel,Hollands Kroon,Noord-Holland",  # an ordinary word ("shop")
        "Groet,Bergen,Noord-Holland",  # "Bergen" told apart by its province
        "Abbega,Súdwest-Friesland,Friesland",  # the source's spelling of Súdwest-Fryslân
    ]) + "\n")
    rows, skipped, shared = build(source)
    assert shared == {"achterveld"}
    assert rows == [("Abbega", "GM1900"), ("Groet", "GM0373"), ("Ospel", "GM0946")]
    assert skipped["in several municipalities"] == 1
    assert skipped["already a municipality, province or alias"] == 1
    assert skipped["read as something else"] == 1


def test_a_village_core_gets_the_municipality_of_its_postcodes_today(tmp_path: Path) -> None:
    older = _write(tmp_path / "older.csv", "\n".join([
        "Plaats,Woon- plaats- code,Postcode (laagste tot hoogste),Gemeente,Provincie",
        "Bolnes,,2987\u20132987,Ridderkerk,Zuid-Holland",
        "Nergenshuizen,,2987\u20135038,Ridderkerk,Zuid-Holland",  # postcodes in two municipalities
        "Ospel,2038,6035\u20136035,Nederweert,Limburg",  # already a woonplaats
    ]) + "\n")
    rows, added = add_cores([("Ospel", "GM0946")], older)
    assert rows == [("Bolnes", "GM0597"), ("Ospel", "GM0946")] and added == 1


def test_a_name_bag_gives_to_two_municipalities_is_not_brought_back_as_a_core(tmp_path: Path) -> None:
    # BAG has an Oosterwolde in Oldebroek and one in Ooststellingwerf; the older list spells the
    # Frisian one "Oosterwolde / Easterwâlde", which must not make Oldebroek's the only one.
    older = _write(tmp_path / "older.csv", "\n".join([
        "Plaats,Woon- plaats- code,Postcode (laagste tot hoogste),Gemeente,Provincie",
        "Oosterwolde,3072,8097\u20138097,Oldebroek,Gelderland",
        "Bolnes,,2987\u20132987,Ridderkerk,Zuid-Holland",
    ]) + "\n")
    rows, added = add_cores([], older, {"oosterwolde"})
    assert rows == [("Bolnes", "GM0597")] and added == 1
