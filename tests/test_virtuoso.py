"""kg.store.virtuoso: how queries and updates are written for Virtuoso (run against it in
test_store_remote)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.store import virtuoso
from kg.store.sparqltext import masked, where_group

E = "https://e.org/"


def rewritten(sparql: str) -> str:
    return virtuoso.query(sparql, masked(sparql))


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        (
            "FILTER(IF(BOUND(?n), EXISTS { ?s ?p ?n }, true))",
            "FILTER((((BOUND(?n)) && (EXISTS { ?s ?p ?n })) || (!(BOUND(?n)) && (true))))",
        ),
        (  # nested: both IFs have EXISTS in a branch
            "FILTER(if(?a, EXISTS { ?s ?p ?o }, IF(?b, true, NOT EXISTS { ?o ?p ?s })))",
            "FILTER((((?a) && (EXISTS { ?s ?p ?o })) || (!(?a) && ((((?b) && (true)) "
            "|| (!(?b) && (NOT EXISTS { ?o ?p ?s })))))))",
        ),
        (  # commas and parentheses inside the arguments
            'FILTER(IF(COALESCE(ISLITERAL(?n), false), EXISTS { ?s ?p ?x FILTER(STR(?x) = "a, (b") }, true))',
            'FILTER((((COALESCE(ISLITERAL(?n), false)) && (EXISTS { ?s ?p ?x FILTER(STR(?x) = "a, (b") }))'
            " || (!(COALESCE(ISLITERAL(?n), false)) && (true))))",
        ),
    ],
)
def test_virtuoso_if_with_exists_in_a_branch_becomes_and_or(sparql: str, expected: str) -> None:
    assert rewritten(sparql) == expected


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT (IF(?a, 1, 2) AS ?x) WHERE { ?s ?p ?a }",  # no EXISTS: Virtuoso gets it right
        "FILTER(IF(EXISTS { ?s ?p ?o }, true, false))",  # EXISTS only in the condition
        'SELECT ?s WHERE { ?s ?p "IF(?a, EXISTS { }, true)" }',  # in a string
        "SELECT ?s WHERE { ?s <https://e.org/IF(a,EXISTS,b)> ?o } # IF(?a, EXISTS { }, true)",
        "SELECT ?IF WHERE { ?IF ?p e:IF }",
        "FILTER(IF(?a, EXISTS { ?s ?p ?o }))",  # not three arguments: left to the server's error
        "FILTER(IF(?a, EXISTS { ?s ?p ?o }, true",  # never closed
    ],
)
def test_virtuoso_other_text_is_left_as_it_is(sparql: str) -> None:
    assert rewritten(sparql) == sparql


def test_virtuoso_rewrite_answers_as_the_original_on_oxigraph() -> None:
    """The rewritten filter keeps the same rows (Oxigraph evaluates IF right), bound or not."""
    store = ox.Store()
    for s, p, o in (("a", "label", '"x"'), ("b", "label", '"y"'), ("c", "alias", '"x"')):
        store.update(f"INSERT DATA {{ <{E}{s}> <{E}{p}> {o} }}")
    for values in ("", 'VALUES ?n { "x" }', 'VALUES ?n { "z" }'):
        sparql = (
            f"SELECT ?s WHERE {{ {values} ?s ?q ?v "
            f"FILTER(IF(COALESCE(ISLITERAL(?n), false), EXISTS {{ ?s <{E}label> ?n }}, "
            f"IF(?q = <{E}label>, true, EXISTS {{ ?s <{E}alias> ?w }}))) }} ORDER BY ?s"
        )
        expected = [str(row["s"]) for row in store.query(sparql)]
        assert [str(row["s"]) for row in store.query(rewritten(sparql))] == expected


def test_virtuoso_update_is_compiled_with_big_data_constants() -> None:
    assert virtuoso.update("INSERT DATA { }") == "define sql:big-data-const 1\nINSERT DATA { }"


def test_virtuoso_hint_on_the_cost_estimate() -> None:
    refused = "Virtuoso 42000 Error The estimated execution time 935498 (sec) exceeds the limit of 400 (sec)."
    assert "MaxQueryCostEstimationTime = 0" in virtuoso.hint(refused)
    assert virtuoso.hint("Virtuoso 37000 Error SP030") == "Virtuoso 37000 Error SP030"


@pytest.mark.parametrize(
    "graph",
    [
        "http://www.openlinksw.com/schemas/virtrdf#",
        "http://www.w3.org/2002/07/owl#",
        "http://www.w3.org/ns/ldp#",
        "http://localhost:8890/DAV/",
        "http://localhost:8890/sparql",
        "https://example.org:443/sparql",
    ],
)
def test_virtuoso_own_graphs(graph: str) -> None:
    assert virtuoso.GRAPHS.match(graph)


@pytest.mark.parametrize(
    "graph", ["https://w3id.org/kg-geo/id/doc/a", "http://localhost:8890/DAV/x", "http://h/sparql/x"]
)
def test_virtuoso_other_graphs_are_not_its_own(graph: str) -> None:
    assert not virtuoso.GRAPHS.match(graph)


DATASET = [("default-graph-uri", E + "u"), ("named-graph-uri", E + "a"), ("named-graph-uri", E + "b")]
FROM = f"FROM <{E}u>\nFROM NAMED <{E}a>\nFROM NAMED <{E}b>\n"


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        (
            "SELECT ?g WHERE { GRAPH ?g { } }",
            f"SELECT ?g {FROM}WHERE {{ GRAPH ?g {{ }} }}",
        ),
        (
            "PREFIX e: <https://e.org/{x}>\nASK { ?s ?p ?o }",
            f"PREFIX e: <https://e.org/{{x}}>\nASK {FROM}{{ ?s ?p ?o }}",
        ),
        (  # its own dataset: left as it is
            "SELECT ?s FROM <https://e.org/mine> WHERE { ?s ?p ?o }",
            "SELECT ?s FROM <https://e.org/mine> WHERE { ?s ?p ?o }",
        ),
    ],
)
def test_virtuoso_dataset_in_the_query_text(sparql: str, expected: str) -> None:
    """FROM and FROM NAMED, not named-graph-uri: Virtuoso sends a header per named graph back."""
    assert virtuoso.with_dataset(sparql, masked(sparql), where_group(sparql), DATASET) == expected
    assert virtuoso.with_dataset(sparql, masked(sparql), where_group(sparql), []) == sparql


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        (  # operands of && || ! and parentheses are read for their truth value too
            'FILTER(?a && !(IF(?b, EXISTS { ?s ?p ?o }, "x")) || false)',
            'FILTER(?a && !((((?b) && (EXISTS { ?s ?p ?o })) || (!(?b) && ("x")))) || false)',
        ),
        (  # a FILTER inside EXISTS inside a value: rewritten on its own
            "BIND(IF(?a, 1, COALESCE(EXISTS { FILTER(IF(?b, EXISTS { ?s ?p ?o }, true)) }, 2)) AS ?x)",
            "BIND(IF(?a, 1, COALESCE(EXISTS { FILTER((((?b) && (EXISTS { ?s ?p ?o })) "
            "|| (!(?b) && (true)))) }, 2)) AS ?x)",
        ),
    ],
)
def test_virtuoso_if_read_for_its_truth_value_is_rewritten(sparql: str, expected: str) -> None:
    assert rewritten(sparql) == expected


@pytest.mark.parametrize(
    "sparql",
    [  # the IF's value counts here: && and || would make "bound" true (the case)
        'SELECT ?x WHERE { ?s ?p ?o BIND(IF(!BOUND(?n), EXISTS { ?s ?p ?o }, "bound") AS ?x) }',
        "SELECT (IF(?a, EXISTS { ?s ?p ?o }, 7) AS ?x) WHERE { ?s ?p ?a }",
        'FILTER(?v = IF(?a, EXISTS { ?s ?p ?o }, "bound"))',
        'FILTER(STRLEN(IF(?a, EXISTS { ?s ?p ?o }, "bound")) > 2)',
    ],
)
def test_virtuoso_if_whose_value_counts_is_left_alone(sparql: str) -> None:
    assert rewritten(sparql) == sparql


IF_QUERY = (
    f"SELECT ?s ?x WHERE {{ ?s <{E}p> ?o OPTIONAL {{ ?s <{E}name> ?n }} "
    f'BIND(IF(!BOUND(?n), EXISTS {{ ?s <{E}q> ?o2 }}, "bound") AS ?x) }} ORDER BY ?s'
)


def test_virtuoso_if_rewrites_answer_as_the_original_on_oxigraph() -> None:
    store = ox.Store()
    store.update(
        f'INSERT DATA {{ <{E}a> <{E}p> 1 . <{E}a> <{E}name> "A" . <{E}b> <{E}p> 2 . <{E}b> <{E}q> 3 . '
        f"<{E}c> <{E}p> 4 }}"
    )
    expected = [(r["s"].value, r["x"].value) for r in store.query(IF_QUERY)]
    assert expected == [(f"{E}a", "bound"), (f"{E}b", "true"), (f"{E}c", "false")]
    assert [(r["s"].value, r["x"].value) for r in store.query(rewritten(IF_QUERY))] == expected
    typed = IF_QUERY.replace('"bound"', "7").replace("?s ?x", "?s (DATATYPE(?x) AS ?t)")
    assert [str(r["t"]) for r in store.query(rewritten(typed))] == [  # types kept, not truth values
        f"<{x}>"
        for x in (
            "http://www.w3.org/2001/XMLSchema#integer",
            *["http://www.w3.org/2001/XMLSchema#boolean"] * 2,
        )
    ]


def test_virtuoso_if_with_a_non_boolean_branch_on_the_real_servers(server_url: str) -> None:
    """The issue's case on Oxigraph and Virtuoso through kg's client: "bound" stays "bound" (the
    rewrite gave true)."""
    from kg.store.remote import RemoteStore

    with RemoteStore(server_url) as remote:
        remote.update(
            f'INSERT DATA {{ GRAPH <{E}g> {{ <{E}a> <{E}p> 1 . <{E}a> <{E}name> "A" . '
            f"<{E}b> <{E}p> 2 . <{E}b> <{E}q> 3 . <{E}c> <{E}p> 4 }} }}"
        )
        result = remote.query(IF_QUERY)
        rows = [(r["s"].value, r["x"].value) for r in result]  # type: ignore[union-attr]
    # (Virtuoso gives EXISTS in a BIND as the integers 1 and 0: its own way, not the rewrite's)
    truth = {"true": True, "1": True, "false": False, "0": False}
    assert rows[0] == (f"{E}a", "bound")
    assert [(s, truth[x]) for s, x in rows[1:]] == [(f"{E}b", True), (f"{E}c", False)]
