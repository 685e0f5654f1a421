"""`kg serve`: a SPARQL 1.1 Protocol endpoint over a store, run by the `oxigraph` executable.

`oxigraph serve-read-only` (or `oxigraph serve` with `allow_update`) answers on an internal
loopback port; in front of it a small proxy (standard library only) listens on the address asked
for, and does three things Oxigraph's server cannot:

- **The union as default graph.** A store keeps the merged union of its graphs in a named graph
  (`kg.graphs.UNION_GRAPH`), which `kg query` uses as its default graph. Oxigraph's own
  `--union-default-graph` is no substitute: it does not merge (a fact two documents state matches
  twice, and the materialised union once more) and it would expose the internal records graph. So a
  query that names no dataset (no `default-graph-uri`, `named-graph-uri` or `union-default-graph`
  parameter, no FROM) is sent on with `default-graph-uri` = the union graph and, if it reads named
  graphs (GRAPH), `named-graph-uri` = every knowledge graph (documents, reference, inferred): the
  list slows Oxigraph several-fold on stores of thousands of documents, so only those get it. A query
  that names its own dataset is passed on unchanged.
- **Writes keep the union fresh.** With `allow_update`, every `/update` or Graph Store Protocol write
  on `/store` is wrapped in updates that bring the union graph up to date at the cost of the graphs
  the write touches, not of the store (`kg.upkeep`); writes are relayed one at a time, and the client
  hears back once the union has its write. Extraction records are not touched: documents written
  over HTTP take no part in re-resolution.
- **A query page and the explorer.** `/` is a small offline query form (results as a table), and
  `/explorer` the `graph.html` beside the store, if there is one (a snapshot of the last build).

Everything else (`/query` results, `/update`, `/store`) is Oxigraph's, relayed as it answered;
a read-only server refuses updates with 403. Only loopback addresses are served unless
`allow_remote` is set: the endpoint has no authentication.

Other commands that write the store (`kg build --append`, `kg remove`, `kg import`, `kg infer`)
meet a writable server's lock and fail cleanly: send them to the server instead (`--store
http://127.0.0.1:PORT`). A read-only server takes no lock; when such a command has written the
store, the server's next request reopens it (`Backend`), so answers follow the store within about a
second instead of staying with the store as it was when the server started.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import os
import shutil
import signal
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

from kg.errors import KGError, StoreError
from kg.graphs import INTERNAL_GRAPHS, UNION_GRAPH, UNION_HEADER, UNION_KEPT
from kg.store import uses_named_graphs
from kg.upkeep import KEPT, Plan, plan_store_write, plan_update

log = logging.getLogger(__name__)

_DATASET_PARAMS = {"default-graph-uri", "named-graph-uri", "union-default-graph"}
_FORWARD_HEADERS = ("Content-Type", "Accept")
_RELAY_HEADERS = ("Content-Type", "Location")
_LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"


def check_host(host: str, *, allow_remote: bool = False) -> None:
    """KGError unless `host` is a loopback address (or `allow_remote`)."""
    if allow_remote or host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise KGError(
            f"--host {host}: not a loopback address; the endpoint has no authentication, "
            "so serving it to the network needs --allow-remote"
        )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
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


def serve(
    store: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    allow_update: bool = False,
    allow_remote: bool = False,
    on_ready: Callable[[str, Backend], None] | None = None,
    on_reopen: Callable[[int], None] | None = None,
) -> None:
    """Serve `store` until interrupted (Ctrl-C or SIGTERM); see the module docstring. `on_ready` is
    told the address and backend once it answers, `on_reopen` the new oxigraph's pid after each
    reopening of a store other commands changed."""
    check_host(host, allow_remote=allow_remote)
    if not (Path(store) / "CURRENT").is_file():
        raise StoreError(f"no kg store at {store} (run `kg build` first)")
    backend = Backend(Path(store), writable=allow_update, on_reopen=on_reopen)
    explorer = Path(store).parent / "graph.html"
    handler = type("Handler", (_Handler,), {"backend": backend, "explorer": explorer})
    server_class = type(
        "Server", (ThreadingHTTPServer,), {"address_family": _family(host), "daemon_threads": True}
    )
    try:
        server = server_class((host, port), handler)
    except OSError as e:
        raise StoreError(f"cannot listen on {host}:{port}: {e}") from e
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        backend.start()
        bound = server.server_address[1]
        if on_ready is not None:
            on_ready(f"http://{_url_host(host)}:{bound}", backend)
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        server.server_close()
        backend.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class _Handler(BaseHTTPRequestHandler):
    backend: Backend
    explorer: Path
    server_version = "kg-serve"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if self.command == "GET" and url.path in ("/", "/index.html"):
            self._send(200, "text/html; charset=utf-8", _query_page(self.explorer.is_file()))
        elif self.command == "GET" and url.path == "/explorer":
            if self.explorer.is_file():
                self._send(200, "text/html; charset=utf-8", self.explorer.read_bytes())
            else:
                self._send(
                    404, "text/plain; charset=utf-8", f"no explorer: {self.explorer} not found\n".encode()
                )
        elif url.path == "/query":
            self._query(url.query)
        elif self.backend.writable and (
            url.path == "/update" or (url.path == "/store" and self.command in ("POST", "PUT", "DELETE"))
        ):
            self._write(url.path, url.query)
        else:
            self._forward(self.path, self._body(), self._headers())

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

    def _query(self, query_string: str) -> None:
        params = parse_qsl(query_string, keep_blank_values=True)
        body = self._body()
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if self.command == "POST" and content_type == "application/sparql-query":
            params.append(("query", body.decode("utf-8", errors="replace")))
        elif self.command == "POST":
            params += parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        if not any(name in _DATASET_PARAMS for name, _ in params) and not _names_dataset(params):
            try:
                params.append(("default-graph-uri", UNION_GRAPH.value))
                if uses_named_graphs(" ".join(v for name, v in params if name == "query")):
                    params += [("named-graph-uri", g) for g in self.backend.graphs()]
            except OSError as e:
                self._send(502, "text/plain; charset=utf-8", f"oxigraph is not answering: {e}\n".encode())
                return
        headers = {**self._headers(), "Content-Type": "application/x-www-form-urlencoded"}
        self._forward("/query", urlencode(params).encode(), headers, method="POST")

    def _write(self, path: str, query_string: str) -> None:
        """Relay a write, with the updates that keep the union current around it (kg.upkeep); the
        client hears back once the union has its write too."""
        body = self._body()
        plan = self._plan(path, query_string, body)
        with self.backend.write_lock:
            try:
                if plan.before:
                    self.backend.update(plan.before)
            except OSError as e:
                self._send(502, "text/plain; charset=utf-8", f"oxigraph is not answering: {e}\n".encode())
                return
            status, reply, data = self._send_on(self.path, body, self._headers())
            upkeep = plan.after if status < 300 else plan.failed
            try:
                if upkeep:
                    self.backend.update(upkeep)
            except OSError as e:
                log.error("after a write, the union graph could not be brought up to date: %s", e)
                message = (
                    f"the write was applied, but the union graph that queries read could not be "
                    f"brought up to date: {e}; restart the server to retry\n"
                )
                status, reply, data = 500, None, message.encode()
            finally:
                self.backend.forget_graphs()
        self._relay(status, reply, data)

    def _plan(self, path: str, query_string: str, body: bytes) -> Plan:
        if self.headers.get(UNION_HEADER, "").strip().lower() == UNION_KEPT:
            return KEPT
        if path == "/store":
            return plan_store_write(parse_qs(query_string, keep_blank_values=True))
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        text = body.decode("utf-8", errors="replace")
        if content_type != "application/sparql-update":
            text = next((v for k, v in parse_qsl(text, keep_blank_values=True) if k == "update"), "")
        return plan_update(text)

    def _forward(self, path: str, body: bytes, headers: dict[str, str], method: str | None = None) -> None:
        """Send the request on to oxigraph and relay its answer."""
        self._relay(*self._send_on(path, body, headers, method))

    def _send_on(
        self, path: str, body: bytes, headers: dict[str, str], method: str | None = None
    ) -> tuple[int, Any, bytes]:
        """Send the request on to oxigraph: its status, headers (None if it did not answer) and body."""
        try:
            with self.backend.lease() as url:
                request = urllib.request.Request(
                    url + path, data=body or None, headers=headers, method=method or self.command
                )
                with urllib.request.urlopen(request, timeout=3600) as response:
                    return response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()
        except OSError as e:
            return 502, None, f"oxigraph is not answering: {e}\n".encode()

    def _relay(self, status: int, reply: Any, data: bytes) -> None:
        self.send_response(status)
        for name in _RELAY_HEADERS:
            if reply is not None and reply.get(name):
                self.send_header(name, reply[name])
        if reply is None:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _send(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _headers(self) -> dict[str, str]:
        return {name: self.headers[name] for name in _FORWARD_HEADERS if self.headers.get(name)}

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)


def _names_dataset(params: list[tuple[str, str]]) -> bool:
    """Whether the query text has its own FROM / FROM NAMED (then it chose its dataset)."""
    import re

    query = next((value for name, value in params if name == "query"), "")
    return re.search(r"\bFROM\s+(NAMED\s+)?<", query, re.IGNORECASE) is not None


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 1.5em; }}
textarea {{ width: 100%; height: 14em; font: 13px monospace; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }}
#status {{ color: #555; margin-left: 1em; }}
</style></head><body>
<h1>kg SPARQL endpoint</h1>
<p>POST or GET <code>/query</code> (SPARQL 1.1 Protocol); the default graph is the union of all
graphs unless the request names its dataset.{explorer}</p>
<textarea id="q">{query}</textarea>
<p><button id="run">Run</button><span id="status"></span></p>
<div id="out"></div>
<script>
const run = async () => {{
  const status = document.getElementById("status"), out = document.getElementById("out");
  status.textContent = "running…"; out.textContent = "";
  const response = await fetch("query", {{method: "POST",
    headers: {{"Content-Type": "application/x-www-form-urlencoded",
               "Accept": "application/sparql-results+json"}},
    body: new URLSearchParams({{query: document.getElementById("q").value}})}});
  const text = await response.text();
  if (!response.ok) {{ status.textContent = response.status + ": " + text; return; }}
  const data = JSON.parse(text);
  if ("boolean" in data) {{ status.textContent = String(data.boolean); return; }}
  const table = document.createElement("table"), head = table.insertRow();
  for (const v of data.head.vars) head.appendChild(document.createElement("th")).textContent = v;
  for (const b of data.results.bindings) {{
    const row = table.insertRow();
    for (const v of data.head.vars) row.insertCell().textContent = b[v] ? b[v].value : "";
  }}
  out.appendChild(table);
  status.textContent = data.results.bindings.length + " rows";
}};
document.getElementById("run").addEventListener("click", () => run().catch(
  e => document.getElementById("status").textContent = String(e)));
</script></body></html>
"""
_EXAMPLE = """PREFIX kg: <https://w3id.org/kg-geo/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?a ?b WHERE {
  ?x kg:alliedWith ?y . ?x rdfs:label ?a . ?y rdfs:label ?b
} LIMIT 50
"""


def _query_page(explorer: bool) -> bytes:
    link = ' The <a href="explorer">graph explorer</a> shows the last build.' if explorer else ""
    return _PAGE.format(explorer=link, query=html.escape(_EXAMPLE)).encode("utf-8")
