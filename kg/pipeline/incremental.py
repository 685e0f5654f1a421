"""A store that grows and shrinks: `kg build --append` adds documents, `kg remove` retracts them.

Design: the store keeps every document's extraction records (what the spaCy pipeline found in it:
entity records and relation claims, plus the document itself) as JSON in an internal graph
(`kg.store.names.RECORDS_GRAPH`), and every append or removal re-resolves the *whole* corpus from those
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
from RDF with `kg import`, or saved from a graph read from RDF files) are kept as they are and take
no part in re-resolution. If the store has inferred triples (`kg infer`), they are refreshed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.core.errors import InputError, KGError, StoreError
from kg.core.types import Document
from kg.ingest.readers import Skipped
from kg.pipeline.build import (
    Input,
    check_replaceable,
    clear_pending,
    is_pending,
    iter_collected,
    mark_pending,
    output_lock,
    recover_swap,
)
from kg.pipeline.outputs import write_views
from kg.pipeline.records import (
    Stored,
    content_hashes,
    min_confidence_quad,
    read_records,
    stored_min_confidence,
    stored_record_quads,
)
from kg.quality.infer import refresh_if_present
from kg.quality.stats import GraphStats, graph_stats
from kg.resolve.mapping import doc_iri
from kg.resolve.merge import resolve
from kg.store.base import KGStore
from kg.store.local import GraphStore, store_folder
from kg.store.names import DOC_PREFIX, UNION_GRAPH
from kg.store.quads import to_quads

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.pipeline.corpus import BuildReport, Plan, Planned, Progress
    from kg.store.endpoints import Endpoints

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
    written: tuple[tuple[str, Path], ...] = ()  # (what, path): graph, dataset, view, store, report
    stats: GraphStats | None = None
    report: BuildReport | None = None  # every input's status, reason, words and time (kg.pipeline.corpus)
    store: GraphStore | None = None  # the store in memory a build made (`memory`), records included


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
    force: bool = False,
    workers: int | None = None,
    dask: str | None = None,
    progress: Progress | None = None,
    memory: bool = False,
) -> StoreChange:
    """Build INPUTS into `out_dir` (graph.ttl, graph.trig, graph.html, store/, build-report.json), or
    add them with `append`; with `memory`, into a store in memory (`kg.build()`), which the change
    holds as `store` and `save_store` writes as a build into `out_dir` would have.

    Without `append` the store is replaced; with it, new documents are added, changed ones replace
    their graphs, unchanged ones are skipped, and the corpus is re-resolved (see the module doc).
    `min_confidence` defaults to 0, or for `append` to what the store was built with.

    Documents stream through extraction (kg.pipeline.corpus): on this process, on `workers` processes (None:
    as many as the cores and the corpus's size warrant) or on the Dask cluster `dask` (a scheduler's
    address, or "local"); records already stored under the same key are not extracted again (a
    killed build resumes), unless `force`.

    `store`, a SPARQL server's URL or Endpoints (kg.store.endpoints), puts the documents into that store
    instead, always as `append` does (a shared store is never wiped by a build); graph.ttl,
    graph.trig and graph.html are written only if `out_dir` is given.
    """
    from kg.store.remote import is_remote

    if memory and (append or store is not None or out_dir is not None):
        raise KGError(
            "a build in memory writes no files and no other store: give no out_dir, store or append"
        )
    if store is not None and not is_remote(store):
        raise InputError(f"{store}: not a store URL (http:// or https://); a local store goes in --out")
    if store is None and not memory:
        out_dir = Path("output") if out_dir is None else Path(out_dir)
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise StoreError(f"{out_dir}: output path exists and is not a folder")
    if out_dir is not None:
        check_replaceable(out_dir)
    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise KGError(f"min confidence must be between 0 and 1, got {min_confidence}")
    if workers is not None and workers < 1:
        raise KGError(f"--workers must be at least 1, got {workers}")
    items = iter_collected(inputs)
    extraction = _Extraction(force, workers, dask, nlp, model, progress)
    if memory:
        return _build_memory(items, extraction, min_confidence or 0.0)
    if store is not None:
        return _build_remote(store, items, extraction, out_dir, min_confidence, html)
    if out_dir is None:
        raise InputError("give an output folder (--out) or a store URL (--store)")
    with output_lock(out_dir):
        return _build_local(items, out_dir, extraction, append, min_confidence, html)


def _build_local(
    items: Iterable[Document | InputError | Skipped],
    out_dir: Path,
    extraction: _Extraction,
    append: bool,
    min_confidence: float | None,
    html: bool,
) -> StoreChange:
    """A fresh build or an append in the store in `out_dir`, with the pending mark around the change."""
    if not append:
        mark_pending(out_dir)
        change = _build_fresh(items, out_dir, extraction, min_confidence or 0.0, html)
        clear_pending(out_dir)
        return change
    recover_swap(out_dir / "store")
    with GraphStore(out_dir / "store") as local:
        unfinished = is_pending(out_dir)  # a run killed after its change to the store: finish it
        mark_pending(out_dir)
        change = _append(local, items, extraction, min_confidence)
        if not (change.added or change.replaced or change.updated or unfinished):
            clear_pending(out_dir)
            return _reported(change, out_dir)
        if unfinished and not (change.added or change.replaced or change.updated):
            log.warning("%s: finishing what a killed run left: the inferred graph and the files", out_dir)
            refresh_if_present(local)
        written, stats = write_views(local, out_dir, html=html)
        clear_pending(out_dir)
    change = replace(change, written=(*written, ("store", out_dir / "store")), stats=stats)
    return _reported(change, out_dir)


@dataclass(frozen=True)
class _Extraction:
    """How a build extracts: kg.pipeline.corpus's choices, handed down."""

    force: bool = False
    workers: int | None = None
    dask: str | None = None
    nlp: Language | None = None
    model: str | None = None
    progress: Progress | None = None


