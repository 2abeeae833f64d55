"""Named regional instruments (routing_rules/regional_schemes.yaml and the "scheme word next to a
place" pattern): the body that runs the scheme is the door, resolved to its exact id, also when
the firm's location lies elsewhere. Questions written for these tests."""

import pytest
import yaml

from app.routing.engine import Router
from app.routing.loader import RuleSetError, load_ruleset, read_rule_files
from tests.conftest import RULES, route

FROM_THE_TABLE = [
    ("Kan ik met de Subsidieregeling energiebesparing Drents MKB nieuwe ledverlichting betalen?",
     "provincie:PV22"),
    ("Wie beoordeelt mijn aanvraag voor de Adviesregeling Groningen?", "provincie:PV20"),
    ("Hoe vraag ik als winkelier de duurzaamheidslening van de gemeente Utrecht aan?", "gemeente:GM0344"),
    ("Wat doet het ondernemersfonds in Tilburg met de bijdrage van mijn zaak?", "gemeente:GM0855"),
    ("Onze camping in Drenthe wil meedoen aan het excellentiespoor van Vitale Vakantieparken. Hoe werkt dat?",
     "provincie:PV22"),
    # fresh set dv: a contribution per new job is the province's (Groningen's through the EBG)
    ("Wij zijn een drukkerij in Appingedam en nemen drie mensen extra aan. Geldt de EBG Arbeidsplaatsenregeling "
     "ook voor ons?", "provincie:PV20"),
    # fresh set fg: the Kop van Noord-Holland's LEADER plan is the province's
    ("Komt ons zorgboerderij-project in Schagen nog in aanmerking voor Kopkracht?", "provincie:PV27"),
]


@pytest.mark.parametrize(("question", "door"), FROM_THE_TABLE)
def test_a_scheme_from_the_table_goes_to_its_owner(router: Router, question: str, door: str) -> None:
    d = route(router, question)
    assert d.routes[0].provider_id == door, [r.provider_id for r in d.routes]
    assert d.routes[0].rule in ("named.provincial_scheme", "named.municipal_scheme", "named.local_scheme")


def test_a_place_at_the_end_of_a_schemes_name_is_part_of_the_name(router: Router) -> None:
    # fresh set bc: "programma Innovatief & Duurzaam MKB Groningen" is the province of Groningen's scheme, not a
    # scheme of the municipality Groningen read across the name
    d = route(router, "Kan mijn werkplaats in Veendam nog meedoen aan het programma Innovatief & Duurzaam MKB "
                      "Groningen?")
    assert d.routes[0].provider_id == "provincie:PV20"


@pytest.mark.parametrize(("question", "door"), [
    ("Welke Friese subsidie is er voor innovatie in het mkb?", "provincie:PV21"),
    ("Is er een Brabantse regeling voor de digitalisering van mijn werkplaats?", "provincie:PV30"),
    ("Geeft de innovatievoucher van Overijssel ook geld voor een prototype?", "provincie:PV23"),
    ("Kan ik een lening van de gemeente Zwolle krijgen om mijn winkel te verbouwen?", "gemeente:GM0193"),
    ("Is there a Limburg grant for energy saving in small firms?", "provincie:PV31"),
    # a kind of scheme any body may run, with the place after it: that place's own (fresh set am)
    ("Onze winkel in Leeuwarden wil meedoen met het Ondernemersfonds Súdwest-Fryslân. Moeten we ook bij de KvK "
     "ingeschreven staan?", "gemeente:GM1900"),
])
def test_a_scheme_word_next_to_a_place_names_that_regions_instrument(router: Router, question: str,
                                                                      door: str) -> None:
    assert route(router, question).routes[0].provider_id == door


