"""Places beyond Great Britain's forces, grid references, Welsh and Irish names, `near X`: each kind
filed under the right force, or under none with the place and its country kept."""

import pytest

from registry.places.lookup import resolve_place

JERSEY, GUERNSEY, IOM = "States of Jersey Police", "Guernsey Police", "Isle of Man Constabulary"
GARDA, PSNI = "An Garda Síochána", "Police Service of Northern Ireland"


@pytest.mark.parametrize("text, force, country", [
    # the Crown Dependencies: never the Met (St Helier, Sutton) or Scotland (Douglas, Lanarkshire)
    ("St Helier, Jersey", JERSEY, "JE"), ("Saint John, Jersey", JERSEY, "JE"), ("Gorey, Jersey", JERSEY, "JE"),
    ("La Rocque, Jersey", JERSEY, "JE"), ("JE2 4WE", JERSEY, "JE"),
    ("St Peter Port, Guernsey", GUERNSEY, "GG"), ("St Sampson, Guernsey", GUERNSEY, "GG"),
    ("Castel, Guernsey", GUERNSEY, "GG"), ("St Anne, Alderney", GUERNSEY, "GG"), ("Alderney", GUERNSEY, "GG"),
    ("Sark", GUERNSEY, "GG"), ("Herm", GUERNSEY, "GG"), ("GY1 1AA", GUERNSEY, "GG"),
    ("Douglas, Isle of Man", IOM, "IM"), ("Ramsey, IoM", IOM, "IM"), ("Peel, Isle of Man", IOM, "IM"),
    ("Castletown, Isle of Man", IOM, "IM"), ("Port Erin", IOM, "IM"), ("Onchan", IOM, "IM"), ("Laxey", IOM, "IM"),
    ("IM1 1AA", IOM, "IM"),
    # Ireland: never Lincolnshire (Louth) or another namesake
    ("Dundalk, Co Louth", GARDA, "IE"), ("Drogheda", GARDA, "IE"), ("Navan, Co Meath", GARDA, "IE"),
    ("Athlone", GARDA, "IE"), ("Mullingar, Co Westmeath", GARDA, "IE"), ("Tralee, Co Kerry", GARDA, "IE"),
    ("Killarney", GARDA, "IE"), ("Letterkenny, Co Donegal", GARDA, "IE"), ("Cavan", GARDA, "IE"),
    ("Ballina, Co Mayo", GARDA, "IE"), ("Clonmel, Co Tipperary", GARDA, "IE"), ("Thurles", GARDA, "IE"),
    ("Kilkenny", GARDA, "IE"), ("Carlow", GARDA, "IE"), ("Portlaoise", GARDA, "IE"), ("Tullamore, Co Offaly", GARDA, "IE"),
    ("Naas, Co Kildare", GARDA, "IE"), ("Enniscorthy", GARDA, "IE"), ("Gorey, Co Wexford", GARDA, "IE"),
    ("Bandon, Co Cork", GARDA, "IE"), ("Mallow, County Cork", GARDA, "IE"), ("Listowel", GARDA, "IE"),
    ("Sligo", GARDA, "IE"), ("Tuam, Co Galway", GARDA, "IE"), ("Ennis", GARDA, "IE"), ("Skibbereen, Cork", GARDA, "IE"),
    ("Nenagh", GARDA, "IE"), ("Dungarvan", GARDA, "IE"), ("Newbridge, Co Kildare", GARDA, "IE"),
    ("Home Farm, Co. Mayo", GARDA, "IE"), ("Top Field, County Wexford", GARDA, "IE"), ("A91 X2Y3", GARDA, "IE"),
    ("T12 X2Y3", GARDA, "IE"),
    # Northern Ireland stays the PSNI
    ("Enniskillen", PSNI, "GB"), ("Newry, Co Down", PSNI, "GB"),
])
def test_islands_and_ireland_have_their_own_forces(text, force, country):
    place = resolve_place(text)
    assert (place.force_area, place.country) == (force, country), place


@pytest.mark.parametrize("text, country", [
    ("Calais, France", "FR"), ("Rotterdam, Netherlands", "NL"), ("Rotterdam, Holland", "NL"),
    ("Warsaw, Poland", "PL"), ("Vilnius, Lithuania", "LT"), ("Antwerp, Belgium", "BE"), ("Bremen, Germany", "DE"),
    ("Kaunas, Lithuania", "LT"), ("Bordeaux, France", "FR"), ("Newport, USA", "US"), ("Some Farm, Romania", "RO"),
])
def test_a_place_abroad_is_kept_with_its_country_and_no_force(text, country):
    place = resolve_place(text)
    assert (place.force_area, place.precision, place.country) == (None, "abroad", country)
    assert place.text == text and country in {"FR", "NL", "PL", "LT", "BE", "DE", "US", "RO"}
    assert "abroad" in place.note


