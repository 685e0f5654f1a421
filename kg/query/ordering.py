"""A query's final ORDER BY, applied to its decoded rows instead of by the store.

Oxigraph compares two IRIs or strings by reading both from its on-disk dictionary, at every
comparison of the sort: ordering 16k rows by class, label and IRI took 1.8 s of a 2.4 s query on a
1M-triple store, and sorting the same rows once decoded takes milliseconds. So when a SELECT ends
with `ORDER BY` over projected variables (`?x`, `ASC(?x)`, `DESC(?x)`), `kg.query.run.run` asks the
store for the rows unordered and sorts them here, exactly as SPARQL and Oxigraph order them:
unbound first, then IRIs (by code point), then literals compared by value within one kind (plain
strings by code point, language-tagged strings by text then tag, numbers, booleans, xsd:date).
A sort key column that holds anything else (blank nodes, other datatypes, or literals of two kinds,
whose relative order SPARQL leaves to the engine) makes `sort_rows` return None: the query is then
run again with its ORDER BY, and the store orders it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from kg.query.cells import IRI, RDF_LANG_STRING, XSD, BlankNodeId, TypedText

_VAR = r"[?$]([A-Za-z_][A-Za-z0-9_]*)"
_CONDITION = rf"(?:(ASC|DESC)\s*\(\s*{_VAR}\s*\)|{_VAR})"
_CONDITION_RE = re.compile(_CONDITION, re.I)
_ORDER_RE = re.compile(rf"\bORDER\s+BY\s+((?:{_CONDITION}\s*)+)$", re.I)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COMMENT_LINE_RE = re.compile(r"^\s*#.*$", re.M)
_SELECT_FORM_RE = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^<>\s]*>|BASE\s*<[^<>\s]*>)\s*)*SELECT\b", re.I)

Key = tuple[object, ...]


@dataclass(frozen=True)
class OrderBy:
    """One sort condition: a variable, ascending or descending."""

    variable: str
    descending: bool = False


def split_order(sparql: str) -> tuple[str, tuple[OrderBy, ...]]:
    """The query without its final ORDER BY, and that ORDER BY's conditions; `(sparql, ())` unless
    the query is a SELECT that ends with an ORDER BY of variables alone (expressions, LIMIT or
    OFFSET after it, anything else: the store orders such queries itself)."""
    if not _SELECT_FORM_RE.match(_COMMENT_LINE_RE.sub("", sparql)):
        return sparql, ()
    text = sparql.rstrip()
    match = _ORDER_RE.search(text)
    if match is None or match.start() < text.rfind("}"):
        return sparql, ()
    conditions = tuple(
        OrderBy(m.group(2) or m.group(3), (m.group(1) or "").upper() == "DESC")
        for m in _CONDITION_RE.finditer(match.group(1))
    )
    return text[: match.start()].rstrip() + "\n", conditions


def sort_rows(
    columns: Sequence[str], rows: list[list[object]], order: Sequence[OrderBy]
) -> list[list[object]] | None:
    """The rows in ORDER BY order (a stable sort, as the store's); None if this module cannot order
    them exactly as the store would (see the module docstring)."""
    ranks: dict[str, list[int]] = {}
    for condition in order:
        if condition.variable in ranks:
            continue
        if condition.variable not in columns:
            return None
        index = columns.index(condition.variable)
        column = _ranks([row[index] for row in rows])
        if column is None:
            return None
        ranks[condition.variable] = column
    keys = [0] * len(rows)  # one integer per row, ordered as the tuples of its ranks would be
    for condition in order:
        column = ranks[condition.variable]
        size = max(column, default=0) + 1
        if condition.descending:
            column = [size - 1 - rank for rank in column]
        keys = [key * size + rank for key, rank in zip(keys, column, strict=True)]
    return [rows[i] for i in sorted(range(len(rows)), key=keys.__getitem__)]


def _ranks(cells: Sequence[object]) -> list[int] | None:
    """Each cell's rank among the column's distinct values (equal values, equal ranks), or None
    if the column cannot be ordered here. Sorting the distinct values once and comparing ranks
    is several times faster than comparing keys row by row."""
    types = set(map(type, cells)) - {type(None)}
    if len(types) == 1 and types <= {str, IRI}:  # the common case: plain strings, or IRIs
        strings = sorted(cast(set[str], set(cells) - {None}))
        rank: dict[object, int] = {value: i for i, value in enumerate(strings, 1)}
        rank[None] = 0
        return list(map(rank.__getitem__, cells))
    # IRI("x") == "x", and "x"@en == "x"@fr as TypedText (a str): keep types and tags apart
    typed: list[tuple[object, ...]] = [
        (TypedText, cell, cell.datatype, cell.language) if isinstance(cell, TypedText) else (type(cell), cell)
        for cell in cells
    ]
    keyed: list[tuple[Key, tuple[object, ...]]] = []
    kinds: set[object] = set()
    for value in set(typed):
        key = _key(value[1])
        if key is None:
            return None
        if key[0] == 2:
            kinds.add(key[1])
            if len(kinds) > 1:
                return None
        keyed.append((key, value))
    keyed.sort(key=lambda pair: pair[0])
    ranks: dict[tuple[object, ...], int] = {}
    current, previous = -1, None
    for key, value in keyed:
        if previous is None or key != previous:
            current, previous = current + 1, key
        ranks[value] = current
    return list(map(ranks.__getitem__, typed))


def _key(cell: object) -> Key | None:
    """Sort key of one decoded cell (see kg.query.run): (0,) unbound, (1, iri), (2, kind, value...)."""
    if cell is None:
        return (0,)
    if isinstance(cell, IRI):
        return (1, str(cell))
    if isinstance(cell, BlankNodeId):
        return None
    if isinstance(cell, TypedText):
        if cell.datatype == RDF_LANG_STRING and cell.language:
            return (2, "lang", str(cell), cell.language)
        if cell.datatype == XSD + "date" and _DATE_RE.fullmatch(cell):
            return (2, "date", str(cell))
        return None
    if isinstance(cell, str):
        return (2, "string", cell)
    if isinstance(cell, bool):
        return (2, "boolean", cell)
    if isinstance(cell, int | float):
        return None if isinstance(cell, float) and math.isnan(cell) else (2, "number", cell)
    return None
