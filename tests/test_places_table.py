"""The builder of routing_rules/regions/places.csv (app/devtools/places.py): which towns and
villages it keeps, and how a village core gets today's municipality from its postcodes."""

from pathlib import Path

from app.devtools.places import add_cores, build, namesake_sizes, namesakes


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


OLDER_HEADER = "Plaats,Woon- plaats- code,Postcode (laagste tot hoogste),Gemeente,Provincie"


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


def _namesakes(tmp_path: Path, bag: list[str], older: list[str]) -> tuple[Path, Path]:
    source = _write(tmp_path / "woonplaatsen.csv", "\n".join(["woonplaats,gemeente,provincie", *bag]) + "\n")
    return source, _write(tmp_path / "older.csv", "\n".join([OLDER_HEADER, *older]) + "\n")


def test_a_name_bag_gives_to_two_municipalities_is_kept_for_a_dominant_namesake(tmp_path: Path) -> None:
    # Velp in Rheden has 668 PC6 postcodes (6881-6883), the hamlet near Grave 61 (5363).
    source, older = _namesakes(tmp_path, ["Velp,Rheden,Gelderland", "Velp,Land van Cuijk,Noord-Brabant"],
                               ["Velp,3198,5363\u20135363,Grave,Noord-Brabant",
                                "Velp,1500,6881\u20136883,Rheden,Gelderland"])
    rows, skipped, shared = build(source, older)
    assert rows == [("Velp", "GM0275")] and shared == {"velp"}
    assert skipped["in several municipalities"] == 0


def test_namesakes_of_similar_size_keep_the_name_out(tmp_path: Path) -> None:
    # Klarenbeek in Apeldoorn (74 PC6) is not five times Klarenbeek in Voorst (64).
    source, older = _namesakes(tmp_path, ["Klarenbeek,Apeldoorn,Gelderland", "Klarenbeek,Voorst,Gelderland"],
                               ["Klarenbeek,2248,7381\u20137381,Apeldoorn,Gelderland",
                                "Klarenbeek,2606,7382\u20137382,Voorst,Gelderland"])
    rows, skipped, _ = build(source, older)
    assert rows == [] and skipped["in several municipalities"] == 1


def test_a_namesake_without_a_postcode_range_keeps_the_name_out(tmp_path: Path) -> None:
    # Only Velp in Rheden is in the older list: the other cannot be sized, so nothing is known.
    source, older = _namesakes(tmp_path, ["Velp,Rheden,Gelderland", "Velp,Land van Cuijk,Noord-Brabant"],
                               ["Velp,1500,6881\u20136883,Rheden,Gelderland"])
    rows, skipped, _ = build(source, older)
    assert rows == [] and skipped["in several municipalities"] == 1


def test_a_postcode_shared_with_another_woonplaats_does_not_size_a_namesake(tmp_path: Path) -> None:
    # 7991 (134 PC6) is mostly Dwingeloo; the sliver of Spier in Westerveld that shares it gets no
    # size from it (nor does Dwingeloo), so it cannot outweigh the village Spier in Midden-Drenthe.
    _, older = _namesakes(tmp_path, [], [
        "Spier,3022,9417\u20139417,Midden-Drenthe,Drenthe",
        "Spier,3120,7991\u20137991,Westerveld,Drenthe",
        "Dwingeloo,3110,7991\u20137991,Westerveld,Drenthe",
        "Oosterwolde / Easterw\u00e2lde,1763,8431\u20138431,Ooststellingwerf,Friesland",  # either name counts
    ])
    sizes = namesake_sizes(older)
    assert sizes["spier"] == {"GM1731": 7} and "dwingeloo" not in sizes
    assert sizes["oosterwolde"] == sizes["easterwalde"] == {"GM0085": 317}


def test_every_municipality_a_shared_name_is_borne_in_is_listed_with_its_kind(tmp_path: Path) -> None:
    # Elst: a BAG woonplaats in Overbetuwe, one in Rhenen known by the older list's code, a core in
    # Oss (postcode 5386); Ospel lies in one municipality only and is no namesake.
    source, older = _namesakes(tmp_path, ["Elst,Overbetuwe,Gelderland", "Ospel,Nederweert,Limburg"], [
        "Elst,,5386\u20135386,Oss,Noord-Brabant",
        "Elst,,3921\u20133922,Rhenen,Utrecht",
        "Elst,1400,3921\u20133922,Rhenen,Utrecht",
        "Ospel,2038,6035\u20136035,Nederweert,Limburg",
    ])
    assert namesakes(source, older) == [("Elst", "GM0340", "woonplaats"), ("Elst", "GM0828", "core"),
                                        ("Elst", "GM1734", "woonplaats")]
