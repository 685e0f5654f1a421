"""What kg does differently on Virtuoso, each measured on Virtuoso 7.2 (Debian's virtuoso-opensource).

- `GRAPHS`: the graphs a fresh Virtuoso keeps for itself; a kg store on Virtuoso leaves them out.
- `query`: Virtuoso gets `IF(c, x, y)` wrong in a FILTER when a branch holds EXISTS (rows whose
  condition is false are dropped: `IF(BOUND(?n), EXISTS {...}, true)` keeps nothing where ?n is
  unbound). Where the FILTER reads only its truth value, such an IF is sent as
  `((c) && (x)) || (!(c) && (y))`, which it evaluates right and which has the same truth value,
  errors included (an error filters a row out either way). Not elsewhere: in a BIND it would turn
  a value ("bound") into its truth value, and there Virtuoso gets the IF right.
- `with_dataset`: Virtuoso answers each `named-graph-uri` of a request with a response header
  (X-SPARQL-named-graph), and Python's http.client refuses a response of more than 100 headers: a
  store of 1,500 documents could not be queried with GRAPH. The dataset goes into the query text
  instead, as FROM and FROM NAMED (same meaning; 0.16 s for 1,500 named graphs).
- `hint`: Virtuoso refuses a query its planner estimates to run longer than MaxQueryCostEstimationTime
  (400 s by default), and its estimates of nested OPTIONAL subqueries are far off: the saved query
  relation-evidence is refused on a store of 120 triples. The message then says what to change.
- Drops: an update of 1,500 `DROP GRAPH` operations is "too large" for Virtuoso (SQ156; 800 took
  3 s): kg.store.remote empties many graphs with one DELETE instead, the same there, since Virtuoso keeps
  no empty graphs (`kg.store.updates.apply_update`, `drop_by_deleting`).
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
    """The query with each IF that has EXISTS in a branch, where a FILTER reads only its truth value,
    written as `((c) && (x)) || (!(c) && (y))` (`code`: the query masked, as kg.store.sparqltext.masked
    gives it: same length, strings and IRIs blanked).

    Only there: the rewrite gives the IF's truth value, not its value (`IF(!BOUND(?n), EXISTS {...},
    "bound")` would give true for "bound"). Elsewhere (BIND, a projection, a function's argument)
    Virtuoso 7.2 evaluates such an IF right, and refuses && over EXISTS (SQ074): it is left as is."""
    out: list[str] = []
    position = 0
    while found := _FILTER.search(code, position):
        close = _closing(code, found.end(), "(", ")")
        if close < 0:
            break
        out.append(sparql[position : found.end()])
        out.append(_truth(sparql[found.end() : close], code[found.end() : close]))
        position = close
    out.append(sparql[position:])
    return "".join(out)


_FILTER = re.compile(r"\bFILTER\s*\(", re.I)
_OPERATORS = re.compile(r"&&|\|\|")
_LEADING = re.compile(r"[\s!]*")


def _truth(sparql: str, code: str) -> str:
    """An expression whose truth value alone counts, with its IFs that have EXISTS in a branch
    rewritten: those that are its operands (of &&, ||, !, parentheses), and theirs in turn."""
    out: list[str] = []
    position = 0
    for start, end in [*_operands(code), (len(code), len(code))]:
        out.append(sparql[position:start])
        out.append(_truth_operand(sparql[start:end], code[start:end]) if end > start else "")
        position = end
    return "".join(out)


def _operands(code: str) -> list[tuple[int, int]]:
    """The spans of the top-level operands of && and || in a (masked) expression."""
    depth = 0
    spans: list[tuple[int, int]] = []
    start = index = 0
    while index < len(code):
        char = code[index]
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        elif depth == 0 and _OPERATORS.match(code, index):
            spans.append((start, index))
            start = index + 2
            index += 1
        index += 1
    spans.append((start, len(code)))
    return spans


def _truth_operand(sparql: str, code: str) -> str:
    lead = _LEADING.match(code)
    head = lead.end() if lead else 0
    tail = len(code.rstrip())
    body, inner = sparql[head:tail], code[head:tail]
    if inner.startswith("(") and _closing(inner, 1, "(", ")") == len(inner) - 1:
        rewritten = "(" + _truth(body[1:-1], inner[1:-1]) + ")"
    elif (found := _IF.match(inner)) and (arguments := _arguments(inner, found.end()))[0] == len(inner) - 1:
        close, commas = arguments
        bounds = [found.end(), *(comma + 1 for comma in commas), close + 1]
        spans = [(a, b - 1) for a, b in pairwise(bounds)]
        if len(commas) != 2 or not any(_EXISTS.search(inner[a:b]) for a, b in spans[1:]):
            return query(sparql, code)
        condition = query(body[spans[0][0] : spans[0][1]], inner[spans[0][0] : spans[0][1]]).strip()
        then, otherwise = (_truth(body[a:b], inner[a:b]).strip() for a, b in spans[1:])
        rewritten = f"((({condition}) && ({then})) || (!({condition}) && ({otherwise})))"
    else:
        return query(sparql, code)  # a FILTER inside it (in EXISTS { }) is rewritten on its own
    return sparql[:head] + rewritten + sparql[tail:]


def _closing(code: str, start: int, opening: str, closing: str) -> int:
    """Where the bracket opened just before `start` closes (-1 if never)."""
    depth = 0
    for index in range(start, len(code)):
        if code[index] == opening:
            depth += 1
        elif code[index] == closing:
            if depth == 0:
                return index
            depth -= 1
    return -1


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