@pytest.mark.parametrize(("question", "door"), [
    # the body written with its place pays in its own clause
    ("Ik laat mijn drukkerij doorlichten op energieverbruik. Betaalt de provincie Gelderland een deel "
     "van dat advies, of vergoedt de provincie Gelderland alleen de maatregelen?", "provincie:PV25"),
    ("Klopt het dat de gemeente Almere de helft van een nieuwe gevel financiert voor winkels in het centrum?",
     "gemeente:GM0034"),
    ("Does the province of Zeeland subsidise feasibility studies for a small ferry operator?", "provincie:PV29"),
    # the owner named a few words after the scheme word
    ("Hoe groot is de garantieregeling voor jonge bedrijven van de provincie Flevoland?", "provincie:PV24"),
    # ... or names it as its own (fresh set ay)
    ("Is the province of Utrecht going to extend its relocation subsidy for nurseries next year?", "provincie:PV26"),
    # ... also a pilot or an agenda of the province (fresh sets aw and be)
    ("Kan onze winkelstraat subsidie krijgen uit de binnenstadsagenda van de provincie Overijssel?", "provincie:PV23"),
    ("Kan mijn bedrijf meedoen aan de pilot warmtenetten van de provincie Gelderland?", "provincie:PV25"),
    # Dutch puts the verb last, a dozen words after the place (fresh set ac)
    ("Klopt het dat de provincie Zeeland de helft van de kosten van een stand op een buitenlandse beurs vergoedt?",
     "provincie:PV29"),
    # "op" before the object is a preposition, no particle: the body gives (fresh set by)
    ("Geeft de gemeente Almere subsidie voor zonnepanelen op ons bedrijfspand?", "gemeente:GM0034"),
    # a prize or competition a body holds is its own (fresh set bz)
    ("Kunnen wij met onze startup meedoen aan de ondernemersprijs van de provincie Gelderland?", "provincie:PV25"),
])
def test_a_body_with_its_place_that_pays_owns_the_scheme(router: Router, question: str, door: str) -> None:
    assert route(router, question).routes[0].provider_id == door


@pytest.mark.parametrize(("question", "family"), [
    # paying an invoice is not funding, and a customer is no scheme owner
    ("De gemeente Arnhem betaalt mijn factuur voor het groenonderhoud al drie maanden niet. Mag ik wettelijke "
     "rente rekenen?", "kvk"),
    # a body after a word of where is where the firm is: neither a scheme owner nor a topic
    ("Welke subsidie voor zonnedaken is er voor bedrijven in de gemeente Tilburg?", "rvo"),
    ("Our bakery is based in the municipality of Utrecht. Is there a subsidy for an electric delivery van?",
     "rvo"),
    # "geeft ... door" passes something on: no funding (fresh set by)
    ("Wij verhuizen met onze webshop naar een ander adres in dezelfde stad. Geeft de gemeente ons nieuwe adres door "
     "aan de KVK, of moet ik dat zelf wijzigen?", "kvk"),
])
def test_a_body_that_does_not_pay_owns_nothing(router: Router, question: str, family: str) -> None:
    assert route(router, question).routes[0].family == family


@pytest.mark.parametrize(("question", "location", "door"), [
    # without its place, a body that has a scheme word in its clause, or is linked to it, owns it: the
    # firm's own province or municipality (fresh sets v-y)
    ("Heeft de provincie een ondernemersloket voor verduurzaming?", {"municipality": "Assen"}, "provincie:PV22"),
    ("Kan ik via het energieloket van de gemeente een adviseur krijgen?", {"postcode": "8011"}, "gemeente:GM0193"),
    ("What grants does my province have for small shops?", None, "provincie"),
    # a weak description of a provincial scheme in the lexicon does not hide the stronger reading
    ("We're shopkeepers in Zwolle and read that the province offers a subsidy against empty shops. How do we apply?",
     None, "provincie:PV23"),
    # fresh set ae: how people say a body pays ("een potje", "500 euro van de gemeente"), with the
    # holding verb at the end of a long Dutch clause
    ("Ik hoorde dat de provincie een flink potje voor het verduurzamen van winkelpanden zou hebben. Klopt dat?",
     {"province": "Gelderland"}, "provincie:PV25"),
    ("Kom ik met mijn bakkerij in aanmerking voor die 500 euro van de gemeente voor een energiescan?",
     {"municipality": "Zwolle"}, "gemeente:GM0193"),
    # fresh set al: "via de gemeente" asks the body for what follows, like "bij de gemeente"
    ("Ik wil als zzp'er starten vanuit de bijstand. Kan ik via de gemeente een starterskrediet krijgen?",
     {"municipality": "Zwolle"}, "gemeente:GM0193"),
    # fresh set at: a body that pays a share funds it ("meebetaalt"); a "traject" of the province is its
    # programme, also when its name has a "!" in it
    ("Mijn buurman zegt dat de provincie meebetaalt aan cursussen voor nieuwe monteurs. Geldt dat ook voor ons "
     "garagebedrijf?", {"municipality": "Assen"}, "provincie:PV22"),
    ("Kan onze drukkerij nog instappen in het Go!-traject van de provincie voor circulaire bedrijven?",
     {"municipality": "Zwolle"}, "provincie:PV23"),
])
def test_a_body_without_its_place_owns_the_scheme_it_has(router: Router, question: str,
                                                        location: dict[str, str] | None, door: str) -> None:
    assert route(router, question, location=location).routes[0].provider_id == door


