"""`KnowledgeGraph`: what `kg.build()` returns; the graph plus the handful of things one does with it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Graph

from kg.core.errors import InputError
from kg.core.types import Document
from kg.pipeline.build import Built, Input, Outputs, build_inputs, write_outputs
from kg.quality.stats import GraphStats, graph_stats
from kg.resolve.mapping import union_graph

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from kg.quality.validate import ValidationReport
    from kg.store.local import GraphStore


class KnowledgeGraph:
    """A built or stored knowledge graph: `.graph` (rdflib, the union) and `.dataset` (per document)."""

    def __init__(self, dataset: Dataset, *, errors: Iterable[InputError] = ()) -> None:
        self.dataset = dataset
        self.graph: Graph = union_graph(dataset)
        self.errors: tuple[InputError, ...] = tuple(errors)
        self._store: GraphStore | None = None

    @classmethod
    def from_built(cls, built: Built) -> KnowledgeGraph:
        return cls(built.dataset, errors=built.errors)

    def __len__(self) -> int:
        return len(self.graph)

    def __repr__(self) -> str:
        s = self.stats()
        entities, relations = sum(s.entities.values()), sum(s.relations.values())
        return f"<KnowledgeGraph {s.documents} documents, {entities} entities, {relations} relations>"

    def _sparql_store(self) -> GraphStore:
        """An in-memory Oxigraph copy of the dataset, made on first query (Oxigraph answers SPARQL)."""
        if self._store is None:
            from kg.store.local import GraphStore

            store = GraphStore(None)
            store.replace_documents(self.dataset.serialize(format="trig"))
            self._store = store
        return self._store

    def query(self, sparql: str, **params: Any) -> pd.DataFrame:
        """Run SPARQL (over the union of the documents' graphs); `params` are bound, never spliced."""
        from kg.query.run import run

        return run(self._sparql_store(), sparql, params or None)

    def saved(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a saved query of `ontology/queries/` by name, e.g. `saved("allies-of", country="Japan")`."""
        from kg.query.run import saved_query

        return self.query(saved_query(name), **params)

    def to_networkx(self) -> nx.MultiDiGraph:
        from kg.views.analysis import to_networkx

        return to_networkx(self.graph)

    def stats(self) -> GraphStats:
        return graph_stats(self.graph)

    def validate(self) -> ValidationReport:
        from kg.quality.validate import validate

        return validate(self.graph)

    def render(self, path: str | Path | None = None, *, display: bool = True, **view_options: Any) -> Path:
        """Write the interactive HTML view; in Jupyter it also shows inline."""
        from kg.views.html import render

        target = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="kg-view-")) / "graph.html"
        written = render(self.graph, target, **view_options)
        if display:
            _display_inline(written)
        return written

    def save(self, out_dir: str | Path, *, html: bool = True, store: bool = True) -> Outputs:
        """graph.ttl, graph.trig, graph.html and the Oxigraph store under `out_dir`."""
        return write_outputs(self.dataset, Path(out_dir), html=html, store=store)


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
    inputs: Input | Iterable[Input], *, model: str | None = None, min_confidence: float = 0.0
) -> KnowledgeGraph:
    """Build a knowledge graph from texts, files, folders or `.jsonl` corpora.

    >>> kgraph = kg.build(["examples/"])            # doctest: +SKIP
    >>> kgraph.query("SELECT ?s WHERE { ?s a kg:Country }")  # doctest: +SKIP
    """
    items: list[Input] = [inputs] if isinstance(inputs, str | Path | Document) else list(inputs)
    built = build_inputs(items, model=model, min_confidence=min_confidence)
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
