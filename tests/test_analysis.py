"""The entity network (kg.views.analysis): read off a store with SPARQL, it is the network of its union."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.store.local import GraphStore
from kg.store.remote import RemoteStore
from kg.views.analysis import store_network, to_networkx
from kg.views.exporting import import_files

DATA = Path(__file__).parent / "data"
ID = "https://w3id.org/kg-geo/id/"


def contents(net: nx.MultiDiGraph) -> tuple[list[object], list[object]]:
    return sorted(net.nodes(data=True)), sorted(net.edges(keys=True, data=True))


@pytest.mark.parametrize("name", ["sample.trig", "network.trig"])
def test_analysis_store_network_is_the_union_network(tmp_path: Path, name: str) -> None:
    import_files(tmp_path / "store", [DATA / name])
    with GraphStore(tmp_path / "store") as store:
        assert contents(store_network(store)) == contents(to_networkx(store.union_graph()))


def test_analysis_network_corners(tmp_path: Path) -> None:
    import_files(tmp_path / "store", [DATA / "network.trig"])
    with GraphStore(tmp_path / "store") as store:
        net = store_network(store)
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
        expected = contents(store_network(local))
    import_files(server_url, [DATA / "network.trig"])
    with RemoteStore(server_url) as remote:
        assert contents(store_network(remote)) == expected
