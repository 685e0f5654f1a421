"""SPARQL over a store (kg.store: local, in memory or a server), with parameters bound (never
spliced), as DataFrames. An rdflib graph is queried in `kg.store.quads.memory_store(graph)`.

Parameters of saved queries follow one convention, declared in each query's header
(`# param: country — a name or alias, e.g. Japan`):

* a value that looks like an IRI (`<...>`, `http://...`, `https://...`) binds `?country` itself;
* any other string binds `?countryName` when the query has that variable (the query then matches
  the entity by `rdfs:label|skos:altLabel`, case-insensitively), else `?country` as a literal;
* RDF terms (rdflib's or pyoxigraph's), numbers and booleans bind `?country` as they are.

SPARQL substitution needs a bound variable in the SELECT projection, so saved queries project
their `?<param>Name` variables; `run` drops those input-only columns from its result.
"""

from __future__ import annotations

import io
import json
import logging
import math
import numbers
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import pandas as pd
import pyoxigraph as ox

from kg.core.errors import QueryError, StoreError
from kg.core.ontology import queries_dir
from kg.core.vocab import DEFAULT_PREFIXES
from kg.query.cells import (
    IRI,
    XSD,
    BlankNodeId,
    TypedFloat,
    TypedInt,
    TypedText,
    from_ox,
    lexical_of,
    read_tsv,
)
from kg.query.csv_text import csv_text
from kg.query.ordering import sort_rows, split_order
from kg.store.base import OxTerm, is_rdf_term, to_ox_term
from kg.store.local import GraphStore
from kg.store.remote import RemoteStore
from kg.store.sparqltext import masked

log = logging.getLogger(__name__)

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARAM_DECL_RE = re.compile(r"^\s*#\s*param:\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:[—–:-]+\s*)?(.*)$")
_IRI_RE = re.compile(r"^(?:<[^<>\"{}|^`\\\s]*>|https?://[^<>\"{}|^`\\\s]+)$")

Source = GraphStore | RemoteStore
#: a parameter's value: a string (see above), a number, a boolean, or an RDF term (rdflib's or pyoxigraph's)
ParamValue = object


# ---------------------------------------------------------------------- saved queries


def saved_queries() -> dict[str, Path]:
    """Saved query names (file stems) and their files, sorted by name."""
    return {path.stem: path for path in sorted(queries_dir().glob("*.rq"))}


def saved_query(name: str) -> str:
    """The text of a saved query; QueryError listing the known names if there is none."""
    queries = saved_queries()
    stem = name.removesuffix(".rq")
    if stem not in queries:
        raise QueryError(f"unknown saved query {name!r}; known queries: {', '.join(queries) or '(none)'}")
    return queries[stem].read_text(encoding="utf-8")


