"""`kg.views.network.network_view` on the hand-written sample dataset and on synthetic graphs."""

from __future__ import annotations

import random
from datetime import date

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.core.errors import QueryError
from kg.core.vocab import ID, KG, RELATION_PROPERTIES
from kg.views.network import NetworkView, ViewEdge, date_span, network_view

USA, JPN, PRK = ID["country/USA"], ID["country/JPN"], ID["country/PRK"]
TOKYO, MEETING = ID["city/tokyo"], ID["meeting/5d41402a"]
AUSTIN, KIM = ID["person/lloyd-austin"], ID["person/kim-jong-un"]
ALL_NODES = {str(n) for n in (USA, JPN, PRK, TOKYO, MEETING, AUSTIN, KIM)}


def node_ids(view: NetworkView) -> set[str]:
    return {n.id for n in view.nodes}


def triples(view: NetworkView) -> set[tuple[str, str, str]]:
    return {(e.source, e.predicate, e.target) for e in view.edges}


def edge(view: NetworkView, predicate: str) -> ViewEdge:
    (found,) = [e for e in view.edges if e.predicate == predicate]
    return found


def t(s: URIRef, p: str, o: URIRef) -> tuple[str, str, str]:
    return (str(s), p, str(o))


SAMPLE_EDGES = {
    t(AUSTIN, "officialOf", USA),
    t(JPN, "alliedWith", USA),  # symmetric: source < target
    t(USA, "participatedIn", MEETING),
    t(MEETING, "locatedIn", TOKYO),
    t(TOKYO, "locatedIn", JPN),
    t(KIM, "leaderOf", PRK),
    t(PRK, "threatens", JPN),
}


def test_views_network_nodes_are_the_entities(sample: Graph) -> None:
    view = network_view(sample)
    assert node_ids(view) == ALL_NODES  # no documents, no evidence
    by_id = {n.id: n for n in view.nodes}
    usa = by_id[str(USA)]
    assert (usa.label, usa.cls, usa.alt_labels, usa.iso3, usa.wikidata) == (
        "United States",
        "Country",
        ("America", "US"),
        "USA",
        "Q30",
    )
    assert {n.label: n.cls for n in view.nodes} == {
        "United States": "Country",
        "Japan": "Country",
        "North Korea": "Country",
        "Tokyo": "City",
        "Meeting in Tokyo": "Meeting",
        "Lloyd Austin": "Person",
        "Kim Jong Un": "Person",
    }
    assert by_id[str(TOKYO)].iso3 is None and by_id[str(TOKYO)].wikidata is None
    assert {n.label: n.degree for n in view.nodes} == {
        "United States": 3,
        "Japan": 3,
        "North Korea": 2,
        "Tokyo": 2,
        "Meeting in Tokyo": 2,
        "Lloyd Austin": 1,
        "Kim Jong Un": 1,
    }
    assert by_id[str(USA)].importance == 1.0
    assert 0.0 < by_id[str(KIM)].importance < by_id[str(TOKYO)].importance < 1.0
    assert (view.total_nodes, view.total_edges) == (7, 7)
    assert not view.truncated


def test_views_network_edges_and_families(sample: Graph) -> None:
    view = network_view(sample)
    assert triples(view) == SAMPLE_EDGES
    assert {e.predicate: (e.family, e.symmetric) for e in view.edges} == {
        "officialOf": ("structural", False),
        "alliedWith": ("cooperative", True),
        "participatedIn": ("structural", False),
        "locatedIn": ("structural", False),
        "leaderOf": ("structural", False),
        "threatens": ("conflictual", False),
    }