@pytest.mark.parametrize("text, force, figures", [
    ("SD 990 516", "North Yorkshire", 6), ("SD990516", "North Yorkshire", 6), ("SD9951", "North Yorkshire", 4),
    ("SD 99 51", "North Yorkshire", 4), ("SO 0450 2850", "Dyfed-Powys", 8), ("SO04502850", "Dyfed-Powys", 8),
    ("NT 27550 72950", "Police Scotland", 10), ("NT2755072950", "Police Scotland", 10),
    ("SU 35 45", "Hampshire", 4), ("SU 3545 4545", "Hampshire", 8), ("SH 60 54", "North Wales", 4),
    ("TQ 30 80", "Metropolitan", 4), ("NZ 27 64", "Northumbria", 4), ("SX 91 92", "Devon and Cornwall", 4),
    ("Field at grid ref SE 60 52", "North Yorkshire", 4), ("NY50", "Cumbria", 2), ("SD 95", "North Yorkshire", 2),
    # the Irish Grid: one letter
    ("J 332 745", PSNI, 6), ("J332745", PSNI, 6), ("J 33 74", PSNI, 4), ("H 23 44", PSNI, 4),
    ("O 15 34", GARDA, 4), ("O 1500 3400", GARDA, 8), ("J3374", PSNI, 4), ("O1534", GARDA, 4), ("R 56 57", GARDA, 4), ("W 67 71", GARDA, 4),
])
def test_grid_references_at_any_precision(text, force, figures):
    place = resolve_place(text)
    assert (place.force_area, place.precision) == (force, "grid"), place
    assert 49.8 < place.latitude < 61 and -11 < place.longitude < 2
    assert f"{10 ** (5 - figures // 2)} m" in place.note


def test_a_grid_reference_is_placed_where_the_ordnance_survey_says():
    skipton = resolve_place("Skipton")
    grid = resolve_place("SD 990 516")  # Skipton's centre on the National Grid
    assert abs(grid.latitude - skipton.latitude) < 0.02 and abs(grid.longitude - skipton.longitude) < 0.03


@pytest.mark.parametrize("text", ["A30", "B4000 layby", "M62 junction 24", "A1(M)", "A4074", "N17 Tuam road", "R123"])
def test_road_numbers_are_not_irish_grid_references(text):
    assert resolve_place(text).precision != "grid"


