"""kg.query.run: DataFrames from a store (rdflib data through an in-memory one), bound parameters,
CSV/JSON output, saved queries."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
import rdflib

from kg.core.errors import QueryError
from kg.query import run as query
from kg.query.cells import TypedFloat, TypedInt
from kg.query.run import IRI, TypedText
from kg.store.local import GraphStore
from kg.store.quads import memory_store

SAMPLE = Path(__file__).parent / "data" / "sample.trig"
ID = "https://w3id.org/kg-geo/id/"
JPN = ID + "country/JPN"
KG = "https://w3id.org/kg-geo/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = f"""PREFIX kg: <{KG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
EVIDENCE = (
    PREFIXES
    + """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?evidence ?predicate ?start ?confidence ?date ?sentence WHERE {
  ?evidence a kg:Evidence ; rdf:predicate ?predicate ; kg:charStart ?start ; kg:confidence ?confidence ;
      kg:sentence ?sentence .
  OPTIONAL { ?evidence kg:date ?date }
} ORDER BY ?evidence"""
)
SAVED = {"allies-of", "officials-of", "meetings", "agreements", "relation-evidence", "conflicts", "entities"}


@pytest.fixture(scope="module")
def sample_store() -> GraphStore:
    store = GraphStore(None)
    store.load_file(SAMPLE)
    return store


@pytest.fixture(scope="module")
def sample_dataset() -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    dataset.parse(SAMPLE, format="trig")
    return dataset


@pytest.fixture(params=["store", "dataset", "graph"])
def source(
    request: pytest.FixtureRequest, sample_store: GraphStore, sample_dataset: rdflib.Dataset
) -> GraphStore:
    """The sample as a store, and rdflib's Dataset and union Graph of it loaded into stores in memory."""
    if request.param == "store":
        return sample_store
    if request.param == "dataset":
        return memory_store(sample_dataset)
    return memory_store(sample_store.union_graph())


def test_query_an_rdflib_graph_is_refused_with_the_way_to_query_it(sample_dataset: rdflib.Dataset) -> None:
    with pytest.raises(QueryError, match=r"cannot query a Dataset: .*memory_store"):
        query.run(sample_dataset, "SELECT * WHERE { ?s ?p ?o }")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- DataFrames


def test_query_dataframe_shape_and_cell_types(source: GraphStore) -> None:
    df = query.run(source, EVIDENCE)
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["evidence", "predicate", "start", "confidence", "date", "sentence"]
    assert len(df) == 6
    first = df.iloc[0]
    assert first["evidence"] == ID + "evidence/a1" and isinstance(first["evidence"], IRI)
    assert first["predicate"] == KG + "officialOf"
    assert first["start"] == 0 and df["start"].tolist() == [0, 63, 63, 63, 0, 67]
    assert df["confidence"].tolist() == [0.95, 0.8, 0.8, 0.99, 0.95, 0.7]
    assert df["date"].tolist() == [None, None, "2024-07-28", None, None, "2024-08-01"]
    assert isinstance(df["date"].iloc[2], TypedText) and df["date"].iloc[2].datatype == XSD + "date"
    assert df["sentence"].iloc[3] == "The US and its ally Japan met in Tokyo."


def test_query_empty_result_keeps_columns(source: GraphStore) -> None:
    df = query.run(source, PREFIXES + "SELECT ?a ?b WHERE { ?a kg:partyTo ?b }")
    assert list(df.columns) == ["a", "b"] and len(df) == 0


def test_query_ask_and_construct(source: GraphStore) -> None:
    ask = query.run(source, PREFIXES + "ASK { ?c kg:isoCode 'PRK' }")
    assert ask["boolean"].tolist() == [True]
    assert json.loads(query.to_json(ask)) == {"head": {}, "boolean": True}
    construct = query.run(source, PREFIXES + "CONSTRUCT { ?c kg:code ?i } WHERE { ?c kg:isoCode ?i }")
    assert list(construct.columns) == ["subject", "predicate", "object"]
    assert sorted(construct["object"]) == ["JPN", "PRK", "USA"]


def test_query_language_tags_and_booleans() -> None:
    graph = rdflib.Graph()
    graph.add((rdflib.URIRef(ID + "x"), rdflib.RDFS.label, rdflib.Literal("Japon", lang="fr")))
    graph.add((rdflib.URIRef(ID + "x"), rdflib.URIRef(KG + "flag"), rdflib.Literal(True)))
    df = query.run(memory_store(graph), PREFIXES + "SELECT ?l ?f WHERE { ?x rdfs:label ?l ; kg:flag ?f }")
    assert df["l"].tolist() == ["Japon"] and df["l"].iloc[0].language == "fr"
    assert df["f"].tolist() == [True]
    binding = json.loads(query.to_json(df))["results"]["bindings"][0]
    assert binding["l"] == {"type": "literal", "value": "Japon", "xml:lang": "fr"}
    assert binding["f"] == {"type": "literal", "value": "true", "datatype": XSD + "boolean"}


# ---------------------------------------------------------------------- parameters

LABELS = PREFIXES + "SELECT DISTINCT ?c ?name WHERE { ?c rdfs:label ?name } ORDER BY ?c"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"name": "Japan"}, [ID + "country/JPN"]),
        ({"name": rdflib.Literal("North Korea")}, [ID + "country/PRK"]),
        ({"name": "japan"}, []),  # a plain literal binds exactly
        ({"c": f"<{ID}country/USA>"}, [ID + "country/USA"]),
        ({"c": f"{ID}country/USA"}, [ID + "country/USA"]),
        ({"c": rdflib.URIRef(ID + "city/tokyo")}, [ID + "city/tokyo"]),
        ({"name": '"} ; DROP ALL ; {'}, []),
        ({"name": "Japan' } ; DROP ALL ; { '"}, []),
        ({"?name": "Tokyo"}, [ID + "city/tokyo"]),
    ],
)
def test_query_params_are_bound(
    source: GraphStore, params: dict[str, query.ParamValue], expected: list[str]
) -> None:
    before = len(source)
    df = query.run(source, LABELS, params)
    assert df["c"].tolist() == expected
    assert len(source) == before


