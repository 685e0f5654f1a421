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

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.build import (
    Input,
    Outputs,
    check_replaceable,
    clear_pending,
    collect,
    fresh_folder,
    is_pending,
    mark_pending,
    output_lock,
    recover_swap,
    swap_in,
    write_outputs,
)
from kg.errors import InputError, KGError, StoreError
from kg.graphs import DOC_PREFIX
from kg.infer import refresh_if_present
from kg.kgstore import KGStore
from kg.mapping import doc_iri, to_dataset
from kg.quads import dataset_quads, to_quads
from kg.records import (
    Stored,
    content_hashes,
    read_records,
    record_quads,
    stored_min_confidence,
    stored_record_quads,
)
from kg.resolve import resolve
from kg.stats import GraphStats, graph_stats, store_stats
from kg.store import GraphStore, store_folder
from kg.store_files import labelled, write_views
from kg.types import Document, DocumentExtraction

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.endpoints import Endpoints

log = logging.getLogger(__name__)


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
    if out_dir is not None:
        check_replaceable(out_dir)
    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise KGError(f"min confidence must be between 0 and 1, got {min_confidence}")
    documents, errors = collect(inputs)
    for error in errors:  # returned in StoreChange.errors, for the caller to report (`kg build` prints them)
        log.debug("%s", error)
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
    if out_dir is None:
        raise InputError("give an output folder (--out) or a store URL (--store)")
    with output_lock(out_dir):
        return _build_local(documents, out_dir, run, append, min_confidence, html, tuple(errors))


def _build_local(
    documents: Sequence[Document],
    out_dir: Path,
    run: Callable[[Sequence[Document]], list[DocumentExtraction]],
    append: bool,
    min_confidence: float | None,
    html: bool,
    errors: tuple[InputError, ...],
) -> StoreChange:
    """A fresh build or an append in the store in `out_dir`, with the pending mark around the change."""
    if not append:
        mark_pending(out_dir)
        change = _build_fresh(documents, out_dir, run, min_confidence or 0.0, html, errors)
        clear_pending(out_dir)
        return change
    recover_swap(out_dir / "store")
    with GraphStore(out_dir / "store") as local:
        unfinished = is_pending(out_dir)  # a run killed after its change to the store: finish it
        mark_pending(out_dir)
        change = _append(local, documents, run, min_confidence)
        if not (change.added or change.replaced or change.updated or unfinished):
            clear_pending(out_dir)
            return StoreChange(unchanged=change.unchanged, errors=errors)
        if unfinished and not (change.added or change.replaced or change.updated):
            log.warning("%s: finishing what a killed run left: the inferred graph and the files", out_dir)
            refresh_if_present(local)
        written, stats = write_views(local, out_dir, html=html)
        clear_pending(out_dir)
    return StoreChange(
        added=change.added,
        replaced=change.replaced,
        unchanged=change.unchanged,
        updated=change.updated,
        errors=errors,
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
    from kg.chunks import extract_bounded as extract
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
        store.bulk_add([*dataset_quads(dataset), *record_quads(records, min_confidence)])
    swap_in(fresh, path)
    from kg.mapping import union_graph

    return StoreChange(
        added=tuple(d.id for d in documents),
        errors=errors,
        written=labelled(Outputs(outputs.ttl, outputs.trig, outputs.html, path)),
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

    folder = None if is_remote(location) else store_folder(Path(str(location))).parent
    if folder is not None:
        recover_swap(folder / "store")
    with output_lock(folder) if folder is not None else nullcontext(), connect(location) as store:
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
        if folder is not None:
            mark_pending(folder)
        rewritten = apply_records(store, remaining, stored_min_confidence(store) or 0.0, drop=drop)
        written: list[tuple[str, Path]] = []
        stats = None
        if folder is not None:
            written, stats = write_views(store, folder, html=html, only_existing=True)
            written.append(("store", store_folder(Path(str(location)))))
            clear_pending(folder)
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
    old_records = stored_record_quads(store, {*write, *drop})
    store.apply(
        drop=[ox.NamedNode(iri) for iri in sorted(rewrite | drop)],
        delete=old_records,
        insert=[
            *(q for iri in sorted(rewrite) for q in new_graphs[iri]),
            *record_quads(write, min_confidence),
        ],
    )
    refresh_if_present(store)
    log.info("rewrote %d document graphs, dropped %d", len(rewrite), len(drop))
    return rewrite


def _doc_ids(iris: Iterable[str], records: Mapping[str, Stored]) -> set[str]:
    return {records[i].extraction.document.id if i in records else i.removeprefix(DOC_PREFIX) for i in iris}
