"""What the demonstration's farms own and its sellers list: makes, models, colours, identifier
formats and prices of common farm machinery and livestock, and UK places."""

from __future__ import annotations

import random

# category, make, model, colour, identifier kind, identifier pattern (# digit, @ letter), price range
MACHINES = (
    ("tractor", "John Deere", "6120M", "green", "pin", "1L06120MCKK######", (38000, 62000)),
    ("tractor", "Massey Ferguson", "5713S", "red", "serial", "AGCO5713S######", (30000, 52000)),
    ("tractor", "New Holland", "T6.180", "blue", "pin", "ZFRT6180HND######", (45000, 70000)),
    ("tractor", "Kubota", "M5-111", "orange", "serial", "KBM5111-######", (28000, 45000)),
    ("quad", "Honda", "TRX420 FourTrax", "red", "frame", "JH2TE##@#K######", (3500, 7500)),
    ("quad", "Yamaha", "Grizzly 700", "blue", "frame", "JY4AM##Y#LA######", (5000, 9500)),
    ("utv", "Kubota", "RTV-X1110", "orange", "serial", "RTVX1110-#####", (9000, 16000)),
    ("trailer", "Ifor Williams", "LM146G", "silver", "serial", "SCK600######", (2500, 6000)),
    ("gps", "Trimble", "GFX-750", "black", "serial", "58##########", (2500, 5500)),
    ("gps", "John Deere", "StarFire 6000", "green", "serial", "PCGT6######", (2000, 4800)),
    ("power tool", "Stihl", "MS 261 C-M", "orange", "serial", "18#######", (300, 650)),
    ("implement", "Kverneland", "LO 85 plough", "blue", "serial", "KVL85######", (6000, 14000)),
    ("plant", "JCB", "3CX Sitemaster", "yellow", "vin", "JCB3CX4TJ02######", (35000, 58000)),
)
# Livestock: breed as make, what is sold as model; identifiers as UK animals carry them.
LIVESTOCK = (
    ("cattle", "Aberdeen Angus", "in-calf heifer", "black", "ear_tag", "UK-CATTLE", (1400, 2600)),
    ("sheep", "Texel", "shearling ewes, pen of 20", "white", "ear_tag", "UK0######0####", (2400, 4400)),
    ("horse", "Welsh Cob", "skewbald mare", "skewbald", "microchip", "826############", (1800, 5200)),
)
LIVESTOCK_CATEGORIES = frozenset(m[0] for m in LIVESTOCK)
PLACES = ("Andover, Hampshire", "Salisbury, Wiltshire", "Taunton, Somerset", "Exeter, Devon", "Hereford",
          "Shrewsbury, Shropshire", "Ludlow", "Launceston, Cornwall", "Dorchester, Dorset", "Okehampton, Devon",
          "Builth Wells, Powys", "Carmarthen", "Hexham, Northumberland", "Skipton, North Yorkshire",
          "Melton Mowbray, Leicestershire", "Banbury, Oxfordshire")
SELLERS = ("agri_deals_sw", "farmkit4u", "westcountry_plant", "j.morgan", "hillside_machinery", "tractorman88",
           "quadsdirect", "k_evans_farm", "borders_agri", "usedkit_uk")
FLAWS = ("small dent on the rear mudguard", "new battery last spring", "cab glass replaced", "light rust on the drawbar",
         "tyres about 60%", "front weights included", "serviced in March", "minor scuffs, all working",
         "one owner from new", "full service history")


def cattle_tag(rng: random.Random) -> str:
    """A UK cattle ear tag `UK HHHHHH C NNNNN` with its check digit: ((herd * 100000 + animal) mod 7) + 1."""
    herd, animal = rng.randrange(100000, 999999), rng.randrange(1, 99999)
    return f"UK{herd:06d}{(herd * 100000 + animal) % 7 + 1}{animal:05d}"


def fill_pattern(pattern: str, rng: random.Random) -> str:
    """An identifier from a pattern: # a digit, @ a letter, 'UK-CATTLE' a valid cattle tag."""
    if pattern == "UK-CATTLE":
        return cattle_tag(rng)
    return "".join(str(rng.randrange(10)) if ch == "#" else rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") if ch == "@"
                   else ch for ch in pattern)


def next_serial(serial: str) -> str:
    """The same serial one unit on: what the next machine off the line carries."""
    if serial.startswith("UK") and len(serial) == 14 and serial[2] != "0":  # a cattle tag: keep it valid
        herd, animal = int(serial[2:8]), (int(serial[9:]) + 1) % 100000
        return f"UK{herd:06d}{(herd * 100000 + animal) % 7 + 1}{animal:05d}"
    digits = len(serial) - len(serial.rstrip("0123456789"))
    head, tail = serial[:len(serial) - digits], serial[len(serial) - digits:]
    return head + str((int(tail) + 1) % 10 ** digits).zfill(digits)