@pytest.mark.parametrize(("question", "door"), [
    # fresh set ag: money a body with its place has is its scheme ...
    ("Heeft de provincie Drenthe geld voor een proef met waterstof bij ons transportbedrijf in Emmen?",
     "provincie:PV22"),
    # ... but a fund it has a share in at a ROM stays the ROM's
    ("Kan het innovatiefonds dat de provincie Gelderland bij Oost NL heeft ondergebracht een belang in onze startup "
     "in Arnhem nemen?", "rom:oost-nl"),
])
def test_money_a_body_with_its_place_has_is_its_scheme(router: Router, question: str, door: str) -> None:
    assert route(router, question).routes[0].provider_id == door


def test_the_named_owner_wins_over_the_firms_location(router: Router) -> None:
    d = route(router, "Kan ik de Friese subsidie voor innovatie aanvragen?", location={"municipality": "Tilburg"})
    assert d.routes[0].provider_id == "provincie:PV21"
    assert d.location is not None and d.location.municipality is not None
    assert d.location.municipality.code == "GM0855"


def test_a_generic_local_instrument_is_resolved_from_the_location(router: Router) -> None:
    d = route(router, "Kan ik een duurzaamheidslening krijgen voor zonnepanelen op ons bedrijfspand?",
              location={"postcode": "8011"})
    assert d.routes[0].provider_id == "gemeente:GM0193"
    d = route(router, "Kan ik een duurzaamheidslening krijgen voor zonnepanelen op ons bedrijfspand?")
    assert d.routes[0].provider_id == "gemeente" and d.routes[0].needs_location


@pytest.mark.parametrize(("location", "door"), [
    ({"municipality": "Emmen"}, "provincie:PV22"), ({"province": "Fryslân"}, "provincie:PV21"),
    ({"postcode": "9711"}, "provincie:PV20"),
])
def test_a_scheme_of_several_provinces_goes_to_the_firms_own(router: Router, location: dict[str, str],
                                                             door: str) -> None:
    # a training scheme the three northern provinces fund together (fresh set ez)
    d = route(router, "Ons bouwbedrijf wil twee timmermannen laten omscholen. Valt dat onder Kansen Verzilveren "
                      "voor Vakmanschap?", location=location)
    assert d.routes[0].provider_id == door


def test_the_young_farmers_investment_subsidy_is_the_provinces_and_the_establishment_aid_rvos(
        router: Router) -> None:
    # each province opens the investment subsidy with its own list; the establishment aid is national
    d = route(router, "Wij zijn jonge landbouwers en willen investeren in een emissiearme stalvloer. Staat die op "
                      "de investeringslijst?", location={"municipality": "Emmen"})
    assert d.routes[0].provider_id == "provincie:PV22"
    d = route(router, "Kan ik als jonge boer vestigingssteun jonge landbouwers krijgen nu ik de boerderij overneem?",
              location={"municipality": "Emmen"})
    assert d.routes[0].provider_id == "rvo"


def test_a_place_after_in_is_the_firms_location_not_a_scheme(router: Router) -> None:
    # a national scheme for a firm in Tilburg: "in" never links a scheme to a place
    d = route(router, "Welke subsidie is er voor zonnepanelen op ons bedrijfspand in Tilburg?")
    assert d.routes[0].family == "rvo"


