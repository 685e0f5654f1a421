"""`kg import` and `kg export`: every format, round trips, bad files, atomic writes."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.core.errors import InputError, StoreError
from kg.store.local import GraphStore
from kg.store.names import DOC_PREFIX, REFERENCE_GRAPH, UNION_GRAPH
from kg.views.exporting import EXPORT_FORMATS, RDF_FORMATS, csv_paths, export, import_files

SAMPLE = Path(__file__).parent / "data" / "sample.trig"
SAMPLE_QUADS = 120
SAMPLE_TRIPLES = 116
runner = CliRunner()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """An output folder whose store/ holds the sample dataset (two documents)."""
    import_files(tmp_path / "out" / "store", [SAMPLE])
    return tmp_path / "out"


def union(path: Path) -> rdflib.Graph:
    with GraphStore(path) as store:
        return store.union_graph()


@pytest.mark.parametrize(
    ("fmt", "quads", "count"),
    [
        ("ttl", False, SAMPLE_TRIPLES),
        ("nt", False, SAMPLE_TRIPLES),
        ("trig", True, SAMPLE_QUADS),
        ("nq", True, SAMPLE_QUADS),
        ("jsonld", True, SAMPLE_QUADS),
    ],
)
def test_exporting_rdf_formats(store_dir: Path, tmp_path: Path, fmt: str, quads: bool, count: int) -> None:
    out = tmp_path / f"export.{fmt}"
    with GraphStore(store_dir / "store") as store:
        assert export(store, fmt, out) == [out]
    parsed = list(ox.parse(path=str(out), format=RDF_FORMATS[fmt]))
    assert len(parsed) == count
    graphs = {q.graph_name for q in parsed if isinstance(q, ox.Quad)}
    if quads:  # the documents' graphs, never the internal union graph
        assert graphs == {ox.NamedNode(DOC_PREFIX + "alpha"), ox.NamedNode(DOC_PREFIX + "beta")}
    assert UNION_GRAPH not in graphs
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "trig"])
def test_exporting_round_trip_is_isomorphic(store_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"export.{fmt}"
    with GraphStore(store_dir / "store") as store:
        export(store, fmt, out)
    assert import_files(tmp_path / "fresh", [out]) == (
        SAMPLE_TRIPLES if fmt in ("ttl", "nt") else SAMPLE_QUADS
    )
    assert isomorphic(union(tmp_path / "fresh" / "store"), union(store_dir / "store"))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_exporting_network_formats(store_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"net.{fmt}"
    with GraphStore(store_dir / "store") as store:
        export(store, fmt, out)
    net = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    japan = "https://w3id.org/kg-geo/id/country/JPN"
    assert japan in net
    labels = nx.get_node_attributes(net, "label")
    assert labels[japan] == "Japan"
    predicates = {attrs.get("predicate") for _, _, attrs in net.edges(data=True)}
    assert "alliedWith" in predicates


def test_exporting_csv_two_files(store_dir: Path, tmp_path: Path) -> None:
    with GraphStore(store_dir / "store") as store:
        written = export(store, "csv", tmp_path / "net.csv")
    nodes_path, edges_path = csv_paths(tmp_path / "net.csv")
    assert written == [nodes_path, edges_path] == [tmp_path / "net-nodes.csv", tmp_path / "net-edges.csv"]
    with nodes_path.open(encoding="utf-8") as handle:
        nodes = list(csv.DictReader(handle))
    with edges_path.open(encoding="utf-8") as handle:
        edges = list(csv.DictReader(handle))
    assert {"id": "https://w3id.org/kg-geo/id/country/JPN", "label": "Japan", "cls": "Country"} in nodes
    allied = [e for e in edges if e["predicate"] == "alliedWith"]
    assert allied[0]["source"].endswith("/country/USA")
    assert allied[0]["family"] == "cooperative"
    assert allied[0]["evidence"] == "1"


def test_exporting_failed_write_keeps_the_old_file(
    store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "graph.ttl"
    out.write_text("old", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("kg.views.exporting.ox.serialize", broken)
    with (
        GraphStore(store_dir / "store") as store,
        pytest.raises(StoreError, match=f"{out}: cannot write: disk full"),
    ):
        export(store, "ttl", out)
    assert out.read_text(encoding="utf-8") == "old"
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("fmt", "make_dir", "message"),
    [("xml", False, "unknown export format 'xml'"), ("ttl", True, "is a folder")],
)
def test_exporting_bad_requests(
    store_dir: Path, tmp_path: Path, fmt: str, make_dir: bool, message: str
) -> None:
    out = tmp_path / "target"
    if make_dir:
        out.mkdir()
    with GraphStore(store_dir / "store") as store, pytest.raises(InputError, match=message):
        export(store, fmt, out)


def test_exporting_formats_listed() -> None:
    assert set(EXPORT_FORMATS) == {"ttl", "nt", "trig", "nq", "jsonld", "graphml", "gexf", "csv"}


# ---------------------------------------------------------------------- import


def test_exporting_import_into_a_named_graph(tmp_path: Path) -> None:
    path = tmp_path / "ref.ttl"
    path.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "X" .\n')
    assert import_files(tmp_path / "s", [path]) == 1
    assert import_files(tmp_path / "s", [path], graph="https://example.org/ref") == 1
    with GraphStore(tmp_path / "s" / "store") as store:
        names = {g.value for g in store.graph_names() if isinstance(g, ox.NamedNode)}
        assert names == {REFERENCE_GRAPH.value, "https://example.org/ref"}
        assert store.documents() == []
        assert len(store.union_graph()) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.ttl", "<a> <b> .", "bad.ttl: cannot parse"),
        ("bad.nq", "<https://e.org/a> <https://e.org/b> <https://e.org/c> <https://e.org/g> <x> .", "bad.nq"),
        ("bad.xyz", "", "unknown RDF file type '.xyz'"),
        ("missing.ttl", None, "missing.ttl: no such file"),
        (
            "internal.trig",
            f"<{UNION_GRAPH.value}> {{ <https://e.org/a> <https://e.org/b> <https://e.org/c> }}",
            "an internal graph of the kg store",
        ),
    ],
)
def test_exporting_import_bad_file_changes_nothing(
    store_dir: Path, tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    good = tmp_path / "good.nt"
    good.write_text("<https://e.org/a> <https://e.org/b> <https://e.org/c> .\n")
    bad = tmp_path / name
    if content is not None:
        bad.write_text(content)
    with GraphStore(store_dir / "store") as store:
        before = set(store.store)
    with pytest.raises(InputError, match=message):
        import_files(store_dir / "store", [good, bad])
    with GraphStore(store_dir / "store") as store:
        assert set(store.store) == before
    with pytest.raises(InputError, match=message):
        import_files(tmp_path / "never", [good, bad])
    assert not (tmp_path / "never").exists()


def test_exporting_import_into_an_internal_graph_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="an internal graph"):
        import_files(tmp_path / "s", [SAMPLE], graph=UNION_GRAPH.value)


# ---------------------------------------------------------------------- the commands


def test_exporting_cli_export_then_import(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.nq"
    result = runner.invoke(app, ["export", "--format", "nq", "--out", str(out), "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    result = runner.invoke(app, ["import", str(out), "--store", str(tmp_path / "copy")])
    assert result.exit_code == 0, result.output
    assert f"imported {SAMPLE_QUADS} quads" in result.output
    assert isomorphic(union(tmp_path / "copy" / "store"), union(store_dir / "store"))


def test_exporting_cli_import_bad_file_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("nonsense")
    result = runner.invoke(app, ["import", str(bad), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert f"{bad}: cannot parse" in result.stderr
    assert not (tmp_path / "s").exists()


def test_exporting_cli_unknown_format_exit_code(store_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["export", "--format", "xml", "--out", str(tmp_path / "x"), "--store", str(store_dir)]
    )
    assert result.exit_code == 2  # typer rejects the choice
