"""The police forces of the UK and which local authority areas each one polices.

A police force area in England and Wales is defined by the counties and unitary authorities
it covers (Police Act 1996, Schedule 1, as amended by the local government reorganisations
up to 2023: Cumbria split into Cumberland and Westmorland and Furness, the North Yorkshire
and Somerset districts merged into unitary councils). Scotland has one force (Police and Fire
Reform (Scotland) Act 2012) and Northern Ireland one (Police (Northern Ireland) Act 2000).
The British Transport Police is national and polices the railways, not places, so a place
never resolves to it; officers and subscriptions may still name it.

`AUTHORITY_FORCES` lists, for each force, the upper-tier authorities by their ONS names
(the 2021 lower-to-upper tier lookup plus the 2023 councils), the ceremonial and historic
county names people still write ("North Yorkshire", "Berkshire", "Tyne and Wear"), the usual
abbreviations ("Hants", "Glos", "Salop", "N Yorks", "Carms"), the regional names that are exactly
one force's area, and the council areas of Scotland and the districts and counties of Northern Ireland.
"""

from __future__ import annotations

import re
import unicodedata

from registry.places.names import english_county

SCOTLAND = "Police Scotland"
NORTHERN_IRELAND = "Police Service of Northern Ireland"
TRANSPORT = "British Transport Police"
JERSEY = "States of Jersey Police"
GUERNSEY = "Guernsey Police"
ISLE_OF_MAN = "Isle of Man Constabulary"
GARDA = "An Garda Síochána"
#: The forces beyond the United Kingdom's: the Crown Dependencies' own services (the Bailiwick of
#: Guernsey's covers Alderney, Sark and Herm) and Ireland's national police service.
ISLAND_AND_IRISH_FORCES: tuple[str, ...] = (JERSEY, GUERNSEY, ISLE_OF_MAN, GARDA)
#: The ISO 3166 country of each force that is not in the United Kingdom.
FORCE_COUNTRY = {JERSEY: "JE", GUERNSEY: "GG", ISLE_OF_MAN: "IM", GARDA: "IE"}