def test_an_unknown_owner_is_refused_with_its_place() -> None:
    files = dict(read_rule_files(RULES))
    doc = yaml.safe_load(files["regional_schemes.yaml"])
    doc["schemes"][0]["owner"] = "gemeente:GM9999"
    files["regional_schemes.yaml"] = yaml.safe_dump(doc, allow_unicode=True).encode()
    with pytest.raises(RuleSetError) as e:
        load_ruleset(files)
    assert any("regional_schemes.yaml" in p and "GM9999" in p for p in e.value.problems)


def test_every_scheme_has_a_source_and_a_checked_date() -> None:
    doc = yaml.safe_load((RULES / "regional_schemes.yaml").read_text(encoding="utf-8"))
    assert len(doc["schemes"]) >= 100
    provinces = {s["owner"].split(":")[1] for s in doc["schemes"] if s["owner"].startswith("provincie:")}
    assert len(provinces) == 12
    for s in doc["schemes"]:
        assert s["source"].startswith("http") and s["checked"], s["id"]


@pytest.mark.parametrize("question", [
    "Does the proof of concept fund lend to a hardware start-up in Maastricht?",
    "Kan onze medtech-starter uit Maastricht een lening krijgen uit het proof of concept fonds?",
])
def test_a_proof_of_concept_fund_is_the_regional_fund_not_the_national_scheme(router: Router,
                                                                             question: str) -> None:
    # "proof of concept" alone names the innovation scheme (RVO); a fund of that name is a
    # regional investment fund, run by the ROM of the firm's region (fresh set as)
    d = route(router, question)
    assert d.routes[0].provider_id == "rom:liof", [r.provider_id for r in d.routes]


@pytest.mark.parametrize(("question", "door"), [
    # fresh set ax: a fund named in a sentence with a ROM is run by that ROM (§4a), also when a province owns it
    ("Kan het participatiefonds van de provincie Gelderland, dat Oost NL beheert, in onze startup investeren?",
     "rom:oost-nl"),
    ("Does the province's innovation fund that BOM manages invest in small food tech firms?", "rom:bom"),
    # ... where a province's subsidy stays the province's, even with a ROM named beside it
    ("Kan ik de innovatiesubsidie van de provincie Limburg aanvragen, of moet dat via LIOF?", "provincie:PV31"),
])
def test_a_fund_named_with_a_rom_is_the_roms(router: Router, question: str, door: str) -> None:
    assert route(router, question).routes[0].provider_id == door


def test_a_provincial_scheme_said_with_the_adjective(router: Router) -> None:
    # fresh set bb: "a provincial ... grant" is the province's, resolved from the place the firm names
    d = route(router, "We have a campsite near Emmen and want new glazing this spring. Does a provincial "
                      "energy-saving grant exist for firms like ours?")
    assert d.routes[0].provider_id == "provincie:PV22"


def test_a_regulation_a_province_has_is_its_own_a_fund_it_holds_may_be_a_roms(router: Router) -> None:
    # fresh set bl: "Heeft de provincie Fryslân een regeling voor ...?" is the province's own scheme
    d = route(router, "Wij exporteren kaas vanuit Gouda. Heeft de provincie Zuid-Holland een regeling voor "
                      "handelsmissies naar Azië?")
    assert d.routes[0].provider_id == "provincie:PV28", [r.provider_id for r in d.routes]


@pytest.mark.parametrize(("question", "door"), [
    # a scheme asked for as existing in a place is that place's own: a national scheme does not differ
    # by place (§4a "provincial subsidy or provincial programme")
    ("Zijn er in Gelderland vouchers voor advies over de digitalisering van onze meubelmakerij?", "provincie:PV25"),
    ("Bestaat er in Zeeland een subsidie voor campings die samen een fietsarrangement opzetten?", "provincie:PV29"),
    ("Is er in de provincie Groningen een regeling voor kleine bedrijven die een ontwerper willen inhuren?",
     "provincie:PV20"),
    ("Are there any grants in Overijssel for small firms that want to hire a design consultant?", "provincie:PV23"),
    ("Is er in Almere een premie voor ondernemers die een leeg winkelpand in het centrum huren?", "gemeente:GM0034"),
])
def test_a_scheme_asked_for_as_existing_in_a_place_is_that_places(router: Router, question: str,
                                                                    door: str) -> None:
    assert route(router, question).routes[0].provider_id == door


