"""kg.query.ordering: a query's final ORDER BY applied to decoded rows, in the order Oxigraph gives."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.query import run as query
from kg.query.cells import BlankNodeId, read_tsv
from kg.query.ordering import OrderBy, sort_rows, split_order
from kg.store.local import GraphStore

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/"


@pytest.mark.parametrize(
    ("sparql", "body", "order"),
    [
        (
            "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s DESC(?o)",
            "SELECT * WHERE { ?s ?p ?o }\n",
            (OrderBy("s"), OrderBy("o", descending=True)),
        ),
        (
            "PREFIX ex: <http://e/#>\nSELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s\norder by asc( $s )\n\n",
            "PREFIX ex: <http://e/#>\nSELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s\n",
            (OrderBy("s"),),
        ),
        (
            "# a comment\nSELECT * WHERE { ?s ?p ?o } ORDER BY ?o",
            "# a comment\nSELECT * WHERE { ?s ?p ?o }\n",
            (OrderBy("o"),),
        ),
    ],
)
def test_ordering_split_order_takes_a_final_order_by_of_variables(
    sparql: str, body: str, order: tuple[OrderBy, ...]
) -> None:
    assert split_order(sparql) == (body, order)


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 1",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY STR(?s)",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s # trailing comment",
        "SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } ORDER BY ?s } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s",
        "ASK { ?s ?p ?o }",
        'SELECT * WHERE { ?s ?p "x } ORDER BY ?s" }',
    ],
)
def test_ordering_split_order_leaves_other_queries_to_the_store(sparql: str) -> None:
    assert split_order(sparql) == (sparql, ())


# ---------------------------------------------------------------------- same order as Oxigraph


def _lit(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=6)
KINDS = {
    "string": TEXT.map(ox.Literal),
    "lang": st.tuples(TEXT, st.sampled_from(["en", "fr", "de-CH"])).map(
        lambda p: ox.Literal(p[0], language=p[1])
    ),
    "number": st.one_of(
        st.integers(-50, 50).map(lambda n: _lit(str(n), "integer")),
        st.decimals(-50, 50, places=2).map(lambda d: _lit(str(d), "decimal")),
        st.floats(-50, 50, allow_nan=False).map(lambda f: _lit(repr(f), "double")),
    ),
    "boolean": st.booleans().map(lambda b: _lit(str(b).lower(), "boolean")),
    "date": st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(lambda d: _lit(d.isoformat(), "date")),
    "iri": st.from_regex(r"[a-zA-Z0-9/_-]{0,4}(#[a-zA-Z0-9_-]{0,2})?", fullmatch=True).map(  # one # at most
        lambda s: ox.NamedNode(EX + s)
    ),
}


def _column(kind: str) -> st.SearchStrategy[list[ox.NamedNode | ox.Literal | None]]:
    values = st.one_of(KINDS[kind], KINDS["iri"]) if kind != "iri" else KINDS["iri"]
    return st.lists(st.one_of(st.none(), values), min_size=1, max_size=25)


def _rows(store: ox.Store, sparql: str) -> tuple[list[str], list[list[object]]]:
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    return read_tsv(result.serialize(format=ox.QueryResultsFormat.TSV) or b"")


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(sorted(KINDS)).flatmap(_column),
    st.sampled_from(sorted(KINDS)).flatmap(_column),
    st.booleans(),
)
@example(  # equal text, two language tags: equal as str, not as literals
    a=[None, None], b=[ox.Literal("", language="fr"), ox.Literal("", language="en")], descending=False
)
def test_ordering_sort_rows_orders_as_oxigraph(a: list, b: list, descending: bool) -> None:
    store = ox.Store()
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        row = ox.NamedNode(f"{EX}row{i:03}")
        store.extend(ox.Quad(row, ox.NamedNode(EX + p), v) for p, v in (("a", x), ("b", y)) if v is not None)
        store.add(ox.Quad(row, ox.NamedNode(EX + "is"), ox.NamedNode(EX + "Row")))
    where = (
        f"WHERE {{ ?row <{EX}is> <{EX}Row> OPTIONAL {{ ?row <{EX}a> ?a }} OPTIONAL {{ ?row <{EX}b> ?b }} }}"
    )
    direction = "DESC(?b)" if descending else "?b"
    columns, ordered = _rows(store, f"SELECT ?a ?b ?row {where} ORDER BY ?a {direction} ?row")
    columns, unordered = _rows(store, f"SELECT ?a ?b ?row {where}")
    ours = sort_rows(columns, unordered, [OrderBy("a"), OrderBy("b", descending), OrderBy("row")])
    assert ours == ordered


@pytest.mark.parametrize(
    "cells",
    [
        ["a", 1],  # two kinds of literal: SPARQL leaves their order to the engine
        [BlankNodeId("b1"), "a"],
        [float("nan"), 1.0],
        [True, 1],
    ],
)
def test_ordering_sort_rows_declines_what_it_cannot_order_exactly(cells: list[object]) -> None:
    assert sort_rows(["x"], [[cell] for cell in cells], [OrderBy("x")]) is None


def test_ordering_sort_rows_declines_a_variable_not_in_the_results() -> None:
    assert sort_rows(["x"], [["a"]], [OrderBy("y")]) is None


def test_ordering_run_falls_back_to_the_store_order() -> None:
    """A column of strings and numbers: kg.query.run.run leaves the ordering to the engine."""
    turtle = f"""<{EX}a> <{EX}v> "b" . <{EX}b> <{EX}v> 2 . <{EX}c> <{EX}v> "a" . <{EX}d> <{EX}v> 1 ."""
    sparql = f"SELECT ?s ?v WHERE {{ ?s <{EX}v> ?v }} ORDER BY ?v"
    graph = GraphStore()
    graph.store.load(turtle.encode(), format=ox.RdfFormat.TURTLE)
    graph.refresh_union()
    result = graph.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    engine = [[str(solution["s"].value)] for solution in result]
    assert [[s] for s in query.run(graph, sparql)["s"]] == engine