def _reported(change: StoreChange, out_dir: Path | None) -> StoreChange:
    """The change, with build-report.json written into `out_dir` (if given)."""
    if change.report is None or out_dir is None:
        return change
    from kg.pipeline.corpus import write_report

    path = write_report(out_dir, change.report)
    return replace(change, written=(*change.written, ("report", path)))


def _build_remote(
    location: str | Endpoints,
    items: Iterable[Document | InputError | Skipped],
    extraction: _Extraction,
    out_dir: Path | None,
    min_confidence: float | None,
    html: bool,
) -> StoreChange:
    """Add the documents to the store at a URL; the files in `out_dir` only if it is given."""
    from kg.store.remote import RemoteStore

    with RemoteStore(location) as remote:
        change = _append(remote, items, extraction, min_confidence)
        written: list[tuple[str, Path]] = []
        if out_dir is not None and (change.added or change.replaced or change.updated):
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            written, _ = write_views(remote, Path(out_dir), html=html)
        change = replace(change, written=tuple(written), stats=graph_stats(remote))
    return _reported(change, out_dir)


def _build_fresh(
    items: Iterable[Document | InputError | Skipped],
    out_dir: Path,
    extraction: _Extraction,
    min_confidence: float,
    html: bool,
) -> StoreChange:
    """The store from scratch: written beside the old one, then swapped in (readers never see half)."""
    from kg.pipeline.corpus import build_fresh

    plan, report, written, stats = build_fresh(
        items,
        out_dir,
        min_confidence=min_confidence,
        html=html,
        force=extraction.force,
        workers=extraction.workers,
        dask=extraction.dask,
        nlp=extraction.nlp,
        model=extraction.model,
        progress=extraction.progress,
    )
    return StoreChange(
        added=_added(plan, report),
        errors=tuple(plan.errors),
        written=tuple(written),
        stats=stats,
        report=report,
    )


def _build_memory(
    items: Iterable[Document | InputError | Skipped], extraction: _Extraction, min_confidence: float
) -> StoreChange:
    """The store from scratch, in memory: what `_build_fresh` writes into its fresh store on disk."""
    import time

    from kg.pipeline.corpus import build_into, fingerprint

    start = time.perf_counter()
    store = GraphStore(None)
    built = build_into(
        store,
        items,
        pipeline=fingerprint(extraction.model, extraction.nlp),
        min_confidence=min_confidence,
        workers=extraction.workers,
        dask=extraction.dask,
        nlp=extraction.nlp,
        model=extraction.model,
        progress=extraction.progress,
    )
    report = built.report(time.perf_counter() - start, start)
    plan = built.plan
    return StoreChange(added=_added(plan, report), errors=tuple(plan.errors), report=report, store=store)


def _added(plan: Plan, report: BuildReport) -> tuple[str, ...]:
    """The documents of a fresh build that were not failed."""
    statuses = {d.id: d.status for d in report.documents if d.id is not None}
    return tuple(p.id for p in plan.documents if statuses.get(p.id) != "failed")


def save_store(
    source: GraphStore, out_dir: Path, *, html: bool = True, report: BuildReport | None = None
) -> StoreChange:
    """Write a store in memory (`build_store(memory=True)`'s, records included) into `out_dir` as `kg
    build --out` writes a fresh build: store/, graph.ttl, graph.trig, graph.html (with `html`) and
    build-report.json (with `report`). A store already there is replaced (swapped, as a build does)."""
    from kg.pipeline.build import fresh_folder
    from kg.pipeline.corpus import write_files, write_report

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise StoreError(f"{out_dir}: output path exists and is not a folder")
    check_replaceable(out_dir)
    with output_lock(out_dir):
        mark_pending(out_dir)
        staging = fresh_folder(out_dir / "store")
        with GraphStore(staging) as disk:
            disk.bulk_add(
                q for q in source.quads_for_pattern(None, None, None, None) if q.graph_name != UNION_GRAPH
            )
            written, stats = write_files(disk, staging, out_dir, html=html)
        if report is not None:
            written.append(("report", write_report(out_dir, report)))
        written.append(("store", out_dir / "store"))
        clear_pending(out_dir)
    return StoreChange(written=tuple(written), stats=stats, report=report)