def declared_params(sparql: str) -> dict[str, str]:
    """Parameters a query declares in its comments (`# param: NAME — description`)."""
    found: dict[str, str] = {}
    for line in sparql.splitlines():
        match = _PARAM_DECL_RE.match(line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def parse_params(items: Sequence[str]) -> dict[str, str]:
    """`name=value` strings (from `--param`) as a dict; QueryError on a malformed or repeated one."""
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not value:
            raise QueryError(f"malformed parameter {item!r}: expected name=value, e.g. country=Japan")
        if not _NAME_RE.fullmatch(name):
            raise QueryError(f"malformed parameter {item!r}: {name!r} is not a SPARQL variable name")
        if name in params:
            raise QueryError(f"parameter {name!r} given twice")
        params[name] = value
    return params


# ---------------------------------------------------------------------- running


@dataclass(frozen=True)
class Results:
    """What a query gave: its columns and rows of cells (see kg.query.cells). An ASK answer is one
    `boolean` column of one row, with `ask` set (the JSON results format writes it apart)."""

    columns: tuple[str, ...]
    rows: list[list[object]]
    ask: bool = False

    @classmethod
    def answer(cls, value: bool) -> Results:
        return cls(("boolean",), [[value]], ask=True)

    def frame(self) -> pd.DataFrame:
        """As a DataFrame (an ASK answer's with `attrs["ask"]` set). A column of numbers whose
        datatype a float or an int would lose (xsd:decimal, xsd:int...) has it in
        `attrs["datatypes"]`, so that the output formats still write it."""
        frame = pd.DataFrame(self.rows, columns=list(self.columns))
        if self.ask:
            frame.attrs["ask"] = True
        datatypes = {}
        for index, column in enumerate(self.columns):
            kinds = {
                cell.datatype for row in self.rows if isinstance(cell := row[index], TypedFloat | TypedInt)
            }
            if len(kinds) == 1:
                datatypes[column] = kinds.pop()
        if datatypes:
            frame.attrs["datatypes"] = datatypes
        return frame

    @classmethod
    def of(cls, data: pd.DataFrame | Results) -> Results:
        """The results a DataFrame holds (as `frame` made it; NaN cells unbound)."""
        if isinstance(data, Results):
            return data
        if data.attrs.get("ask"):
            return cls.answer(bool(data["boolean"].iloc[0]))
        rows = [[_unbound_nan(cell) for cell in row] for row in data.itertuples(index=False, name=None)]
        columns = tuple(str(c) for c in data.columns)
        for column, datatype in data.attrs.get("datatypes", {}).items():
            if column in columns:
                index = columns.index(column)
                for row in rows:
                    row[index] = _typed_number(row[index], datatype)
        return cls(columns, rows)


def _typed_number(cell: object, datatype: str) -> object:
    """A DataFrame's number with the datatype its column had (see `Results.frame`)."""
    if isinstance(cell, bool) or not isinstance(cell, numbers.Real):
        return cell
    if datatype in (XSD + "decimal", XSD + "float"):
        return TypedFloat.of(float(cell), datatype)
    if isinstance(cell, numbers.Integral):
        return TypedInt(operator.index(cell), datatype)
    if float(cell).is_integer():  # a column with unbound cells is floats in a DataFrame
        return TypedInt(int(float(cell)), datatype)
    return cell


def _unbound_nan(cell: object) -> object:
    return None if isinstance(cell, float) and math.isnan(cell) else cell


def run(source: Source, sparql: str, params: Mapping[str, ParamValue] | None = None) -> pd.DataFrame:
    """Run a query; columns are its variables, cells plain Python values (IRIs as `IRI` strings)."""
    return select(source, sparql, params).frame()


def select(
    source: Source,
    sparql: str,
    params: Mapping[str, ParamValue] | None = None,
    *,
    max_bytes: int | None = None,
) -> Results:
    """Run a query, as `run` does, without building a DataFrame (what `kg query` prints from).
    `max_bytes` bounds the answer of an embedded store (as SPARQL TSV; a remote store's is bounded
    by its RemoteStore): a larger one is a QueryError, read no further."""
    refuse_update(sparql)
    bindings = bind_params(sparql, params or {})
    log.debug("running a query on a %s with bindings %s", type(source).__name__, bindings)
    unordered, order = split_order(sparql)
    columns, rows, ask = _execute(source, unordered, bindings, max_bytes)
    if order:
        ordered = sort_rows(columns, rows, order) if ask is None else None
        if ordered is None:  # the store must order these rows itself
            columns, rows, ask = _execute(source, sparql, bindings, max_bytes)
        else:
            rows = ordered
    if ask is not None:
        return Results.answer(ask)
    columns, rows = _without(columns, rows, {f"{name}Name" for name in declared_params(sparql)})
    return Results(tuple(columns), rows)


def _without(
    columns: list[str], rows: list[list[object]], names: set[str]
) -> tuple[list[str], list[list[object]]]:
    """The results without the columns `names` (input-only variables)."""
    if not names & set(columns):
        return columns, rows
    kept = [i for i, name in enumerate(columns) if name not in names]
    return [columns[i] for i in kept], [[row[i] for i in kept] for row in rows]


def _execute(
    source: Source, sparql: str, bindings: Mapping[str, OxTerm], max_bytes: int | None = None
) -> tuple[list[str], list[list[object]], bool | None]:
    if isinstance(source, GraphStore | RemoteStore):
        return _run_store(source, sparql, bindings, max_bytes)
    raise QueryError(
        f"cannot query a {type(source).__name__}: queries run on a store "
        "(an rdflib graph: kg.store.quads.memory_store(graph))"
    )


#: An update's first keyword after the prologue (read in the masked text, where IRIs are blanks; each
#: repetition consumes a keyword, so matching stays linear in the text)
_UPDATE_RE = re.compile(
    r"(?:\s*(?:BASE|PREFIX\s+[\w.-]*:))*\s*(INSERT|DELETE|DROP|CLEAR|LOAD|CREATE|ADD|MOVE|COPY|WITH)\b", re.I
)


def refuse_update(sparql: str) -> None:
    """QueryError saying so when `sparql` is a SPARQL update: queries here only read."""
    found = _UPDATE_RE.match(masked(sparql))
    if found is None:
        return
    raise QueryError(
        f"{found.group(1).upper()} is a SPARQL update, and queries here only read the store "
        "(SELECT, ASK, CONSTRUCT, DESCRIBE). To change the store use kg build, kg remove or kg "
        "import; to send updates over HTTP, run `kg serve --allow-update` and POST them to /update."
    )


def bind_params(sparql: str, params: Mapping[str, ParamValue]) -> dict[str, OxTerm]:
    """Which variable each parameter binds, as what term (see the module docstring)."""
    variables = _variables(sparql)
    bindings: dict[str, OxTerm] = {}
    for raw_name, value in params.items():
        name = raw_name.lstrip("?$")
        if not _NAME_RE.fullmatch(name):
            raise QueryError(f"parameter {raw_name!r} is not a SPARQL variable name")
        target, term = name, _term(value)
        if isinstance(value, str) and isinstance(term, ox.Literal) and f"{name}Name" in variables:
            target = f"{name}Name"
        if target not in variables:
            known = ", ".join(declared_params(sparql)) or ", ".join(sorted(variables)) or "(none)"
            raise QueryError(f"the query has no parameter {name!r}; its parameters: {known}")
        if target in bindings:
            raise QueryError(f"parameter {name!r} is bound twice")
        bindings[target] = term
    return bindings


def _term(value: ParamValue) -> OxTerm:
    if is_rdf_term(value):
        return to_ox_term(value)
    if isinstance(value, str):
        text = value.strip()
        if _IRI_RE.match(text):
            return ox.NamedNode(text.removeprefix("<").removesuffix(">"))
        return ox.Literal(value)
    if isinstance(value, bool | int | float):
        return to_ox_term(value)
    raise QueryError(f"cannot bind a {type(value).__name__} parameter: {value!r}")


def _variables(sparql: str) -> set[str]:
    return set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", masked(sparql)))


def _too_large(limit: int) -> QueryError:
    return QueryError(
        f"the answer is larger than {limit / 1e6:g} MB (--max-result-mb): ask for less (LIMIT), "
        "or raise the limit"
    )


class _Bounded(io.RawIOBase):
    """A writer that keeps what is written, up to `limit` bytes; past it, QueryError."""

    def __init__(self, limit: int | None) -> None:
        self.limit, self.size = limit, 0
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise _too_large(self.limit)
        self.parts.append(bytes(data))
        return len(data)


def _run_store(
    store: GraphStore | RemoteStore,
    sparql: str,
    bindings: Mapping[str, OxTerm],
    max_bytes: int | None = None,
) -> tuple[list[str], list[list[object]], bool | None]:
    sparql, added = _project_bound(sparql, bindings)
    result = store.query(sparql, bindings)
    if isinstance(result, ox.QueryBoolean):
        return [], [], bool(result)
    cells: dict[object, object] = {}  # results repeat terms (labels, entities): convert each once

    def cell(term: object) -> object:
        if term is None:
            return None
        value = cells.get(term, _MISSING)
        if value is _MISSING:
            value = cells[term] = from_ox(term)
        return value

    if isinstance(result, ox.QueryTriples):
        rows = []
        size = 0
        for t in result:
            rows.append([cell(t.subject), cell(t.predicate), cell(t.object)])
            if max_bytes is not None:  # (writing each triple out costs: only with a limit)
                size += len(str(t))
                if size > max_bytes:
                    raise _too_large(max_bytes)
        return ["subject", "predicate", "object"], rows, None
    written = _Bounded(max_bytes)
    try:
        result.serialize(cast(IO[bytes], written), format=ox.QueryResultsFormat.TSV)
    except QueryError:
        raise
    except (RuntimeError, ValueError, SyntaxError) as e:  # (a server's results are parsed as read)
        raise QueryError(f"cannot run the query: {e}") from e
    except OSError as e:
        raise StoreError(f"cannot read the kg store at {store.location}: {e}") from e
    columns, rows = read_tsv(b"".join(written.parts))
    return *_without(columns, rows, added), None


_MISSING = object()


_SELECT_RE = re.compile(r"\bSELECT\s+((?:DISTINCT|REDUCED)\s+)?(?!\*)", re.I)
_GROUP_BY_RE = re.compile(r"\bGROUP\s+BY\s+", re.I)


def _project_bound(sparql: str, bindings: Mapping[str, OxTerm]) -> tuple[str, set[str]]:
    """Oxigraph binds only projected variables: project the bound ones a SELECT leaves out (and
    group by them, a constant, where the query groups), so their values stay bound, not spliced.
    The query is read with its comments, strings and IRIs masked: a "# Select ..." comment or a
    "group by" in a string is not the query's."""
    code = masked(sparql)
    match = _SELECT_RE.search(code)
    if not bindings or match is None:
        return sparql, set()
    head_end = code.find("{", match.end())
    projection = code[match.end() : head_end if head_end >= 0 else len(code)]
    projected = set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", projection))
    added = {name for name in bindings if name not in projected}
    if not added:
        return sparql, set()
    names = " ".join(f"?{name}" for name in sorted(added)) + " "
    group = _GROUP_BY_RE.search(code, match.end())
    if group is not None:
        sparql = sparql[: group.end()] + names + sparql[group.end() :]
    sparql = sparql[: match.end()] + names + sparql[match.end() :]
    return sparql, added


# ---------------------------------------------------------------------- output


def to_csv(data: pd.DataFrame | Results) -> str:
    """The results as CSV with a header row; unbound cells are empty."""
    results = Results.of(data)
    return csv_text(results.columns, results.rows)


_LOCAL_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.~/%-]*")


