"""The entity network (kg.views.analysis): read off a store with SPARQL, it is the network of its union."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.namespace import RDF, RDFS

from kg.core.vocab import KG, RELATION_FAMILIES, RELATION_PROPERTIES, class_ancestors
from kg.store.local import GraphStore
from kg.store.quads import memory_store
from kg.store.remote import RemoteStore
from kg.views.analysis import to_networkx
from kg.views.exporting import import_files

DATA = Path(__file__).parent / "data"
ID = "https://w3id.org/kg-geo/id/"


def contents(net: nx.MultiDiGraph) -> tuple[list[object], list[object]]:
    return sorted(net.nodes(data=True)), sorted(net.edges(keys=True, data=True))


def rdflib_network(graph: rdflib.Graph) -> nx.MultiDiGraph:
    """The network as the docstring of `to_networkx` defines it, read off an rdflib graph here: what
    the store's SPARQL must give."""
    net = nx.MultiDiGraph()
    for node in sorted({s for s in graph.subjects(RDF.type) if isinstance(s, rdflib.URIRef)}):
        classes = [
            str(c)[len(str(KG)) :] for c in graph.objects(node, RDF.type) if str(c).startswith(str(KG))
        ]
        classes = [c for c in classes if c not in ("Document", "Evidence")]
        if classes:
            label = min(map(str, graph.objects(node, RDFS.label)), default=str(node))
            net.add_node(str(node), cls=max(classes, key=lambda c: len(class_ancestors(c))), label=label)
    for prop in RELATION_PROPERTIES:
        for s, o in graph.subject_objects(KG[prop]):
            if str(s) in net and str(o) in net and prop in RELATION_FAMILIES:
                support = [
                    ev
                    for ev in graph.subjects(RDF.subject, s)
                    if (ev, RDF.predicate, KG[prop]) in graph and (ev, RDF.object, o) in graph
                ]
                net.add_edge(
                    str(s),
                    str(o),
                    key=prop,
                    predicate=prop,
                    family=RELATION_FAMILIES[prop],
                    evidence=len(support),
                )
    return net


@pytest.mark.parametrize("name", ["sample.trig", "network.trig"])
def test_analysis_store_network_is_the_union_network(tmp_path: Path, name: str) -> None:
    import_files(tmp_path / "store", [DATA / name])
    with GraphStore(tmp_path / "store") as store:
        union = store.union_graph()
        assert contents(to_networkx(store)) == contents(rdflib_network(union))
        with memory_store(union) as copy:  # an rdflib graph is read in a store in memory
            assert contents(to_networkx(copy)) == contents(rdflib_network(union))


def test_analysis_network_corners(tmp_path: Path) -> None:
    import_files(tmp_path / "store", [DATA / "network.trig"])
    with GraphStore(tmp_path / "store") as store:
        net = to_networkx(store)
    assert set(net) == {f"{ID}country/JPN", f"{ID}country/USA", f"{ID}organization/nato", f"{ID}person/x"}
    assert net.nodes[f"{ID}country/JPN"]["label"] == "Japan"  # the least of its labels
    assert net.nodes[f"{ID}organization/nato"]["cls"] == "InternationalOrganization"  # the most specific
    assert net.nodes[f"{ID}person/x"]["label"] == f"{ID}person/x"  # no label: its IRI
    allied = net.get_edge_data(f"{ID}country/USA", f"{ID}country/JPN", "alliedWith")
    assert allied == {"predicate": "alliedWith", "family": "cooperative", "evidence": 2}
    assert net.get_edge_data(f"{ID}country/JPN", f"{ID}untyped/thing") is None
    assert net.get_edge_data(f"{ID}person/x", f"{ID}country/JPN", "officialOf")["evidence"] == 0


def test_analysis_store_network_on_a_server(server_url: str, tmp_path: Path) -> None:
    import_files(tmp_path / "store", [DATA / "network.trig"])
    with GraphStore(tmp_path / "store") as local:
        expected = contents(to_networkx(local))
    import_files(server_url, [DATA / "network.trig"])
    with RemoteStore(server_url) as remote:
        assert contents(to_networkx(remote)) == expected
