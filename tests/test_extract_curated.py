"""Tests of kg.extract.curated: countries, regions and organizations."""

from __future__ import annotations

import re

import pytest

from kg.core.types import ENTITY_CLASSES
from kg.extract import curated
from kg.extract import gazetteer as gz
from kg.extract.names import slug

# --- countries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "label"),
    [
        ("USA", "United States"),
        ("GBR", "United Kingdom"),
        ("KOR", "South Korea"),
        ("PRK", "North Korea"),
        ("RUS", "Russia"),
        ("IRN", "Iran"),
        ("SYR", "Syria"),
        ("TUR", "Turkey"),
        ("VNM", "Vietnam"),
        ("LAO", "Laos"),
        ("TWN", "Taiwan"),
        ("BOL", "Bolivia"),
        ("VEN", "Venezuela"),
        ("TZA", "Tanzania"),
        ("MDA", "Moldova"),
        ("JPN", "Japan"),
    ],
)
def test_gazetteer_country_labels_are_common_names(iso3: str, label: str) -> None:
    entry = gz.by_key("Country:" + iso3)
    assert entry is not None
    assert entry.label == label
    assert label in entry.names


def test_gazetteer_country_labels_never_inverted() -> None:
    for entry in curated.countries():
        assert not re.search(r", (the )?(Republic|Democratic|Islamic|Province|State)", entry.label), (
            entry.label
        )
        assert entry.label in entry.names


def test_gazetteer_country_identifiers() -> None:
    from rigour.territories import get_territory

    entries = curated.countries()
    assert len(entries) >= 249
    for entry in entries:
        assert entry.cls == "Country"
        assert entry.iso3 and re.fullmatch(r"[A-Z]{3}", entry.iso3)
        assert entry.key == "Country:" + entry.iso3
    import pycountry

    for country in pycountry.countries:
        territory = get_territory(country.alpha_2.lower())
        if territory is not None and territory.qid:
            assert gz.by_key("Country:" + country.alpha_3).wikidata == territory.qid  # type: ignore[union-attr]


@pytest.mark.parametrize(("iso3", "qid"), [("USA", "Q30"), ("JPN", "Q17"), ("KOR", "Q884"), ("PRK", "Q423")])
def test_gazetteer_country_qids(iso3: str, qid: str) -> None:
    entry = gz.by_key("Country:" + iso3)
    assert entry is not None and entry.wikidata == qid


def test_gazetteer_country_codes_as_names() -> None:
    names = {name: entry.iso3 for entry in curated.countries() for name in entry.names}
    for code in ("AND", "CAN", "ARE", "ISR", "IND", "FRA"):  # English words and acronym clashes
        assert code not in names, code
    for code in ("USA", "PRK", "IRQ", "SYR"):
        assert names[code] == code
    two_letter = {name for name in names if re.fullmatch(r"[A-Z]{2}", name)}
    assert two_letter == {"US", "UK"}
    assert "Holland" not in names
    assert "Congo" not in names  # ambiguous between the two Congos


# --- organizations and regions -----------------------------------------------------------------------


def test_gazetteer_curated_entries() -> None:
    orgs = curated.organizations()
    regions = curated.regions()
    assert len(orgs) >= 150
    assert len(regions) >= 30
    for entry in (*orgs, *regions):
        assert entry.cls in ENTITY_CLASSES
        assert entry.key == f"{entry.cls}:{slug(entry.label)}"
        assert entry.names or entry.lookup_names
        if entry.country is not None:
            assert gz.by_key("Country:" + entry.country) is not None, entry.key
    for entry in orgs:
        if entry.cls == "GovernmentBody":
            assert entry.country, entry.key
    keys = [e.key for e in gz.entries()]
    assert len(keys) == len(set(keys))


def test_gazetteer_us_name_variants() -> None:
    centcom = gz.by_key("GovernmentBody:us-central-command")
    assert centcom is not None
    assert {"US Central Command", "U.S. Central Command", "CENTCOM", "Central Command"} <= set(centcom.names)
    idf = gz.by_key("GovernmentBody:israel-defense-forces")
    assert idf is not None and "Israel defense forces" in idf.names and idf.country == "ISR"
