"""The data generated from the PETRARCH2 (Phoenix) dictionaries: people with dated roles, and
organizations (`kg/extract/data/phoenix_*.yaml`, written by scripts/petrarch/convert_actors.py).

The files are YAML whose entries are one JSON object a line; they are read line by line with
the json module, ten times faster than a YAML parser on 1.7 MB, and checked as they are read.
A Knowledge made with `phoenix=False` (the `kg_entities` setting) has no Phoenix people or
organizations: the gazetteer, the officials and the ruler then know the curated ones only.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from kg.extract.knowledge import active, cached

#: Sectors whose members hold a state office: government, military, legislature, judiciary,
#: intelligence, police. ELI (elites, former office holders), OPP, REB ... are not offices.
OFFICIAL_SECTORS: dict[str, str] = {
    "GOV": "government",
    "MIL": "military",
    "LEG": "legislature",
    "JUD": "judiciary",
    "SPY": "intelligence",
    "COP": "police",
}

_ROLE = re.compile(
    r"^(?:(?P<country>[A-Z]{3}) (?P<sector>[A-Z]+)|(?P<org>(?:IGO|NGO)[A-Z]*))(?: (?P<dates>\S+))?$"
)


@dataclass(frozen=True)
class PhoenixRole:
    """One role of a person: `of` is "Country:AFG" or a Phoenix code ("IGOUNO")."""

    of: str
    sector: str  # "GOV", "GOVMIL", "ELI"; "" for international bodies
    start: datetime.date | None  # None: open (or a default role)
    end: datetime.date | None  # last day, included; None: open
    default: bool = False  # PETRARCH's default code: holds when no dated role does

    @property
    def official(self) -> bool:
        """A state or international office, not an elite, opposition or rebel role."""
        return not self.of.startswith("Country:") or self.sector[:3] in OFFICIAL_SECTORS

    @property
    def description(self) -> str:
        """ "government", "military", ...; an international body's code otherwise."""
        return OFFICIAL_SECTORS.get(self.sector[:3], self.sector.lower()) if self.sector else self.of


@dataclass(frozen=True)
class PhoenixPerson:
    name: str
    aliases: tuple[str, ...]
    roles: tuple[PhoenixRole, ...]


@dataclass(frozen=True)
class PhoenixOrganization:
    label: str
    cls: str
    names: tuple[str, ...]
    country: str | None
    code: str | None
    ruler: bool


def _json_lines(name: str, key: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(top-level scalars, entries of the list `key`) of a generated file."""
    header: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    with io.StringIO(active().text(name)) as stream:
        for number, line in enumerate(stream, start=1):
            if line.startswith("- "):
                try:
                    item = json.loads(line[2:])
                except json.JSONDecodeError as e:
                    raise ValueError(f"{name}:{number}: not a JSON object: {e}") from None
                if not isinstance(item, dict):
                    raise ValueError(f"{name}:{number}: an entry must be an object")
                items.append(item)
            elif line[:1].isalpha() and ":" in line:
                field, _, value = line.partition(":")
                header[field.strip()] = value.strip()
    if key not in header:
        raise ValueError(f"{name}: no `{key}:` list")
    return header, items


def _date(text: str, where: str) -> datetime.date | None:
    if text == "..":
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{where}: bad date {text!r} (YYYY-MM-DD or ..)") from None


def parse_role(text: str, where: str = "role") -> PhoenixRole:
    """ "AFG GOV 2001-12-22/.." -> PhoenixRole("Country:AFG", "GOV", 2001-12-22, None)."""
    found = _ROLE.match(text)
    if found is None:
        raise ValueError(f"{where}: role {text!r} is not `AAA SECTOR [from/to]` or `IGOCODE [from/to]`")
    of = f"Country:{found['country']}" if found["country"] else str(found["org"])
    dates = found["dates"]
    if dates is None:
        return PhoenixRole(of, found["sector"] or "", None, None, default=True)
    first, _, last = dates.partition("/")
    return PhoenixRole(of, found["sector"] or "", _date(first, where), _date(last, where))


@cached
def vintage() -> datetime.date:
    """The date of the dictionaries: open-ended roles are known to hold until then, not after."""
    header, _ = _json_lines("phoenix_people.yaml", "people")
    return datetime.date.fromisoformat(str(header.get("vintage", "")))


@cached
def people() -> tuple[PhoenixPerson, ...]:
    """The Phoenix people (none when the active Knowledge is set not to use Phoenix)."""
    if not active().phoenix:
        return ()
    _, items = _json_lines("phoenix_people.yaml", "people")
    out = []
    for number, item in enumerate(items, start=1):
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError(f"phoenix_people.yaml: person {number} has no name")
        where = f"phoenix_people.yaml: {name}"
        roles = tuple(parse_role(str(r), where) for r in item.get("roles") or ())
        out.append(PhoenixPerson(name, tuple(str(a) for a in item.get("aliases") or ()), roles))
    return tuple(out)


@cached
def organizations() -> tuple[PhoenixOrganization, ...]:
    """The Phoenix organizations (none when the active Knowledge is set not to use Phoenix)."""
    if not active().phoenix:
        return ()
    _, items = _json_lines("phoenix_organizations.yaml", "organizations")
    out = []
    for number, item in enumerate(items, start=1):
        label, cls, names = item.get("label"), item.get("class"), item.get("names")
        if not isinstance(label, str) or not isinstance(cls, str) or not isinstance(names, list):
            raise ValueError(
                f"phoenix_organizations.yaml: organization {number} needs label, class and names"
            )
        out.append(
            PhoenixOrganization(
                label,
                cls,
                tuple(str(n) for n in names),
                item.get("country"),
                item.get("code"),
                item.get("ruler", True),
            )
        )
    return tuple(out)
