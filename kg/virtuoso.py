"""What kg does differently on Virtuoso, each measured on Virtuoso 7.2 (Debian's virtuoso-opensource).

- `GRAPHS`: the graphs a fresh Virtuoso keeps for itself; a kg store on Virtuoso leaves them out.
- `query`: Virtuoso gets `IF(c, x, y)` wrong when a branch holds EXISTS (rows whose condition is
  false are dropped: `IF(BOUND(?n), EXISTS {...}, true)` keeps nothing where ?n is unbound). Such
  an IF is sent as `((c) && (x)) || (!(c) && (y))`, which it evaluates right; in a FILTER the two
  agree, errors included (an error filters a row out either way).
- `with_dataset`: Virtuoso answers each `named-graph-uri` of a request with a response header
  (X-SPARQL-named-graph), and Python's http.client refuses a response of more than 100 headers: a
  store of 1,500 documents could not be queried with GRAPH. The dataset goes into the query text
  instead, as FROM and FROM NAMED (same meaning; 0.16 s for 1,500 named graphs).
- `hint`: Virtuoso refuses a query its planner estimates to run longer than MaxQueryCostEstimationTime
  (400 s by default), and its estimates of nested OPTIONAL subqueries are far off: the saved query
  relation-evidence is refused on a store of 120 triples. The message then says what to change.
- Drops: an update of 1,500 `DROP GRAPH` operations is "too large" for Virtuoso (SQ156; 800 took
  3 s): kg.remote empties many graphs with one DELETE instead, the same there, since Virtuoso keeps
  no empty graphs (`kg.updates.apply_update`, `drop_by_deleting`).
- `update`: Virtuoso's /sparql compiles INSERT DATA into SQL text unless told otherwise; with
  `define sql:big-data-const 1` 5,000 triples went in 0.4 s instead of 36 s.
"""

from __future__ import annotations

import re
from itertools import pairwise

#: The graphs a fresh Virtuoso 7.2 holds: virtrdf#, owl#, ldp#, and its DAV/ and sparql graphs,
#: named by its host (the DefaultHost of its configuration).
GRAPHS = re.compile(
    r"^(?:http://www\.openlinksw\.com/schemas/virtrdf#|http://www\.w3\.org/2002/07/owl#"
    r"|http://www\.w3\.org/ns/ldp#|https?://[^/]+/(?:DAV/|sparql))$"
)
_UPDATE_PRAGMA = "define sql:big-data-const 1\n"
_IF = re.compile(r"(?<![?$:\w])IF\s*\(", re.I)
_EXISTS = re.compile(r"\bEXISTS\b", re.I)


def query(sparql: str, code: str) -> str:
    """The query with each IF that has EXISTS in a branch written as && and || (`code`: the query
    masked, as kg.sparqltext.masked gives it: same length, strings and IRIs blanked)."""
    out: list[str] = []
    position = 0
    while found := _IF.search(code, position):
        close, commas = _arguments(code, found.end())
        if close < 0 or len(commas) != 2:  # not an IF(a, b, c) we can read: leave it be
            out.append(sparql[position : found.end()])
            position = found.end()
            continue
        bounds = [found.end(), commas[0] + 1, commas[1] + 1, close + 1]
        args = [query(sparql[start : end - 1], code[start : end - 1]) for start, end in pairwise(bounds)]
        out.append(sparql[position : found.start()])
        if any(_EXISTS.search(code[start : end - 1]) for start, end in pairwise(bounds[1:])):
            condition, then, otherwise = (arg.strip() for arg in args)
            out.append(f"((({condition}) && ({then})) || (!({condition}) && ({otherwise})))")
        else:
            out.append(sparql[found.start() : found.end()] + ",".join(args) + ")")
        position = close + 1
    out.append(sparql[position:])
    return "".join(out)


_FROM = re.compile(r"\bFROM\b", re.I)
_WHERE = re.compile(r"\bWHERE\s*$", re.I)


def with_dataset(sparql: str, code: str, where: int, dataset: list[tuple[str, str]]) -> str:
    """The query with the protocol's dataset (`default-graph-uri`, `named-graph-uri`) as FROM and
    FROM NAMED clauses before its WHERE group (opening at `where`); a query with FROM clauses of its
    own keeps its own dataset."""
    clauses = [
        f"FROM {'NAMED ' if name == 'named-graph-uri' else ''}<{iri}>"
        for name, iri in dataset
        if name in ("default-graph-uri", "named-graph-uri")
    ]
    if not clauses or where < 0 or _FROM.search(code, 0, where):
        return sparql
    found = _WHERE.search(code, 0, where)
    at = found.start() if found else where
    return sparql[:at] + "\n".join(clauses) + "\n" + sparql[at:]


_ESTIMATE = re.compile(r"estimated execution time .* exceeds the limit", re.I)


def hint(message: str) -> str:
    """A Virtuoso error message, with what to do where kg knows."""
    if _ESTIMATE.search(message):
        return (
            f"{message} (Virtuoso's query cost estimate: set MaxQueryCostEstimationTime = 0 in the"
            " [SPARQL] section of virtuoso.ini, or see the README on Virtuoso)"
        )
    return message


def update(sparql: str) -> str:
    return _UPDATE_PRAGMA + sparql


def _arguments(code: str, start: int) -> tuple[int, list[int]]:
    """From just inside an opening parenthesis: where it closes (-1 if never) and the top-level commas."""
    depth = 0
    commas: list[int] = []
    for index in range(start, len(code)):
        char = code[index]
        if char in "({[":
            depth += 1
        elif char in ")}]":
            if depth == 0:
                return (index, commas) if char == ")" else (-1, commas)
            depth -= 1
        elif char == "," and depth == 0:
            commas.append(index)
    return -1, commas
