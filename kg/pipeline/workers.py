"""Where extraction runs: in this process, or in worker processes of this machine (`--workers N`);
on a Dask cluster (`--dask ADDRESS`, `--dask local`) in kg.pipeline.cluster.

Each worker loads the pipeline once (the model, then kg's gazetteer ruler and components: 3 to 5 s)
and is given batches of documents; it sends back compact records, the JSON the store keeps
(`kg.pipeline.records.extraction_to_json`), never spaCy objects. spaCy's own `nlp.pipe(n_process=N)` cannot
be used: it sends each Doc back to the parent, and kg's components leave Python objects (spans,
claims) on the Doc that spaCy cannot serialize; records are also a hundred times smaller than Docs.

A document whose extraction raises is reported failed with the reason, and the rest of its batch
is extracted one document at a time. A worker process that dies (a crash, the kernel's OOM killer)
takes its batches with it: they are run again one document at a time, in a fresh worker, and a
document that kills a worker on its own is reported failed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.core.errors import KGError
from kg.core.types import Document

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

Batch = tuple[tuple[int, Document], ...]  # (position in the corpus, document)
#: What numerical libraries read for their thread count: one in each worker process
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Extracted:
    """What a worker returns for one document: its records as JSON, or why it failed."""

    index: int
    doc_id: str
    record: str | None
    error: str | None
    seconds: float


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - (not Linux)
        return os.cpu_count() or 1


# ---------------------------------------------------------------------- one batch


def extract_batch(nlp: Language, batch: Batch) -> list[Extracted]:
    """The records of a batch of documents (the time of the batch shared out by words); if the
    batch raises, its documents are extracted one by one, and one that raises alone is failed with
    the reason. Never raises for a document."""
    from kg.pipeline.records import extraction_to_json

    start = time.perf_counter()
    try:
        records = [extraction_to_json(x) for x in _extract(nlp, [d for _, d in batch])]
    except Exception as e:
        if len(batch) > 1:
            return [result for item in batch for result in extract_batch(nlp, (item,))]
        index, document = batch[0]
        log.warning("%s: extraction failed: %s", document.source or document.id, e)
        reason = f"extraction failed: {type(e).__name__}: {e}"
        return [Extracted(index, document.id, None, reason, time.perf_counter() - start)]
    seconds = time.perf_counter() - start
    total = sum(len(d.text.split()) for _, d in batch) or 1
    return [
        Extracted(index, d.id, record, None, seconds * len(d.text.split()) / total)
        for (index, d), record in zip(batch, records, strict=True)
    ]


def _extract(nlp: Language, documents: Sequence[Document]) -> Iterator[Any]:
    from kg.extract.chunks import extract_bounded  # long documents in pieces (kg.extract.chunks)

    return extract_bounded(nlp, documents)


# ---------------------------------------------------------------------- runners


class Runner:
    """Runs batches and yields their results as they finish (in any order)."""

    workers = 1

    def run(self, batches: Iterable[Batch]) -> Iterator[list[Extracted]]:
        raise NotImplementedError

    def close(self) -> None:
        """Stop what the runner started; idempotent."""

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcess(Runner):
    """Extraction in this process, with a pipeline loaded once (or the one given)."""

    def __init__(self, nlp: Language | None = None, model: str | None = None) -> None:
        self._nlp, self._model = nlp, model

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from kg.extract.pipeline import build_nlp

            self._nlp = build_nlp(self._model)
        return self._nlp

    def run(self, batches: Iterable[Batch]) -> Iterator[list[Extracted]]:
        for batch in batches:
            yield extract_batch(self.nlp, batch)


# the pipeline of a worker process, loaded once by its initializer (each worker process has its own)
_WORKER_NLP: Language | None = None


def _init_worker(model: str | None, log_level: int) -> None:
    global _WORKER_NLP
    logging.getLogger("kg").setLevel(log_level)
    from kg.extract.pipeline import build_nlp

    _WORKER_NLP = build_nlp(model)


def _run_in_worker(batch: Batch) -> list[Extracted]:
    assert _WORKER_NLP is not None, "the worker's initializer loads the pipeline"
    return extract_batch(_WORKER_NLP, batch)


class ProcessPool(Runner):
    """`workers` processes of this machine, each loading the pipeline once (spawned, so that none
    inherits the parent's open store or threads); at most two batches per worker in flight."""

    def __init__(
        self,
        workers: int,
        model: str | None = None,
        *,
        task: Callable[[Batch], list[Extracted]] = _run_in_worker,
        initializer: Callable[..., None] = _init_worker,
    ) -> None:
        if workers < 1:
            raise KGError(f"--workers must be at least 1, got {workers}")
        self.workers, self._model = workers, model
        self._task, self._initializer = task, initializer
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        """A pool whose processes are started at once, each with its numerical libraries on one
        thread (OpenBLAS's threads, one per core in each process, made two workers on two cores three
        times slower than one: measured, benchmarks/README.md); this process's own settings stay."""
        self.close()
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=self._initializer,
            initargs=(self._model, logging.getLogger("kg").getEffectiveLevel()),
        )
        saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
        os.environ.update({name: "1" for name in THREAD_VARIABLES if name not in os.environ})
        try:
            self._pool.submit(os.getpid).result()  # a spawn pool starts all its processes here
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
        return self._pool

    def run(self, batches: Iterable[Batch]) -> Iterator[list[Extracted]]:
        pool = self._new_pool(self.workers)
        pending: dict[Future[list[Extracted]], Batch] = {}
        source = iter(batches)
        exhausted = broken = False
        while True:
            while not exhausted and not broken and len(pending) < 2 * self.workers:
                batch = next(source, None)
                if batch is None:
                    exhausted = True
                    break
                try:
                    pending[pool.submit(self._task, batch)] = batch
                except BrokenProcessPool:  # a worker died since the last wait: the pool takes no more
                    pending[_failed_future()] = batch
                    broken = True
            if not pending:
                break
            if not broken:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = pending.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken = True
                        pending[_failed_future()] = batch
            if broken:  # the batches in flight went down with the pool, but those that finished first
                suspects = []
                for future, batch in pending.items():
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        suspects.append(batch)
                pending.clear()
                yield from self._one_by_one(suspects)
                pool = self._new_pool(self.workers)
                broken = False
        self.close()

    def _one_by_one(self, batches: list[Batch]) -> Iterator[list[Extracted]]:
        """The documents of batches a dead worker took down, each alone in one worker: one that
        kills it again is failed."""
        log.warning(
            "a worker process died; its %d batches are run again one document at a time", len(batches)
        )
        pool = self._new_pool(1)
        for item in (item for batch in batches for item in batch):
            start = time.perf_counter()
            try:
                yield pool.submit(self._task, (item,)).result()
            except BrokenProcessPool:
                index, document = item
                reason = "the worker process extracting it died (a crash, or out of memory)"
                log.warning("%s: %s", document.source or document.id, reason)
                yield [Extracted(index, document.id, None, reason, time.perf_counter() - start)]
                pool = self._new_pool(1)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _failed_future() -> Future[list[Extracted]]:
    """A future holding what a broken pool gives: its batch is run again, one document at a time."""
    future: Future[list[Extracted]] = Future()
    future.set_exception(BrokenProcessPool("the pool broke before this batch ran"))
    return future


def batches(documents: Iterable[tuple[int, Document]], size: int) -> Iterator[Batch]:
    """Documents in batches of `size` (fewer at the end)."""
    batch: list[tuple[int, Document]] = []
    for item in documents:
        batch.append(item)
        if len(batch) >= size:
            yield tuple(batch)
            batch = []
    if batch:
        yield tuple(batch)
