"""kg.store.sparqltext: reading SPARQL text without a parser."""

from __future__ import annotations

import re

import pytest

from kg.store.sparqltext import at_top_level, masked, query_form, uses_named_graphs, where_group


@pytest.mark.parametrize(
    "sparql",
    [
        'SELECT * { ?s ?p "a { brace" }',
        "SELECT * { ?s ?p '''long\n{ text''' } # a comment with {",
        "SELECT * { <http://example.org/ns#a> ?p ?o }",
        'ASK { ?s ?p "escaped \\" quote { " }',
    ],
)
def test_sparqltext_masked_blanks_strings_iris_and_comments(sparql: str) -> None:
    code = masked(sparql)
    assert len(code) == len(sparql)
    assert code.count("{") == 1 and code.count("}") == 1
    assert code.startswith(sparql.split()[0])


@pytest.mark.parametrize(
    ("sparql", "form"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://example.org/select#>\nask { ?s ?p ?o }", "ASK"),
        ('# SELECT in a comment\nCONSTRUCT { ?s ?p "SELECT" } WHERE { ?s ?p ?o }', "CONSTRUCT"),
        ("DESCRIBE <http://example.org/a>", "DESCRIBE"),
        ("INSERT DATA { <http://a> <http://b> <http://c> }", ""),
    ],
)
def test_sparqltext_query_form_skips_prefixes_comments_and_strings(sparql: str, form: str) -> None:
    found, start = query_form(sparql)
    assert found == form
    assert (start == -1) if not form else sparql[start : start + len(form)].upper() == form


@pytest.mark.parametrize(
    ("sparql", "rest"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "{ ?s ?p ?o }"),
        ("SELECT (EXISTS { ?s a ?c } AS ?e) ?s { ?s ?p ?o }", "{ ?s ?p ?o }"),
        ('SELECT ?s ("{" AS ?b) { ?s ?p ?o }', "{ ?s ?p ?o }"),
    ],
)
def test_sparqltext_where_group_is_the_first_brace_outside_parentheses(sparql: str, rest: str) -> None:
    assert sparql[where_group(sparql) :] == rest


def test_sparqltext_where_group_is_minus_one_without_a_form() -> None:
    assert where_group("INSERT DATA { <http://a> <http://b> <http://c> }") == -1


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT * { ?s ?p ?o } ORDER BY ?s", True),
        ("SELECT * { { SELECT * { ?s ?p ?o } ORDER BY ?s LIMIT 3 } }", False),
        ('SELECT * { ?s ?p "ORDER BY" }', False),
    ],
)
def test_sparqltext_at_top_level_ignores_nested_groups(sparql: str, expected: bool) -> None:
    assert at_top_level(masked(sparql), re.compile(r"\bORDER\s+BY\b", re.I)) is expected


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", True),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", True),
        ("select * where { graph ?g { ?s ?p ?o } }", True),
        ("SELECT * WHERE { ?s ?p ?o }", False),
        ("# every GRAPH of the store\nSELECT * WHERE { ?s ?p ?o }", False),
        ('SELECT * WHERE { ?s ?p "GRAPH" }', False),
        ("SELECT * WHERE { ?s <http://example.org/GRAPH> ?o }", False),
        ("SELECT ?graph WHERE { ?graph ?p ?o }", False),
        ("PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:graph ?o }", False),
        ("PREFIX graph: <http://example.org/> SELECT * WHERE { ?s graph:p ?o }", False),
        ("SELECT * WHERE {GRAPH<http://example.org/g>{ ?s ?p ?o }}", True),
    ],
)
def test_sparqltext_uses_named_graphs_only_for_graph_clauses(sparql: str, expected: bool) -> None:
    assert uses_named_graphs(sparql) is expected
