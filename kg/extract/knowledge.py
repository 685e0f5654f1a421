"""The data extraction reads, as one object: the files of a data folder, and whether to use Phoenix.

Design. The rule modules (`curated`, `cities`, `officials`, `lexicon`, `cameo`, ...) build their
tables from kg's data files (`kg/extract/data/*.yaml`) with many small loaders. A `Knowledge`
holds the text of every file of one data folder, read in full when it is made, plus the options
that change which tables exist (`phoenix`). It is immutable; the tables the loaders derive from
it are memoized on it (`cached`), so two Knowledge objects never share a derived table.

The `kg_entities` component owns one: made in `initialize` (from the package's data folder or
another), written by `to_disk`/`to_bytes` beside the pipeline and read back by `from_disk`/
`from_bytes`. The component puts it on the Doc (`doc._.kg_knowledge`), and each kg component
(and `kg.extract.document.to_records`) runs its rules inside `using(knowledge)`, which makes it
the active Knowledge for the length of that call only (a context variable, restored on exit:
no process-wide setting changes, and two pipelines with different data can run side by side).
Outside such a call -- a rule function called directly, as the tests do -- the loaders use the
package's own data (`default()`), an immutable default.

Knowledge objects of identical content and options are interned (`load`), so a pipeline that
was saved and loaded again with unchanged tables shares the parsed tables of the package's.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from types import MappingProxyType
from typing import Any, ParamSpec, TypeVar

DATA_DIR = Path(__file__).resolve().parent / "data"

P = ParamSpec("P")
R = TypeVar("R")


class Knowledge:
    """The files of one data folder (name -> text) and the options of the tables built from them."""

    def __init__(self, files: Mapping[str, str], *, phoenix: bool = True) -> None:
        self.files: Mapping[str, str] = MappingProxyType(dict(sorted(files.items())))
        self.phoenix = phoenix  # use the Phoenix dictionaries of people and organizations
        digest = hashlib.sha256(repr(phoenix).encode())
        for name, text in self.files.items():
            digest.update(f"\0{name}\0{len(text)}\0".encode())
            digest.update(text.encode("utf-8"))
        self.digest = digest.hexdigest()
        self._memos: dict[Callable[..., Any], dict[Any, Any]] = {}

    @staticmethod
    def read_folder(folder: Path) -> dict[str, str]:
        """Every file of `folder` (not its subfolders) by name."""
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder}: no such data folder")
        return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.is_file()}

    def text(self, name: str) -> str:
        """The text of a data file; FileNotFoundError if the folder had none of that name."""
        try:
            return self.files[name]
        except KeyError:
            raise FileNotFoundError(f"no data file {name!r}") from None

    def has(self, name: str) -> bool:
        return name in self.files

    def write(self, folder: Path) -> None:
        """Write the files into `folder` (made if missing), as `read_folder` reads them."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in self.files.items():
            (folder / name).write_text(text, encoding="utf-8")

    def __repr__(self) -> str:
        return f"Knowledge({len(self.files)} files, phoenix={self.phoenix}, {self.digest[:12]})"


_interned: weakref.WeakValueDictionary[str, Knowledge] = weakref.WeakValueDictionary()


def load(files: Mapping[str, str], *, phoenix: bool = True) -> Knowledge:
    """The Knowledge of `files` with these options: an existing one when the content is the same."""
    fresh = Knowledge(files, phoenix=phoenix)
    return _interned.setdefault(fresh.digest, fresh)


def from_folder(folder: Path | str | None = None, *, phoenix: bool = True) -> Knowledge:
    """The Knowledge of a data folder (default: the package's `kg/extract/data`)."""
    return load(Knowledge.read_folder(Path(folder) if folder is not None else DATA_DIR), phoenix=phoenix)


@functools.cache
def default() -> Knowledge:
    """The package's own data with every option on: what the loaders use outside a kg component."""
    return from_folder()


_ACTIVE: ContextVar[Knowledge | None] = ContextVar("kg_knowledge", default=None)


def active() -> Knowledge:
    """The Knowledge of the kg component now running, else the package default."""
    knowledge = _ACTIVE.get()
    return knowledge if knowledge is not None else default()


@contextlib.contextmanager
def using(knowledge: Knowledge | None) -> Iterator[Knowledge]:
    """Run the body with `knowledge` active (None: the default); the previous one is restored."""
    chosen = knowledge if knowledge is not None else default()
    token = _ACTIVE.set(chosen)
    try:
        yield chosen
    finally:
        _ACTIVE.reset(token)


def cached(fn: Callable[P, R]) -> Callable[P, R]:
    """`functools.cache` kept on the active Knowledge: each Knowledge has its own results.

    `fn.cache_clear()` forgets the results of the active Knowledge.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = active()._memos.setdefault(wrapper, {})
        key = (args, tuple(sorted(kwargs.items()))) if kwargs else args
        try:
            return memo[key]
        except KeyError:
            value = memo[key] = fn(*args, **kwargs)
            return value

    def cache_clear() -> None:
        active()._memos.pop(wrapper, None)

    wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
    return wrapper
