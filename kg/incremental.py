"""A store that grows and shrinks: `kg build --append` adds documents, `kg remove` retracts them.

Design: the store keeps every document's extraction records (what the spaCy pipeline found in it:
entity records and relation claims, plus the document itself) as JSON in an internal graph
(`kg.graphs.RECORDS_GRAPH`), and every append or removal re-resolves the *whole* corpus from those
records, then rewrites exactly the document graphs whose triples changed.

Why re-resolve everything rather than merge a new document into the stored entities: resolution is
a function of the whole corpus, not of one document. A lone "Austin" joins "Lloyd Austin" only if
exactly one full name in the corpus ends that way; an entity's label is the most frequent one and
its aliases the union over all documents; a relation survives `--min-confidence` by the noisy-or of
its evidence across documents; and each document's graph carries the corpus-wide description of
its entities. So adding one document can change other documents' graphs, and removing one can
undo a merge. Re-resolving from stored records gives, by construction, the graph a from-scratch
build of the same documents (in the order they were first added) gives — including after removals
— while the expensive step, extraction, runs only for new or changed texts. Resolution and mapping
are linear and cheap next to it. Keeping the records inside the store (not in side files) makes each
change a single Oxigraph transaction: document graphs and records can never disagree.

An input whose `kg:contentHash` (and title, date, URL) equal the stored document's is skipped and
reported "unchanged"; a changed one replaces its graph. Document graphs that have no records (loaded
from RDF with `kg import`, or stores written by `KnowledgeGraph.save`) are kept as they are and
take no part in re-resolution. If the store has inferred triples (`kg infer`), they are refreshed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.build import Input, Outputs, collect, fresh_folder, swap_in, write_outputs, write_text_atomic
from kg.errors import InputError, KGError, StoreError
from kg.graphs import DOC_PREFIX, INFERRED_GRAPH, RECORDS_GRAPH, UNION_GRAPH
from kg.infer import refresh_if_present
from kg.mapping import doc_iri, to_dataset
from kg.quads import dataset_quads, to_quads
from kg.resolve import resolve
from kg.stats import GraphStats, graph_stats, store_stats
from kg.store import DEFAULT_PREFIXES, GraphStore, KGStore, store_folder, to_rdflib
from kg.types import Document, DocumentExtraction, EntityRecord, Evidence, RelationClaim
from kg.vocab import ID, KG, RELATION_PROPERTIES

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.endpoints import Endpoints

log = logging.getLogger(__name__)

_RECORD = ox.NamedNode(f"{ID}internal/extraction")  # <doc> _RECORD "json"
_ORDER = ox.NamedNode(f"{ID}internal/order")  # <doc> _ORDER n: when it was first added
_MIN_CONFIDENCE = ox.NamedNode(f"{ID}internal/minConfidence")  # <RECORDS_GRAPH> _MIN_CONFIDENCE x
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Stored:
    """A document's extraction records as the store keeps them, with its position in the corpus."""

    order: int
    extraction: DocumentExtraction