AUTHORITY_FORCES: dict[str, tuple[str, ...]] = {
    "Avon and Somerset": ("Bath and North East Somerset", "Bristol", "North Somerset", "Somerset",
                          "South Gloucestershire", "Avon", "Som"),
    "Bedfordshire": ("Bedford", "Central Bedfordshire", "Luton", "Bedfordshire", "Beds"),
    "Cambridgeshire": ("Cambridgeshire", "Peterborough", "Cambs"),
    "Cheshire": ("Cheshire East", "Cheshire West and Chester", "Halton", "Warrington", "Cheshire", "Ches"),
    "City of London": ("City of London",),
    "Cleveland": ("Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees", "Cleveland"),
    "Cumbria": ("Cumbria", "Cumberland", "Westmorland and Furness", "Westmorland"),
    "Derbyshire": ("Derbyshire", "Derby", "Derbys"),
    "Devon and Cornwall": ("Devon", "Cornwall", "Isles of Scilly", "Plymouth", "Torbay"),
    "Dorset": ("Dorset", "Bournemouth, Christchurch and Poole", "Bournemouth", "Christchurch", "Poole"),
    "Durham": ("County Durham", "Darlington", "Durham", "Co Durham"),
    "Dyfed-Powys": ("Carmarthenshire", "Ceredigion", "Pembrokeshire", "Powys", "Dyfed", "Carms", "Pembs",
                    "Cardiganshire", "Brecknockshire", "Radnorshire", "Montgomeryshire"),
    "Essex": ("Essex", "Southend-on-Sea", "Thurrock"),
    "Gloucestershire": ("Gloucestershire", "Glos", "Gloucs"),
    "Greater Manchester": ("Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport",
                           "Tameside", "Trafford", "Wigan", "Greater Manchester"),
    "Gwent": ("Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen", "Gwent"),
    "Hampshire": ("Hampshire", "Isle of Wight", "Portsmouth", "Southampton", "Hants", "IoW"),
    "Hertfordshire": ("Hertfordshire", "Herts"),
    "Humberside": ("East Riding of Yorkshire", "Kingston upon Hull", "Hull", "North East Lincolnshire",
                   "North Lincolnshire", "Humberside", "East Yorkshire", "East Riding", "E Yorks", "East Yorks"),
    "Kent": ("Kent", "Medway"),
    "Lancashire": ("Lancashire", "Blackburn with Darwen", "Blackpool", "Lancs"),
    "Leicestershire": ("Leicestershire", "Leicester", "Rutland", "Leics"),
    "Lincolnshire": ("Lincolnshire", "Lincs"),
    "Merseyside": ("Knowsley", "Liverpool", "St Helens", "Sefton", "Wirral", "Merseyside"),
    "Metropolitan": ("Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon",
                     "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey",
                     "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington", "Kensington and Chelsea",
                     "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham", "Redbridge",
                     "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest",
                     "Wandsworth", "Westminster", "Greater London", "London"),
    "Norfolk": ("Norfolk",),
    "North Wales": ("Isle of Anglesey", "Anglesey", "Gwynedd", "Conwy", "Denbighshire", "Flintshire",
                    "Wrexham", "Clwyd", "Ynys Mon", "Flints", "Caernarfonshire", "Merionethshire"),
    "North Yorkshire": ("North Yorkshire", "York", "N Yorks", "North Yorks"),
    "Northamptonshire": ("North Northamptonshire", "West Northamptonshire", "Northamptonshire", "Northants"),
    "Northumbria": ("Northumberland", "Newcastle upon Tyne", "North Tyneside", "South Tyneside", "Sunderland",
                    "Gateshead", "Tyne and Wear"),
    "Nottinghamshire": ("Nottinghamshire", "Nottingham", "Notts"),
    "South Wales": ("Swansea", "Neath Port Talbot", "Bridgend", "Vale of Glamorgan", "Cardiff",
                    "Rhondda Cynon Taf", "Merthyr Tydfil", "Glamorgan", "Mid Glamorgan", "South Glamorgan",
                    "West Glamorgan"),
    "South Yorkshire": ("Barnsley", "Doncaster", "Rotherham", "Sheffield", "South Yorkshire", "S Yorks",
                        "South Yorks"),
    "Staffordshire": ("Staffordshire", "Stoke-on-Trent", "Staffs"),
    "Suffolk": ("Suffolk",),
    "Surrey": ("Surrey",),
    "Sussex": ("East Sussex", "West Sussex", "Brighton and Hove", "Sussex"),
    "Thames Valley": ("Bracknell Forest", "West Berkshire", "Reading", "Slough", "Windsor and Maidenhead",
                      "Wokingham", "Milton Keynes", "Buckinghamshire", "Oxfordshire", "Berkshire", "Oxon",
                      "Bucks", "Berks"),
    "Warwickshire": ("Warwickshire", "Warks"),
    "West Mercia": ("Herefordshire", "Shropshire", "Telford and Wrekin", "Worcestershire", "Salop", "Shrops",
                    "Worcs", "Herefs"),
    "West Midlands": ("Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton",
                      "West Midlands"),
    "West Yorkshire": ("Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield", "West Yorkshire", "W Yorks",
                       "West Yorks"),
    "Wiltshire": ("Wiltshire", "Swindon", "Wilts"),
    SCOTLAND: ("Scotland", "Aberdeen", "Aberdeenshire", "Angus", "Argyll and Bute", "Edinburgh",
               "Clackmannanshire", "Dumfries and Galloway", "Dundee", "East Ayrshire", "East Dunbartonshire",
               "East Lothian", "East Renfrewshire", "Eilean Siar", "Na h-Eileanan Siar", "Western Isles", "Falkirk",
               "Fife", "Glasgow", "Highland", "Highlands", "Inverclyde", "Midlothian", "Moray", "North Ayrshire",
               "North Lanarkshire", "Orkney", "Orkney Islands", "Perth and Kinross", "Perthshire", "Renfrewshire",
               "Shetland", "Shetland Islands", "South Ayrshire", "South Lanarkshire", "Stirling", "Scottish Borders",
               "Borders", "West Dunbartonshire", "West Lothian", "Ayrshire", "Lanarkshire", "Argyll"),
    NORTHERN_IRELAND: ("Northern Ireland", "Antrim and Newtownabbey", "Ards and North Down",
                       "Armagh City Banbridge and Craigavon", "Causeway Coast and Glens", "Belfast",
                       "Derry City and Strabane", "Fermanagh and Omagh", "Lisburn and Castlereagh", "Mid Ulster",
                       "Mid and East Antrim", "Newry Mourne and Down", "County Antrim", "County Armagh",
                       "County Down", "County Fermanagh", "County Londonderry", "County Tyrone", "Co Antrim",
                       "Co Armagh", "Co Down", "Co Fermanagh", "Co Londonderry", "Co Derry", "Co Tyrone"),
    JERSEY: ("Jersey", "Bailiwick of Jersey", "States of Jersey"),
    GUERNSEY: ("Guernsey", "Bailiwick of Guernsey", "Alderney", "Sark", "Herm", "Brecqhou", "Lihou"),
    ISLE_OF_MAN: ("Isle of Man", "IoM", "Isle of Mann", "Mann", "Ellan Vannin"),
    # The 26 counties of the Republic of Ireland (and Dublin's four councils), "Co X" and "County X";
    # a county's Irish name comes from place_names.csv.
    GARDA: ("Republic of Ireland", "Eire", "ROI", "Irish Republic")
    + tuple(f"{prefix}{county}" for county in (
        "Carlow", "Cavan", "Clare", "Cork", "Donegal", "Dublin", "Galway", "Kerry", "Kildare", "Kilkenny",
        "Laois", "Leitrim", "Limerick", "Longford", "Louth", "Mayo", "Meath", "Monaghan", "Offaly",
        "Roscommon", "Sligo", "Tipperary", "Waterford", "Westmeath", "Wexford", "Wicklow")
        for prefix in ("County ", "Co ", "Co. "))
    + ("Fingal", "Dun Laoghaire-Rathdown", "Clare", "Limerick City and County", "Cork City", "Galway City",
       "South Dublin", "Dublin City", "Laois", "Offaly", "Leitrim",
       "Roscommon", "Westmeath", "Kerry", "Mayo", "Wexford", "Tipperary", "Donegal", "Monaghan", "Cavan",
       "Kildare", "Kilkenny", "Wicklow", "Meath", "Carlow", "Sligo"),
}