NAMED = (
    PREFIXES
    + """# param: country — a name or alias, e.g. Japan
SELECT DISTINCT ?country ?label ?countryName WHERE {
  ?country a kg:Country ; rdfs:label ?label .
  FILTER EXISTS {
    ?country rdfs:label|skos:altLabel ?m_ .
    FILTER(COALESCE(LCASE(STR(?m_)) = LCASE(STR(?countryName)), true))
  }
} ORDER BY ?label"""
)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (None, ["Japan", "North Korea", "United States"]),
        ({"country": "Japan"}, ["Japan"]),
        ({"country": "AMERICA"}, ["United States"]),  # an alias, any case
        ({"country": "dprk"}, ["North Korea"]),
        ({"countryName": "us"}, ["United States"]),
        ({"country": f"{ID}country/PRK"}, ["North Korea"]),
        ({"country": f"<{ID}country/JPN>"}, ["Japan"]),
        ({"country": "Atlantis"}, []),
        ({"country": '"} ; DROP ALL ; {'}, []),
    ],
)
def test_query_name_convention(
    source: GraphStore, params: dict[str, query.ParamValue] | None, expected: list[str]
) -> None:
    df = query.run(source, NAMED, params)
    assert list(df.columns) == ["country", "label"]  # the input-only ?countryName is dropped
    assert df["label"].tolist() == expected


@pytest.mark.parametrize(
    ("sparql", "params", "message"),
    [
        (LABELS, {"nope": "x"}, "no parameter 'nope'"),
        (NAMED, {"city": "Tokyo"}, r"no parameter 'city'; its parameters: country"),
        (NAMED, {"country": "Japan", "countryName": "Japan"}, "bound twice"),
        (LABELS, {"bad name": "x"}, "not a SPARQL variable name"),
        (LABELS, {"name": ["a list"]}, "cannot bind a list"),
    ],
)
def test_query_param_errors(
    sample_store: GraphStore, sparql: str, params: dict[str, object], message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        query.run(sample_store, sparql, params)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sparql",
    [
        "SELEC ?s WHERE { ?s ?p ?o }",
        "SELECT ?s WHERE { ?s ?p ?o",
        "SELECT ?s WHERE { ?s undeclared:p ?o }",
    ],
)
def test_query_malformed_sparql(source: GraphStore, sparql: str) -> None:
    before = len(source)
    with pytest.raises(QueryError, match=r"malformed SPARQL: .+"):
        query.run(source, sparql)
    assert len(source) == before


@pytest.mark.parametrize(
    ("sparql", "keyword"),
    [
        ("DROP ALL", "DROP"),
        ("  # wipe it\nPREFIX e: <https://e.org/>\nclear default", "CLEAR"),
        ("INSERT DATA { <https://e.org/a> <https://e.org/b> <https://e.org/c> }", "INSERT"),
        ("DELETE { ?s ?p ?o } WHERE { SELECT ?s ?p ?o WHERE { ?s ?p ?o } }", "DELETE"),
        ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ],
)
def test_query_refuses_updates_saying_how_to_make_one(source: GraphStore, sparql: str, keyword: str) -> None:
    before = len(source)
    with pytest.raises(
        QueryError, match=rf"^{keyword} is a SPARQL update.*only read.*--allow-update.*/update"
    ):
        query.run(source, sparql)
    assert len(source) == before