def test_views_network_evidence_is_joined_with_its_document(sample: Graph) -> None:
    view = network_view(sample)
    (threat,) = edge(view, "threatens").evidence
    assert threat.sentence == "North Korea threatened Japan with missiles."
    assert threat.doc_id == str(ID["doc/beta"])
    assert threat.doc_title == "Threats <script>alert(1)</script>"
    assert threat.doc_url is None
    assert (threat.date, threat.confidence, threat.rule, threat.family, threat.role) == (
        "2024-08-01",
        0.7,
        "verb-frame",
        "THREATEN",
        None,
    )
    (ally,) = edge(view, "alliedWith").evidence
    assert ally.doc_url == "https://example.org/alpha"
    assert ally.doc_title == "Allies meet in Tokyo"
    assert ally.date == "2024-07-28"  # no kg:date on the evidence: the document's dcterms:issued
    assert edge(view, "alliedWith").confidence == 0.8
    (official,) = edge(view, "officialOf").evidence
    assert official.role == "Defense Secretary"
    assert official.sentence == "US Defense Secretary Lloyd Austin said the allies <b>agree</b>."
    unsupported = [e for e in view.edges if e.source == str(MEETING)]
    assert [(e.predicate, e.confidence, e.evidence) for e in unsupported] == [("locatedIn", 0.0, ())]


def _evidence(graph: Graph, name: str, s: URIRef, p: str, o: URIRef, confidence: float, doc: URIRef) -> None:
    ev = ID[f"evidence/{name}"]
    graph.add((ev, RDF.type, KG.Evidence))
    graph.add((ev, RDF.subject, s))
    graph.add((ev, RDF.predicate, KG[p]))
    graph.add((ev, RDF.object, o))
    graph.add((ev, KG.sentence, Literal(f"sentence {name}")))
    graph.add((ev, KG.confidence, Literal(confidence)))
    graph.add((ev, PROV.wasDerivedFrom, doc))


def _country(graph: Graph, code: str) -> URIRef:
    node = ID[f"country/{code}"]
    graph.add((node, RDF.type, KG.Country))
    graph.add((node, RDFS.label, Literal(code)))
    return node


def test_views_network_symmetric_relations_give_one_edge_per_pair() -> None:
    graph = Graph()
    a, b = _country(graph, "AAA"), _country(graph, "BBB")
    doc = ID["doc/x"]
    graph.add((doc, RDF.type, KG.Document))
    graph.add((doc, DCTERMS.source, Literal("javascript:alert(1)")))  # never a link
    for s, o, name, conf in ((a, b, "ab", 0.6), (b, a, "ba", 0.9)):
        graph.add((s, KG.meetsWith, o))
        graph.add((s, KG.threatens, o))
        _evidence(graph, name, s, "meetsWith", o, conf, doc)
    view = network_view(graph)
    assert triples(view) == {t(a, "meetsWith", b), t(a, "threatens", b), t(b, "threatens", a)}
    meets = edge(view, "meetsWith")
    assert meets.symmetric and meets.confidence == 0.9
    assert [ev.sentence for ev in meets.evidence] == ["sentence ba", "sentence ab"]  # best first
    assert all(ev.doc_url is None for ev in meets.evidence)
    assert {n.degree for n in view.nodes} == {3}


def test_views_network_most_specific_class_and_untyped_ends() -> None:
    graph = Graph()
    country = _country(graph, "CCC")
    graph.add((country, RDF.type, KG.Actor))
    graph.add((country, RDF.type, KG.Place))
    nato = ID["org/nato"]
    graph.add((nato, RDF.type, KG.InternationalOrganization))
    graph.add((nato, RDF.type, KG.Organization))
    graph.add((country, KG.memberOf, nato))
    graph.add((country, KG.memberOf, ID["org/untyped"]))  # not an entity: no edge
    view = network_view(graph)
    assert {n.id: n.cls for n in view.nodes} == {
        str(country): "Country",
        str(nato): "InternationalOrganization",
    }
    assert {n.id: n.label for n in view.nodes}[str(nato)] == "nato"  # no label: the IRI's last segment
    assert triples(view) == {t(country, "memberOf", nato)}


def test_views_network_focus_keeps_the_neighbourhood(sample: Graph) -> None:
    one = network_view(sample, focus="dprk")
    assert node_ids(one) == {str(PRK), str(KIM), str(JPN)}
    assert triples(one) == {t(KIM, "leaderOf", PRK), t(PRK, "threatens", JPN)}
    two = network_view(sample, focus="North Korea", hops=2)
    assert node_ids(two) == {str(PRK), str(KIM), str(JPN), str(USA), str(TOKYO)}
    assert triples(two) == {
        t(KIM, "leaderOf", PRK),
        t(PRK, "threatens", JPN),
        t(JPN, "alliedWith", USA),
        t(TOKYO, "locatedIn", JPN),
    }
    assert node_ids(network_view(sample, focus="NORTH KOREA", hops=0)) == {str(PRK)}
    assert node_ids(network_view(sample, focus=str(TOKYO), hops=0)) == {str(TOKYO)}
    assert node_ids(network_view(sample, focus="America", hops=9)) == ALL_NODES