#: The 43 territorial forces of England and Wales, Police Scotland and the PSNI: the United Kingdom's.
UK_FORCES: tuple[str, ...] = tuple(sorted(f for f in AUTHORITY_FORCES
                                          if f not in (SCOTLAND, NORTHERN_IRELAND, *ISLAND_AND_IRISH_FORCES))) \
    + (SCOTLAND, NORTHERN_IRELAND)
#: Every force a place can be in: the United Kingdom's, the Crown Dependencies' and An Garda Síochána.
PLACE_FORCES: tuple[str, ...] = UK_FORCES + ISLAND_AND_IRISH_FORCES
WALES_FORCES = frozenset({"Dyfed-Powys", "Gwent", "North Wales", "South Wales"})
ENGLAND_FORCES = frozenset(UK_FORCES) - WALES_FORCES - {SCOTLAND, NORTHERN_IRELAND}
#: Names of regions with several forces, written after a town to choose between places of its name
#: ('Dingle, Ireland' is in Kerry, not Liverpool): folded name -> (forces, ISO country or None).
#: "Ireland" is the island: the Republic or Northern Ireland.
REGIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "ireland": (frozenset({GARDA, NORTHERN_IRELAND}), None),
    "channel islands": (frozenset({JERSEY, GUERNSEY}), None),
    "england": (ENGLAND_FORCES, "GB"), "wales": (WALES_FORCES, "GB"), "cymru": (WALES_FORCES, "GB"),
    "uk": (frozenset(UK_FORCES), "GB"), "united kingdom": (frozenset(UK_FORCES), "GB"),
    "great britain": (frozenset(UK_FORCES) - {NORTHERN_IRELAND}, "GB"), "gb": (frozenset(UK_FORCES), "GB"),
    "britain": (frozenset(UK_FORCES) - {NORTHERN_IRELAND}, "GB"),
}
#: Every force an officer, a subscription or a filter may name.
FORCE_AREAS: tuple[str, ...] = PLACE_FORCES + (TRANSPORT,)

