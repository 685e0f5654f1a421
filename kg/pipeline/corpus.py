"""`kg build` for a corpus: documents stream through extraction in bounded batches, on this
process, on worker processes of this machine or on a Dask cluster (kg.pipeline.workers); each document's
extraction records are written to the store as they come; resolution, the one step that sees the
whole corpus, then reads them back from the store (kg.resolve.merge.resolve_stream), and each document's
graph is written as it is resolved. What is held in memory grows with the corpus's distinct
entities and relations, not with its documents.

Resumable and idempotent: each document's records carry its *extraction key* (a hash of its text,
its metadata and the pipeline: kg's extraction code and data, the spaCy model; `fingerprint`). A
document whose key is already stored is not extracted again: a build stopped by Ctrl-C or `kill -9`
resumes where it stopped (a fresh build writes into `OUT/.store.new`, which the next run takes up),
and a build of documents the store already holds reuses their records (`force` re-extracts).

Per-document failures never stop a corpus: `OUT/build-report.json` lists every document with its
status (built, unchanged, skipped, failed), the reason, its words and its extraction time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from kg.core.errors import InputError, KGError, StoreError
from kg.core.types import Document
from kg.ingest.readers import Skipped
from kg.store.base import KGStore
from kg.store.names import INTERNAL_GRAPHS, RECORDS_GRAPH, UNION_GRAPH, doc_iri

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.pipeline.workers import Extracted, Runner
    from kg.store.local import GraphStore

log = logging.getLogger(__name__)

#: Documents per batch sent to a worker (spaCy's `nlp.pipe` batch inside it is kg's own, 16)
BATCH_DOCUMENTS = 32
#: Extraction results written to the store in one transaction
WRITE_EVERY = 64
#: Words of text to extract per worker process that `workers=None` starts (a process costs 3 to 5
#: s of model loading: a small build is faster in this process alone)
WORDS_PER_WORKER = 20_000
REPORT = "build-report.json"
#: The reason of a document whose records a stopped run had stored
RESUMED = "resumed: extracted by an earlier run that was stopped"


# ---------------------------------------------------------------------- the report


@dataclass(frozen=True)
class DocumentReport:
    """One line of build-report.json."""

    id: str | None  # None for an input that could not be read
    source: str | None
    status: str  # built | unchanged | skipped | failed
    reason: str | None = None
    words: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class BuildReport:
    documents: tuple[DocumentReport, ...]
    workers: int
    runner: str  # "this process", "N processes", "Dask (ADDRESS)"
    seconds: float
    stages: tuple[tuple[str, float], ...] = ()  # (what, wall seconds), in order

    def count(self, status: str) -> int:
        return sum(d.status == status for d in self.documents)

    def to_json(self) -> str:
        totals = {s: self.count(s) for s in ("built", "unchanged", "skipped", "failed")}
        built = [d for d in self.documents if d.status == "built"]
        data = {
            "totals": {
                **totals,
                "words built": sum(d.words for d in built),
                "extraction seconds": round(sum(d.seconds for d in built), 3),
            },
            "workers": self.workers,
            "runner": self.runner,
            "seconds": round(self.seconds, 3),
            "stages": {name: round(seconds, 3) for name, seconds in self.stages},
            "documents": [{**asdict(d), "seconds": round(d.seconds, 4)} for d in self.documents],
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


class Progress(Protocol):
    """What a build tells about its progress (the `kg build` progress bar)."""

    def planned(self, documents: int, words: int) -> None:
        """How many documents (and their words) are to be extracted."""

    def extracted(self, documents: int, words: int) -> None:
        """That many more were extracted (or failed)."""

    def stage(self, name: str) -> None:
        """A step after extraction began: 'resolving', 'writing'."""


# ---------------------------------------------------------------------- the pipeline's fingerprint


def fingerprint(model: str | None = None, nlp: Language | None = None) -> str:
    """What extraction records depend on besides the document: kg's extraction code and data (every
    file of kg/extract, kg's record types) and the spaCy model (its name and version, as its
    meta.json gives them, read without loading it)."""
    meta = nlp.meta if nlp is not None else _model_meta(model)
    pipeline = f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}"
    return hashlib.sha256(f"{_code_digest()}|{pipeline}".encode()).hexdigest()[:32]


def _model_meta(model: str | None) -> dict[str, Any]:
    """The meta.json of the model `load_model(model)` would load: a package's, or a folder's."""
    import importlib.util

    from kg.extract.pipeline import available_models

    name = model or next(iter(available_models()), None)
    if name is None:
        return {}
    folder = Path(name)
    if not (folder / "meta.json").is_file():
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            return {"name": name}
        package = Path(spec.origin).parent
        found = [*sorted(package.glob("*/meta.json")), package / "meta.json"]
        folder = next((f.parent for f in found if f.is_file()), package)
    try:
        return dict(json.loads((folder / "meta.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {"name": name}


@lru_cache(maxsize=1)
def _code_digest() -> str:
    package = Path(__file__).resolve().parent.parent  # the kg package
    files = sorted(
        p for p in (package / "extract").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    files += [package / n for n in ("core/types.py", "pipeline/records.py") if (package / n).is_file()]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------- the documents, spooled


class Spool:
    """Documents to extract, written to a temporary file as they are read and read back in order:
    the inputs are read once, and never held in memory all at once."""

    def __init__(self) -> None:
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.count = 0
        self.words = 0

    def add(self, index: int, document: Document) -> None:
        data = asdict(document)
        data["published"] = document.published.isoformat() if document.published else None
        self._file.write(json.dumps([index, data], ensure_ascii=False) + "\n")
        self.count += 1
        self.words += len(document.text.split())

    def __iter__(self) -> Iterator[tuple[int, Document]]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            index, data = json.loads(line)
            data["published"] = date.fromisoformat(data["published"]) if data["published"] else None
            yield index, Document(**data)

    def close(self) -> None:
        self._file.close()


# ---------------------------------------------------------------------- the build


@dataclass(frozen=True)
class Planned:
    """A document of the corpus: where it goes, and what its records are made of."""

    index: int
    id: str
    iri: str
    key: str
    content_hash: str
    words: int
    source: str | None


@dataclass
class Plan:
    """The corpus of a build and what each of its documents needs."""

    documents: list[Planned] = field(default_factory=list)
    todo: Spool = field(default_factory=Spool)
    reports: dict[int, DocumentReport] = field(default_factory=dict)  # by index, what is settled
    errors: list[InputError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    copy: list[Planned] = field(default_factory=list)  # records to copy from the previous store


def choose_runner(
    workers: int | None,
    dask: str | None,
    words: int,
    *,
    nlp: Language | None = None,
    model: str | None = None,
) -> Runner:
    """The runner for `words` of text to extract: Dask if `dask` names a scheduler (or "local"),
    else `workers` processes (None: the cores, but no more than one per WORDS_PER_WORKER words; this
    process when a pipeline `nlp` is given, for the processes would load `model` instead), or this
    process for one."""
    from kg.pipeline.workers import InProcess, ProcessPool, cores

    if workers is not None and workers < 1:
        raise KGError(f"--workers must be at least 1, got {workers}")
    if dask is not None:
        from kg.pipeline.cluster import DaskRunner

        return DaskRunner(dask, workers, model)
    if workers is None and nlp is not None:
        return InProcess(nlp, model)
    count = workers if workers is not None else max(1, min(cores(), words // WORDS_PER_WORKER))
    if count == 1:
        return InProcess(nlp, model)
    return ProcessPool(count, model)


def runner_name(runner: Runner) -> str:
    from kg.pipeline.workers import InProcess

    if isinstance(runner, InProcess):
        return "this process"
    return getattr(runner, "description", f"{runner.workers} processes")


def plan_documents(
    items: Iterable[Document | InputError | Skipped],
    keys: dict[str, str],
    previous: dict[str, str],
    pipeline: str,
    *,
    graph_hashes: dict[str, str] | None = None,
) -> Plan:
    """Each document's fate: records already in the store under the same key (`keys`) are kept; in
    the previous store (`previous`), copied; else it goes to the spool, to be extracted. A document
    whose records and graph are both current (`graph_hashes`, for an append) is unchanged."""
    from kg.pipeline.records import extraction_key

    plan = Plan()
    latest: dict[str, int] = {}  # a repeated id: the last one counts
    index = 0
    for item in items:
        if isinstance(item, InputError):
            plan.errors.append(item)
            continue
        if isinstance(item, Skipped):
            plan.skipped.append(item)
            continue
        iri = str(doc_iri(item.id))
        planned = Planned(
            index,
            item.id,
            iri,
            extraction_key(item, pipeline),
            item.content_hash,
            len(item.text.split()),
            item.source,
        )
        if item.id in latest:
            plan.documents[latest[item.id]] = None  # type: ignore[call-overload]
        latest[item.id] = len(plan.documents)
        plan.documents.append(planned)
        if keys.get(iri) == planned.key:
            current = graph_hashes is not None and graph_hashes.get(iri) == planned.content_hash
            status, reason = ("unchanged", None) if current else ("built", RESUMED)
            plan.reports[index] = DocumentReport(item.id, item.source, status, reason, planned.words)
        elif previous.get(iri) == planned.key:
            plan.copy.append(planned)
            plan.reports[index] = DocumentReport(item.id, item.source, "unchanged", None, planned.words)
        else:
            plan.todo.add(index, item)
        index += 1
    plan.documents = [p for p in plan.documents if p is not None]
    return plan


def run_extraction(
    store: KGStore,
    plan: Plan,
    order_of: Callable[[Planned], int],
    progress: Progress | None,
    recorded: Iterable[str],
    *,
    workers: int | None,
    dask: str | None,
    nlp: Language | None,
    model: str | None,
) -> tuple[str, int]:
    """`extract_into` with the runner these settings choose (`choose_runner`), the spool closed
    whatever happens; the runner's name and its workers (none if there was nothing to extract)."""
    try:
        if not plan.todo.count:
            return "none (nothing to extract)", 0
        with choose_runner(workers, dask, plan.todo.words, nlp=nlp, model=model) as runner:
            extract_into(store, plan, runner, order_of, progress, recorded=recorded)
            return runner_name(runner), runner.workers
    finally:
        plan.todo.close()