def display(cell: object, prefixes: Mapping[str, str] = DEFAULT_PREFIXES) -> str:
    """A cell as a table shows it: IRIs under a known namespace as `prefix:local`
    (`id:country/JPN`, `kg:Agreement`), unbound as empty, booleans as SPARQL writes them."""
    if cell is None:
        return ""
    if isinstance(cell, IRI):
        matches = [(len(ns), name) for name, ns in prefixes.items() if cell.startswith(ns)]
        if matches:
            length, name = max(matches)  # the longest namespace
            if _LOCAL_RE.fullmatch(cell[length:]):
                return f"{name}:{cell[length:]}"
        return str(cell)
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, TypedFloat | TypedInt):
        return lexical_of(cell)
    return str(cell)


def to_json(data: pd.DataFrame | Results) -> str:
    """The results in the SPARQL 1.1 Query Results JSON format."""
    results = Results.of(data)
    if results.ask:
        return json.dumps({"head": {}, "boolean": results.rows[0][0]})
    columns = list(results.columns)
    bindings = [_json_row(columns, row) for row in results.rows]
    return json.dumps({"head": {"vars": columns}, "results": {"bindings": bindings}}, ensure_ascii=False)


def _json_row(columns: Iterable[str], row: Iterable[Any]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for column, cell in zip(columns, row, strict=True):
        term = _json_term(cell)
        if term is not None:
            out[column] = term
    return out


def _json_term(cell: Any) -> dict[str, str] | None:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None
    if isinstance(cell, IRI):
        return {"type": "uri", "value": str(cell)}
    if isinstance(cell, BlankNodeId):
        return {"type": "bnode", "value": str(cell)}
    if isinstance(cell, TypedText):
        if cell.language:
            return {"type": "literal", "value": str(cell), "xml:lang": cell.language}
        return {"type": "literal", "value": str(cell), "datatype": cell.datatype or XSD + "string"}
    if isinstance(cell, str):
        return {"type": "literal", "value": cell}
    if isinstance(cell, TypedFloat):
        return {"type": "literal", "value": cell.lexical, "datatype": cell.datatype}
    if isinstance(cell, TypedInt):
        return {"type": "literal", "value": str(int(cell)), "datatype": cell.datatype}
    if isinstance(cell, bool) or type(cell).__name__ == "bool_":
        return {"type": "literal", "value": "true" if cell else "false", "datatype": XSD + "boolean"}
    if isinstance(cell, numbers.Integral):
        return {"type": "literal", "value": str(int(cell)), "datatype": XSD + "integer"}
    if isinstance(cell, numbers.Real):
        return {"type": "literal", "value": repr(float(cell)), "datatype": XSD + "double"}
    return {"type": "literal", "value": str(cell)}