@dataclass(frozen=True)
class StoreChange:
    """What a build, append or removal did, by document id."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()  # other documents whose graphs re-resolution changed
    errors: tuple[InputError, ...] = ()
    written: tuple[tuple[str, Path], ...] = ()  # (what, path): graph, dataset, view, store
    stats: GraphStats | None = None


# ---------------------------------------------------------------------- building


def build_store(
    inputs: Iterable[Input],
    out_dir: Path | None,
    *,
    append: bool = False,
    store: str | Endpoints | None = None,
    nlp: Language | None = None,
    model: str | None = None,
    min_confidence: float | None = None,
    html: bool = True,
    on_read: Callable[[int], None] | None = None,
    on_done: Callable[[Document], None] | None = None,
) -> StoreChange:
    """Build INPUTS into `out_dir` (graph.ttl, graph.trig, graph.html, store/), or add them with `append`.

    Without `append` the store is replaced; with it, new documents are added, changed ones replace
    their graphs, unchanged ones are skipped, and the corpus is re-resolved (see the module doc).
    `min_confidence` defaults to 0, or for `append` to what the store was built with.

    `store`, a SPARQL server's URL or Endpoints (kg.endpoints), puts the documents into that store
    instead, always as `append` does (a shared store is never wiped by a build); graph.ttl,
    graph.trig and graph.html are written only if `out_dir` is given.
    """
    from kg.remote import is_remote

    if store is not None and not is_remote(store):
        raise InputError(f"{store}: not a store URL (http:// or https://); a local store goes in --out")
    if store is None:
        out_dir = Path("output") if out_dir is None else Path(out_dir)
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise StoreError(f"{out_dir}: output path exists and is not a folder")
    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise KGError(f"min confidence must be between 0 and 1, got {min_confidence}")
    documents, errors = collect(inputs)
    for error in errors:
        log.warning("%s", error)
    documents = list({d.id: d for d in documents}.values())  # a repeated id: the last one counts
    if on_read is not None:
        on_read(len(documents))
    if not documents:
        return StoreChange(errors=tuple(errors))

    def run(todo: Sequence[Document]) -> list[DocumentExtraction]:
        return _extract(todo, nlp=nlp, model=model, on_done=on_done)

    if store is not None:
        change = _build_remote(store, documents, run, out_dir, min_confidence, html)
        return replace(change, errors=tuple(errors))
    assert out_dir is not None
    if not append:
        return _build_fresh(documents, out_dir, run, min_confidence or 0.0, html, tuple(errors))
    with GraphStore(out_dir / "store") as local:
        change = _append(local, documents, run, min_confidence)
        if not (change.added or change.replaced or change.updated):
            return StoreChange(unchanged=change.unchanged, errors=tuple(errors))
        written, stats = write_views(local, out_dir, html=html)
    return StoreChange(
        added=change.added,
        replaced=change.replaced,
        unchanged=change.unchanged,
        updated=change.updated,
        errors=tuple(errors),
        written=(*written, ("store", out_dir / "store")),
        stats=stats,
    )


def _build_remote(
    location: str | Endpoints,
    documents: Sequence[Document],
    run: Callable[[Sequence[Document]], list[DocumentExtraction]],
    out_dir: Path | None,
    min_confidence: float | None,
    html: bool,
) -> StoreChange:
    """Add the documents to the store at a URL; the files in `out_dir` only if it is given."""
    from kg.remote import RemoteStore
    from kg.stats import store_stats

    with RemoteStore(location) as remote:
        change = _append(remote, documents, run, min_confidence)
        written: list[tuple[str, Path]] = []
        if out_dir is not None and (change.added or change.replaced or change.updated):
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            written, _ = write_views(remote, Path(out_dir), html=html)
        return replace(change, written=tuple(written), stats=store_stats(remote))


def _extract(
    documents: Sequence[Document],
    *,
    nlp: Language | None,
    model: str | None,
    on_done: Callable[[Document], None] | None,
) -> list[DocumentExtraction]:
    if not documents:
        return []
    from kg.extract.document import extract
    from kg.extract.pipeline import build_nlp

    pipeline = nlp if nlp is not None else build_nlp(model)
    return list(extract(pipeline, documents, on_done=on_done))


def _build_fresh(
    documents: Sequence[Document],
    out_dir: Path,
    run: Callable[[Sequence[Document]], list[DocumentExtraction]],
    min_confidence: float,
    html: bool,
    errors: tuple[InputError, ...],
) -> StoreChange:
    """The store from scratch: written beside the old one, then swapped in (readers never see half)."""
    extractions = run(documents)
    dataset = to_dataset(resolve(extractions, min_confidence=min_confidence))
    outputs = write_outputs(dataset, out_dir, html=html, store=False)
    path = out_dir / "store"
    fresh = fresh_folder(path)
    with GraphStore(fresh) as store:
        records = {str(doc_iri(x.document.id)): Stored(n, x) for n, x in enumerate(extractions)}
        store.bulk_add([*dataset_quads(dataset), *_record_quads(records, min_confidence)])
    swap_in(fresh, path)
    from kg.mapping import union_graph

    return StoreChange(
        added=tuple(d.id for d in documents),
        errors=errors,
        written=_labelled(Outputs(outputs.ttl, outputs.trig, outputs.html, path)),
        stats=graph_stats(union_graph(dataset)),
    )


def _append(
    store: KGStore,
    documents: Sequence[Document],
    run: Callable[[Sequence[Document]], list[DocumentExtraction]],
    min_confidence: float | None,
) -> StoreChange:
    records = read_records(store)
    stored_min = stored_min_confidence(store)
    threshold = min_confidence if min_confidence is not None else (stored_min or 0.0)
    hashes = content_hashes(store)
    todo: list[Document] = []
    unchanged: list[str] = []
    for document in documents:
        iri = str(doc_iri(document.id))
        record = records.get(iri)
        if hashes.get(iri) == document.content_hash and (
            record is None or _same_metadata(record.extraction.document, document)
        ):
            unchanged.append(document.id)
        else:
            todo.append(document)
    if not todo and threshold == (stored_min or 0.0):
        log.info("nothing to do: %d documents unchanged", len(unchanged))
        return StoreChange(unchanged=tuple(unchanged))
    extractions = run(todo)
    merged = dict(records)
    written: dict[str, Stored] = {}
    order = max((r.order for r in records.values()), default=-1) + 1
    for x in extractions:
        iri = str(doc_iri(x.document.id))
        if iri in records:
            written[iri] = Stored(records[iri].order, x)
        else:
            written[iri], order = Stored(order, x), order + 1
        merged[iri] = written[iri]
    rewritten = apply_records(store, merged, threshold, write=written)
    replaced = {x.document.id for x in extractions if str(doc_iri(x.document.id)) in hashes}
    return StoreChange(
        added=tuple(x.document.id for x in extractions if x.document.id not in replaced),
        replaced=tuple(sorted(replaced)),
        unchanged=tuple(unchanged),
        updated=tuple(sorted(_doc_ids(rewritten, merged) - {x.document.id for x in extractions})),
    )


def _same_metadata(old: Document, new: Document) -> bool:
    return (old.published, old.url, old.title) == (new.published, new.url, new.title)


# ---------------------------------------------------------------------- removing


def remove_documents(
    doc_ids: Iterable[str], location: str | Path | Endpoints, *, html: bool = True
) -> StoreChange:
    """Retract documents: their graphs go, the rest is re-resolved (what only they said goes too).

    `location` is the store, the folder holding it, or a store's URL (kg.remote). For a local
    store, graph.ttl, graph.trig and graph.html beside it are rewritten if they exist. An unknown
    id raises InputError and changes nothing.
    """
    from kg.remote import connect, is_remote

    with connect(location) as store:
        graphs = {str(g.value) for g in store.graph_names() if isinstance(g, ox.NamedNode)}
        drop: dict[str, str] = {}
        unknown: list[str] = []
        for doc_id in doc_ids:
            iri = next((c for c in (str(doc_iri(doc_id)), DOC_PREFIX + doc_id) if c in graphs), None)
            if iri is None:
                unknown.append(doc_id)
            else:
                drop[iri] = doc_id
        if unknown:
            known = ", ".join(store.documents()) or "none"
            missing = ", ".join(map(repr, unknown))
            raise InputError(f"{store.location}: no document {missing} in the store (documents: {known})")
        records = read_records(store)
        remaining = {iri: r for iri, r in records.items() if iri not in drop}
        rewritten = apply_records(store, remaining, stored_min_confidence(store) or 0.0, drop=drop)
        written: list[tuple[str, Path]] = []
        stats = None
        if not is_remote(location):
            path = store_folder(Path(str(location)))
            written, stats = write_views(store, path.parent, html=html, only_existing=True)
            written.append(("store", path))
    return StoreChange(
        removed=tuple(drop.values()),
        updated=tuple(sorted(_doc_ids(rewritten, remaining))),
        written=tuple(written),
        stats=stats,
    )


# ---------------------------------------------------------------------- the records


def apply_records(
    store: KGStore,
    records: Mapping[str, Stored],
    min_confidence: float,
    *,
    write: Mapping[str, Stored] | None = None,
    drop: Iterable[str] = (),
) -> set[str]:
    """Re-resolve `records` and bring the store in line in one transaction.

    Rewrites the document graphs whose triples changed, stores the records of `write`, and drops
    the graphs and records of `drop`. Returns the IRIs of the graphs rewritten.
    """
    write = write or {}
    ordered = [r.extraction for r in sorted(records.values(), key=lambda r: r.order)]
    new_graphs: dict[str, set[ox.Quad]] = {}
    for quad in to_quads(resolve(ordered, min_confidence=min_confidence)):
        new_graphs.setdefault(str(quad.graph_name.value), set()).add(quad)  # type: ignore[union-attr]
    rewrite = {
        iri
        for iri, quads in new_graphs.items()
        if set(store.quads_for_pattern(None, None, None, ox.NamedNode(iri))) != quads
    }
    drop = set(drop)
    old_records = [
        q
        for iri in {*write, *drop}
        for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, RECORDS_GRAPH)
    ]
    old_records += store.quads_for_pattern(RECORDS_GRAPH, _MIN_CONFIDENCE, None, RECORDS_GRAPH)
    store.apply(
        drop=[ox.NamedNode(iri) for iri in sorted(rewrite | drop)],
        delete=old_records,
        insert=[
            *(q for iri in sorted(rewrite) for q in new_graphs[iri]),
            *_record_quads(write, min_confidence),
        ],
    )
    refresh_if_present(store)
    log.info("rewrote %d document graphs, dropped %d", len(rewrite), len(drop))
    return rewrite


def read_records(store: KGStore) -> dict[str, Stored]:
    """The stored extraction records, by document IRI."""
    orders = {
        str(q.subject.value): int(q.object.value)  # type: ignore[union-attr]
        for q in store.quads_for_pattern(None, _ORDER, None, RECORDS_GRAPH)
    }
    records = {}
    for quad in store.quads_for_pattern(None, _RECORD, None, RECORDS_GRAPH):
        iri = str(quad.subject.value)  # type: ignore[union-attr]
        try:
            extraction = extraction_from_json(quad.object.value)  # type: ignore[union-attr]
        except (KeyError, TypeError, ValueError) as e:
            raise StoreError(f"{store.location}: corrupt extraction records of {iri}: {e}") from e
        records[iri] = Stored(orders.get(iri, 0), extraction)
    return records


def stored_min_confidence(store: KGStore) -> float | None:
    """The --min-confidence the store's corpus was resolved with, if it was recorded."""
    for quad in store.quads_for_pattern(RECORDS_GRAPH, _MIN_CONFIDENCE, None, RECORDS_GRAPH):
        return float(quad.object.value)  # type: ignore[union-attr]
    return None


