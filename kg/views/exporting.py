"""RDF in and out of a store: `kg import` bulk-loads reference data, `kg export` writes the graph.

Export formats:

- `ttl`, `nt`: the union graph (every distinct triple of every graph, inferred ones included);
- `trig`, `nq`, `jsonld`: the dataset, one named graph per document plus the reference and
  inferred graphs (JSON-LD carries named graphs too); never the store's internal graphs;
- `graphml`, `gexf`: the entity network of `kg.views.analysis.to_networkx` (nodes: label, cls; edges:
  predicate, family, evidence), attributes reduced to GraphML-safe scalars;
- `csv`: two files beside each other, `<PATH>-nodes.csv` (id, label, cls) and `<PATH>-edges.csv`
  (source, target, predicate, family, evidence); a `.csv` suffix on PATH is dropped first, so
  `--out net.csv` writes `net-nodes.csv` and `net-edges.csv`.

Every file is written to a temporary file in its folder and renamed into place, so a reader never
sees half a file and a failed export leaves the old file as it was.
"""

from __future__ import annotations

import csv
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.core.errors import InputError, KGError, StoreError
from kg.core.files import create_beside
from kg.core.vocab import DEFAULT_PREFIXES
from kg.store.base import KGStore
from kg.store.local import store_folder
from kg.store.names import UNION_GRAPH

if TYPE_CHECKING:
    import networkx as nx

    from kg.store.endpoints import Endpoints

log = logging.getLogger(__name__)

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
EXPORT_FORMATS = (*RDF_FORMATS, "graphml", "gexf", "csv")
_PREFIXES = {k: v for k, v in DEFAULT_PREFIXES.items() if k != "id"}


def export(store: KGStore, fmt: str, out: Path) -> list[Path]:
    """Write the store's graph in `fmt` (one of EXPORT_FORMATS) to `out`; returns the files written."""
    out = Path(out)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file path to export to")
    if fmt in RDF_FORMATS:
        rdf_format = RDF_FORMATS[fmt]
        data: Iterable[ox.Triple] | Iterable[ox.Quad]
        if rdf_format.supports_datasets:
            data = sorted(store.quads(), key=lambda q: (str(q.graph_name), str(q.triple)))
        else:
            data = sorted((q.triple for q in store.quads_for_pattern(None, None, None, UNION_GRAPH)), key=str)
        with _atomic(out) as tmp:
            ox.serialize(data, output=tmp, format=rdf_format, prefixes=_PREFIXES)
        return [out]
    net = _safe(_network(store))
    import networkx as nx

    if fmt == "graphml":
        with _atomic(out) as tmp:
            nx.write_graphml(net, tmp)
        return [out]
    if fmt == "gexf":
        with _atomic(out) as tmp:
            nx.write_gexf(net, tmp)
        return [out]
    return _write_csv(net, out)


def csv_paths(out: Path) -> tuple[Path, Path]:
    """The nodes and edges files of a CSV export to `out`."""
    stem = out.name.removesuffix(".csv")
    return out.with_name(f"{stem}-nodes.csv"), out.with_name(f"{stem}-edges.csv")


def import_files(location: str | Path | Endpoints, files: Iterable[Path], *, graph: str | None = None) -> int:
    """Bulk-load RDF files into the store at `location` (a folder, made if missing, or a URL).

    Every file is parsed in full first: a bad one raises InputError naming it, and nothing is
    loaded (a store folder made for the import is removed again). Inferred triples are refreshed.
    Returns the quads added.
    """
    from kg.quality.infer import refresh_if_present
    from kg.store.remote import connect, is_remote

    paths = [Path(f) for f in files]
    made = None if is_remote(location) else _first_missing(store_folder(Path(str(location))))
    try:
        with connect(location, create=True) as store:
            added = store.load_files(paths, graph=graph)
            refresh_if_present(store)
    except KGError:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        raise
    return added


def _first_missing(path: Path) -> Path | None:
    """The outermost folder of `path` that does not exist yet (None if `path` exists)."""
    missing = None
    while not path.exists():
        missing, path = path, path.parent
    return missing


def _network(store: KGStore) -> nx.MultiDiGraph:
    from kg.views.analysis import to_networkx

    return to_networkx(store)


def _safe(net: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Attributes GraphML and GEXF can hold: str, int, float, bool; None dropped, others as text."""

    def clean(attrs: dict[str, object]) -> None:
        for key, value in list(attrs.items()):
            if value is None:
                del attrs[key]
            elif not isinstance(value, str | int | float | bool):
                attrs[key] = str(value)

    for _, attrs in net.nodes(data=True):
        clean(attrs)
    for _, _, attrs in net.edges(data=True):
        clean(attrs)
    return net


def _write_csv(net: nx.MultiDiGraph, out: Path) -> list[Path]:
    nodes_path, edges_path = csv_paths(out)
    with _atomic(nodes_path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "label", "cls"])
        for node in sorted(net.nodes):
            attrs = net.nodes[node]
            writer.writerow([node, attrs.get("label", ""), attrs.get("cls", "")])
    with _atomic(edges_path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "target", "predicate", "family", "evidence"])
        rows: list[tuple[str, str, str, str, int]] = [
            (s, o, attrs.get("predicate", ""), attrs.get("family", ""), attrs.get("evidence", 0))
            for s, o, attrs in net.edges(data=True)
        ]
        writer.writerows(sorted(rows))
    return [nodes_path, edges_path]


@contextmanager
def _atomic(path: Path) -> Iterator[str]:
    """A temporary file beside `path`, renamed onto it when the block succeeds, removed if not."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = create_beside(path)
    except OSError as e:
        raise StoreError(f"{path}: cannot write: {e}") from e
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as e:
        raise StoreError(f"{path}: cannot write: {e}") from e
    finally:
        Path(tmp).unlink(missing_ok=True)
    log.info("wrote %s", path)
