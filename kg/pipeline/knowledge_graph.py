"""`KnowledgeGraph`: what `kg.build()` returns; the graph plus the handful of things one does with it."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Graph

from kg.core.errors import InputError, KGError
from kg.core.types import Document
from kg.pipeline.build import Input, Outputs
from kg.quality.stats import GraphStats, graph_stats
from kg.store.local import GraphStore
from kg.store.names import UNION_GRAPH
from kg.store.quads import memory_store

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from spacy.language import Language

    from kg.pipeline.incremental import StoreChange
    from kg.quality.validate import ValidationReport
    from kg.store.base import KGStore

log = logging.getLogger(__name__)


class KnowledgeGraph:
    """A built or stored knowledge graph, held in an in-memory Oxigraph store (`.store`) that answers
    every read (query, stats, network, validation, view). `.graph` (the union of the documents'
    graphs) and `.dataset` (a graph per document) are rdflib views of it, made on first use: copies,
    so changing them leaves the knowledge graph as it is."""

    def __init__(self, data: Graph | GraphStore, *, errors: Iterable[InputError] = ()) -> None:
        """`data`: an rdflib Dataset (or Graph), loaded into a new in-memory store, or an in-memory
        GraphStore, held as it is."""
        self.store: GraphStore = data if isinstance(data, GraphStore) else memory_store(data)
        self.errors: tuple[InputError, ...] = tuple(errors)
        self._dataset: Dataset | None = None
        self._graph: Graph | None = None

    #: The build this graph came from (`from_built`): its store in memory, records included, and report
    _built: StoreChange | None = None

    @classmethod
    def from_built(cls, built: StoreChange) -> KnowledgeGraph:
        """The graph of a build into memory (`kg.pipeline.incremental.build_store(memory=True)`)."""
        if built.store is None:
            raise KGError("not a build into memory: it holds no store")
        kgraph = cls(built.store, errors=built.errors)  # held as it is: reads never see its records
        kgraph._built = built
        return kgraph

    @classmethod
    def from_store(cls, store: KGStore, *, errors: Iterable[InputError] = ()) -> KnowledgeGraph:
        """The knowledge graph of any store (on disk, in memory or a server), copied into memory:
        its documents' graphs and the default graph, never kg's internal graphs."""
        copy = GraphStore(None)
        copy.bulk_add(store.quads(), compact=False)
        return cls(copy, errors=errors)

    @property
    def dataset(self) -> Dataset:
        """The graphs as an rdflib Dataset (its default graph the union of the named graphs)."""
        if self._dataset is None:
            self._dataset = self.store.to_dataset()
        return self._dataset

    @property
    def graph(self) -> Graph:
        """The union of the graphs as an rdflib Graph (every distinct triple once)."""
        if self._graph is None:
            self._graph = self.store.union_graph()
        return self._graph

    def __len__(self) -> int:
        return len(self.store.quads_for_pattern(None, None, None, UNION_GRAPH))

    def __repr__(self) -> str:
        s = self.stats()
        entities, relations = sum(s.entities.values()), sum(s.relations.values())
        return f"<KnowledgeGraph {s.documents} documents, {entities} entities, {relations} relations>"

    def query(self, sparql: str, **params: Any) -> pd.DataFrame:
        """Run SPARQL (over the union of the documents' graphs); `params` are bound, never spliced."""
        from kg.query.run import run

        return run(self.store, sparql, params or None)

    def saved(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a saved query of `ontology/queries/` by name, e.g. `saved("allies-of", country="Japan")`."""
        from kg.query.run import saved_query

        return self.query(saved_query(name), **params)

    def to_networkx(self) -> nx.MultiDiGraph:
        from kg.views.analysis import to_networkx

        return to_networkx(self.store)

    def stats(self) -> GraphStats:
        return graph_stats(self.store)

    def validate(self) -> ValidationReport:
        from kg.quality.validate import validate

        return validate(self.store)

    def to_pyvis(self, **view_options: Any) -> Any:
        """The explorer's view as a pyvis `Network` (the same nodes, edges, colours and positions),
        for those who want pyvis's API; `view_options` as `render`'s (focus, hops, relations...)."""
        from kg.views.network import network_view
        from kg.views.pyvis_network import to_pyvis

        return to_pyvis(network_view(self.graph, **view_options))

    def render(self, path: str | Path | None = None, *, display: bool = True, **view_options: Any) -> Path:
        """Write the interactive HTML view; in Jupyter it also shows inline."""
        from kg.views.html import render

        target = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="kg-view-")) / "graph.html"
        written = render(self.graph, target, **view_options)
        if display:
            _display_inline(written)
        return written

    def save(self, out_dir: str | Path, *, html: bool = True) -> Outputs:
        """What `kg build INPUTS --out OUT_DIR` writes: graph.ttl, graph.trig, graph.html, the store
        (a built graph's with its extraction records: `kg build --append` onto it re-resolves) and
        build-report.json (for a built graph)."""
        from kg.pipeline.incremental import save_store

        report = self._built.report if self._built is not None else None
        change = save_store(self.store, Path(out_dir), html=html, report=report)
        written = dict(change.written)
        return Outputs(
            written["graph"], written["dataset"], written.get("view"), written["store"], written.get("report")
        )


def _display_inline(path: Path) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        return
    if get_ipython() is None:
        return
    from html import escape

    page = path.read_text(encoding="utf-8")
    display(
        HTML(
            f'<iframe srcdoc="{escape(page, quote=True)}" style="width:100%;height:640px;border:0"></iframe>'
        )
    )


def build(
    inputs: Input | Iterable[Input],
    *,
    model: str | None = None,
    nlp: Language | None = None,
    min_confidence: float = 0.0,
    workers: int | None = None,
) -> KnowledgeGraph:
    """Build a knowledge graph from texts, files, folders or `.jsonl` corpora: the build `kg build`
    runs, into a store in memory. `save(OUT)` then writes what `kg build INPUTS --out OUT` writes.
    `nlp` is a loaded pipeline to use instead of loading `model`; `workers` as `kg build --workers`.

    >>> kgraph = kg.build(["examples/"])            # doctest: +SKIP
    >>> kgraph.query("SELECT ?s WHERE { ?s a kg:Country }")  # doctest: +SKIP
    """
    from kg.pipeline.incremental import build_store

    items: list[Input] = [inputs] if isinstance(inputs, str | Path | Document) else list(inputs)
    built = build_store(
        items, None, memory=True, nlp=nlp, model=model, min_confidence=min_confidence, workers=workers
    )
    for error in built.errors:
        log.warning("%s", error)
    return KnowledgeGraph.from_built(built)


def open_store(path: str | Path) -> KnowledgeGraph:
    """The knowledge graph of a store folder that `kg build --out DIR` wrote (DIR or DIR/store)."""
    from kg.store.local import GraphStore, store_folder

    store = GraphStore.open_existing(store_folder(Path(path)), read_only=True)
    try:
        dataset = store.to_dataset()
    finally:
        store.close()
    return KnowledgeGraph(dataset)


def load_graph_file(path: str | Path) -> KnowledgeGraph:
    """A knowledge graph from a .trig/.nq dataset or a .ttl/.nt graph file."""
    from kg.core.errors import InputError as _InputError

    file = Path(path)
    if not file.is_file():
        raise _InputError(f"{file}: no such graph file")
    dataset = Dataset()
    try:
        if file.suffix.lower() in (".trig", ".nq"):
            dataset.parse(file)
        else:
            dataset.default_graph.parse(file)
    except (SyntaxError, ValueError) as e:
        raise _InputError(f"{file}: cannot parse RDF: {e}") from e
    return KnowledgeGraph(dataset)