@pytest.mark.parametrize(("question", "family"), [
    # capital in a region is the ROM's to provide (§4a, P3), not a province's subsidy
    ("Is er in Limburg een fonds dat in jonge techbedrijven investeert?", "rom"),
    # the existential phrase asks for a party; the scheme word further on is no scheme "in" the place
    ("Is er in Noord-Holland een organisatie die ons helpt om voor ons waterstofproject partners, subsidies en "
     "investeerders te vinden?", "rom"),
])
def test_capital_or_a_party_in_a_place_is_no_provincial_scheme(router: Router, question: str, family: str) -> None:
    assert route(router, question).routes[0].family == family


@pytest.mark.parametrize(("question", "location", "door"), [
    # a coach or a scan a body offers is its programme, like a voucher
    ("Ik heb een drukkerij. Kan ik via de provincie een gratis energiecoach krijgen?", {"municipality": "Zwolle"},
     "provincie:PV23"),
    # a scheme that runs "via" a body is that body's, as one "van" it
    ("Mijn bedrijf zit in Almere. Is er een regeling die via de provincie wordt uitgevoerd voor circulaire "
     "bedrijven?", None, "provincie:PV24"),
])
def test_a_service_or_scheme_through_a_body_is_that_bodys(router: Router, question: str,
                                                          location: dict[str, str] | None, door: str) -> None:
    assert route(router, question, location=location).routes[0].provider_id == door


@pytest.mark.parametrize(("question", "door"), [
    # what is asked "bij" a body written with its place is that body's own
    ("Komt er bij de provincie Gelderland weer een regeling voor vakantieparken die willen vernieuwen?",
     "provincie:PV25"),
    ("Kan onze ondernemersvereniging bij de provincie Groningen aankloppen voor een bijdrage aan parkmanagement?",
     "provincie:PV20"),
])
def test_a_scheme_asked_of_a_body_with_its_place_is_that_bodys(router: Router, question: str, door: str) -> None:
    assert route(router, question).routes[0].provider_id == door


def test_a_payer_after_but_is_another_clauses_not_the_bodys(router: Router) -> None:
    # the bank finances, not the province the firm is in
    d = route(router, "Wij zijn melkveehouders in de provincie Utrecht en willen een eigen zuivelmerk beginnen, maar "
                      "de bank wil alleen financieren met meer eigen vermogen. Waar vinden we risicokapitaal?")
    assert d.routes[0].provider_id == "rom:utrecht-region", [r.provider_id for r in d.routes]


@pytest.mark.parametrize(("question", "door"), [
    # a body that has supported something, or opens a round, owns that scheme (funding verbs in every form)
    ("Ik las dat de provincie Drenthe vorig jaar een proef met elektrische trekkers heeft gesteund. Kunnen wij als "
     "loonbedrijf daar ook een bijdrage uit krijgen?", "provincie:PV22"),
    ("Kunnen we subsidie krijgen uit de regeling die de provincie Overijssel samen met het Rijk openstelt voor "
     "slimme bedrijventerreinen?", "provincie:PV23"),
    # a body that pays a share of the cost funds it; paying a bill stays no funding (above)
    ("Ik begin een webwinkel in Emmen en wil een startersprogramma volgen. Betaalt de provincie daar een deel van?",
     "provincie:PV22"),
    ("Does the province of Utrecht pay part of a training course for the staff of our bakery?", "provincie:PV26"),
    # ... and so does a separable verb with its particle ("betaalt ... mee", "draagt ... bij", "pay towards")
    ("Betaalt de provincie Gelderland mee aan een haalbaarheidsstudie voor onze nieuwe machine? We zitten in Ede.",
     "provincie:PV25"),
    ("Draagt de gemeente Zwolle bij aan de kosten van een nieuwe gevel voor mijn winkel?", "gemeente:GM0193"),
    ("Does the province of Utrecht pay towards an energy audit for our print shop in Amersfoort?", "provincie:PV26"),
])
def test_a_body_that_supported_or_opens_a_scheme_owns_it(router: Router, question: str, door: str) -> None:
    assert route(router, question).routes[0].provider_id == door


