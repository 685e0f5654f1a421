"""The gazetteer's entry type and curated data, and its countries, regions and organizations."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import yaml

from kg.extract.knowledge import active, cached
from kg.extract.names import slug, strip_the, unique

ORGANIZATION_CLASSES: tuple[str, ...] = (
    "InternationalOrganization",
    "Organization",
    "GovernmentBody",
    "MediaOrganization",
)


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


@cached
def load_data(name: str) -> Any:
    """A data file of the active Knowledge, parsed (once per Knowledge)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
    return yaml.load(active().text(name), Loader=loader)


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


@cached
def countries() -> tuple[GazetteerEntry, ...]:
    """Every ISO 3166 country (and Kosovo), with names, QID, demonyms and nationality nouns."""
    import pycountry
    from rigour.territories import get_territory

    data = load_data("countries.yaml")
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
        label = strip_the(str(cur.get("label") or item["default_label"]))
        candidates = [
            label,
            *(strip_the(n) for n in item["generated"] if _generated_name_ok(n)),
            *(str(a) for a in cur.get("aliases") or ()),
        ]
        if item["alpha3"] not in code_blocklist:
            candidates.append(item["alpha3"])
        drop = set(cur.get("drop") or ())
        item["label"] = label
        item["names"] = unique(n for n in candidates if n.strip() not in drop)
        item["lookup_names"] = unique(n for n in item["generated"] if not _generated_name_ok(n))
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
            for d in unique([*item["demonyms"], *(cur.get("demonyms") or ())])
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
            for n in unique(
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


# --- curated regions and organizations --------------------------------------------------------------


def _expand_names(names: Iterable[str], sentence_case: bool, proper_first_words: frozenset[str]) -> list[str]:
    """Add "U.S. X" for "US X", "U.K. X" for "UK X", and sentence-case twins.

    The twin lower-cases the generic words (organizations.yaml `generic_words`) that follow a
    proper first word, as news text often does: "Iraqi Security Forces" -> "Iraqi security forces".
    """
    generic = frozenset(load_data("organizations.yaml").get("generic_words") or ())
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


@cached
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
        names=unique(names),
        wikidata=item.get("wikidata"),
        country=item.get("country"),
        lookup_names=unique(str(n) for n in item.get("lookup_only") or ()),
    )


@cached
def regions() -> tuple[GazetteerEntry, ...]:
    """Curated regions: world regions, seas and straits, regions within countries (regions.yaml)."""
    return tuple(_curated_entry("Region", item) for item in load_data("regions.yaml")["regions"])


@cached
def curated_organizations() -> tuple[GazetteerEntry, ...]:
    """Curated organizations of all four organization classes (organizations.yaml)."""
    data = load_data("organizations.yaml")
    return tuple(_curated_entry(cls, item) for cls in ORGANIZATION_CLASSES for item in data.get(cls) or ())


@cached
def organizations() -> tuple[GazetteerEntry, ...]:
    """The curated organizations, with the Phoenix names of the same bodies added, then the other
    Phoenix organizations (international bodies, NGOs, media, armed groups, national institutions).

    A Phoenix organization sharing a name with a curated one is that one; Phoenix names another
    entry already has stay with it. Names too generic for running text ("Senate"), and single
    words of organizations only Phoenix knows (but acronyms of three letters or more), are
    lookup names only.
    """
    from kg.extract.names import normalize
    from kg.extract.phoenix import organizations as phoenix_organizations

    entries = list(curated_organizations())
    entry_keys = {e.key for e in entries}  # (replacing an entry keeps its key)
    owner: dict[str, int] = {}
    for i, entry in enumerate(entries):
        for name in (*entry.names, *entry.lookup_names):
            owner.setdefault(normalize(name), i)
    for org in phoenix_organizations():
        if org.cls not in ORGANIZATION_CLASSES:
            raise ValueError(f"phoenix_organizations.yaml: {org.label!r} has unknown class {org.cls!r}")
        keys = [normalize(n) for n in org.names]
        known = next((owner[k] for k in keys if k in owner), None)
        fresh = [n for n, k in zip(org.names, keys, strict=True) if k not in owner]
        # the ruler tags Phoenix names of two words or more, and acronyms of three letters or more;
        # a single word ("McClatchy") is left to the NER, whose span may be longer ("McClatchy
        # News Service"), and lookup() classifies it
        tagged = [
            n for n in fresh if org.ruler and (" " in n or (n.isupper() and len(n) >= 3) or known is not None)
        ]
        lookup = [n for n in fresh if n not in tagged]
        if known is not None:
            entry = entries[known]
            entries[known] = replace(
                entry,
                names=unique([*entry.names, *tagged]),
                lookup_names=unique([*entry.lookup_names, *lookup]),
            )
        elif fresh:
            key = f"{org.cls}:{slug(org.label)}"
            if key in entry_keys:
                continue
            entry_keys.add(key)
            entries.append(
                GazetteerEntry(
                    key=key,
                    cls=org.cls,
                    label=org.label,
                    names=unique(tagged),
                    country=org.country if org.cls != "InternationalOrganization" else None,
                    lookup_names=unique(lookup),
                )
            )
            known = len(entries) - 1
        else:
            continue
        for k in keys:
            owner.setdefault(k, known)
    return tuple(entries)


def organization_of_code(code: str) -> str | None:
    """The key of the organization a Phoenix code names ("IGOWSTNAT" -> NATO's), the nearest
    coded one for sub-codes ("IGOUNOKID" -> UNICEF's, else the UN's)."""
    coded = _coded_organizations()
    for length in range(len(code), 2, -1):
        if code[:length] in coded:
            return coded[code[:length]]
    return None


@cached
def _coded_organizations() -> dict[str, str]:
    """Phoenix code -> key of the organization entry of the code's first Phoenix organization."""
    from kg.extract.names import normalize
    from kg.extract.phoenix import organizations as phoenix_organizations

    by_name = {normalize(n): e.key for e in organizations() for n in (*e.names, *e.lookup_names)}
    coded: dict[str, str] = {}
    for org in phoenix_organizations():
        if org.code and org.code not in coded:
            key = by_name.get(normalize(org.label))
            if key is not None:
                coded[org.code] = key
    return coded
