"""Look-ups over the curated officials list: by name, and the offices a person held."""

from __future__ import annotations

from functools import cache

from kg.extract.names import normalize
from kg.extract.officials import Official, officials


@cache
def _by_name() -> dict[str, Official]:
    table: dict[str, Official] = {}
    for official in officials():
        for name in (official.name, *official.aliases):
            table.setdefault(normalize(name), official)
    return table


@cache
def _by_key() -> dict[str, tuple[Official, ...]]:
    table: dict[str, list[Official]] = {}
    for official in officials():
        table.setdefault(official.key, []).append(official)
    return {k: tuple(v) for k, v in table.items()}


def official_by_name(name: str) -> Official | None:
    """The curated official a name (or alias) refers to, if any."""
    return _by_name().get(normalize(name))


def offices_of(person_key: str) -> tuple[Official, ...]:
    """Every office the person with this key held, in file order."""
    return _by_key().get(person_key, ())
