"""Tests of the Phoenix data in the gazetteer: people and their dated offices, organizations,
agent nouns, and the first-level regions of cities."""

from __future__ import annotations

import datetime
import time
from datetime import date

import pytest

from kg.extract import admin1, agents, offices, officials, phoenix
from kg.extract import gazetteer as gz
from kg.extract.curated import organization_of_code


def test_phoenix_files_load_with_people_organizations_and_a_date() -> None:
    assert len(phoenix.people()) > 10_000
    assert len(phoenix.organizations()) > 1_000
    assert date(2014, 1, 1) <= phoenix.vintage() <= date(2016, 1, 1)
    classes = {o.cls for o in phoenix.organizations()}
    assert {"InternationalOrganization", "Organization", "GovernmentBody", "MediaOrganization"} <= classes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AFG GOV 2001-12-22/..", phoenix.PhoenixRole("Country:AFG", "GOV", date(2001, 12, 22), None)),
        ("GBR ELI", phoenix.PhoenixRole("Country:GBR", "ELI", None, None, default=True)),
        ("IGOUNO ../2006-12-31", phoenix.PhoenixRole("IGOUNO", "", None, date(2006, 12, 31))),
    ],
)
def test_phoenix_parse_role(text: str, expected: phoenix.PhoenixRole) -> None:
    assert phoenix.parse_role(text) == expected


@pytest.mark.parametrize("text", ["AFG", "afg GOV", "AFG GOV 2001-13-01/..", "AFG GOV 2001"])
def test_phoenix_parse_role_rejects_malformed(text: str) -> None:
    with pytest.raises(ValueError, match=r"^phoenix_people\.yaml: X: "):
        phoenix.parse_role(text, "phoenix_people.yaml: X")


def test_phoenix_people_are_persons_of_the_gazetteer() -> None:
    karzai = gz.lookup("Hamid Karzai")
    assert karzai is not None and karzai.key == "Person:hamid-karzai" and karzai.country == "AFG"
    assert "Hamid Karzai" in {p["pattern"] for p in gz.ruler_patterns() if p["label"] == "Person"}
    patterns = {p["pattern"] for p in gz.ruler_patterns() if p["label"] == "Person"}
    assert not {"Karzai", "President Karzai", "Attorney General"} & patterns  # no surnames, no titles
    # a Phoenix person who is a curated official is one entry, with the curated label
    putin = gz.by_key("Person:vladimir-putin")
    assert putin is not None and putin.label == "Vladimir Putin"
    assert len([e for e in gz.entries() if e.cls == "Person" and "Vladimir Putin" in e.names]) == 1


@pytest.mark.parametrize(
    ("on", "held"),
    [
        (date(2004, 6, 1), True),  # President of Afghanistan 2001-2014
        (date(1990, 1, 1), False),  # an elite, not in office (a dated ELI role covers the day)
        (date(2024, 6, 1), False),  # after the dictionaries' date: an open role proves nothing
        (None, True),  # undated: the latest role, a government one
    ],
)
def test_phoenix_offices_on_the_documents_date(on: date | None, held: bool) -> None:
    found = offices.offices_on("Person:hamid-karzai", on)
    assert (found != ()) is held, found
    if held:
        assert {(o.of, o.role, o.curated) for o in found} == {("Country:AFG", "government", False)}


def test_phoenix_offices_of_international_bodies_and_curated_first() -> None:
    (annan,) = offices.offices_on("Person:kofi-annan", date(2004, 1, 1))
    assert annan.of == "InternationalOrganization:united-nations"
    assert offices.offices_on("Person:kofi-annan", date(2010, 1, 1)) == ()
    austin = offices.offices_on("Person:lloyd-austin", date(2024, 5, 1))
    assert [(o.role, o.curated) for o in austin] == [("Secretary of Defense", True)]
    assert offices.offices_on("Person:lloyd-austin", date(2026, 1, 1)) == ()  # left office in January 2025


def test_phoenix_official_by_surname_needs_one_holder_on_the_date() -> None:
    assert offices.official_by_surname("Erdogan", date(2004, 11, 1)) == "Person:recep-tayyip-erdogan"
    assert offices.official_by_surname("Rumsfeld", date(2004, 11, 1)) == "Person:donald-rumsfeld"
    assert offices.official_by_surname("Rumsfeld", date(1990, 1, 1)) is None  # out of office then
    assert offices.official_by_surname("Smith", date(2004, 11, 1)) is None  # several, or none
    assert offices.person_by_name("Recep Tayyip Erdogan") == gz.by_key("Person:recep-tayyip-erdogan")


def test_phoenix_officials_are_dated_and_point_at_known_entities() -> None:
    rows = officials.phoenix_officials()
    assert len(rows) > 10_000
    for row in rows[::97]:
        assert gz.by_key(row.of) is not None, row
        assert row.end is not None and row.start < row.end, row
        assert not row.curated and not row.leader


