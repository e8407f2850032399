"""Police force areas from postcodes (by postcode area, with district exceptions).

Approximate by design: a handful of postcode areas straddle force boundaries. It is
used to route alerts and filter queues, not as evidence.
"""

from __future__ import annotations

import re

_FORCES = {
    "Avon and Somerset": "BA BS TA", "Bedfordshire": "LU", "Cambridgeshire": "CB PE",
    "Cheshire": "CH CW WA", "City of London": "EC", "Cleveland": "TS", "Cumbria": "CA",
    "Derbyshire": "DE", "Devon and Cornwall": "EX PL TQ TR", "Dorset": "BH DT", "Durham": "DH DL",
    "Dyfed-Powys": "LD SA", "Essex": "CM CO SS", "Gloucestershire": "GL",
    "Greater Manchester": "BL M OL SK WN", "Gwent": "NP", "Hampshire": "PO SO",
    "Hertfordshire": "AL EN SG WD", "Humberside": "HU", "Kent": "CT DA ME TN",
    "Lancashire": "BB FY LA PR", "Leicestershire": "LE", "Lincolnshire": "LN",
    "Merseyside": "L", "Metropolitan": "BR CR E HA IG N NW RM SE SM SW TW UB W WC",
    "Norfolk": "NR", "North Wales": "LL", "North Yorkshire": "HG YO", "Northamptonshire": "NN",
    "Northumbria": "NE SR", "Nottinghamshire": "NG", "South Wales": "CF", "South Yorkshire": "S DN",
    "Staffordshire": "ST", "Suffolk": "IP", "Surrey": "GU KT", "Sussex": "BN RH",
    "Thames Valley": "HP MK OX RG SL", "Warwickshire": "CV", "West Mercia": "HR SY TF WR",
    "West Midlands": "B DY WS WV", "West Yorkshire": "BD HD HX LS WF", "Wiltshire": "SN SP",
    "Police Scotland": "AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE",
    "Police Service of Northern Ireland": "BT",
}
_BY_AREA = {area: force for force, areas in _FORCES.items() for area in areas.split()}
_BY_DISTRICT = {"SP10": "Hampshire", "SP11": "Hampshire", "SP6": "Hampshire", "SP5": "Wiltshire",
                "DN15": "Humberside", "DN16": "Humberside", "DN17": "Humberside", "DN18": "Humberside",
                "DN19": "Humberside", "DN20": "Humberside", "DN31": "Humberside", "DN32": "Humberside",
                "DN33": "Humberside", "DN34": "Humberside", "DN35": "Humberside", "DN36": "Humberside",
                "DN37": "Humberside", "DN38": "Humberside", "DN39": "Humberside", "DN40": "Humberside",
                "DN41": "Humberside"}

FORCE_AREAS = sorted(_FORCES)
_OUTWARD = re.compile(r"^\s*([A-Z]{1,2})(\d[A-Z\d]?)")


def force_for_postcode(postcode: str | None) -> str | None:
    """'SP11 0AA' -> 'Hampshire'; None when the postcode is not recognised."""
    if not postcode:
        return None
    match = _OUTWARD.match(postcode.upper())
    if not match:
        return None
    area, district = match[1], match[1] + match[2]
    for candidate in (district, district[:-1]):
        if candidate in _BY_DISTRICT:
            return _BY_DISTRICT[candidate]
    return _BY_AREA.get(area)