def test_views_network_unknown_focus_raises(sample: Graph) -> None:
    with pytest.raises(QueryError, match="Atlantis"):
        network_view(sample, focus="Atlantis")


@pytest.mark.parametrize(
    "options",
    [{"hops": -1}, {"max_nodes": 0}, {"relations": ["likes"]}, {"classes": ["Document"]}],
)
def test_views_network_bad_options_raise(sample: Graph, options: dict) -> None:
    with pytest.raises(QueryError):
        network_view(sample, **options)


def test_views_network_relation_filter_by_property_or_family(sample: Graph) -> None:
    for relations in (["threatens"], ["conflictual"]):
        view = network_view(sample, relations=relations)
        assert triples(view) == {t(PRK, "threatens", JPN)}
        assert node_ids(view) == {str(PRK), str(JPN)}  # nodes left without edges go
    view = network_view(sample, relations=["cooperative", "leaderOf"])
    assert triples(view) == {t(JPN, "alliedWith", USA), t(KIM, "leaderOf", PRK)}


def test_views_network_class_filter(sample: Graph) -> None:
    countries = network_view(sample, classes=["Country"])
    assert node_ids(countries) == {str(USA), str(JPN), str(PRK)}
    assert triples(countries) == {t(JPN, "alliedWith", USA), t(PRK, "threatens", JPN)}
    actors = network_view(sample, classes=["Actor"])  # superclasses match
    assert node_ids(actors) == {str(USA), str(JPN), str(PRK), str(AUSTIN), str(KIM)}
    places = network_view(sample, classes=["Place", "Event"])
    assert node_ids(places) == {str(USA), str(JPN), str(PRK), str(TOKYO), str(MEETING)}


def test_views_network_since_and_min_confidence_filter_evidence(sample: Graph) -> None:
    recent = network_view(sample, since=date(2024, 8, 1))
    assert triples(recent) == {t(PRK, "threatens", JPN), t(KIM, "leaderOf", PRK)}
    assert node_ids(recent) == {str(PRK), str(JPN), str(KIM)}
    sure = network_view(sample, min_confidence=0.9)
    assert triples(sure) == {
        t(AUSTIN, "officialOf", USA),
        t(TOKYO, "locatedIn", JPN),
        t(KIM, "leaderOf", PRK),
    }
    assert all(e.confidence >= 0.9 for e in sure.edges)


def test_views_network_events_carry_their_date(sample: Graph) -> None:
    from rdflib.namespace import XSD  # imported here: pytest's collection trips on the namespace

    dates = {n.id: n.date for n in network_view(sample).nodes}
    assert dates == {n: ("2024-07-28" if n == str(MEETING) else None) for n in ALL_NODES}
    graph = Graph()
    country = _country(graph, "DDD")
    graph.add((country, KG.date, Literal("2024-01-01", datatype=XSD.date)))  # not an event: ignored
    for cls, name, when in (
        (KG.MilitaryExercise, "drill", Literal("2024-05", datatype=XSD.gYearMonth)),
        (KG.Agreement, "accord", Literal("2023", datatype=XSD.gYear)),
        (KG.Election, "vote", None),
    ):
        node = ID[f"event/{name}"]
        graph.add((node, RDF.type, cls))
        graph.add((country, KG.participatedIn if cls != KG.Agreement else KG.partyTo, node))
        if when is not None:
            graph.add((node, KG.date, when))
    by_label = {n.label: n.date for n in network_view(graph).nodes}
    assert by_label == {"DDD": None, "drill": "2024-05", "accord": "2023", "vote": None}


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("2024-07-28", ("2024-07-28", "2024-07-28")),
        ("2024-07-28T09:30:00Z", ("2024-07-28", "2024-07-28")),
        ("2024-07-28-05:00", ("2024-07-28", "2024-07-28")),
        ("2024-07Z", ("2024-07-01", "2024-07-31")),
        ("2024-07-2", None),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2023-02", ("2023-02-01", "2023-02-28")),
        ("2024", ("2024-01-01", "2024-12-31")),
        ("2024-13", None),
        ("2024-02-30", None),
        ("20245", None),
        ("July 2024", None),
        ("", None),
        (None, None),
    ],
)
def test_views_network_date_span(text: str | None, span: tuple[str, str] | None) -> None:
    assert date_span(text) == span