def _append(
    store: KGStore,
    items: Iterable[Document | InputError | Skipped],
    extraction: _Extraction,
    min_confidence: float | None,
) -> StoreChange:
    """Add and replace documents in a store: their records are written as they are extracted (a
    killed run's are taken up by the next), then the corpus is re-resolved once."""
    import time

    from kg.pipeline.corpus import (
        BuildReport,
        fingerprint,
        plan_documents,
        reports_of,
        run_extraction,
    )
    from kg.pipeline.records import extraction_key, record_keys, record_orders

    start = time.perf_counter()
    pipeline = fingerprint(extraction.model, extraction.nlp)
    keys = record_keys(store)
    orders = record_orders(store)
    if set(orders) - set(keys):  # records a kg without keys wrote: keyed by what they were made of
        for iri, stored in read_records(store).items():
            keys.setdefault(iri, extraction_key(stored.extraction.document, pipeline))
    hashes = content_hashes(store)
    plan = plan_documents(items, {} if extraction.force else keys, {}, pipeline, graph_hashes=hashes)
    next_order = iter(range(max(orders.values(), default=-1) + 1, 1 << 62))
    assigned: dict[str, int] = {}

    def order_of(planned: Planned) -> int:
        if planned.iri in orders:
            return orders[planned.iri]
        if planned.iri not in assigned:
            assigned[planned.iri] = next(next_order)
        return assigned[planned.iri]

    name, count = run_extraction(
        store,
        plan,
        order_of,
        extraction.progress,
        orders,
        workers=extraction.workers,
        dask=extraction.dask,
        nlp=extraction.nlp,
        model=extraction.model,
    )
    lines = reports_of(plan)
    report = BuildReport(tuple(lines), count, name, time.perf_counter() - start)
    built = [p for p in plan.documents if plan.reports[p.index].status == "built"]
    unchanged = tuple(p.id for p in plan.documents if plan.reports[p.index].status == "unchanged")
    stored_min = stored_min_confidence(store)
    threshold = min_confidence if min_confidence is not None else (stored_min or 0.0)
    if not built and threshold == (stored_min or 0.0):
        log.info("nothing to do: %d documents unchanged", len(unchanged))
        return StoreChange(unchanged=unchanged, errors=tuple(plan.errors), report=report)
    if extraction.progress is not None:
        extraction.progress.stage("resolving")
    records = read_records(store)
    rewritten = apply_records(store, records, threshold)
    replaced = {p.id for p in built if p.iri in hashes}
    changed = {p.id for p in built}
    return StoreChange(
        added=tuple(p.id for p in built if p.id not in replaced),
        replaced=tuple(sorted(replaced)),
        unchanged=unchanged,
        updated=tuple(sorted(_doc_ids(rewritten, records) - changed)),
        errors=tuple(plan.errors),
        report=report,
    )


# ---------------------------------------------------------------------- removing


def remove_documents(
    doc_ids: Iterable[str], location: str | Path | Endpoints, *, html: bool = True
) -> StoreChange:
    """Retract documents: their graphs go, the rest is re-resolved (what only they said goes too).

    `location` is the store, the folder holding it, or a store's URL (kg.store.remote). For a local
    store, graph.ttl, graph.trig and graph.html beside it are rewritten if they exist. An unknown
    id raises InputError and changes nothing.
    """
    from kg.store.remote import connect, is_remote

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
    drop: Iterable[str] = (),
) -> set[str]:
    """Re-resolve `records` and bring the store in line in one transaction.

    Rewrites the document graphs whose triples changed, records `min_confidence`, and drops the
    graphs and records of `drop`. Returns the IRIs of the graphs rewritten.
    """
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
    store.apply(
        drop=[ox.NamedNode(iri) for iri in sorted(rewrite | drop)],
        delete=stored_record_quads(store, drop),
        insert=[
            *(q for iri in sorted(rewrite) for q in new_graphs[iri]),
            min_confidence_quad(min_confidence),
        ],
    )
    refresh_if_present(store)
    log.info("rewrote %d document graphs, dropped %d", len(rewrite), len(drop))
    return rewrite


def _doc_ids(iris: Iterable[str], records: Mapping[str, Stored]) -> set[str]:
    return {records[i].extraction.document.id if i in records else i.removeprefix(DOC_PREFIX) for i in iris}
