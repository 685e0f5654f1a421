"""Look-ups over the officials: by name, the offices a person held, and those held on a date."""

from __future__ import annotations

import datetime

from kg.extract import phoenix
from kg.extract.curated import GazetteerEntry
from kg.extract.knowledge import cached
from kg.extract.names import normalize
from kg.extract.officials import Official, officials, persons, phoenix_official, phoenix_person_key


@cached
def _by_name() -> dict[str, Official]:
    table: dict[str, Official] = {}
    for official in officials():  # curated first: their names win
        for name in (official.name, *official.aliases):
            table.setdefault(normalize(name), official)
    return table


@cached
def _persons_by_name() -> dict[str, GazetteerEntry]:
    table: dict[str, GazetteerEntry] = {}
    for entry in persons():
        for name in entry.names:
            table.setdefault(normalize(name), entry)
    return table


@cached
def _by_key() -> dict[str, tuple[Official, ...]]:
    table: dict[str, list[Official]] = {}
    for official in officials():
        table.setdefault(official.key, []).append(official)
    return {k: tuple(v) for k, v in table.items()}


@cached
def _phoenix_roles() -> dict[str, tuple[phoenix.PhoenixRole, ...]]:
    """Every Phoenix role (offices or not) of each person key, with the person it came from."""
    table: dict[str, list[phoenix.PhoenixRole]] = {}
    for person in phoenix.people():
        table.setdefault(phoenix_person_key(person), []).extend(person.roles)
    return {k: tuple(v) for k, v in table.items()}


@cached
def _phoenix_people() -> dict[str, phoenix.PhoenixPerson]:
    return {phoenix_person_key(p): p for p in phoenix.people()}


def official_by_name(name: str) -> Official | None:
    """An office holding of the official a name (or alias) refers to, if any."""
    return _by_name().get(normalize(name))


def person_by_name(name: str) -> GazetteerEntry | None:
    """The Person entry (curated official or Phoenix person) a name or alias refers to."""
    return _persons_by_name().get(normalize(name))


def offices_of(person_key: str) -> tuple[Official, ...]:
    """Every office the person with this key held: curated ones in file order, then Phoenix's."""
    return _by_key().get(person_key, ())


def offices_on(person_key: str, on: datetime.date | None) -> tuple[Official, ...]:
    """The offices the person held on `on` (a document's date), curated ones first.

    Curated offices count when held that day. Phoenix roles count when a dated one covers the day;
    on a day none of them covers (offices or not), the person's default role holds, but only within
    the dictionaries' years: an open role of the 2014 list proves nothing in 2024.
    With `on` None (an undated document), the latest role counts: curated offices still held (or
    else the latest curated one), else the Phoenix role that began last, if it is an office.
    """
    curated = tuple(o for o in offices_of(person_key) if o.curated)
    if on is None:
        held = tuple(o for o in curated if o.end is None)
        if held or curated:
            return held or (max(curated, key=lambda o: o.start),)
        return _latest_phoenix(person_key)
    found = tuple(o for o in curated if o.in_office(on))
    return found + _phoenix_on(person_key, on)


def _as_offices(person_key: str, roles: list[phoenix.PhoenixRole]) -> tuple[Official, ...]:
    person = _phoenix_people().get(person_key)
    if person is None:
        return ()
    return tuple(o for r in roles if (o := phoenix_official(person, r)) is not None)


@cached
def _latest_phoenix(person_key: str) -> tuple[Official, ...]:
    roles = _phoenix_roles().get(person_key, ())
    dated = [r for r in roles if not r.default]
    if not dated:
        return _as_offices(person_key, list(roles))
    last = max(r.start or datetime.date.min for r in dated)
    return _as_offices(person_key, [r for r in dated if (r.start or datetime.date.min) == last])


def _phoenix_on(person_key: str, on: datetime.date) -> tuple[Official, ...]:
    if on > phoenix.vintage():
        return ()
    roles = _phoenix_roles().get(person_key, ())
    covering = [
        r
        for r in roles
        if not r.default and (r.start is None or r.start <= on) and (r.end is None or on <= r.end)
    ]
    if covering:
        return _as_offices(person_key, covering)
    return _as_offices(person_key, [r for r in roles if r.default])


@cached
def _surnames() -> dict[str, tuple[str, ...]]:
    """Last words (four letters or more) of every known person's names -> their keys."""
    table: dict[str, list[str]] = {}
    for entry in persons():
        for name in entry.names:
            words = normalize(name).split()
            if len(words) >= 2 and len(words[-1]) >= 4:
                keys = table.setdefault(words[-1], [])
                if entry.key not in keys:
                    keys.append(entry.key)
    return {k: tuple(v) for k, v in table.items()}


def official_by_surname(
    surname: str, on: datetime.date | None, countries: frozenset[str] = frozenset()
) -> str | None:
    """The key of the one known person of this surname who held an office on `on` ("Erdogan" in
    2004: Recep Tayyip Erdogan), or whose latest role is an office when `on` is None; where several
    did, the one whose office is of a country the document names (`countries`, entity keys: "Blair"
    beside "Britain"); None if none or several remain."""
    holders = [k for k in _surnames().get(normalize(surname), ()) if offices_on(k, on)]
    if len(holders) > 1 and countries:
        holders = [k for k in holders if any(o.of in countries for o in offices_on(k, on))]
    return holders[0] if len(holders) == 1 else None