@pytest.mark.parametrize(("question", "location", "door"), [
    # permits and notifications the province decides on go to the province, not to the municipality
    ("Wij willen voor onze tuinderij een nieuwe uitrit naar de provinciale weg aanleggen. Hoe vragen we dat aan?",
     {"municipality": "Westland"}, "provincie:PV28"),
    ("Ons bedrijf wil een rij van dertig populieren langs de akker kappen. Geldt er dan een herplantplicht?",
     {"municipality": "Goes"}, "provincie:PV29"),
    ("Onze frisdrankfabriek wil per jaar 300.000 kuub grondwater oppompen. Waar vragen we dat aan?",
     {"municipality": "Venlo"}, "provincie:PV31"),
])
def test_a_permit_the_province_decides_on_goes_to_the_province(router: Router, question: str,
                                                               location: dict[str, str], door: str) -> None:
    d = route(router, question, location=location)
    assert d.routes[0].provider_id == door, [r.provider_id for r in d.routes]
    assert d.routes[0].rule == "named.provincial_permit"


def test_a_natura_2000_area_named_as_the_farms_surroundings_asks_for_no_permit(router: Router) -> None:
    d = route(router, "Mijn melkveebedrijf ligt naast een Natura 2000-gebied. Welke subsidie is er om de stal "
                      "te verduurzamen?")
    assert d.routes[0].family != "provincie", [r.provider_id for r in d.routes]


@pytest.mark.parametrize(("question", "door"), [
    # fresh set dv: the generic job-creation scheme, resolved from the place the question names
    ("Our workshop in Hoogeveen will create five new jobs next year. Is there a job creation subsidy we can "
     "apply for?", "provincie:PV22"),
    ("Ik heb een installatiebedrijf in Veendam en wil twee nieuwe banen creëren. Hoeveel subsidie per nieuwe "
     "arbeidsplaats kan ik krijgen?", "provincie:PV20"),
    # fresh set dx: a nature permit asked about (nitrogen, netting within the farm, a permit near a
    # Natura 2000 area) is the province's; OPZuid is the firm's own southern province's
    ("Ik heb een varkenshouderij bij Ommen en wil intern salderen om uit te breiden. Heb ik een "
     "vergunning nodig?", "provincie:PV23"),
    ("We run a campsite near Ootmarsum and want more pitches. As they are close to a Natura 2000 area, which "
     "permit do we need?", "provincie:PV23"),
    ("Wij zijn een machinefabriek in Venlo. Kunnen we met een partner subsidie uit OPZuid krijgen?",
     "provincie:PV31"),
    # fresh set ea: LEADER and the Just Transition Fund are the firm's own province's; groundwater
    # pumped for production and a groundwater protection area are provincial permits; a ROM named by
    # what it is ("the Limburg development company") and a ROM-run fund written with its province
    ("Onze boerderijcamping bij Winterswijk wil met de buren een wandelroute opzetten. Kan dat met LEADER-"
     "subsidie?", "provincie:PV25"),
    ("Our foundry in Moerdijk wants to electrify its furnaces and retrain staff. Is there Just Transition Fund "
     "money for that?", "provincie:PV30"),
    ("Wij willen in Tiel voor onze zuivelfabriek grondwater oppompen. Bij wie vragen we de vergunning aan?",
     "provincie:PV25"),
    ("Does the Limburg development company lend to a start-up bakery in Sittard?", "rom:liof"),
    ("Kan ik voor mijn garage in Meppel lenen uit het mkb-fonds van de provincie Drenthe?", "rom:nom"),
    # fresh set eh: the Waddenfonds is the three Wadden provinces' joint fund; an open ground-energy
    # system and a farm's "vergunde ruimte" for nitrogen are provincial permits
    ("Mijn visrokerij op Ameland wil met andere eilanders een proeflokaal opzetten. Kan daar geld uit het "
     "Waddenfonds voor komen?", "provincie:PV21"),
    ("Onze kaasmakerij bij Dronten wil een warmte-koudeopslag met een open bron. Waar vragen we dat aan?",
     "provincie:PV24"),
    ("Mijn pluimveebedrijf bij Barneveld heeft vergunde ruimte die ik nog niet gebruik. Mag die zomaar "
     "worden ingetrokken?", "provincie:PV25"),
    # fresh set el: a fund compound after a municipality's adjective is that municipality's fund; after
    # a province's, or with the place after it, a ROM's as before
    ("Kunnen wij als winkeliers uit Delft een bijdrage krijgen uit het Delfts Stimuleringsfonds?", "gemeente:GM0503"),
    ("Kan mijn startup in Eindhoven geld krijgen uit het Brabants Startersfonds?", "rom:bom"),
    ("Doet het Investeringsfonds Groningen mee in een spin-off van de universiteit?", "rom:nom"),
])
def test_a_generic_scheme_a_provincial_permit_or_a_rom_by_what_it_is_finds_its_regional_door(
        router: Router, question: str, door: str) -> None:
    d = route(router, question)
    assert d.routes[0].provider_id == door, [r.provider_id for r in d.routes]


