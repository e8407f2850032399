"""Place text -> position and police force, from the offline ONS and GeoNames data."""

import pytest

from registry.places.lookup import force_for_postcode, resolve_place


@pytest.mark.parametrize("text, force, precision", [
    ("Skipton, North Yorkshire", "North Yorkshire", "town"),
    ("Skipton", "North Yorkshire", "town"),
    ("BD23 1AB", "North Yorkshire", "postcode"),
    ("bd231ab", "North Yorkshire", "postcode"),
    ("Lower Barn, Skipton BD23 1AB", "North Yorkshire", "postcode"),
    ("nr Hawes DL8", "North Yorkshire", "district"),
    ("SP11 0AA", "Hampshire", "postcode"),
    ("SP5", "Wiltshire", "district"),
    ("Andover", "Hampshire", "town"),
    ("Faccombe, Hampshire", "Hampshire", "county"),
    ("Newport, Isle of Wight", "Hampshire", "town"),
    ("Newport, Shropshire", "West Mercia", "town"),
    ("Newport", "Gwent", "town"),
    ("Tregaron, Ceredigion", "Dyfed-Powys", "town"),
    ("Launceston, Cornwall", "Devon and Cornwall", "town"),
    ("Great Ayton", "North Yorkshire", "town"),
    ("Penrith, Cumbria", "Cumbria", "town"),
    ("CA11 9ZZ", "Cumbria", "district"),
    ("City of London", "City of London", "town"),
    ("Croydon", "Metropolitan", "town"),
    ("Melrose, Scottish Borders", "Police Scotland", "town"),
    ("ZE1 0AA", "Police Scotland", "postcode"),
    ("BT1 1AA", "Police Service of Northern Ireland", "postcode"),
    ("Enniskillen", "Police Service of Northern Ireland", "town"),
    ("Ruthin", "North Wales", "town"),
    ("Builth Wells", "Dyfed-Powys", "town"),
    ("Hexham", "Northumbria", "town"),
    ("Selby", "North Yorkshire", "town"),
    ("Goole", "Humberside", "town"),
    ("Tetbury, Gloucestershire", "Gloucestershire", "town"),
    ("Shepton Mallet", "Avon and Somerset", "town"),
    ("Marlborough, Wiltshire", "Wiltshire", "town"),
    # the abbreviations farmers and classifieds use choose between towns of one name
    ("Newport, Salop", "West Mercia", "town"),
    ("Newport, IoW", "Hampshire", "town"),
    ("Thirsk, N Yorks", "North Yorkshire", "town"),
    ("Llandeilo, Carms", "Dyfed-Powys", "town"),
    ("Lower Slaughter, Glos", "Gloucestershire", "county"),
    ("Home Farm, Hants", "Hampshire", "county"),
    # Scottish council areas and Northern Ireland's counties as qualifiers
    ("Peebles, Scottish Borders", "Police Scotland", "town"),
    ("Glenbuchat, Aberdeenshire", "Police Scotland", "county"),
    ("Top Farm, Co Down", "Police Service of Northern Ireland", "county"),
    # a later part that is both a town and an authority is the town
    ("Lower Farm, York", "North Yorkshire", "town"),
])
def test_place_text_gives_the_force_where_it_is(text, force, precision):
    place = resolve_place(text)
    assert (place.force_area, place.precision) == (force, precision)
    if precision != "county":
        assert 49.8 < place.latitude < 61 and -8.3 < place.longitude < 2


def test_a_postcode_is_placed_within_a_few_km_of_the_town():
    import numpy as np

    from registry.places.gazetteer import haversine_km

    town, postcode = resolve_place("Skipton"), resolve_place("BD23 1AB")
    distance = haversine_km(*np.radians([town.latitude, town.longitude, postcode.latitude, postcode.longitude]))
    assert distance < 3


@pytest.mark.parametrize("text", ["Somewhere unknown", "M6 services", "", "Zzyzx Road", "A30", "B4000 layby"])
def test_a_place_that_cannot_be_resolved_says_so(text):
    place = resolve_place(text)
    assert not place.resolved and place.force_area is None and place.latitude is None
    assert place.note


def test_an_ambiguous_town_says_which_one_was_taken():
    place = resolve_place("Newport")
    assert "places are called Newport" in place.note and "county" in place.note


def test_coordinates_give_the_position_and_the_nearest_place_the_force():
    place = resolve_place("", 54.0, -2.0)
    assert (place.precision, place.force_area, place.latitude) == ("coordinates", "North Yorkshire", 54.0)
    abroad = resolve_place(None, 48.85, 2.35)
    assert abroad.force_area is None and "not in the UK" in abroad.note
    assert resolve_place("Skipton", "x", "y").precision == "town"


@pytest.mark.parametrize("postcode, force", [
    ("SP11 0AA", "Hampshire"), ("SP10", "Hampshire"), ("SP5 1AA", "Wiltshire"), ("DN15 6AA", "Humberside"),
    ("DN1 1AA", "South Yorkshire"), ("EC1A 1BB", "Metropolitan"), ("EC2V 7HH", "City of London"), ("LL55 4UR", "North Wales"),
    ("TD9 7AA", "Police Scotland"), ("not a postcode", None), (None, None),
])
def test_force_for_postcode(postcode, force):
    assert force_for_postcode(postcode) == force