@pytest.mark.parametrize("text, force, town", [
    ("Y Trallwng", "Dyfed-Powys", "Welshpool"), ("Abertawe", "South Wales", "Swansea"),
    ("Aberhonddu", "Dyfed-Powys", "Brecon"), ("Caerfyrddin", "Dyfed-Powys", "Carmarthen"),
    ("Y Drenewydd", "Dyfed-Powys", "Newtown"), ("Y Fenni", "Gwent", "Abergavenny"), ("Cas-gwent", "Gwent", "Chepstow"),
    ("Trefynwy", "Gwent", "Monmouth"), ("Hwlffordd", "Dyfed-Powys", "Haverfordwest"),
    ("Aberteifi", "Dyfed-Powys", "Cardigan"), ("Llanbedr Pont Steffan", "Dyfed-Powys", "Lampeter"),
    ("Dinbych-y-pysgod", "Dyfed-Powys", "Tenby"), ("Caergybi", "North Wales", "Holyhead"),
    ("Yr Wyddgrug", "North Wales", "Mold"), ("Rhuthun", "North Wales", "Ruthin"), ("Wrecsam", "North Wales", "Wrexham"),
    ("Bae Colwyn", "North Wales", "Colwyn Bay"), ("Pen-y-bont ar Ogwr", "South Wales", "Bridgend"),
    ("Castell-nedd", "South Wales", "Neath"), ("Merthyr Tudful", "South Wales", "Merthyr Tydfil"),
    ("Caerffili", "Gwent", "Caerphilly"), ("Casnewydd", "Gwent", "Newport"), ("Caerdydd", "South Wales", "Cardiff"),
    ("Y Barri", "South Wales", "Barry"), ("Rhydaman", "Dyfed-Powys", "Ammanford"),
    ("Aberdaugleddau", "Dyfed-Powys", "Milford Haven"), ("Abergwaun", "Dyfed-Powys", "Fishguard"),
    ("Crucywel", "Dyfed-Powys", "Crickhowell"), ("Llanfair-ym-Muallt", "Dyfed-Powys", "Builth Wells"),
    ("Y Bala", "North Wales", "Bala"), ("Biwmares", "North Wales", "Beaumaris"), ("Dinbych", "North Wales", "Denbigh"),
    ("Treffynnon", "North Wales", "Holywell"), ("Glynebwy", "Gwent", "Ebbw Vale"), ("Pont-y-pŵl", "Gwent", "Pontypool"),
    ("Aberdâr", "South Wales", "Aberdare"), ("Y Bont-faen", "South Wales", "Cowbridge"),
    ("Doc Penfro", "Dyfed-Powys", "Pembroke Dock"), ("Cydweli", "Dyfed-Powys", "Kidwelly"),
    ("Y Rhyl", "North Wales", "Rhyl"), ("Bwcle", "North Wales", "Buckley"),
    # Irish names
    ("Corcaigh", GARDA, "Cork"), ("Gaillimh", GARDA, "Galway"), ("Luimneach", GARDA, "Limerick"),
    ("Port Láirge", GARDA, "Waterford"), ("Dún Dealgan", GARDA, "Dundalk"), ("Trá Lí", GARDA, "Tralee"),
    ("Cill Airne", GARDA, "Killarney"), ("Baile Átha Luain", GARDA, "Athlone"), ("Loch Garman", GARDA, "Wexford"),
    ("Leitir Ceanainn", GARDA, "Letterkenny"), ("Béal Feirste", PSNI, "Belfast"), ("An tIúr", PSNI, "Newry"),
    ("Inis Ceithleann", PSNI, "Enniskillen"),
])
def test_welsh_and_irish_names_are_read_as_their_towns(text, force, town):
    place = resolve_place(text)
    assert (place.force_area, place.precision) == (force, "town"), place
    english = resolve_place(f"{town}, {place.label.split(', ', 1)[1]}" if ", " in place.label else town)
    assert (round(place.latitude, 2), round(place.longitude, 2)) == (round(english.latitude, 2), round(english.longitude, 2))


@pytest.mark.parametrize("text, force", [
    ("Fferm Isaf, Sir Benfro", "Dyfed-Powys"), ("Llandeilo, Sir Gaerfyrddin", "Dyfed-Powys"),
    ("Home Farm, Bro Morgannwg", "South Wales"), ("Top Farm, Ynys Môn", "North Wales"),
    ("Home Farm, Sir Fynwy", "Gwent"), ("Home Farm, Sir Ddinbych", "North Wales"),
    ("Home Farm, Contae Lú", GARDA), ("Home Farm, Ciarraí", GARDA), ("Home Farm, Maigh Eo", GARDA),
    ("Home Farm, Tír Eoghain", PSNI),
])
def test_welsh_and_irish_county_names(text, force):
    assert resolve_place(text).force_area == force


@pytest.mark.parametrize("text, same_as", [
    ("nr Skipton", "Skipton"), ("near Thirsk", "Thirsk"), ("nr. Brecon", "Brecon"), ("Near Aberhonddu", "Brecon"),
    ("nr Dundalk", "Dundalk"), ("near Douglas, Isle of Man", "Douglas, Isle of Man"), ("near to Ruthin", "Ruthin"),
    ("close to Hexham", "Hexham"),
])
def test_near_a_place_reads_as_the_place(text, same_as):
    place, plain = resolve_place(text), resolve_place(same_as)
    assert (place.force_area, place.label, place.latitude) == (plain.force_area, plain.label, plain.latitude)


@pytest.mark.parametrize("text, force, label_start", [
    ("Dingle, Ireland", GARDA, "Dingle, Kerry"), ("Newry, Ireland", PSNI, "Newry"), ("Tramore", GARDA, "Trá Mhór"),
    ("Rush, Co Dublin", GARDA, "An Ros"), ("Skipton, England", "North Yorkshire", "Skipton"),
    ("Newport, Wales", "Gwent", "Newport"), ("St Helier, Channel Islands", JERSEY, "Saint Helier"),
])
def test_a_region_named_after_a_town_chooses_between_places_of_that_name(text, force, label_start):
    place = resolve_place(text)
    assert place.force_area == force and place.label.startswith(label_start)


@pytest.mark.parametrize("text", ["Granard, Ireland", "Milford, Channel Islands"])
def test_an_unknown_town_in_a_region_of_several_services_has_no_force(text):
    place = resolve_place(text)
    assert (place.force_area, place.precision) == (None, "region") and "more than one police service" in place.note