def extract_into(
    store: KGStore,
    plan: Plan,
    runner: Runner,
    order_of: Callable[[Planned], int],
    progress: Progress | None = None,
    *,
    recorded: Iterable[str] = (),
) -> None:
    """Extract the plan's spooled documents with `runner`, writing each result's records to the store
    as results come (a transaction every WRITE_EVERY documents), in place of those the documents of
    `recorded` (IRIs) had, and each document's report into the plan."""
    from kg.pipeline.records import json_record_quads
    from kg.pipeline.workers import batches

    by_index = {p.index: p for p in plan.documents}
    had = set(recorded)
    if progress is not None:
        progress.planned(plan.todo.count, plan.todo.words)
    buffer: list[ox.Quad] = []
    for results in runner.run(batches(plan.todo, BATCH_DOCUMENTS)):
        words = 0
        for result in results:
            planned = by_index.get(result.index)
            if planned is None:  # replaced by a later document of the same id
                continue
            words += planned.words
            plan.reports[result.index] = _report(planned, result)
            if result.record is not None:
                buffer += json_record_quads(planned.iri, result.record, order_of(planned), planned.key)
        if len(buffer) >= 3 * WRITE_EVERY:
            _replace_records(store, buffer, had)
            buffer = []
        if progress is not None:
            progress.extracted(len(results), words)
    if buffer:
        _replace_records(store, buffer, had)


