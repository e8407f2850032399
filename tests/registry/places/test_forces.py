"""Every authority in the shipped data belongs to exactly one force; groups come from a file."""

import pytest

from registry.places.forces import FORCE_AREAS, PLACE_FORCES, UK_FORCES, force_for_authority, known_force
from registry.places.gazetteer import authority_names, force_for_district_code, towns
from registry.places.groups import ForceGroupError, force_groups, forces_in_scope, groups_of


def test_there_are_43_territorial_forces_scotland_northern_ireland_the_islands_and_ireland():
    assert len(UK_FORCES) == 45 and "British Transport Police" in FORCE_AREAS
    assert "British Transport Police" not in PLACE_FORCES
    assert PLACE_FORCES[45:] == ("States of Jersey Police", "Guernsey Police", "Isle of Man Constabulary",
                                 "An Garda Síochána")


def test_every_irish_county_in_geonames_maps_to_the_garda():
    # GeoNames writes County Louth as "Louth", which is also a Lincolnshire town, so it stays a town's name
    irish = {t.county for t in towns() if t.country == "IE"} - {"Louth"}
    assert len(irish) >= 20 and {c for c in irish if force_for_authority(c) != "An Garda Síochána"} == set()


def test_every_ons_authority_maps_to_a_force():
    missing = {code: name for code, name in authority_names().items() if not force_for_district_code(code)}
    assert missing == {}


def test_every_geonames_county_maps_to_a_force():
    assert [t.name for t in towns() if not t.force_area] == []
    england_wales = {t.county for t in towns() if t.county and t.nation in ("England", "Wales")}
    assert {c for c in england_wales if not force_for_authority(c)} == set()


@pytest.mark.parametrize("name, force", [
    ("Kingston upon Hull, City of", "Humberside"), ("City and Borough of Leeds", "West Yorkshire"),
    ("Sir Powys", "Dyfed-Powys"), ("County of Flintshire", "North Wales"), ("St. Helens", "Merseyside"),
    ("Royal Borough of Windsor and Maidenhead", "Thames Valley"), ("Bridgend county borough", "South Wales"),
    ("Bournemouth, Christchurch and Poole Council", "Dorset"), ("City of London", "City of London"),
    ("Greater London", "Metropolitan"), ("Herefordshire, County of", "West Mercia"), ("Atlantis", None),
])
def test_force_for_authority(name, force):
    assert force_for_authority(name) == force


@pytest.mark.parametrize("code, force", [("E07000163", "North Yorkshire"), ("E06000065", "North Yorkshire"),
                                         ("S12000027", "Police Scotland"), ("N09000003",
                                                                             "Police Service of Northern Ireland"),
                                         ("L99999999", None), ("M99999999", None), ("", None)])
def test_force_for_district_code(code, force):
    assert force_for_district_code(code) == force


@pytest.mark.parametrize("spelling, force", [("hampshire", "Hampshire"), ("Metropolitan Police", "Metropolitan"),
                                             ("PSNI", "Police Service of Northern Ireland"),
                                             ("Devon and Cornwall Police", "Devon and Cornwall"), ("Narnia", None)])
def test_known_force(spelling, force):
    assert known_force(spelling) == force


def test_the_south_west_collaboration_is_configured_not_coded():
    groups = force_groups()
    assert groups["South West rural crime collaboration"] == (
        "Avon and Somerset", "Devon and Cornwall", "Dorset", "Gloucestershire", "Wiltshire")
    assert "South West rural crime collaboration" in groups_of("Dorset")
    assert forces_in_scope("Wiltshire") == ("Wiltshire",)
    assert forces_in_scope("national") is None and forces_in_scope("") is None


def test_a_groups_file_names_its_bad_entry(tmp_path, monkeypatch):
    path = tmp_path / "groups.yaml"
    path.write_text("groups:\n  Moorland:\n    - Cumbria\n    - Gondor Constabulary\n")
    monkeypatch.setenv("FARMWATCH_FORCE_GROUPS", str(path))
    with pytest.raises(ForceGroupError, match="Gondor Constabulary.*is not a police force"):
        force_groups()
    path.write_text("groups:\n  Moorland: [Cumbria, North Yorkshire]\n")
    assert force_groups() == {"Moorland": ("Cumbria", "North Yorkshire")}
    with pytest.raises(ForceGroupError, match="neither a police force nor a force group"):
        forces_in_scope("Mordor")


@pytest.mark.parametrize("typed, stored", [("hampshire", "Hampshire"), ("PSNI", "Police Service of Northern Ireland"),
                                           ("south west rural crime collaboration",
                                            "South West rural crime collaboration"),
                                           ("National", "national"), ("", None), (None, None)])
def test_canonical_area(typed, stored):
    from registry.places.groups import canonical_area

    assert canonical_area(typed) == stored


def test_users_add_refuses_an_unknown_force_area(tmp_path):
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "farmwatch.cli", "--db", str(tmp_path / "fw.db"), "users", "add", "pc1",
           "--role", "officer", "--force-area"]
    bad = subprocess.run([*cmd, "Hampshire Constabulary Wessex"], input="pw-123456789\n", capture_output=True,
                         text=True)
    assert bad.returncode == 1 and "is not a police force area" in bad.stderr and "Traceback" not in bad.stderr
    good = subprocess.run([*cmd, "north yorkshire police"], input="pw-123456789\n", capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    from registry.db import connect

    assert connect(tmp_path / "fw.db").execute("select force_area from users").fetchone()[0] == "North Yorkshire"
