"""Tests of kg.extract.cities: the city index, the ruler's cities and city keys."""

from __future__ import annotations

import re

import pytest

from kg.extract import cities
from kg.extract import gazetteer as gz


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Mosul", "IRQ"),
        ("Al Mawsil", "IRQ"),
        ("Raqqa", "SYR"),
        ("Ar Raqqah", "SYR"),
        ("Kobane", "SYR"),
        ("Dayr az Zawr", "SYR"),
        ("Kiev", "UKR"),
        ("Tokyo", "JPN"),
        ("Sousse", "TUN"),  # neither a capital nor a millionaire city: index only
    ],
)
def test_gazetteer_city_index(name: str, country: str) -> None:
    entry = cities.city_index().get(name)
    assert entry is not None, name
    assert entry.cls == "City"
    assert entry.country == country
    assert entry.key.startswith("City:")


def test_gazetteer_city_index_alternates_share_entry() -> None:
    index = cities.city_index()
    assert index["Mosul"] is index["Al Mawsil"]
    assert index["Raqqa"] is index["Ar Raqqah"]
    assert index["Mosul"].population and index["Mosul"].population > 1_000_000
    assert len(index) > 50_000


def test_gazetteer_cities_for_ruler() -> None:
    ruler_cities = cities.cities()
    keys = [c.key for c in ruler_cities]
    assert len(keys) == len(set(keys))
    assert all(c.cls == "City" and c.wikidata is None for c in ruler_cities)
    assert all(c.country and re.fullmatch(r"[A-Z]{3}", c.country) for c in ruler_cities)
    by_key = {c.key: c for c in ruler_cities}
    for key, country in [
        ("City:tokyo", "JPN"),
        ("City:seoul", "KOR"),
        ("City:pyongyang", "PRK"),
        ("City:baghdad", "IRQ"),
        ("City:damascus", "SYR"),
        ("City:kyiv", "UKR"),
        ("City:washington", "USA"),
        ("City:tripoli-lby", "LBY"),
        ("City:raqqa", "SYR"),
        ("City:tal-afar", "IRQ"),
    ]:
        assert by_key[key].country == country, key


def test_gazetteer_city_keys_disambiguate_same_names() -> None:
    lebanon = [e for e in cities.city_index().values() if e.key == "City:tripoli-lbn"]
    assert lebanon and lebanon[0].country == "LBN"
    assert gz.lookup("Tripoli") is not None and gz.lookup("Tripoli").country == "LBY"  # type: ignore[union-attr]