def _replace_records(store: KGStore, quads: list[ox.Quad], had: set[str]) -> None:
    """Write records in one transaction, in place of those the documents had (those of `had`)."""
    subjects = {q.subject for q in quads if isinstance(q.subject, ox.NamedNode) and q.subject.value in had}
    old = [q for s in subjects for q in store.quads_for_pattern(s, None, None, RECORDS_GRAPH)]
    store.apply(delete=old, insert=quads)


def _report(planned: Planned, result: Extracted) -> DocumentReport:
    if result.error is not None:
        reason = result.error
        return DocumentReport(planned.id, planned.source, "failed", reason, planned.words, result.seconds)
    return DocumentReport(planned.id, planned.source, "built", None, planned.words, result.seconds)


def reports_of(plan: Plan) -> list[DocumentReport]:
    """Every input's line of the report: documents in corpus order, then skipped ones and errors."""
    lines = [plan.reports[p.index] for p in plan.documents if p.index in plan.reports]
    lines += [DocumentReport(s.id, s.source, "skipped", s.reason, s.words) for s in plan.skipped]
    lines += [DocumentReport(None, None, "failed", str(e)) for e in plan.errors]
    return lines


def write_report(out_dir: Path, report: BuildReport) -> Path:
    from kg.pipeline.build import write_text_atomic

    return write_text_atomic(out_dir / REPORT, report.to_json())