def test_phoenix_organizations_merge_into_curated_ones() -> None:
    hezbollah = gz.lookup("Hezbollah")
    assert hezbollah is not None and {"Hizb Allah", "Party of God"} <= set(hezbollah.names)
    assert gz.lookup("Party of God") == hezbollah
    farc = gz.lookup("Revolutionary Armed Forces of Colombia")
    assert farc is not None and farc.cls == "Organization"
    senate = gz.lookup("United States Senate")
    assert senate is None or senate.cls == "GovernmentBody"
    assert organization_of_code("IGOWSTNAT") == "InternationalOrganization:nato"
    assert organization_of_code("IGOUNOXYZ") == "InternationalOrganization:united-nations"  # nearest coded
    keys = [e.key for e in gz.entries()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("word", "sector", "role"),
    [
        ("minister", "GOV", "government"),
        ("Foreign Ministers", "GOV", "government"),
        ("rebels", "REB", "rebel"),
        ("riot police", "COP", "police"),
        ("troops", "MIL", "military"),
        ("peacekeeping troops", "IGO", "international organization"),
    ],
)
def test_phoenix_agent_nouns(word: str, sector: str, role: str) -> None:
    found = agents.agent(word)
    assert found is not None, word
    assert (found.sector, found.role) == (sector, role)


def test_phoenix_agent_unknown_and_official() -> None:
    assert agents.agent("xylophone") is None
    minister = agents.agent("minister")
    rebel = agents.agent("rebel")
    assert minister is not None and minister.official
    assert rebel is not None and not rebel.official


@pytest.mark.parametrize(
    ("city", "region", "key"),
    [
        ("City:houston", "Texas", "Region:texas-usa"),  # geonames and ISO codes agree
        ("City:kharkiv", "Kharkivska oblast", "Region:kharkivska-oblast-ukr"),  # matched by name
        ("City:baghdad", "Baghdād", "Region:baghdad-irq"),
        ("City:osaka", "Osaka", "Region:osaka-jpn"),
    ],
)
def test_phoenix_region_of_city(city: str, region: str, key: str) -> None:
    assert admin1.region_of(city) == region
    sub = admin1.subdivision_of(city)
    assert sub is not None and sub.key == key


def test_phoenix_region_of_city_unknown_rather_than_wrong() -> None:
    # geonames' "84" in France is a region, ISO's FR-84 a department: no guess
    assert admin1.region_of("City:lyon") in (None, "Auvergne-Rhône-Alpes")
    assert admin1.region_of("City:nowhere") is None


def test_phoenix_gazetteer_loads_in_seconds() -> None:
    start = time.perf_counter()
    gz.ruler_patterns()
    offices.offices_of("Person:hamid-karzai")
    assert time.perf_counter() - start < 15  # cached after the first call; about 2 s cold on one core


# --- the pipeline -------------------------------------------------------------------------------------


def _facts(nlp, text: str, published: date | None) -> set[tuple[str, str, str]]:
    from kg.core.types import Document
    from kg.extract.document import to_records

    document = Document(id="t", text=text, published=published)
    doc = nlp.make_doc(text)
    doc._.kg_published = published
    return {(c.subject, c.predicate, c.object) for c in to_records(nlp(doc), document).claims}


@pytest.mark.model
@pytest.mark.parametrize(
    ("published", "expected"),
    [(date(2005, 3, 1), True), (None, True), (date(2024, 3, 1), False)],
)
def test_phoenix_title_and_dated_role_give_leader(nlp, published: date | None, expected: bool) -> None:
    text = "President Hamid Karzai opened a school on Monday. Afghanistan needs more teachers, he said."
    facts = _facts(nlp, text, published)
    assert (("Person:hamid-karzai", "leaderOf", "Country:AFG") in facts) is expected, facts


@pytest.mark.model
def test_phoenix_minister_title_gives_official_and_needs_the_country_named(nlp) -> None:
    on = datetime.date(2005, 3, 1)
    text = "Foreign Minister Abdullah Abdullah flew to Oslo."
    offices = {(s, p) for s, p, _ in _facts(nlp, text, on) if p in ("officialOf", "leaderOf")}
    assert not offices  # the text names no country the office could be of
    facts = _facts(nlp, text + " Afghanistan wants aid.", on)
    assert ("Person:abdullah-abdullah", "officialOf", "Country:AFG") in facts
    assert ("Person:abdullah-abdullah", "leaderOf", "Country:AFG") not in facts


def test_a_shared_surname_is_the_official_of_a_country_the_document_names() -> None:
    from kg.extract.offices import official_by_surname

    on = datetime.date(2004, 6, 1)
    assert official_by_surname("Rashid", on) is None  # an Iraqi and a Saudi minister of that name
    assert official_by_surname("Rashid", on, frozenset({"Country:IRQ"})) == "Person:latif-rashid"
    assert official_by_surname("Rashid", on, frozenset({"Country:FRA"})) is None
