"""`kg.views.neighbourhood.view_graph`: a focused view drawn from the fetched neighbourhood is the view
drawn from the whole union, with every filter, on the sample dataset and on synthetic graphs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib

from benchmarks import synthetic
from kg.core.errors import QueryError
from kg.core.vocab import ID
from kg.store.local import GraphStore
from kg.views.neighbourhood import view_graph
from kg.views.network import network_view

SAMPLE = Path(__file__).parent / "data" / "sample.trig"
OPTIONS: list[dict[str, Any]] = [
    {},
    {"relations": ["alliedWith", "locatedIn"]},
    {"relations": ["conflictual"]},
    {"classes": ["Country"]},
    {"classes": ["Actor", "Meeting"]},
    {"since": date(2024, 8, 1)},
    {"min_confidence": 0.9},
    {"max_nodes": 2},
]


def view_or_error(graph: rdflib.Graph, **options: Any) -> object:
    """The view of `graph`, or the message of the QueryError it raises."""
    try:
        return network_view(graph, **options)
    except QueryError as e:
        return str(e)


@pytest.fixture(scope="module")
def sample_store() -> Iterator[GraphStore]:
    with GraphStore(None) as store:
        store.load_file(SAMPLE)
        yield store


@pytest.fixture(scope="module")
def synthetic_store(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[GraphStore, rdflib.Graph, list[str]]]:
    """A synthetic corpus of about 6k triples, its union graph, and the labels of a hub, a median and
    a leaf entity."""
    data = synthetic.for_triples(6_000, seed=7)
    path = tmp_path_factory.mktemp("synthetic") / "graph.trig"
    synthetic.write_trig(data, path)
    ranked = [entity.label for entity, _ in synthetic.by_relations(data)]
    with GraphStore(None) as store:
        store.load_file(path)
        yield store, store.union_graph(), [ranked[0], ranked[len(ranked) // 2], ranked[-1]]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "none")
@pytest.mark.parametrize("hops", [0, 1, 2, 3])
@pytest.mark.parametrize(
    "focus", ["Japan", "jAPAN", "DPRK", "Austin", "Tokyo", str(ID["country/JPN"]), "Meeting in Tokyo"]
)
def test_neighbourhood_sample_view_equals_union_view(
    sample_store: GraphStore, focus: str, hops: int, options: dict[str, Any]
) -> None:
    union = sample_store.union_graph()
    expected = view_or_error(union, focus=focus, hops=hops, **options)
    try:
        fetched = view_graph(sample_store, focus=focus, hops=hops, **options)
    except QueryError as e:
        assert str(e) == expected
        return
    assert view_or_error(fetched, focus=focus, hops=hops, **options) == expected
    assert set(fetched) <= set(union)


@pytest.mark.parametrize("options", OPTIONS[:2] + OPTIONS[5:7], ids=lambda o: ",".join(o) or "none")
@pytest.mark.parametrize("hops", [1, 2])
@pytest.mark.parametrize("which", [0, 1, 2], ids=["hub", "median", "leaf"])
def test_neighbourhood_synthetic_view_equals_union_view(
    synthetic_store: tuple[GraphStore, rdflib.Graph, list[str]],
    which: int,
    hops: int,
    options: dict[str, Any],
) -> None:
    store, union, labels = synthetic_store
    focus = labels[which]
    fetched = view_graph(store, focus=focus, hops=hops, **options)
    assert view_or_error(fetched, focus=focus, hops=hops, **options) == view_or_error(
        union, focus=focus, hops=hops, **options
    )
    assert set(fetched) <= set(union)
    if hops == 1:  # two hops from a hub reach most of a graph this small
        assert len(fetched) < len(union) / 2  # a neighbourhood, not the graph


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "none")
def test_neighbourhood_sample_unfocused_view_equals_union_view(
    sample_store: GraphStore, options: dict[str, Any]
) -> None:
    union = sample_store.union_graph()
    fetched = view_graph(sample_store, **options)
    assert view_or_error(fetched, **options) == view_or_error(union, **options)
    assert set(fetched) <= set(union)


@pytest.mark.parametrize("options", [{}, {"max_nodes": 40}, {"relations": ["conflictual"], "max_nodes": 25}])
def test_neighbourhood_synthetic_unfocused_view_equals_union_view(
    synthetic_store: tuple[GraphStore, rdflib.Graph, list[str]], options: dict[str, Any]
) -> None:
    store, union, _ = synthetic_store
    fetched = view_graph(store, **options)
    assert view_or_error(fetched, **options) == view_or_error(union, **options)
    if options.get("max_nodes", 1500) < 100:  # the evidence of the kept entities only
        evidence = (rdflib.RDF.type, rdflib.URIRef("https://w3id.org/kg-geo/ontology#Evidence"))
        assert len(list(fetched.subjects(*evidence))) < 0.75 * len(list(union.subjects(*evidence)))


@pytest.mark.parametrize(
    "options", [{"min_confidence": 0.5}, {"since": date(2024, 1, 1)}, {}, {"max_nodes": 4}], ids=str
)
def test_neighbourhood_without_focus_reads_the_union_when_the_view_keeps_most(
    sample_store: GraphStore, options: dict[str, Any]
) -> None:
    """An evidence filter, or a store of at most twice `max_nodes` entities (7 here): the union."""
    assert set(view_graph(sample_store, **options)) == set(sample_store.union_graph())


def test_neighbourhood_without_focus_reads_two_steps_for_a_few_of_many(sample_store: GraphStore) -> None:
    assert set(view_graph(sample_store, max_nodes=3)) < set(sample_store.union_graph())


def test_neighbourhood_unknown_focus_fails_as_the_union_view(sample_store: GraphStore) -> None:
    with pytest.raises(QueryError, match="focus 'Atlantis' matches no entity label or alias"):
        view_graph(sample_store, focus="Atlantis")


def test_neighbourhood_focus_matches_names_by_casefold() -> None:
    """Focus "STRASSE" names "Straße" (casefold, as the view compares names; SPARQL's LCASE would not)."""
    street, city = ID["place/strasse"], ID["city/x"]
    turtle = f"""
        @prefix kg: <https://w3id.org/kg-geo/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{street}> a kg:Place ; rdfs:label "Straße" ; kg:locatedIn <{city}> .
        <{city}> a kg:City ; rdfs:label "X" .
    """
    with GraphStore(None) as store:
        store.store.load(turtle.encode(), format=ox.RdfFormat.TURTLE)
        store.refresh_union()
        view = network_view(view_graph(store, focus="STRASSE"), focus="STRASSE")
    assert {n.id for n in view.nodes} == {str(street), str(city)}


def test_neighbourhood_focus_text_is_never_query_text(sample_store: GraphStore) -> None:
    """A focus that looks like SPARQL is compared as a name, not run."""
    focus = '"} ; DROP ALL ; SELECT * { ?s ?p "'
    with pytest.raises(QueryError, match="matches no entity"):
        view_graph(sample_store, focus=focus)
    assert len(sample_store.union_graph()) > 0


def test_neighbourhood_graph_binds_kg_prefixes(sample_store: GraphStore) -> None:
    fetched = view_graph(sample_store, focus="Japan")
    assert dict(fetched.namespaces())["kg"] == rdflib.URIRef("https://w3id.org/kg-geo/ontology#")