# ---------------------------------------------------------------------- a fresh build


def build_fresh(
    items: Iterable[Document | InputError | Skipped],
    out_dir: Path,
    *,
    min_confidence: float,
    html: bool,
    force: bool,
    workers: int | None,
    dask: str | None,
    nlp: Language | None,
    model: str | None,
    progress: Progress | None,
) -> tuple[Plan, BuildReport, list[tuple[str, Path]], Any]:
    """Build the corpus into `out_dir/.store.new`, resuming what a killed run left there, reusing the
    records of `out_dir/store` for documents it holds unchanged (not with `force`); then resolve,
    write the files and swap the store in. Returns the plan, the report, the files and the counts."""
    from kg.pipeline.build import fresh_folder, recover_swap
    from kg.pipeline.records import record_keys
    from kg.store.local import GraphStore

    start = time.perf_counter()
    pipeline = fingerprint(model, nlp)
    target = out_dir / "store"
    recover_swap(target)  # a swap a killed run left half done is finished first
    staging = target.with_name(f".{target.name}.new")
    if force or not _is_staging(staging, pipeline):
        staging = fresh_folder(target)
    previous: dict[str, str] = {}
    if not force and (target / "CURRENT").is_file():
        with GraphStore(target, read_only=True) as old:
            previous = record_keys(old)
    with GraphStore(staging) as store:
        built = build_into(
            store,
            items,
            pipeline=pipeline,
            previous=previous,
            source=target,
            min_confidence=min_confidence,
            workers=workers,
            dask=dask,
            nlp=nlp,
            model=model,
            progress=progress,
        )
        if not built.plan.documents:  # nothing could be read: nothing is written
            report = built.report(time.perf_counter() - start)
            return built.plan, report, [], None
        written, stats = write_files(store, staging, out_dir, html=html, progress=progress)
    built.clock.append(("writing the files", time.perf_counter()))
    report = built.report(time.perf_counter() - start, start)
    written.append(("report", write_report(out_dir, report)))
    written.append(("store", target))
    return built.plan, report, written, stats


def write_files(
    store: KGStore, staging: Path, out_dir: Path, *, html: bool, progress: Progress | None = None
) -> tuple[list[tuple[str, Path]], Any]:
    """graph.ttl, graph.trig and graph.html of the fresh store in `staging` (open as `store`), then
    the store swapped in as `out_dir/store`: the files and the counts."""
    from kg.pipeline.build import swap_in
    from kg.pipeline.outputs import write_views

    if progress is not None:
        progress.stage("writing")
    written, stats = write_views(store, out_dir, html=html)
    store.close()
    swap_in(staging, out_dir / "store")
    return written, stats


@dataclass
class Built:
    """What `build_into` did: the plan, who extracted, when each stage ended, the graphs written."""

    plan: Plan
    runner: str
    workers: int
    clock: list[tuple[str, float]]
    written: int

    def report(self, seconds: float, start: float | None = None) -> BuildReport:
        """The build report; with `start`, the stages' times from it."""
        stages: list[tuple[str, float]] = []
        if start is not None:
            begins = [start, *(end for _, end in self.clock)]
            stages = [(name, end - begin) for begin, (name, end) in zip(begins, self.clock, strict=False)]
        lines = tuple(reports_of(self.plan))
        return BuildReport(lines, self.workers, self.runner, seconds, tuple(stages))


def build_into(
    store: GraphStore,
    items: Iterable[Document | InputError | Skipped],
    *,
    pipeline: str,
    min_confidence: float,
    workers: int | None,
    dask: str | None,
    nlp: Language | None,
    model: str | None,
    progress: Progress | None,
    previous: dict[str, str] | None = None,
    source: Path | None = None,
) -> Built:
    """The one build: extract the documents into `store`'s records (those it holds under the same
    key are kept; those `previous` lists, copied from the store at `source`), then resolve the
    corpus from them and write each document's graph. `store` is a fresh build's: on disk (`kg
    build`, kg.pipeline.incremental) or in memory (`kg.build()`)."""
    from kg.pipeline.records import record_keys

    _mark_staging(store, pipeline)
    staged = record_keys(store)
    plan = plan_documents(items, staged, previous or {}, pipeline)
    if not plan.documents:
        plan.todo.close()
        return Built(plan, "none", 0, [], 0)
    if plan.copy and source is not None:
        _copy_records(source, store, plan.copy)
    clock = [("reading", time.perf_counter())]
    name, count = run_extraction(
        store, plan, lambda p: p.index, progress, staged, workers=workers, dask=dask, nlp=nlp, model=model
    )
    clock.append(("extracting (the pipeline's loading included)", time.perf_counter()))
    if progress is not None:
        progress.stage("resolving")
    corpus = [p for p in plan.documents if plan.reports[p.index].status != "failed"]
    written = write_graphs(store, corpus, min_confidence)
    clock.append(("resolving and writing the graphs", time.perf_counter()))
    log.info("resolved and wrote %d document graphs", written)
    return Built(plan, name, count, clock, written)


