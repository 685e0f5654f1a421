"""Around a build: its inputs read one document at a time (`iter_collected`), and the output folder
written safely (atomic files, the store swapped in, one writer at a time, the pending mark).

The build itself, `kg build` and `kg.build()` alike, is `kg.pipeline.incremental.build_store`.
`build_documents` is the flow without a store (extract, resolve, map documents already read, into
an rdflib Dataset), for tests and benchmarks of those stages.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from rdflib import Dataset

from kg.core.errors import InputError, KGError, StoreError
from kg.core.files import create_beside
from kg.core.types import Corpus, Document
from kg.ingest.readers import (
    SUFFIXES,
    Skipped,
    check_length,
    clean_document,
    document_from_text,
    is_kg_page,
    iter_inputs,
)
from kg.resolve.mapping import to_dataset
from kg.resolve.merge import resolve

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)
Input = str | Path | Document


@dataclass(frozen=True)
class Outputs:
    """The files `KnowledgeGraph.save` wrote."""

    ttl: Path
    trig: Path
    html: Path | None
    store: Path
    report: Path | None = None


def iter_collected(inputs: Iterable[Input]) -> Iterator[Document | InputError | Skipped]:
    """The documents of the inputs, one at a time: Document records and raw strings (a string that
    names a file is a path), then the documents of the paths (read together: a feed's entries find
    their pages among all of them), skipped ones (another language) and problems as they come."""
    paths: list[Path] = []
    for n, item in enumerate(inputs, start=1):
        if isinstance(item, Document):
            try:
                check_length(item.text, item.source or item.id)
            except InputError as e:
                yield e
                continue
            yield clean_document(item)
        elif isinstance(item, Path) or _is_path(item):
            paths.append(Path(item))
        else:
            try:
                yield document_from_text(item, f"text-{n}")
            except InputError as e:
                yield e
    if paths:
        yield from iter_inputs(paths)


def _is_path(text: str) -> bool:
    if "\n" in text or len(text) > 1024:
        return False
    return Path(text).exists() or (" " not in text and text.lower().endswith((*SUFFIXES, ".gz")))


def build_documents(
    documents: Sequence[Document],
    *,
    nlp: Language | None = None,
    model: str | None = None,
    min_confidence: float = 0.0,
    on_done: Callable[[Document], None] | None = None,
) -> tuple[Corpus, Dataset]:
    """Extract, resolve and map documents that were already read."""
    if not 0.0 <= min_confidence <= 1.0:
        raise KGError(f"min confidence must be between 0 and 1, got {min_confidence}")
    from kg.extract.chunks import extract_bounded as extract
    from kg.extract.pipeline import build_nlp

    pipeline = nlp if nlp is not None else build_nlp(model)
    extractions = list(extract(pipeline, documents, on_done=on_done))
    corpus = resolve(extractions, min_confidence=min_confidence)
    return corpus, to_dataset(corpus)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write via a temporary file in the same folder, then rename: readers never see half a file."""
    return write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))


def write_atomic(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """`write_text_atomic` of what `write(handle)` writes (a large file, written as it is made)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = create_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def fresh_folder(path: Path) -> Path:
    """An empty folder beside `path` to build its replacement in."""
    recover_swap(path)
    fresh = path.with_name(f".{path.name}.new")
    shutil.rmtree(fresh, ignore_errors=True)
    return fresh


def swap_in(fresh: Path, path: Path) -> Path:
    """Replace the folder `path` by `fresh` with renames; the old one serves until the last moment.
    A process killed between the two renames leaves no `path`: `recover_swap` finishes the swap."""
    if path.exists() and not is_store(path):
        raise StoreError(
            f"{path}: not a kg store; kg replaces only a store it made (move it, or choose another --out)"
        )
    old = path.with_name(f".{path.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        os.replace(path, old)
    os.replace(fresh, path)
    shutil.rmtree(old, ignore_errors=True)
    return path


def recover_swap(path: Path) -> None:
    """Finish a `swap_in` that a killed process left half done: with `path` moved away but the fresh
    store (complete before any rename) not yet in, the fresh one goes in."""
    old, fresh = path.with_name(f".{path.name}.old"), path.with_name(f".{path.name}.new")
    if path.exists() or not old.is_dir():
        return
    if is_store(fresh):
        log.warning("%s: finishing the swap of a fresh store a killed build left", path)
        os.replace(fresh, path)
    else:
        log.warning("%s: putting back the store a killed build had moved", path)
        os.replace(old, path)
    shutil.rmtree(old, ignore_errors=True)


def is_store(path: Path) -> bool:
    """Whether `path` is a store kg made (an Oxigraph database), or an empty folder."""
    return path.is_dir() and ((path / "CURRENT").is_file() or not any(path.iterdir()))


def check_replaceable(out_dir: Path) -> None:
    """StoreError if the output folder holds a `store/` or `graph.html` that kg did not make: an
    --out pointing at the wrong folder must not delete what is there."""
    store = out_dir / "store"
    if store.exists() and not is_store(store):
        raise StoreError(
            f"{store}: exists and is not a kg store; kg replaces only a store it made "
            "(move it, or choose another --out)"
        )
    page = out_dir / "graph.html"
    if page.exists() and not is_kg_page(page):
        raise StoreError(
            f"{page}: exists and is not a page kg wrote; kg will not replace it "
            "(move it, or choose another --out)"
        )


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder for one writer (a build, an append, a removal): another gets a "store
    is busy" StoreError at once, instead of two writers building the same fresh store. The lock
    (flock on `.kg-lock`) goes with the process, killed or not."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handle = (out_dir / ".kg-lock").open("a")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            raise StoreError(
                f"the kg store at {out_dir / 'store'} is busy: another kg command is writing it; "
                "wait for it to finish"
            ) from e
        yield
    finally:
        handle.close()


#: In an output folder while a change to its store has files still to follow (the inferred graph,
#: graph.ttl, graph.trig, graph.html): a run that finds it (killed before it was removed) writes them.
PENDING = ".kg-pending"


def mark_pending(out_dir: Path) -> None:
    """Leave the pending mark (on disk before the store changes)."""
    write_text_atomic(out_dir / PENDING, "the files beside the store are being rewritten\n")


def is_pending(out_dir: Path) -> bool:
    return (out_dir / PENDING).is_file()


def clear_pending(out_dir: Path) -> None:
    (out_dir / PENDING).unlink(missing_ok=True)