COMMENTED = """# Select the ?s that have the label below (a comment naming SELECT and ?s)
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?c WHERE { # { a brace in a comment
  ?c rdfs:label ?label .
  FILTER(?label != "select ?x { group by ?y")  # a string that reads like code
  { { ?c a ?class } UNION { ?c a ?class } }
} GROUP BY ?c
"""


def test_query_params_bind_in_queries_with_comments_strings_and_nested_groups(
    source: GraphStore,
) -> None:
    assert query.run(source, COMMENTED, {"label": "Japan"})["c"].tolist() == [JPN]
    assert query.run(source, COMMENTED, {"label": "Nowhere"}).empty


@pytest.mark.parametrize(
    "value", ['Japan"} ; DROP ALL ; {', "Japan' } DROP ALL { '", "Japan> } ; CLEAR ALL #", "?c"]
)
def test_query_injection_is_a_literal_and_the_store_is_unchanged(source: GraphStore, value: str) -> None:
    before = len(source)
    assert query.run(source, COMMENTED, {"label": value}).empty
    assert query.run(source, "SELECT ?c WHERE { ?c rdfs:label ?label }", {"label": value}).empty
    assert len(source) == before


def test_query_unsupported_source() -> None:
    with pytest.raises(QueryError, match="cannot query a dict"):
        query.run({}, "SELECT * WHERE { ?s ?p ?o }")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- output


def test_query_to_csv(source: GraphStore) -> None:
    df = query.run(source, EVIDENCE)
    text = query.to_csv(df)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["evidence", "predicate", "start", "confidence", "date", "sentence"]
    assert len(rows) == 7
    assert rows[1] == [
        ID + "evidence/a1",
        KG + "officialOf",
        "0",
        "0.95",
        "",
        "US Defense Secretary Lloyd Austin said the allies <b>agree</b>.",
    ]


@pytest.mark.parametrize("write", [query.to_csv, query.to_json])
def test_query_select_writes_as_run_does(source: GraphStore, write) -> None:
    """`kg query` prints from `select` (no DataFrame); a DataFrame from `run` prints the same."""
    results = query.select(source, EVIDENCE)
    assert results.frame().equals(query.run(source, EVIDENCE))
    assert write(results) == write(query.run(source, EVIDENCE))
    assert query.Results.of(query.run(source, EVIDENCE)) == results


def test_query_select_ask_and_unbound_integers(sample_store: GraphStore) -> None:
    ask = query.select(sample_store, PREFIXES + "ASK { ?c kg:isoCode 'PRK' }")
    assert (ask.ask, query.to_csv(ask)) == (True, "boolean\nTrue\n")
    sparql = "SELECT ?n WHERE { VALUES ?n { 1 UNDEF 3 } }"
    # not 1.0 and 3.0 (a DataFrame's floats); a lone empty field is quoted, as CSV must
    assert query.to_csv(query.select(sample_store, sparql)) == 'n\n1\n""\n3\n'


def test_query_to_json(source: GraphStore) -> None:
    df = query.run(source, EVIDENCE)
    data = json.loads(query.to_json(df))
    assert data["head"]["vars"] == list(df.columns)
    bindings = data["results"]["bindings"]
    assert len(bindings) == 6
    assert bindings[0]["evidence"] == {"type": "uri", "value": ID + "evidence/a1"}
    assert bindings[0]["start"] == {"type": "literal", "value": "0", "datatype": XSD + "integer"}
    # the store's xsd:decimal, as the store wrote it (it was reported as an xsd:double)
    assert bindings[0]["confidence"] == {"type": "literal", "value": "0.95", "datatype": XSD + "decimal"}
    assert "date" not in bindings[0]  # unbound
    assert bindings[2]["date"] == {"type": "literal", "value": "2024-07-28", "datatype": XSD + "date"}
    assert bindings[0]["sentence"] == {
        "type": "literal",
        "value": "US Defense Secretary Lloyd Austin said the allies <b>agree</b>.",
    }


def test_query_to_json_empty_and_plain_frames() -> None:
    empty = json.loads(query.to_json(pd.DataFrame(columns=["a", "b"])))
    assert empty == {"head": {"vars": ["a", "b"]}, "results": {"bindings": []}}
    plain = json.loads(query.to_json(pd.DataFrame({"n": [1, 2], "s": ["x", None]})))
    assert plain["results"]["bindings"] == [
        {
            "n": {"type": "literal", "value": "1", "datatype": XSD + "integer"},
            "s": {"type": "literal", "value": "x"},
        },
        {"n": {"type": "literal", "value": "2", "datatype": XSD + "integer"}},
    ]


