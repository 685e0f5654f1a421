"""Officials: dated office holdings and one Person entry per person.

Two sources: the curated, reviewed `officials.yaml` (heads of state and government, foreign and
defence ministers, with their titles and whether the office leads) and the thousands of people of
the Phoenix dictionaries (`kg.extract.phoenix`), whose roles say in which country and sector
(government, military, legislature ...) a person held office, and when, up to 2014. Phoenix
people who held no office (elites, opposition figures) are Person entries too.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from kg.extract import phoenix
from kg.extract.curated import GazetteerEntry, countries, load_data, organization_of_code, organizations
from kg.extract.knowledge import cached
from kg.extract.names import normalize, slug, unique


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
    sector: str = ""  # Phoenix roles: "GOV", "GOVMIL", "MIL", "IGO" ...; "" for curated offices
    default: bool = False  # a Phoenix default role: held when no dated role of the person is
    person: str = ""  # the person's key where it is not the slug of `name`

    @property
    def curated(self) -> bool:
        """From officials.yaml (with a title and leader flag), not from Phoenix."""
        return not self.sector

    @property
    def key(self) -> str:
        """The person's entity key, "Person:lloyd-austin"."""
        return self.person or "Person:" + slug(self.name)

    def in_office(self, on: datetime.date) -> bool:
        """Whether the office was held on `on` (the end date is the successor's first day)."""
        return self.start <= on and (self.end is None or on < self.end)


# --- officials -------------------------------------------------------------------------------------


@cached
def officials() -> tuple[Official, ...]:
    """Every office holding: the curated ones (officials.yaml, in file order), then Phoenix's."""
    return (*curated_officials(), *phoenix_officials())


@cached
def curated_officials() -> tuple[Official, ...]:
    """Every curated office holding (officials.yaml), in file order."""
    data = load_data("officials.yaml")
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
                    aliases=unique(str(a) for a in people[name] or ()),
                    role=str(row["role"]),
                    of=str(of),
                    leader=bool(row.get("leader", False)),
                    start=start,
                    end=end,
                )
            )
    return tuple(out)


def phoenix_official(person: phoenix.PhoenixPerson, role: phoenix.PhoenixRole) -> Official | None:
    """The office a Phoenix role is, or None (not an office, or of a body kg does not know).

    Dates become Official's: the end is the day after the last one; an open end is the
    dictionaries' date (an open role of a 2014 list says nothing of 2024).
    """
    if not role.official:
        return None
    of = role.of if role.of.startswith("Country:") else organization_of_code(role.of)
    if of is None:
        return None
    end = (role.end or phoenix.vintage()) + datetime.timedelta(days=1)
    return Official(
        name=person.name,
        aliases=person.aliases,
        role=role.description if role.of.startswith("Country:") else "international organization",
        of=of,
        leader=False,
        start=role.start or datetime.date.min,
        end=end,
        sector=role.sector or "IGO",
        default=role.default,
        person=phoenix_person_key(person),
    )


@cached
def phoenix_officials() -> tuple[Official, ...]:
    """The offices of Phoenix people, dated (see phoenix_official)."""
    return tuple(o for p in phoenix.people() for r in p.roles if (o := phoenix_official(p, r)) is not None)


@cached
def officials_in_office(on: datetime.date | None) -> tuple[Official, ...]:
    """Curated offices held on `on`; with None, those still held as far as officials.yaml knows."""
    if on is None:
        return tuple(o for o in curated_officials() if o.end is None)
    return tuple(o for o in curated_officials() if o.in_office(on))


@cached
def persons() -> tuple[GazetteerEntry, ...]:
    """One Person entry per person, "Person:<slug>": curated officials (with the country of their
    first office), then Phoenix people (with the country of their latest role). A Phoenix person
    with a curated official's key or name is that official (the curated name and label win)."""
    return tuple(_person_table()[0].values())


def phoenix_person_key(person: phoenix.PhoenixPerson) -> str:
    """The key of a Phoenix person's entry (a curated official's where it is the same person)."""
    return _person_table()[1][person.name]


@cached
def _person_table() -> tuple[dict[str, GazetteerEntry], dict[str, str]]:
    by_key: dict[str, GazetteerEntry] = {}
    for official in curated_officials():
        if official.key not in by_key:
            country = official.of.split(":", 1)[1] if official.of.startswith("Country:") else None
            by_key[official.key] = GazetteerEntry(
                key=official.key,
                cls="Person",
                label=official.name,
                names=unique([official.name, *official.aliases]),
                country=country,
            )
    curated = {normalize(n): k for k, e in by_key.items() for n in e.names}
    keys: dict[str, str] = {}
    for person in phoenix.people():
        key = "Person:" + slug(person.name)
        same = next(
            (curated[k] for n in (person.name, *person.aliases) if (k := normalize(n)) in curated), None
        )
        if same is not None:
            entry = by_key[same]
            by_key[same] = replace(entry, names=unique([*entry.names, person.name, *person.aliases]))
            keys[person.name] = same
            continue
        keys[person.name] = key
        if key in by_key:
            continue
        dated = [r for r in person.roles if r.of.startswith("Country:")]
        latest = max(dated, key=lambda r: (not r.default, r.start or datetime.date.min), default=None)
        by_key[key] = GazetteerEntry(
            key=key,
            cls="Person",
            label=person.name,
            names=unique([person.name, *person.aliases]),
            country=latest.of.split(":", 1)[1] if latest else None,
        )
    return by_key, keys
