"""Region tables: every municipality and every PC4 resolves; aliases, 't Gooi and region names."""

import csv

import pytest

from app.routing.engine import Router
from app.routing.geo import UnknownPlace
from app.routing.text import clean, tokenize
from tests.conftest import RULES, route

REGIONS = RULES / "regions"


def _place_code(router: Router, text: str) -> str | None:
    """The code of the place Geo reads in a question's text, or None."""
    place = router.data.geo.find_in_text(tokenize(clean(text)))
    return place.code if place is not None else None


def rows(name: str) -> list[dict[str, str]]:
    with (REGIONS / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


MUNIS = rows("municipalities.csv")
LMR = {r["gemeente_code"]: r["arbeidsmarktregio_code"] for r in rows("labour_market_regions.csv")}
ROM_BY_PROVINCE = {
    "PV20": "rom:nom", "PV21": "rom:nom", "PV22": "rom:nom", "PV23": "rom:oost-nl",
    "PV24": "rom:horizon-flevoland", "PV25": "rom:oost-nl", "PV26": "rom:utrecht-region",
    "PV27": "rom:inwest", "PV28": "rom:innovationquarter", "PV29": "rom:impuls-zeeland",
    "PV30": "rom:bom", "PV31": "rom:liof",
}
GOOI = {"GM0402", "GM1942", "GM0406", "GM0417", "GM0376", "GM1696"}


def test_shipped_tables_have_the_expected_size(router: Router) -> None:
    geo = router.data.geo
    assert len(geo.municipalities) == 342
    assert len(geo.provinces) == 12
    assert len(geo.labour_market_regions) == 35
    assert len(geo.pc4) == 4074


def test_every_municipality_resolves_by_name_and_code(router: Router) -> None:
    failures = []
    for r in MUNIS:
        code = r["gemeente_code"]
        for value in (r["gemeente_name"], r["gemeente_name_pdok_locatieserver"], code, code.lower()):
            loc = router.resolve_location(municipality=value)
            assert loc is not None
            got = (loc.municipality.code if loc.municipality else None,
                   loc.province.code if loc.province else None,
                   loc.labour_market_region.code if loc.labour_market_region else None, loc.rom)
            rom = "rom:inwest" if code in GOOI else ROM_BY_PROVINCE[r["province_code"]]
            want = (code, r["province_code"], LMR[code], rom)
            if got != want:
                failures.append((value, got, want))
    assert not failures, failures[:10]


def test_every_pc4_resolves_to_its_municipality(router: Router) -> None:
    for r in rows("pc4.csv"):
        loc = router.resolve_location(postcode=r["pc4"])
        assert loc is not None and loc.municipality is not None
        assert loc.municipality.code == r["gemeente_code"], r["pc4"]
        assert loc.province is not None and loc.province.code == router.data.geo.municipalities[
            r["gemeente_code"]].province


def test_postcode_with_letters_and_spaces(router: Router) -> None:
    for pc in ("5038 AB", "5038AB", "5038ab", " 5038 "):
        loc = router.resolve_location(postcode=pc)
        assert loc is not None and loc.municipality is not None
        assert loc.municipality.name == "Tilburg"


def test_pc4_without_addresses_is_known_but_unresolved(router: Router) -> None:
    loc = router.resolve_location(postcode="1099")
    assert loc is not None and loc.municipality is None and loc.note == "unknown_postcode"


@pytest.mark.parametrize(("alias", "code"), [
    ("Den Haag", "GM0518"), ("den haag", "GM0518"), ("The Hague", "GM0518"),
    ("Den Bosch", "GM0796"), ("'s-Hertogenbosch", "GM0796"), ("s Hertogenbosch", "GM0796"),
    ("Ljouwert", "GM0080"), ("Súdwest-Fryslân", "GM1900"), ("Sudwest Fryslan", "GM1900"),
    ("Weesp", "GM0363"),
])
def test_municipality_aliases(router: Router, alias: str, code: str) -> None:
    assert router.data.geo.municipality(alias).code == code


@pytest.mark.parametrize(("alias", "code"), [
    ("Friesland", "PV21"), ("Fryslân", "PV21"), ("Brabant", "PV30"), ("Noord Brabant", "PV30"),
    ("PV27", "PV27"), ("pv31", "PV31"), ("Zuid-Holland", "PV28"),
])
def test_province_aliases(router: Router, alias: str, code: str) -> None:
    assert router.data.geo.province(alias).code == code


@pytest.mark.parametrize("value", ["Atlantis", "GM9999", "Amsterdam-Noord-Zuid"])
def test_unknown_municipality(router: Router, value: str) -> None:
    with pytest.raises(UnknownPlace):
        router.data.geo.municipality(value)


@pytest.mark.parametrize("code", sorted(GOOI))
def test_gooi_rule(router: Router, code: str) -> None:
    loc = router.resolve_location(municipality=code)
    assert loc is not None and loc.rom == "rom:inwest" and loc.rom_also == ("rom:utrecht-region",)


def test_gooi_rule_in_a_route(router: Router) -> None:
    d = route(router, "Welk risicokapitaal is er voor ons innovatieve bedrijf?",
              location={"municipality": "Blaricum"})
    ids = [r.provider_id for r in d.routes]
    assert ids[0] == "rom:inwest" and ids[1] == "rom:utrecht-region"


@pytest.mark.parametrize(("text", "kind", "code"), [
    ("Wij zitten in Tilburg", "municipality", "GM0855"),
    ("ons bedrijf in Den Bosch", "municipality", "GM0796"),
    ("een bedrijf in Brainport", "region", "brainport"),
    ("actief in Zuid-Limburg", "region", "zuid limburg"),
    ("als Zeeuwse ondernemer", "province", "PV29"),
    ("een Limburgs bedrijf", "province", "PV31"),
    ("kantoor in Groningen", "municipality", "GM0014"),
    # a question about moving is about where the firm goes ("naar Zwolle"), not where it comes from
    ("We verhuizen onze drukkerij van Deventer naar Zwolle. Welke vergunning hebben we daar nodig?",
     "municipality", "GM0193"),
    ("We are relocating our bakery from Breda to Tilburg next year.", "municipality", "GM0855"),
    # without a word of moving, "naar" is no destination of the firm
    ("Ons bedrijf in Breda levert elke week naar Tilburg.", "municipality", "GM0758"),
    # the destination may stand a few words after "naar" / "to"; a place after "from" is where it comes from
    ("Ons bedrijf uit Utrecht wil verhuizen naar de nieuwe campus in Venlo.", "municipality", "GM0983"),
    ("We want to move from Utrecht to a bigger hall nearby.", "municipality", "GM0344"),
])
def test_places_in_text(router: Router, text: str, kind: str, code: str) -> None:
    place = router.data.geo.find_in_text(tokenize(clean(text)))
    assert place is not None and (place.kind, place.code) == (kind, code)


@pytest.mark.parametrize("text", [
    "Wat is de best practice voor mijn webshop?",
    "Het proces goes smoothly",
    "We willen ons bedrijf uitbreiden met meer huizen",
    "Wat is het beste moment om te starten?",
])
def test_words_that_are_also_places_need_a_capital_and_a_location_word(router: Router, text: str) -> None:
    assert _place_code(router, text) is None


def test_ambiguous_place_with_location_word(router: Router) -> None:
    assert _place_code(router, "Ik heb een bakkerij in Best") == "GM0753"


@pytest.mark.parametrize(("text", "code"), [
    ("Ik heb een lunchroom in Bolnes en wil een terras", "GM0597"),  # a village core (Ridderkerk)
    ("ons restaurant in 't Goy", "GM0321"),  # after an elision (Houten)
    ("Wij verhuren chalets in Ospel aan seizoenwerkers", "GM0946"),  # Nederweert
    ("een kaasboerderij bij Oudewater", "GM0589"),  # a municipality still wins over the village table
    ("een bakkerij uit Aldeboarn", "GM0074"),  # a Frisian woonplaats (Heerenveen)
])
def test_a_town_or_village_gives_its_municipality(router: Router, text: str, code: str) -> None:
    place = router.data.geo.find_in_text(tokenize(clean(text)))
    assert place is not None and (place.kind, place.code) == ("municipality", code)


@pytest.mark.parametrize("text", [
    "Wie kan mij helpen met een vergunning?",  # "Wie" is a hamlet, and a question word
    "ik woon in bolnes",  # a village only counts when written as a name
    "Ospel heeft een mooie markt",  # ... and after a word of where
    "We verkopen in Nederland en in Dieren-speciaalzaken",  # a country; a word ("dieren", animals)
])
def test_a_village_name_needs_a_capital_and_a_location_word(router: Router, text: str) -> None:
    assert _place_code(router, text) is None


@pytest.mark.parametrize(("text", "lmr"), [
    ("een metaalbedrijf in de Achterhoek", "AM09"),
    ("ons bedrijf in Twente", "AM05"),
    ("een bakkerij in Zuid-Limburg", "AM30"),
    ("een bedrijf op de Veluwe", None),  # a region that is no labour-market region of its own
])
def test_a_region_named_like_a_labour_market_region_gives_it(router: Router, text: str, lmr: str | None) -> None:
    place = router.data.geo.find_in_text(tokenize(clean(text)))
    assert place is not None and place.kind == "region"
    loc = router.data.geo.locate_text_place(place)
    assert (loc.labour_market_region.code if loc.labour_market_region else None) == lmr


def test_a_region_name_gives_the_exact_werkgeversservicepunt(router: Router) -> None:
    d = route(router, "Welk werkgeversservicepunt helpt metaalbedrijven in de Achterhoek aan personeel?")
    assert d.routes[0].provider_id == "wsp:AM09"


@pytest.mark.parametrize(("text", "code"), [
    ("een kwekerij in het Westland", "GM1783"),  # an article between the location word and the name
    ("a vertical farm in the Westland", "GM1783"),
])
def test_an_article_may_stand_between_the_location_word_and_the_name(router: Router, text: str, code: str) -> None:
    assert _place_code(router, text) == code


@pytest.mark.parametrize(("text", "code"), [
    ("een standplaats in het centrum van Woerden", "GM0632"),  # a place noun and "van" before the name
    ("ijsjes verkopen in de wijken van Stein", "GM0971"),
    ("a food truck in the centre of Stein", "GM0971"),
    ("een schoenwinkel in het kernwinkelgebied van Assen", "GM0106"),  # a compound place noun
    ("een kraam in het winkelcentrum van Stein", "GM0971"),
    ("een bedrijfje in Bergen in Limburg", "GM0893"),  # the province after the name tells which Bergen
    ("een hotel in Bergen in Noord-Holland", "GM0373"),
])
def test_a_place_noun_or_a_province_after_the_name_reads_as_a_place(router: Router, text: str, code: str) -> None:
    assert _place_code(router, text) == code


def test_a_surname_with_van_is_no_place(router: Router) -> None:
    assert _place_code(router, "Onze adviseur, meneer Van Woerden, belde") is None


def test_a_village_in_the_location_field_resolves_to_its_municipality(router: Router) -> None:
    loc = router.resolve_location(municipality="Ospel")
    assert loc is not None and loc.municipality is not None and loc.municipality.code == "GM0946"


def test_the_village_table_never_shadows_a_municipality_or_alias() -> None:
    from app.routing.text import fold
    taken = {fold(r["gemeente_name"]) for r in MUNIS} | {fold(r["alias"]) for r in rows("aliases.csv")}
    places = rows("places.csv")
    assert len(places) > 4000
    codes = {r["gemeente_code"] for r in MUNIS}
    assert all(r["gemeente_code"] in codes for r in places)
    assert not taken & {fold(r["place"]) for r in places}


@pytest.mark.parametrize(("name", "rom"), [
    ("Noord-Nederland", "rom:nom"), ("Oost-Nederland", "rom:oost-nl"),
    ("Brainport", "rom:bom"), ("Zuid-Limburg", "rom:liof"),
])
def test_region_names_give_the_rom(router: Router, name: str, rom: str) -> None:
    d = route(router, f"Welke investeerder helpt een snelgroeiend bedrijf in {name}?")
    assert d.routes[0].provider_id == rom


def test_every_province_resolves_by_name_even_when_a_municipality_shares_it(router: Router) -> None:
    for r in rows("provinces.csv"):
        for value in (r["province_name"], r["province_name_alt"], r["province_code"]):
            if value:
                loc = router.resolve_location(province=value)
                assert loc is not None and loc.province is not None
                assert loc.province.code == r["province_code"], value
                assert loc.rom == ROM_BY_PROVINCE[r["province_code"]]


@pytest.mark.parametrize(("text", "code"), [
    ("een ijssalon in Valkenburg", "GM0994"),  # the short name of Valkenburg aan de Geul
    ("a bakery in Capelle", "GM0502"),
])
def test_the_short_name_of_a_municipality_named_after_its_seat(router: Router, text: str, code: str) -> None:
    assert _place_code(router, text) == code


def test_an_area_word_alone_before_an_ambiguous_name_is_not_enough(router: Router) -> None:
    # "assen" is also a plain word (axles): no capital, no place
    assert _place_code(router, "het gebied van de assen van de kar") is None


@pytest.mark.parametrize(("text", "code"), [
    ("een garagebedrijf in Dieren", "GM0275"),  # a town whose name is also a word, written as a place
    ("een café in Zetten overnemen", "GM1734"),
    ("a greenhouse in Monster", "GM1783"),
    ("een café aan de kade in Neer", "GM1640"),  # Leudal (fresh set fl)
])
def test_a_town_whose_name_is_also_a_word_counts_where_it_stands_as_a_place(router: Router, text: str,
                                                                           code: str) -> None:
    assert _place_code(router, text) == code


@pytest.mark.parametrize("text", [
    "Mag ik dieren houden in mijn winkel?",  # the word, not the town
    "Kan ik de kraam neer zetten in de hal?",
    "Waar het op neer komt: mag ik in de hal staan?",  # "op neer", the word after a word of where
    "Ik bestel mijn verpakkingen bij De Vries",  # a surname after "bij": no town of that name is read
])
def test_the_word_is_no_place(router: Router, text: str) -> None:
    assert _place_code(router, text) is None


@pytest.mark.parametrize(("text", "code"), [
    # a municipality named after the region or province it lies in is the more exact place
    ("een uitzendbureau in Noord-Limburg dat in Venlo wil bouwen", "GM0983"),
    ("een bouwbedrijf in Gelderland dat in Arnhem een loods wil", "GM0202"),
    # one outside it does not replace it
    ("een bouwbedrijf in Gelderland met een klant in Utrecht", "PV25"),
])
def test_a_municipality_inside_the_wider_place_named_first_is_the_place(router: Router, text: str,
                                                                         code: str) -> None:
    assert _place_code(router, text) == code


def test_the_tax_office_is_no_business_word(router: Router) -> None:
    # "office" alone said the asker has a firm ("the tax office" too); an office of one's own still does
    d = route(router, "What do I have to tell the tax office about my child benefit when we move?")
    assert not [m for m in d.matches if m.concept.id == "scope.business"], d.matches
    d = route(router, "We rent an office in Utrecht for our design studio. Can we deduct the rent?")
    roles = router.data.roles
    assert [m for m in d.matches if "office" in m.evidence and (
        m.concept.id == "scope.business" or (m.concept.role and not roles[m.concept.role].private))], d.matches
    assert not d.out_of_scope


def test_on_is_a_word_of_where_and_yaml_does_not_read_it_as_true(router: Router) -> None:
    # a bare `on` in a YAML list is the boolean true; quoted, "on the Leiden Bio Science Park" is in Leiden
    assert _place_code(router, "Our biotech lab on the Leiden Bio Science Park is growing") == "GM0546"
    assert {"no", "on"} <= router.data.language.stopwords["en"]  # bare, they were read as false and true


def test_a_citys_centre_named_by_its_adjective_is_the_city_not_the_province(router: Router) -> None:
    # fresh set bn: "de Utrechtse binnenstad" is the municipality Utrecht; "Utrechtse" alone stays the province
    d = route(router, "Ik heb een lunchroom in de Utrechtse binnenstad. Mag ik een bord op de stoep zetten?")
    assert d.routes[0].provider_id == "gemeente:GM0344", [r.provider_id for r in d.routes]
    place = router.data.geo.find_in_text(tokenize(clean("een Utrechtse ondernemer")))
    assert place is not None and place.kind == "province"


@pytest.mark.parametrize(("text", "code"), [
    ("We'd like a weekend in one of Utrecht's big parks for our food festival.", "GM0344"),
    ("Can I sell coffee at Den Bosch’s Christmas market?", "GM0796"),  # a typographic apostrophe
    ("Wat doet de gemeente 's-Hertogenbosch voor starters?", "GM0796"),  # an elision, no possessive
    ("What does the company's accountant need from us?", None),  # a possessive that is no place
])
def test_an_english_possessive_of_a_place_names_it(router: Router, text: str, code: str | None) -> None:
    assert _place_code(router, text) == code


@pytest.mark.parametrize(("text", "code"), [
    # fresh set de: an asker who capitalises nothing still names a place after a location word
    ("bakkerij in delft, ons dak is te zwak voor zonnepanelen. geeft de provincie subsidie?", "GM0503"),
    ("ik heb een kapsalon in best. wat regelt de gemeente voor ondernemers?", "GM0753"),
    # ... but a word that is also a place is no place without one, capitals or not
    ("hij delft een gat voor de fundering van mijn schuur. heb ik een vergunning nodig?", None),
    ("het gaat best goed met mijn zaak maar ik wil groeien. wie helpt?", None),
    # where the asker does capitalise, a lowercase word stays a word (as before)
    ("Mijn winkel staat in best mooie straat. Wie helpt met de gevel?", None),
])
def test_a_place_in_lowercase_text_needs_its_location_word(router: Router, text: str, code: str | None) -> None:
    assert _place_code(router, text) == code


@pytest.mark.parametrize(("text", "kind", "code"), [
    # the name of both a municipality and a province, right after a word for a province, is the province
    ("Heeft de provincie Groningen een regeling voor ons?", "province", "PV20"),
    ("Does the province of Utrecht have a grant for us?", "province", "PV26"),
    # elsewhere it stays the city
    ("Ik heb een bakkerij in Groningen.", "municipality", "GM0014"),
    ("Our office is in Utrecht.", "municipality", "GM0344"),
])
def test_a_province_word_makes_a_shared_name_the_province(router: Router, text: str, kind: str, code: str) -> None:
    tokens = tokenize(clean(text))
    at = next(i for i, t in enumerate(tokens) if t.norm in ("groningen", "utrecht"))
    place = router.data.geo.place_at(tokens, at)  # as a body word's place is read ("de provincie X")
    assert place is not None and (place.kind, place.code) == (kind, code)


def test_a_place_named_with_a_location_word_beats_an_adjective_before_it(router: Router) -> None:
    # "Haarlemse" names an event; the firm stands "in Hillegom"
    d = route(router, "Tijdens het Haarlemse Bloemencorso wil ik met mijn koffiekar in Hillegom staan. Welke "
                      "vergunning heb ik nodig?")
    assert d.routes[0].provider_id == "gemeente:GM0534"
    # an adjective alone still names its place
    assert route(router, "Welke vergunning heb ik nodig voor een Haarlemse koffiekar op de markt?"
                 ).routes[0].provider_id == "gemeente:GM0392"


@pytest.mark.parametrize(("text", "code"), [
    # fresh set dx: a municipality written with its title right after another place says which
    # municipality that place lies in, also where the place's own name is another municipality's
    ("Wij hebben een cadeauwinkel in Hengelo in de Achterhoek (gemeente Bronckhorst).", "GM1876"),
    ("Ik heb een bakkerij in Beek (gemeente Berg en Dal) en wil uitbreiden.", "GM1945"),
    # fresh set dz: BAG writes "St.", people write "Sint"
    ("Ik geef rijles vanuit Sint Willebrord en zoek een leslokaal.", "GM0840"),
    ("We hebben een bakkerij in Sint Jacobiparochie.", "GM1949"),
    # not when the municipality is named apart from the place, as a body of its own
    ("Ik heb een zaak in Zwolle en de gemeente Kampen heeft een regeling voor winkeliers.", "GM0193"),
])
def test_the_municipality_a_place_written_in_text_lies_in(router: Router, text: str,
                                                                               code: str) -> None:
    place = router.data.geo.find_in_text(tokenize(clean(text)))
    assert place is not None and place.code == code, place


@pytest.mark.parametrize(("text", "code"), [
    # a village name several municipalities share, with the place that says which one right by it
    ("Wij willen een koffiezaak openen in Elst, het dorpje in de provincie Utrecht.", "GM0340"),  # Rhenen
    ("Our guesthouse is in Hoorn on Terschelling and we want a bigger sign.", "GM0093"),
    ("Mijn kwekerij ligt in Zevenhuizen (Zuid-Holland), niet die in Groningen.", "GM1892"),  # Zuidplas
    ("Ons transportbedrijf zit in de provincie Utrecht, in Elst, vlak bij de Grebbeberg.", "GM0340"),
    ("Onze timmerwerkplaats staat in Den Ham in Twente.", "GM1700"),  # Twenterand
    # alone, a shared name keeps its usual reading or none
    ("Wij willen een koffiezaak openen in Elst.", "GM1734"),  # Overbetuwe: the BAG woonplaats
    ("Mijn kwekerij ligt in Zevenhuizen.", None),
    # a place linked by more than a few link words picks nothing: that is another place
    ("Wij zitten in Rijswijk en hebben ook een vestiging in Noord-Brabant.", "GM0603"),
    ("Ons kantoor is in Hoorn en onze klanten zitten vooral op Terschelling.", "GM0405"),
    # a move's destination still wins over the origin's namesake
    ("We verhuizen van Elst in Utrecht naar Arnhem met onze drukkerij.", "GM0202"),
])
def test_the_place_by_a_shared_village_name_says_which_village_it_is(router: Router, text: str,
                                                                     code: str | None) -> None:
    assert _place_code(router, text) == code


def test_the_namesake_table_lists_only_names_borne_in_several_municipalities() -> None:
    by_name: dict[str, set[str]] = {}
    for row in rows("namesakes.csv"):
        assert row["kind"] in ("woonplaats", "core")
        by_name.setdefault(row["place"], set()).add(row["gemeente_code"])
    assert all(len(codes) > 1 for codes in by_name.values())
    assert {"GM0340", "GM1734"} <= by_name["Elst"]


@pytest.mark.parametrize(("text", "code"), [
    # where the asker lives gives way to where the firm is
    ("Ik woon in Kampen maar mijn drukkerij zit in Dronten.", "GM0303"),
    ("We live in Almere, but our design studio is in Utrecht.", "GM0344"),
    ("Ik woon zelf in Zwolle en heb een kapsalon in Deventer.", "GM0150"),
    # alone, it is still the place
    ("Ik woon in Kampen en wil een webwinkel beginnen.", "GM0166"),
    # a house, a shop and the words 'woon-' in a compound are no residence
    ("Ik heb een woon-winkelpand in Kampen en een loods in Dronten.", "GM0166"),
])
def test_where_the_asker_lives_gives_way_to_where_the_firm_is(router: Router, text: str, code: str) -> None:
    assert _place_code(router, text) == code


def test_the_bbz_goes_to_the_municipality_one_lives_in(router: Router) -> None:
    # the Bbz is applied for where one lives, whatever the shop's municipality
    d = route(router, "Ik woon in Emmen maar mijn fietsenwinkel zit in Coevorden. Het loopt slecht en er "
                      "komt te weinig inkomen binnen. Kan ik een Bbz-uitkering aanvragen?")
    assert d.routes[0].provider_id == "gemeente:GM0114"
    d = route(router, "Ik woon in Emmen maar mijn fietsenwinkel zit in Coevorden. Mag ik er een terras bij?")
    assert d.routes[0].provider_id == "gemeente:GM0109"


@pytest.mark.parametrize(("text", "code"), [
    ("Onze kapsalon in Haren wil een groter uithangbord.", "GM0014"),
    ("Wij hebben een timmerbedrijf in Den Ham en willen uitbreiden.", "GM1700"),
    ("Mijn haren worden grijs van de regels.", None),
])
def test_towns_that_are_words_count_where_they_stand_as_a_place(router: Router, text: str, code: str | None) -> None:
    assert _place_code(router, text) == code