@pytest.mark.parametrize(("question", "door"), [
    # a name both a municipality and a province bear is the province's scheme where the firm is elsewhere
    # in that province (a municipality's scheme is for its own firms; fresh set fi) ...
    ("Wij hebben een garage in Veendam. Komen we in aanmerking voor het programma Groningen werkt aan morgen?",
     "provincie:PV20"),
    ("Wij zitten in Amersfoort. Kan ik de Utrechtse subsidie voor verduurzaming krijgen?", "provincie:PV26"),
    # ... but the municipality's where the firm is in it, or where the body is written
    ("Ik heb een fietsenwinkel in Groningen. Kan ik subsidie krijgen uit het Nationaal Programma Groningen?",
     "gemeente:GM0014"),
    ("Wij zitten in Amersfoort en willen een lening van de gemeente Utrecht voor ons nieuwe pand.",
     "gemeente:GM0344"),
])
def test_a_name_of_a_province_and_a_municipality(router: Router, question: str, door: str) -> None:
    d = route(router, question)
    assert d.routes[0].provider_id == door, [r.provider_id for r in d.routes]


@pytest.mark.parametrize(("question", "location", "door"), [
    # a city district is the municipality's body ("het startersfonds van het stadsdeel")
    ("Kan ik via het stadsdeel een klein krediet krijgen voor mijn kledingatelier?", {"municipality": "Amsterdam"},
     "gemeente:GM0363"),
    # a body that pays for a thing, offers it or has an allowance of its own funds it (fresh set fi)
    ("Does the municipality pay for an energy scan of our garage?", {"municipality": "Almere"}, "gemeente:GM0034"),
    ("Hoe werkt de verduurzamingslening die de provincie samen met een bank aanbiedt?", {"municipality": "Zwolle"},
     "provincie:PV23"),
    ("Mijn gasrekening is verdrievoudigd. Heeft de gemeente een eigen tegemoetkoming voor kleine winkels?",
     {"municipality": "Heerlen"}, "gemeente:GM0917"),
    # a green-roof subsidy is a municipal scheme; a province's named scheme (fresh set fo)
    ("Hoeveel subsidie geeft men voor een groen dak op ons bedrijfspand?", {"municipality": "Zwolle"},
     "gemeente:GM0193"),
    ("Kan ons melkveebedrijf nog meedoen met Asbest eraf, zon erop?", None, "provincie:PV23"),
    # a municipality's own fund, named (regional_schemes.yaml)
    ("Kan het LISE-fonds het haalbaarheidsonderzoek voor een zonnedak op onze werkplaats voorfinancieren?", None,
     "gemeente:GM0518"),
])
def test_a_body_funds_in_other_words(router: Router, question: str, location: dict[str, str] | None,
                                     door: str) -> None:
    d = route(router, question, location=location)
    assert d.routes[0].provider_id == door, [r.provider_id for r in d.routes]