def content_hashes(store: KGStore) -> dict[str, str]:
    """kg:contentHash of every document node, by document IRI (as stated in its own graph)."""
    result = store.query("SELECT ?doc ?hash WHERE { GRAPH ?doc { ?doc kg:contentHash ?hash } }")
    assert isinstance(result, ox.QuerySolutions)
    return {str(s["doc"].value): str(s["hash"].value) for s in result}


def extraction_to_json(extraction: DocumentExtraction) -> str:
    """What re-resolution needs of an extraction (not the mentions), as JSON."""
    document = asdict(extraction.document)
    document["published"] = extraction.document.published and extraction.document.published.isoformat()
    data = {
        "version": _FORMAT_VERSION,
        "document": document,
        "entities": [asdict(e) for e in extraction.entities],
        "claims": [asdict(c) for c in extraction.claims],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def extraction_from_json(text: str) -> DocumentExtraction:
    data: dict[str, Any] = json.loads(text)
    if data.get("version") != _FORMAT_VERSION:
        raise ValueError(f"unknown records version {data.get('version')!r}")
    doc = dict(data["document"])
    doc["published"] = date.fromisoformat(doc["published"]) if doc["published"] else None
    entities = tuple(EntityRecord(**{**e, "names": tuple(e["names"])}) for e in data["entities"])
    claims = tuple(
        RelationClaim(c["subject"], c["predicate"], c["object"], Evidence(**c["evidence"]))
        for c in data["claims"]
    )
    return DocumentExtraction(Document(**doc), entities, (), claims)


def _record_quads(records: Mapping[str, Stored], min_confidence: float) -> list[ox.Quad]:
    quads = [
        ox.Quad(
            RECORDS_GRAPH,
            _MIN_CONFIDENCE,
            ox.Literal(str(Decimal(str(min_confidence))), datatype=_XSD_DECIMAL),
            RECORDS_GRAPH,
        )
    ]
    for iri, record in records.items():
        node = ox.NamedNode(iri)
        quads.append(ox.Quad(node, _RECORD, ox.Literal(extraction_to_json(record.extraction)), RECORDS_GRAPH))
        quads.append(
            ox.Quad(node, _ORDER, ox.Literal(str(record.order), datatype=_XSD_INTEGER), RECORDS_GRAPH)
        )
    return quads


_XSD_INTEGER = ox.NamedNode(DEFAULT_PREFIXES["xsd"] + "integer")
_XSD_DECIMAL = ox.NamedNode(DEFAULT_PREFIXES["xsd"] + "decimal")


def _doc_ids(iris: Iterable[str], records: Mapping[str, Stored]) -> set[str]:
    return {records[i].extraction.document.id if i in records else i.removeprefix(DOC_PREFIX) for i in iris}


# ---------------------------------------------------------------------- the files beside the store


def _labelled(outputs: Outputs) -> tuple[tuple[str, Path], ...]:
    pairs = (
        ("graph", outputs.ttl),
        ("dataset", outputs.trig),
        ("view", outputs.html),
        ("store", outputs.store),
    )
    return tuple((label, path) for label, path in pairs if path is not None)


def write_views(
    store: KGStore, out_dir: Path, *, html: bool = True, only_existing: bool = False
) -> tuple[list[tuple[str, Path]], GraphStats | None]:
    """graph.ttl, graph.trig and graph.html from the store's asserted graphs (not the inferred one).

    With `only_existing`, only the files already in `out_dir` are rewritten. Returns the files
    written and the counts of the asserted union graph (None when no file was wanted: reading the
    whole store costs seconds per million triples).
    """

    def wanted(name: str) -> Path | None:
        path = out_dir / name
        return None if only_existing and not path.is_file() else path

    ttl, trig = wanted("graph.ttl"), wanted("graph.trig")
    page = wanted("graph.html") if html else None
    if ttl is None and trig is None and page is None:
        return [], None
    inferred = bool(store.quads_for_pattern(None, None, None, INFERRED_GRAPH))
    prefixes = {k: v for k, v in DEFAULT_PREFIXES.items() if k not in ("id", "wd")}  # id:a/b reads badly
    from kg.neighbourhood import view_graph, whole_union_is_faster
    from kg.views.html import render

    # The page is drawn from the whole asserted union (read once, for the files, the page and the
    # counts) when the store is small, or holds inferred triples (the page shows the asserted
    # graph, the store's union both); else from what the view shows, read from the store
    # (kg.neighbourhood), and a local store's files are serialized by Oxigraph straight from it.
    whole = page is not None and (inferred or whole_union_is_faster(store))
    if isinstance(store, GraphStore) and not inferred and not whole:
        dumped, stats = _dump_views(store, ttl, trig, prefixes)
        if page is not None:
            dumped.append(("view", render(view_graph(store), page)))
        return dumped, stats
    quads = list(store.quads(exclude=[INFERRED_GRAPH]))  # in the store's order: by graph, then subject
    if inferred:
        triples = sorted({q.triple for q in quads}, key=_key)
    else:  # the union graph is exactly the asserted triples, merged
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, UNION_GRAPH)]
    written: list[tuple[str, Path]] = []
    if ttl is not None:
        write_text_atomic(ttl, _text(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)))
        written.append(("graph", ttl))
    if trig is not None:
        write_text_atomic(trig, _text(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)))
        written.append(("dataset", trig))
    if whole and page is not None:
        union = to_rdflib(triples)
        written.append(("view", render(union, page)))
    else:
        if page is not None:
            written.append(("view", render(view_graph(store), page)))
        union = to_rdflib(t for t in triples if t.predicate in _STATS_PREDICATES)  # all the counts read
    return written, replace(graph_stats(union), triples=len(triples))


def _dump_views(
    store: GraphStore, ttl: Path | None, trig: Path | None, prefixes: Mapping[str, str]
) -> tuple[list[tuple[str, Path]], GraphStats]:
    """graph.ttl and graph.trig serialized by Oxigraph straight from the store, and the counts by
    SPARQL: at 1M triples, 61 s through Python objects and an rdflib graph for the counts."""
    written: list[tuple[str, Path]] = []
    if ttl is not None:
        write_text_atomic(ttl, _text(store.dump_union(prefixes)))
        written.append(("graph", ttl))
    if trig is not None:
        write_text_atomic(trig, _text(store.dump_dataset(prefixes, exclude=[INFERRED_GRAPH])))
        written.append(("dataset", trig))
    return written, store_stats(store)


_STATS_PREDICATES = frozenset(
    {ox.NamedNode(DEFAULT_PREFIXES["rdf"] + "type")} | {ox.NamedNode(str(KG[p])) for p in RELATION_PROPERTIES}
)


def _key(triple: ox.Triple) -> tuple[str, str, str]:
    return str(triple.subject), str(triple.predicate), str(triple.object)


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8")
