"""Extraction on a Dask cluster (`kg build --dask tcp://scheduler:8786`, or `--dask local` for a
LocalCluster on this machine): each worker loads kg's pipeline once (a worker plugin), batches of
documents are sent to the workers as tasks, at most two per worker at a time, and each returns the
compact records kg.pipeline.workers.extract_batch makes. The client, `kg build`, writes them to the store as
they come and resolves the corpus once at the end (kg.pipeline.corpus).

The workers need kg installed (the same version: the records' key holds the pipeline's
fingerprint, computed by the client) and the spaCy model; run them with one thread each:

    dask scheduler
    dask worker tcp://scheduler:8786 --nworkers 2 --nthreads 1

A task whose worker dies is retried by Dask on another (three times); then its documents are sent
one at a time, and one that still fails is reported failed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from distributed import WorkerPlugin

from kg.core.errors import KGError
from kg.pipeline.workers import Batch, Extracted, Runner, cores, extract_batch

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

#: How long to try to reach a Dask scheduler
CONNECT_SECONDS = 30

#: The name kg's plugin has on Dask workers
PLUGIN = "kg-pipeline"


class PipelinePlugin(WorkerPlugin):
    """A Dask worker plugin that loads kg's pipeline once on each worker, when the worker joins
    (or when a build registers it). Tasks on one worker take turns on it (a lock): run workers with
    one thread each (`dask worker ADDRESS --nworkers N --nthreads 1`)."""

    name = PLUGIN
    idempotent = True

    def __init__(self, model: str | None = None) -> None:
        self.model = model
        self.nlp: Language | None = None
        self.lock: Any = None

    def setup(self, worker: object) -> None:
        import threading

        from kg.extract.pipeline import build_nlp

        self.lock = threading.Lock()
        self.nlp = build_nlp(self.model)

    def teardown(self, worker: object) -> None:
        self.nlp = None

    def __getstate__(self) -> dict[str, object]:
        return {"model": self.model}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["model"])  # type: ignore[misc]


def _run_on_dask(batch: Batch) -> list[Extracted]:
    from distributed import get_worker

    plugin = get_worker().plugins[PLUGIN]
    assert isinstance(plugin, PipelinePlugin) and plugin.nlp is not None
    with plugin.lock:
        return extract_batch(plugin.nlp, batch)


class DaskRunner(Runner):
    """Extraction on a Dask cluster: `address` is its scheduler (`tcp://host:8786`), or "local" for
    a LocalCluster of `workers` processes on this machine (one thread each), stopped at the end."""

    def __init__(
        self,
        address: str,
        workers: int | None = None,
        model: str | None = None,
        *,
        task: Callable[[Batch], list[Extracted]] = _run_on_dask,
    ) -> None:
        from distributed import Client, LocalCluster

        self._task = task
        self._cluster: Any = None
        self._client: Any = None
        try:
            if address == "local":
                self._cluster = LocalCluster(
                    n_workers=workers or cores(),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(address, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as e:
            self.close()
            raise KGError(f"cannot reach the Dask scheduler at {address}: {e}") from e
        self._client.register_plugin(PipelinePlugin(model), name=PLUGIN)
        self.workers = max(1, len(self._client.scheduler_info()["workers"]))
        self.description = (
            f"Dask, {self.workers} workers ({'LocalCluster' if address == 'local' else address})"
        )
        log.info("Dask: %s", self.description)

    def run(self, batches: Iterable[Batch]) -> Iterator[list[Extracted]]:
        from distributed import as_completed

        source = iter(batches)
        pending: dict[Any, Batch] = {}

        def submit() -> Any:
            batch = next(source, None)
            if batch is None:
                return None
            future = self._client.submit(self._task, batch, pure=False)
            pending[future] = batch
            return future

        first = [f for f in (submit() for _ in range(2 * self.workers)) if f is not None]
        queue = as_completed(first)
        for future in queue:
            batch = pending.pop(future)
            try:
                yield future.result()
            except Exception as e:  # the worker died (KilledWorker) or the task could not run
                log.warning("Dask: a batch failed (%s); its documents are run one at a time", e)
                yield from self._one_by_one(batch)
            future.release()
            following = submit()
            if following is not None:
                queue.add(following)

    def _one_by_one(self, batch: Batch) -> Iterator[list[Extracted]]:
        for item in batch:
            start = time.perf_counter()
            try:
                yield self._client.submit(self._task, (item,), pure=False).result()
            except Exception as e:
                index, document = item
                reason = f"its Dask task failed: {type(e).__name__}: {e}"
                log.warning("%s: %s", document.source or document.id, reason)
                yield [Extracted(index, document.id, None, reason, time.perf_counter() - start)]

    def close(self) -> None:
        client, self._client = getattr(self, "_client", None), None
        if client is not None:
            client.close()
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            cluster.close()