def test_views_network_truncation_keeps_the_best_connected(sample: Graph) -> None:
    view = network_view(sample, max_nodes=3)
    # degree 3: USA, JPN; then the first of the degree-2 nodes by label
    assert node_ids(view) == {str(USA), str(JPN), str(MEETING)}
    assert triples(view) == {t(JPN, "alliedWith", USA), t(USA, "participatedIn", MEETING)}
    assert (len(view.nodes), view.total_nodes, view.total_edges, view.truncated) == (3, 7, 7, True)
    focused = network_view(sample, focus="Kim", hops=2, max_nodes=2)
    assert node_ids(focused) == {str(KIM), str(PRK)}  # the focus node stays
    assert focused.total_nodes == 3


def synthetic_graph(n_nodes: int, n_edges: int, seed: int = 1) -> Graph:
    """Entities of six classes and random relations, each with one evidence node."""
    rng = random.Random(seed)
    graph = Graph()
    classes = [KG.Country, KG.Person, KG.Organization, KG.City, KG.Meeting, KG.Agreement]
    entities = [ID[f"entity/{i}"] for i in range(n_nodes)]
    for i, entity in enumerate(entities):
        graph.add((entity, RDF.type, classes[i % len(classes)]))
        graph.add((entity, RDFS.label, Literal(f"Entity {i}")))
    doc = ID["doc/synthetic"]
    graph.add((doc, RDF.type, KG.Document))
    graph.add((doc, DCTERMS.title, Literal("Synthetic")))
    seen: set[tuple[int, int, str]] = set()
    while len(seen) < n_edges:
        a, b, p = rng.randrange(n_nodes), rng.randrange(n_nodes), rng.choice(RELATION_PROPERTIES)
        if a != b and (a, b, p) not in seen and (b, a, p) not in seen:
            seen.add((a, b, p))
            graph.add((entities[a], KG[p], entities[b]))
            _evidence(graph, str(len(seen)), entities[a], p, entities[b], rng.random(), doc)
    return graph


@pytest.mark.slow
def test_views_network_large_graph() -> None:
    # speed is measured in benchmarks/, not here
    graph = synthetic_graph(5000, 20000)
    view = network_view(graph, max_nodes=5000)
    assert (len(view.nodes), len(view.edges)) == (5000, 20000)
    assert all(len(e.evidence) == 1 for e in view.edges)
    small = network_view(graph, max_nodes=100)
    assert (len(small.nodes), small.total_nodes, small.total_edges) == (100, 5000, 20000)
    degrees = sorted((n.degree for n in view.nodes), reverse=True)
    assert sorted(n.degree for n in small.nodes)[0] >= degrees[100]


@pytest.mark.parametrize("first", ["Dayr az Zawr", "Dayr Az Zawr"])
def test_views_network_names_differing_in_case_have_one_order(first: str) -> None:
    """Aliases equal but for case are ordered by their text too, not by set order (which follows
    the hash seed, and made two builds' pages differ)."""
    graph = Graph()
    city = ID["city/deir-ez-zor"]
    graph.add((city, RDF.type, KG.City))
    graph.add((city, RDFS.label, Literal("Deir ez-Zor")))
    for name in (first, "Dayr Az Zawr" if first == "Dayr az Zawr" else "Dayr az Zawr", "deir"):
        graph.add((city, SKOS.altLabel, Literal(name)))
    (node,) = network_view(graph).nodes
    assert node.alt_labels == ("Dayr Az Zawr", "Dayr az Zawr", "deir")
