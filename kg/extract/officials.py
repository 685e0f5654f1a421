"""Curated officials (officials.yaml): dated office holdings and one Person entry per official."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kg.extract.curated import GazetteerEntry, countries, load_data, organizations
from kg.extract.names import slug, unique


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


# --- officials -------------------------------------------------------------------------------------


@functools.cache
def officials() -> tuple[Official, ...]:
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
                names=unique([official.name, *official.aliases]),
                country=country,
            )
    return tuple(by_key.values())
