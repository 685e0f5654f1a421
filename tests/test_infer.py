"""`kg infer`: symmetric, sub- and inverse properties materialised by SPARQL UPDATE, idempotently."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.quality.infer import Rule, infer, rules
from kg.store.local import GraphStore
from kg.store.names import INFERRED_GRAPH, UNION_GRAPH

KG = "https://w3id.org/kg-geo/ontology#"
ID = "https://w3id.org/kg-geo/id/"
runner = CliRunner()
DATA = f"""
PREFIX kg: <{KG}>
PREFIX id: <{ID}>
INSERT DATA {{
  GRAPH <{ID}doc/one> {{
    id:USA kg:alliedWith id:JPN .
    id:biden kg:leaderOf id:USA .
    id:austin kg:meetsWith id:kihara .
    id:kihara kg:meetsWith id:austin .
    id:USA kg:supports id:UKR .
  }}
  GRAPH <{ID}doc/two> {{
    id:JPN kg:cooperatesWith id:KOR .
  }}
}}
"""


def t(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(ID + s), ox.NamedNode(KG + p), ox.NamedNode(ID + o))


EXPECTED = {
    t("JPN", "alliedWith", "USA"),
    t("USA", "cooperatesWith", "JPN"),
    t("JPN", "cooperatesWith", "USA"),
    t("biden", "officialOf", "USA"),
    t("KOR", "cooperatesWith", "JPN"),
    # austin/kihara meet both ways already: nothing new; supports is neither symmetric nor a sub-property
}


@pytest.fixture
def store() -> GraphStore:
    graph_store = GraphStore(None)
    graph_store.update(DATA)
    return graph_store


def inferred(store: GraphStore) -> set[ox.Triple]:
    return {q.triple for q in store.store.quads_for_pattern(None, None, None, INFERRED_GRAPH)}


def test_infer_exact_triples(store: GraphStore) -> None:
    assert infer(store) == len(EXPECTED)
    assert inferred(store) == EXPECTED


def test_infer_is_idempotent(store: GraphStore) -> None:
    infer(store)
    first = set(store.store)
    assert infer(store) == len(EXPECTED)
    assert set(store.store) == first


def test_infer_union_sees_inferred_but_documents_do_not_list_it(store: GraphStore) -> None:
    infer(store)
    union = {q.triple for q in store.store.quads_for_pattern(None, None, None, UNION_GRAPH)}
    assert union >= EXPECTED
    result = store.query("ASK { id:biden kg:officialOf id:USA }")
    assert bool(result)
    assert store.documents() == ["one", "two"]
    assert INFERRED_GRAPH in store.graph_names()


def test_infer_follows_retractions(store: GraphStore) -> None:
    infer(store)
    store.remove_document("one")
    infer(store)
    assert inferred(store) == {t("KOR", "cooperatesWith", "JPN")}


def test_infer_rules_of_the_ontology() -> None:
    found = {(r.source.removeprefix(KG), r.target.removeprefix(KG), r.swap) for r in rules()}
    assert found == {
        ("alliedWith", "alliedWith", True),
        ("alliedWith", "cooperatesWith", False),
        ("alliedWith", "cooperatesWith", True),
        ("cooperatesWith", "cooperatesWith", True),
        ("meetsWith", "meetsWith", True),
        ("leaderOf", "officialOf", False),
    }


@pytest.mark.parametrize(
    ("turtle", "expected"),
    [
        (":a owl:inverseOf :b .", {Rule("a", "b", True), Rule("b", "a", True)}),
        (
            ":a rdfs:subPropertyOf :b . :b rdfs:subPropertyOf :c .",
            {Rule("a", "b", False), Rule("a", "c", False), Rule("b", "c", False)},
        ),
        (
            ":a owl:inverseOf :b . :b a owl:SymmetricProperty .",
            # x a y => y b x => x b y (b symmetric) => y a x: a is symmetric too, and b a sub-property of a
            {Rule("a", "b", True), Rule("b", "a", True), Rule("b", "b", True), Rule("a", "a", True)}
            | {Rule("a", "b", False), Rule("b", "a", False)},
        ),
    ],
    ids=["inverse", "sub-property-chain", "inverse-of-symmetric"],
)
def test_infer_rule_closure(turtle: str, expected: set[Rule]) -> None:
    onto = rdflib.Graph().parse(
        data="@prefix : <> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . " + turtle,
        format="turtle",
        publicID="http://x/",
    )
    found = {
        Rule(r.source.removeprefix("http://x/"), r.target.removeprefix("http://x/"), r.swap)
        for r in rules(onto)
    }
    assert found == expected


def test_infer_inverse_property_in_the_store() -> None:
    onto = rdflib.Graph().parse(
        data="@prefix : <https://e.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
        ":hosts owl:inverseOf :guestOf .",
        format="turtle",
    )
    graph_store = GraphStore(None)
    graph_store.update("PREFIX e: <https://e.org/> INSERT DATA { GRAPH e:g { e:x e:hosts e:y } }")
    assert infer(graph_store, onto) == 1
    triple = ox.Triple(
        ox.NamedNode("https://e.org/y"),
        ox.NamedNode("https://e.org/guestOf"),
        ox.NamedNode("https://e.org/x"),
    )
    assert inferred(graph_store) == {triple}


def test_infer_cli(tmp_path: Path) -> None:
    with GraphStore(tmp_path / "store") as graph_store:
        graph_store.update(DATA)
    for _ in range(2):
        result = runner.invoke(app, ["infer", "--store", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert f"inferred {len(EXPECTED)} triples" in result.output
    frame = kg.open_store(tmp_path).query("SELECT ?o WHERE { id:biden kg:officialOf ?o }")
    assert list(frame["o"]) == [ID + "USA"]  # `kg query` sees the inferred graph through the union


def test_infer_cli_rewrites_the_files_beside_the_store(tmp_path: Path) -> None:
    """After `kg infer`, graph.ttl is the store's union graph and graph.trig its graphs, the
    inferred one included: the files agree with what queries see. graph.html is not made."""
    from kg.pipeline.outputs import write_views

    with GraphStore(tmp_path / "store") as graph_store:
        graph_store.update(DATA)
        write_views(graph_store, tmp_path, html=False)  # as a build leaves them
    before = rdflib.Graph().parse(tmp_path / "graph.ttl")
    biden_official = tuple(rdflib.URIRef(x) for x in (ID + "biden", KG + "officialOf", ID + "USA"))
    assert biden_official not in before
    result = runner.invoke(app, ["infer", "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "graph.ttl" in result.output and "graph.trig" in result.output
    ttl = rdflib.Graph().parse(tmp_path / "graph.ttl")
    trig = rdflib.Dataset()
    trig.parse(tmp_path / "graph.trig", format="trig")
    with GraphStore.open_existing(tmp_path / "store", read_only=True) as graph_store:
        union = {q.triple for q in graph_store.quads_for_pattern(None, None, None, UNION_GRAPH)}
        graphs = {q.graph_name.value for q in graph_store.quads()}  # type: ignore[union-attr]
        by_graph = {
            name: {q.triple for q in graph_store.quads_for_pattern(None, None, None, ox.NamedNode(name))}
            for name in graphs
        }
    assert biden_official in ttl
    assert len(ttl) == len(union) == len(before) + len(EXPECTED)
    assert {(str(s), str(p), str(o)) for s, p, o in ttl} == {
        (t.subject.value, t.predicate.value, t.object.value) for t in union
    }
    assert INFERRED_GRAPH.value in graphs
    for name, triples in by_graph.items():
        assert len(trig.graph(rdflib.URIRef(name))) == len(triples), name
    assert not (tmp_path / "graph.html").exists()