#: <RECORDS_GRAPH> _PIPELINE "fingerprint": the pipeline a fresh build's records were made with
_PIPELINE = ox.NamedNode("https://w3id.org/kg-geo/id/internal/pipeline")


def _is_staging(path: Path, pipeline: str) -> bool:
    """Whether `path` is a fresh build's store that a killed run of the same pipeline left."""
    from kg.store.local import GraphStore

    if not (path / "CURRENT").is_file():
        return False
    try:
        with GraphStore(path, read_only=True) as store:
            marks = store.quads_for_pattern(RECORDS_GRAPH, _PIPELINE, None, RECORDS_GRAPH)
    except StoreError:
        return False
    return any(q.object.value == pipeline for q in marks)  # type: ignore[union-attr]


def _mark_staging(store: KGStore, pipeline: str) -> None:
    """Say which pipeline made this store's records (so that a killed build's are taken up)."""
    old = store.quads_for_pattern(RECORDS_GRAPH, _PIPELINE, None, RECORDS_GRAPH)
    store.apply(delete=old, insert=[ox.Quad(RECORDS_GRAPH, _PIPELINE, ox.Literal(pipeline), RECORDS_GRAPH)])


def _copy_records(source: Path, store: KGStore, planned: Sequence[Planned]) -> None:
    """The records of unchanged documents, from the previous store, under their new order."""
    from kg.pipeline.records import json_record_quads
    from kg.store.local import GraphStore

    with GraphStore(source, read_only=True) as old:
        quads: list[ox.Quad] = []
        for p in planned:
            from kg.pipeline.records import _RECORD

            for quad in old.quads_for_pattern(ox.NamedNode(p.iri), _RECORD, None, RECORDS_GRAPH):
                quads += json_record_quads(p.iri, quad.object.value, p.index, p.key)  # type: ignore[union-attr]
            if len(quads) >= 3 * WRITE_EVERY:
                store.apply(insert=quads)
                quads = []
        if quads:
            store.apply(insert=quads)


def write_graphs(store: Any, corpus: Sequence[Planned], min_confidence: float) -> int:
    """Resolve the corpus from the store's records and write each document's graph (with the union),
    in bulk: a fresh build's store, which no one reads yet. What a killed run wrote before is cleared
    first; records of documents outside the corpus go."""
    from kg.pipeline.records import iter_records, min_confidence_quad, record_orders
    from kg.resolve.merge import resolve_stream
    from kg.store.quads import to_quads

    keep = {p.iri for p in corpus}
    ox_store: ox.Store = store.store
    for graph in list(ox_store.named_graphs()):
        if graph not in INTERNAL_GRAPHS or graph == UNION_GRAPH:
            ox_store.clear_graph(graph)
            ox_store.remove_graph(graph)
    stale = [iri for iri in record_orders(store) if iri not in keep]
    for iri in stale:
        for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None, RECORDS_GRAPH):
            ox_store.remove(quad)
    for quad in store.quads_for_pattern(RECORDS_GRAPH, None, None, RECORDS_GRAPH):
        if quad.predicate != _PIPELINE:
            ox_store.remove(quad)
    ox_store.add(min_confidence_quad(min_confidence))
    iris = [p.iri for p in corpus]
    batch: list[ox.Quad] = []
    count = 0
    for part in resolve_stream(lambda: iter_records(store, iris), min_confidence=min_confidence):
        batch += to_quads(part)
        count += 1
        if len(batch) >= 50_000:
            store.bulk_add(batch, compact=False)
            batch = []
    if batch:
        store.bulk_add(batch, compact=False)
    store.compact()
    return count
