"""The `oxigraph` server process behind `kg serve`: found, started on a loopback port of its own,
restarted on the store as it is now when another process has written it, stopped.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from kg.core.errors import StoreError
from kg.store.names import INTERNAL_GRAPHS

log = logging.getLogger(__name__)

_LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(address_family(host), socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def oxigraph_executable() -> str:
    """The `oxigraph` of this environment (beside the Python running kg), else the one on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise StoreError("the `oxigraph` executable is not installed (pip install oxigraph)")
    return found


def store_stamp(store: Path) -> tuple[tuple[str, int, int], ...]:
    """What the store's files are now (names, sizes, modification times): it changes with every
    write another process makes to the store (its log, tables and manifest), not with reads."""
    try:
        entries = list(os.scandir(store))
    except OSError as e:
        raise StoreError(f"cannot read the kg store at {store}: {e}") from e
    stamp = []
    for entry in entries:
        if entry.name == "LOCK" or entry.name.startswith("LOG"):  # RocksDB's lock and info logs
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:  # deleted by a compaction while we looked
            continue
        stamp.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(stamp))


@dataclass
class Backend:
    """The `oxigraph` server process, on a loopback port of its own.

    A read-only backend sees the store as it was when it started. When another process (`kg build
    --append`, `kg import`, `kg remove`, `kg infer`) has written the store since, the next request
    (checked at most every `recheck` seconds) starts a new `oxigraph` on the store as it is now and
    sends requests there; the old one is stopped once the requests it is answering are done.
    """

    store: Path
    writable: bool = False
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    recheck: float = 1.0
    #: told the new oxigraph's pid after a reopen (`kg serve` prints it)
    on_reopen: Callable[[int], None] | None = None
    #: seconds oxigraph lets a query run (its --timeout-s, whole seconds: at least 1), or no limit
    timeout: float | None = None
    _graphs: list[str] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: held from before a write to after its union upkeep: one write at a time
    write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _reopen_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stamp: tuple[tuple[str, int, int], ...] = field(default=(), repr=False)
    _checked: float = field(default=0.0, repr=False)
    _users: dict[int, int] = field(default_factory=dict, repr=False)  # pid: requests being answered
    _retired: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        self._stamp = store_stamp(self.store)
        self._checked = time.monotonic()
        self.port = self.port or free_port()
        self.process = self._launch(self.port, timeout)

    def _launch(self, port: int, timeout: float = 20.0) -> subprocess.Popen[bytes]:
        """An `oxigraph` serving the store on `port`, once it answers; StoreError if it does not."""
        command = [
            oxigraph_executable(),
            "serve" if self.writable else "serve-read-only",
            "--location",
            str(self.store),
            "--bind",
            f"127.0.0.1:{port}",
            *(["--timeout-s", str(max(1, math.ceil(self.timeout)))] if self.timeout is not None else []),
        ]
        log.info("starting %s", " ".join(command))
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                message = (process.stderr.read() if process.stderr else b"").decode(errors="replace")
                if process.stderr:
                    process.stderr.close()
                raise StoreError(f"{self.store}: oxigraph could not serve the store: {message.strip()}")
            try:
                self._list_graphs(f"http://127.0.0.1:{port}")
                return process
            except OSError:
                time.sleep(0.1)
        _stop(process)
        raise StoreError(f"{self.store}: oxigraph did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        with self._lock:
            processes = [p for p in (self.process, *self._retired.values()) if p is not None]
            self._retired.clear()
        for process in processes:
            _stop(process)

    @contextmanager
    def lease(self) -> Iterator[str]:
        """The URL of the `oxigraph` serving the store as it is now; that process is kept running
        until the caller is done with it."""
        self._reopen_if_changed()
        with self._lock:
            if self.process is None:
                raise StoreError(f"{self.store}: the oxigraph server is not running")
            pid, url = self.process.pid, self.url
            self._users[pid] = self._users.get(pid, 0) + 1
        try:
            yield url
        finally:
            with self._lock:
                self._users[pid] -= 1
                done = None
                if not self._users[pid]:
                    del self._users[pid]
                    done = self._retired.pop(pid, None)  # retired while this request ran
            if done is not None:
                _stop(done)

    def _reopen_if_changed(self) -> None:
        if self.writable or self.process is None:
            return  # a writable server holds the store's lock: nothing else writes it
        if time.monotonic() - self._checked < self.recheck:
            return  # checked lately: most requests take no lock here
        with self._reopen_lock:
            now = time.monotonic()
            if now - self._checked < self.recheck:
                return  # another request checked while this one waited
            self._checked = now
            try:
                stamp = store_stamp(self.store)
            except StoreError as e:  # gone for a moment: a build swapping a fresh store in
                log.info("%s; answering from the store as it was", e)
                return
            if stamp == self._stamp:
                return
            port = free_port()
            try:
                process = self._launch(port)
            except StoreError as e:  # keep answering from the store as it was; try again later
                log.warning("the store changed on disk but could not be reopened: %s", e)
                return
            with self._lock:
                old, self.process, self.port = self.process, process, port
                self._stamp, self._graphs = stamp, None
                busy = self._users.get(old.pid, 0) > 0
                if busy:
                    self._retired[old.pid] = old  # stopped by the last lease that uses it
            log.info("the store changed on disk: reopened it (oxigraph pid %d)", process.pid)
            if not busy:
                _stop(old)
        if self.on_reopen is not None:
            self.on_reopen(process.pid)

    def abandon(self, url: str) -> None:
        """A request to the oxigraph at `url` was given up (its client hung up), but oxigraph goes
        on evaluating it: a read-only backend starts a new oxigraph for the requests to come and
        retires that one, stopped once the requests it is answering (this one too) are done. A
        writable one holds the store's lock, so keeps its oxigraph."""
        if self.writable:
            log.info("a client hung up; oxigraph finishes its request (a writable server keeps it)")
            return
        with self._reopen_lock:
            with self._lock:
                if self.process is None or url != self.url:
                    return  # retired already (reopened since): stopped after its requests
            port = free_port()
            try:
                process = self._launch(port)
            except StoreError as e:
                log.warning("could not start a new oxigraph to drop an abandoned query: %s", e)
                return
            with self._lock:
                old, self.process, self.port = self.process, process, port
                self._retired[old.pid] = old  # the abandoned request still holds its lease
        log.info("retired oxigraph pid %d (its client hung up); now pid %d", old.pid, process.pid)

    def graphs(self) -> list[str]:
        """The knowledge graphs' names (not the internal ones), cached until the next write."""
        with self.lease() as url:
            with self._lock:
                if self._graphs is not None:
                    return self._graphs
            graphs = self._list_graphs(url)
            with self._lock:
                self._graphs = graphs
            return graphs

    def _list_graphs(self, url: str) -> list[str]:
        request = urllib.request.Request(
            f"{url}/query?{urlencode({'query': _LIST_GRAPHS})}", headers={"Accept": "text/csv"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            rows = response.read().decode("utf-8").splitlines()[1:]
        internal = {g.value for g in INTERNAL_GRAPHS}
        return sorted(g.strip() for g in rows if g.strip() and g.strip() not in internal)

    def update(self, update: str) -> None:
        """Run an update of kg's own (keeping the union) on the server; OSError if it fails."""
        data = urlencode({"update": update}).encode()
        with self.lease() as url:
            urllib.request.urlopen(urllib.request.Request(f"{url}/update", data=data), timeout=3600).close()

    def forget_graphs(self) -> None:
        """After a write: the graph names are read again when next needed."""
        with self._lock:
            self._graphs = None


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr:
        process.stderr.close()
    log.info("oxigraph (pid %d) stopped", process.pid)


def address_family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
