"""kg.query.cells: result cells read from Oxigraph's TSV serialization equal those built from its terms."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.query.cells import IRI, BlankNodeId, TypedFloat, TypedText, from_ox, read_tsv, tsv_cell

XSD = "http://www.w3.org/2001/XMLSchema#"
P = ox.NamedNode("http://example.org/p")


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype if ":" not in datatype else datatype))


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)  # tabs, quotes, newlines...
TERMS = st.one_of(
    TEXT.map(ox.Literal),
    st.tuples(TEXT, st.sampled_from(["en", "en-GB", "fr", "zh-Hant"])).map(
        lambda pair: ox.Literal(pair[0], language=pair[1])
    ),
    st.integers(-(10**12), 10**12).map(lambda n: _typed(str(n), "integer")),
    st.integers(-1000, 1000).map(lambda n: _typed(str(n), "int")),
    st.decimals(-1000, 1000, places=3).map(lambda d: _typed(str(d), "decimal")),
    st.floats(allow_nan=False, width=64).map(lambda f: _typed(repr(f), "double")),
    st.booleans().map(lambda b: _typed("true" if b else "false", "boolean")),
    st.dates(dt.date(1000, 1, 1)).map(lambda d: _typed(d.isoformat(), "date")),
    TEXT.map(lambda text: _typed(text, "http://example.org/datatype")),
    st.from_regex(r"[a-z]{1,8}(/[A-Za-z0-9_.-]{0,10}(#[A-Za-z0-9_.-]{0,6})?)?", fullmatch=True).map(
        lambda path: ox.NamedNode("http://example.org/" + path)
    ),
)


def _solutions(store: ox.Store) -> ox.QuerySolutions:
    result = store.query("SELECT ?s ?o ?unbound WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s")
    assert isinstance(result, ox.QuerySolutions)
    return result


@settings(max_examples=60, deadline=None)
@given(st.lists(TERMS, min_size=1, max_size=12))
def test_cells_read_tsv_equals_cells_of_terms(terms: list[ox.Literal | ox.NamedNode]) -> None:
    store = ox.Store()
    store.extend(
        ox.Quad(ox.NamedNode(f"http://example.org/s{i:02}"), P, term) for i, term in enumerate(terms)
    )
    expected = [[from_ox(solution[v]) for v in ("s", "o", "unbound")] for solution in _solutions(store)]
    columns, rows = read_tsv(_solutions(store).serialize(format=ox.QueryResultsFormat.TSV) or b"")
    assert columns == ["s", "o", "unbound"]
    assert rows == expected
    assert [[type(cell) for cell in row] for row in rows] == [
        [type(cell) for cell in row] for row in expected
    ]
    typed = [(row[1].datatype, row[1].language) for row in rows if isinstance(row[1], TypedText)]
    assert typed == [(e[1].datatype, e[1].language) for e in expected if isinstance(e[1], TypedText)]


def test_cells_read_tsv_blank_nodes_and_unbound_rows() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.BlankNode("b1"), P, ox.Literal("x")))
    result = store.query("SELECT ?s WHERE { { ?s <http://example.org/p> ?o } UNION { } }")
    assert isinstance(result, ox.QuerySolutions)
    columns, rows = read_tsv(result.serialize(format=ox.QueryResultsFormat.TSV) or b"")
    assert columns == ["s"]
    assert sorted(rows, key=str) == sorted([[BlankNodeId("b1")], [None]], key=str)
    assert isinstance(next(row[0] for row in rows if row[0] is not None), BlankNodeId)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"?x\n", (["x"], [])),
        (b"?x\n\n1\n\n", (["x"], [[None], [1], [None]])),
        (b"\n\n", ([], [[]])),
        (b"?a\t?b\n<http://e/x>\t\n", (["a", "b"], [[IRI("http://e/x"), None]])),
        (b"?a\t?b\n1\t2\n3\t4", (["a", "b"], [[1, 2], [3, 4]])),  # no newline after the last row
        (b"", ([], [])),
    ],
)
def test_cells_read_tsv_shapes(data: bytes, expected: tuple[list[str], list[list[object]]]) -> None:
    assert read_tsv(data) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", None),
        ("<http://e/a#b>", IRI("http://e/a#b")),
        ("_:b0", BlankNodeId("b0")),
        ('"a\\tb\\n\\"c\\\\"', 'a\tb\n"c\\'),
        ('"\\u00e9\\U0001F600"', "é\U0001f600"),
        ('"x"@en-gb', TypedText("x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "en-gb")),
        ('"2024-01-02"^^<http://www.w3.org/2001/XMLSchema#date>', TypedText("2024-01-02", XSD + "date")),
        ("-5", -5),
        ("0.35", TypedFloat("0.35", XSD + "decimal")),  # Turtle's bare decimal
        (".5", TypedFloat(".5", XSD + "decimal")),
        ("1.0E3", 1000.0),
        ("true", True),
        ("false", False),
        ('"1000"^^<http://www.w3.org/2001/XMLSchema#double>', 1000.0),
        ("<< <http://e/s> <http://e/p> <http://e/o> >>", "<< <http://e/s> <http://e/p> <http://e/o> >>"),
    ],
)
def test_cells_tsv_cell(raw: str, expected: object) -> None:
    cell = tsv_cell(raw)
    assert cell == expected
    assert type(cell) is type(expected)


def test_cells_numbers_keep_their_datatypes_and_lexical_forms() -> None:
    """An xsd:decimal is no double and keeps its digits; xsd:int is no xsd:integer."""
    from kg.query.cells import TypedInt, datatype_of

    decimal = tsv_cell('"0.1000000000000000000001"^^<http://www.w3.org/2001/XMLSchema#decimal>')
    assert isinstance(decimal, TypedFloat) and decimal.lexical == "0.1000000000000000000001"
    assert decimal == 0.1 and datatype_of(decimal) == XSD + "decimal"
    assert datatype_of(tsv_cell("0.95")) == XSD + "decimal"  # Turtle's bare decimal
    assert datatype_of(tsv_cell("9.5E-1")) == XSD + "double"
    assert datatype_of(tsv_cell('"5"^^<http://www.w3.org/2001/XMLSchema#int>')) == XSD + "int"
    assert datatype_of(tsv_cell('"2.5"^^<http://www.w3.org/2001/XMLSchema#float>')) == XSD + "float"
    assert datatype_of(tsv_cell("7")) == XSD + "integer"
    assert isinstance(tsv_cell('"5"^^<http://www.w3.org/2001/XMLSchema#int>'), TypedInt)
    assert TypedFloat.of(1e-7, XSD + "decimal").lexical == "0.0000001"