_PREFIXES = re.compile(r"^(the|city and county of|city and borough of|royal borough of|metropolitan borough of|"
                       r"london borough of|borough of|county of|district of|city of|sir|county|contae)\s+")
_SUFFIXES = re.compile(r"\s+(county borough|council|district|borough|city|county)$")


def normalise_name(text: str) -> str:
    """A place or authority name folded for comparison: 'St. Helens' -> 'st helens',
    'Stoke-on-Trent' -> 'stoke on trent', 'Ynys Môn' -> 'ynys mon'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ").replace("saint ", "st ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _authority_index() -> dict[str, str]:
    index = {}
    for force, names in AUTHORITY_FORCES.items():
        for name in names:
            index[normalise_name(name)] = force
    return index


_BY_AUTHORITY = _authority_index()


def force_for_authority(name: str | None) -> str | None:
    """The force whose area holds this county or unitary authority, in the ways ONS, GeoNames and people
    write it ('Kingston upon Hull, City of', 'City and Borough of Leeds', 'Sir Powys', 'North Yorkshire');
    None for a name that is not a UK authority we know."""
    if not name:
        return None
    key = normalise_name(name.split(",")[0] if name.rstrip().endswith((", City of", ", County of")) else name)
    for _ in range(3):
        if key in _BY_AUTHORITY:
            return _BY_AUTHORITY[key]
        english = english_county(key)
        if english and normalise_name(english) in _BY_AUTHORITY:
            return _BY_AUTHORITY[normalise_name(english)]
        shorter = _SUFFIXES.sub("", _PREFIXES.sub("", key))
        if shorter == key:
            break
        key = shorter
    return None


def known_force(name: str | None) -> str | None:
    """The canonical force name for a user's spelling ('hampshire', 'Metropolitan Police', 'PSNI'), or None."""
    if not name:
        return None
    key = normalise_name(name)
    key = re.sub(r"\s+(police|constabulary|police service)$", "", key)
    aliases = {"psni": NORTHERN_IRELAND, "garda": GARDA, "gardai": GARDA, "an garda siochana": GARDA,
               "garda siochana": GARDA, "states of jersey": JERSEY, "jersey": JERSEY, "guernsey": GUERNSEY,
               "isle of man": ISLE_OF_MAN, "iom": ISLE_OF_MAN, "btp": TRANSPORT, "met": "Metropolitan", "scotland": SCOTLAND,
               "metropolitan police service": "Metropolitan", "hampshire and isle of wight": "Hampshire"}
    if key in aliases:
        return aliases[key]
    for force in FORCE_AREAS:
        if normalise_name(force) == key:
            return force
    return None


def police_name(force: str) -> str:
    """How a caller asks for a force: 'North Yorkshire' -> 'North Yorkshire Police', 'Metropolitan' ->
    'the Metropolitan Police'; names that already say police are kept ('Police Scotland')."""
    if any(word in force.lower() for word in ("police", "constabulary")):
        return force
    if force == GARDA:
        return force
    if force == "Metropolitan":
        return "the Metropolitan Police"
    return f"{force} Police"