# ---------------------------------------------------------------------- saved queries and parameters


def test_query_saved_queries_are_listed() -> None:
    queries = query.saved_queries()
    assert set(queries) == SAVED
    assert all(path.suffix == ".rq" and path.is_file() for path in queries.values())


@pytest.mark.parametrize("name", sorted(SAVED))
def test_query_saved_query_headers(name: str) -> None:
    text = query.saved_query(name)
    assert text.startswith(f"# {name}: ")
    assert f"# example: kg query {name}" in text
    params = query.declared_params(text)
    assert params and all(description for description in params.values())
    assert query.saved_query(f"{name}.rq") == text


@pytest.mark.parametrize("name", ["allies", "nope", ""])
def test_query_saved_query_unknown(name: str) -> None:
    with pytest.raises(QueryError, match=r"unknown saved query .*known queries: agreements, allies-of, "):
        query.saved_query(name)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], {}),
        (["country=Japan"], {"country": "Japan"}),
        (
            ["country=United States", "predicate=alliedWith"],
            {"country": "United States", "predicate": "alliedWith"},
        ),
        (["q=a=b"], {"q": "a=b"}),
        (["?country=Japan"], {"country": "Japan"}),
        ([' name = "} ; DROP ALL ; {'], {"name": ' "} ; DROP ALL ; {'}),
    ],
)
def test_query_parse_params(items: list[str], expected: dict[str, str]) -> None:
    assert query.parse_params(items) == expected


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["country"], "malformed parameter 'country': expected name=value"),
        (["=Japan"], "malformed parameter '=Japan'"),
        (["country="], "malformed parameter 'country='"),
        (["1country=Japan"], "not a SPARQL variable name"),
        (["my country=Japan"], "not a SPARQL variable name"),
        (["country=Japan", "country=Korea"], "given twice"),
    ],
)
def test_query_parse_params_errors(items: list[str], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        query.parse_params(items)


def test_query_declared_params() -> None:
    text = "# q\n# param: country — a name, e.g. Japan\n#param:predicate - a local name\nSELECT ?x {}"
    assert query.declared_params(text) == {"country": "a name, e.g. Japan", "predicate": "a local name"}


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        (
            "SELECT DISTINCT ?l WHERE { ?c a kg:Country ; rdfs:label ?l } ORDER BY ?l",
            ["Japan", "North Korea", "United States"],
        ),
        ("SELECT DISTINCT ?l WHERE { ?c owl:sameAs wd:Q17 ; rdfs:label ?l }", ["Japan"]),
        (
            "PREFIX kg: <https://example.org/> SELECT DISTINCT ?l WHERE { ?c a kg:Country ; rdfs:label ?l }",
            [],
        ),
    ],
)
def test_query_default_prefixes(source: GraphStore, sparql: str, expected: list[str]) -> None:
    assert query.run(source, sparql)["l"].tolist() == expected


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (IRI("https://w3id.org/kg-geo/ontology#Agreement"), "kg:Agreement"),
        (IRI("https://w3id.org/kg-geo/id/country/JPN"), "id:country/JPN"),
        (IRI("http://www.w3.org/2000/01/rdf-schema#label"), "rdfs:label"),
        (IRI("http://www.wikidata.org/entity/Q17"), "wd:Q17"),
        (IRI("https://w3id.org/kg-geo/id/doc/a%20b"), "id:doc/a%20b"),
        (IRI("https://w3id.org/kg-geo/id/doc/a,b"), "https://w3id.org/kg-geo/id/doc/a,b"),  # not a name
        (IRI("https://w3id.org/kg-geo/id/"), "https://w3id.org/kg-geo/id/"),
        (IRI("http://example.org/x"), "http://example.org/x"),
        ("https://w3id.org/kg-geo/id/x", "https://w3id.org/kg-geo/id/x"),  # a string, not an IRI
        (None, ""),
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (TypedText("2024-07-28", "http://www.w3.org/2001/XMLSchema#date"), "2024-07-28"),
        (TypedInt(5, str(rdflib.XSD.int)), "5"),  # an xsd:int cell as its number, not its repr
        (TypedFloat("1.50", str(rdflib.XSD.decimal)), "1.50"),
    ],
)
def test_query_display(cell: object, shown: str) -> None:
    assert query.display(cell) == shown
