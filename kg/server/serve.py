"""`kg serve`: a SPARQL 1.1 Protocol endpoint over a store, run by the `oxigraph` executable.

`oxigraph serve-read-only` (or `oxigraph serve` with `allow_update`) answers on an internal
loopback port; in front of it a small proxy (standard library only) listens on the address asked
for, and does three things Oxigraph's server cannot:

- **The union as default graph.** A store keeps the merged union of its graphs in a named graph
  (`kg.store.names.UNION_GRAPH`), which `kg query` uses as its default graph. Oxigraph's own
  `--union-default-graph` is no substitute: it does not merge (a fact two documents state matches
  twice, and the materialised union once more) and it would expose the internal records graph. So a
  query that names no dataset (no `default-graph-uri`, `named-graph-uri` or `union-default-graph`
  parameter, no FROM) is sent on with `default-graph-uri` = the union graph and, if it reads named
  graphs (GRAPH), `named-graph-uri` = every knowledge graph (documents, reference, inferred): the
  list slows Oxigraph several-fold on stores of thousands of documents, so only those get it. A query
  that names its own dataset is passed on unchanged.
- **Writes keep the union fresh.** With `allow_update`, every `/update` or Graph Store Protocol write
  on `/store` is wrapped in updates that bring the union graph up to date at the cost of the graphs
  the write touches, not of the store (`kg.server.upkeep`); writes are relayed one at a time, and the client
  hears back once the union has its write. Extraction records are not touched: documents written
  over HTTP take no part in re-resolution.
- **kg's prefixes.** A query may use `kg:`, `id:`, `rdfs:` and the other prefixes `kg query` knows
  without declaring them (as Wikidata's query service does for its own): the proxy declares those a
  query uses and does not declare itself, ahead of its text.
- **A client that hangs up is let go.** Oxigraph goes on evaluating a query whose client has gone;
  so when a client hangs up before its answer, a read-only server retires the oxigraph that
  was answering (stopped once its other requests are done) and answers the next request from a
  new one.
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

import contextlib
import html
import http.client
import ipaddress
import logging
import re
import select
import signal
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

from kg.core.errors import KGError, StoreError
from kg.core.vocab import DEFAULT_PREFIXES
from kg.server.process import Backend, address_family, url_host
from kg.server.upkeep import KEPT, Plan, plan_store_write, plan_update
from kg.store.names import UNION_GRAPH, UNION_HEADER, UNION_KEPT
from kg.store.sparqltext import uses_named_graphs

log = logging.getLogger(__name__)

_DATASET_PARAMS = {"default-graph-uri", "named-graph-uri", "union-default-graph"}
#: The most a request body may hold (a query, an update, a Graph Store write): a larger one is 413.
MAX_REQUEST_BYTES = 64 * 1024 * 1024
#: The most a response may hold by default (`kg serve --max-result-mb`): the proxy cuts it there.
MAX_RESULT_BYTES = 1024 * 1024 * 1024
#: Seconds a query may run by default (`kg serve --timeout`), enforced by oxigraph.
QUERY_TIMEOUT = 600.0
_CHUNK = 64 * 1024
_STREAMED = 0  # `_send_on`'s status when it relayed the answer itself
_FORWARD_HEADERS = ("Content-Type", "Accept")
_RELAY_HEADERS = ("Content-Type", "Location")


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


def serve(
    store: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    allow_update: bool = False,
    allow_remote: bool = False,
    timeout: float | None = QUERY_TIMEOUT,
    max_result_bytes: int = MAX_RESULT_BYTES,
    on_ready: Callable[[str, Backend], None] | None = None,
    on_reopen: Callable[[int], None] | None = None,
) -> None:
    """Serve `store` until interrupted (Ctrl-C or SIGTERM); see the module docstring. `on_ready` is
    told the address and backend once it answers, `on_reopen` the new oxigraph's pid after each
    reopening of a store other commands changed."""
    check_host(host, allow_remote=allow_remote)
    if not (Path(store) / "CURRENT").is_file():
        raise StoreError(f"no kg store at {store} (run `kg build` first)")
    if timeout is not None and timeout <= 0:
        raise KGError(f"--timeout must be a number of seconds above 0, got {timeout}")
    if max_result_bytes <= 0:
        raise KGError(f"--max-result-mb must be above 0, got {max_result_bytes / 1e6}")
    backend = Backend(Path(store), writable=allow_update, on_reopen=on_reopen, timeout=timeout)
    explorer = Path(store).parent / "graph.html"
    handler = type(
        "Handler",
        (_Handler,),
        {"backend": backend, "explorer": explorer, "max_result_bytes": max_result_bytes},
    )
    server_class = type(
        "Server", (ThreadingHTTPServer,), {"address_family": address_family(host), "daemon_threads": True}
    )
    try:
        server = server_class((host, port), handler)
    except OSError as e:
        raise StoreError(f"cannot listen on {host}:{port}: {e}") from e
    # SIGTERM stops the server as Ctrl-C does, while it serves; the caller's handler is back after
    previous = signal.signal(signal.SIGTERM, _interrupt) if _main_thread() else None
    try:
        backend.start()
        bound = server.server_address[1]
        if on_ready is not None:
            on_ready(f"http://{url_host(host)}:{bound}", backend)
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        try:
            server.server_close()
            backend.stop()
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    """Whether this is the main thread, the only one that may install a signal handler."""
    return threading.current_thread() is threading.main_thread()


_READ_ONLY = (
    b"this kg serve is read-only: it takes no SPARQL updates (/update) or Graph Store writes (/store);"
    b" start it with --allow-update to take them\n"
)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class _Handler(BaseHTTPRequestHandler):
    backend: Backend
    explorer: Path
    max_result_bytes: int = MAX_RESULT_BYTES
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"  # answers stream in chunks, and a cut one shows as cut

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_REQUEST_BYTES:
            self.close_connection = True
            message = f"request body too large or malformed (at most {MAX_REQUEST_BYTES:,} bytes)\n"
            self._send(413, "text/plain; charset=utf-8", message.encode())
            return
        writes = url.path == "/update" or (url.path == "/store" and self.command not in ("GET", "HEAD"))
        if writes and not self.backend.writable:
            self._send(403, "text/plain; charset=utf-8", _READ_ONLY)
            return
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
        elif writes:
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
        params = [(name, declare_prefixes(value) if name == "query" else value) for name, value in params]
        if not any(name in _DATASET_PARAMS for name, _ in params) and not _names_dataset(params):
            try:
                params.append(("default-graph-uri", UNION_GRAPH.value))
                if uses_named_graphs(" ".join(v for name, v in params if name == "query")):
                    params += [("named-graph-uri", g) for g in self.backend.graphs()]
            except OSError as e:
                self._send(502, "text/plain; charset=utf-8", f"oxigraph is not answering: {e}\n".encode())
                return
        headers = {**self._headers(), "Content-Type": "application/x-www-form-urlencoded"}
        self._relay(
            *self._send_on(
                "/query", urlencode(params).encode(), headers, "POST", cancellable=True, stream=True
            )
        )

    def _write(self, path: str, query_string: str) -> None:
        """Relay a write, with the updates that keep the union current around it (kg.server.upkeep); the
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
        self._relay(*self._send_on(path, body, headers, method, stream=True))

    def _send_on(
        self,
        path: str,
        body: bytes,
        headers: dict[str, str],
        method: str | None = None,
        *,
        cancellable: bool = False,
        stream: bool = False,
    ) -> tuple[int, Any, bytes]:
        """Send the request on to oxigraph: its status, headers (None if it did not answer) and body.

        A `cancellable` request (a query) has its client's connection watched while oxigraph works:
        if the client hangs up, the request to oxigraph is cut, and a read-only backend retires that
        oxigraph (which would go on with the query) for a new one; the status is then 499.

        With `stream`, the answer goes on to the client as it comes (`_stream`), never whole in
        memory, and the status is `_STREAMED`."""
        try:
            with self.backend.lease() as url:
                address = urlsplit(url)
                host = address.hostname or "127.0.0.1"
                upstream = http.client.HTTPConnection(host, address.port, timeout=3600)
                watch = _HangUpWatch(self.connection, upstream)
                try:
                    upstream.request(method or self.command, path, body=body or None, headers=headers)
                    if cancellable:
                        watch.start()
                    response = upstream.getresponse()
                    if stream:
                        watch.stop()  # from here a hang-up shows as a failed write to the client
                        if not self._stream(response):
                            self.backend.abandon(url)  # oxigraph may go on with what nobody reads
                        return _STREAMED, None, b""
                    data = response.read()
                    return response.status, response.headers, data
                except (OSError, http.client.HTTPException):
                    if watch.stop():
                        log.info("%s hung up before its answer: stopping that query", self.address_string())
                        self.backend.abandon(url)
                        return 499, None, b""
                    raise
                finally:
                    watch.stop()
                    upstream.close()
        except (OSError, http.client.HTTPException) as e:
            return 502, None, f"oxigraph is not answering: {e}\n".encode()

    def _stream(self, response: http.client.HTTPResponse) -> bool:
        """Relay oxigraph's answer a chunk at a time (HTTP/1.1 chunked, or with its length when it
        gave one), up to `max_result_bytes`: a longer one is cut there and its connection closed, so
        the client sees it end early. Whether it went whole (False: cut, or the client hung up)."""
        self.send_response(response.status)
        for name in _RELAY_HEADERS:
            value = response.getheader(name)
            if value:
                self.send_header(name, value)
        given = response.getheader("Content-Length")
        chunked = given is None
        if given is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", given)
        self.end_headers()
        if self.command == "HEAD":
            return True
        sent = 0
        try:
            while chunk := response.read1(_CHUNK):
                sent += len(chunk)
                if sent > self.max_result_bytes:
                    log.warning(
                        "%s: answer cut at %d bytes (--max-result-mb); ask for less (LIMIT) or raise it",
                        self.address_string(),
                        self.max_result_bytes,
                    )
                    self.close_connection = True
                    return False
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (OSError, http.client.HTTPException) as e:  # the client or oxigraph went away
            log.info("%s: answer not finished: %s", self.address_string(), e)
            self.close_connection = True
            return False
        return True

    def _relay(self, status: int, reply: Any, data: bytes) -> None:
        if status == _STREAMED:
            return
        if status == 499:  # the client hung up: nobody to answer
            self.close_connection = True
            return
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

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError) as e:  # the client hung up while answered
            log.info("%s hung up: %s", self.address_string(), e)

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)


class _HangUpWatch:
    """Watches a client's connection while oxigraph answers it; if the client hangs up (its end
    reads as closed), cuts the connection to oxigraph, so the handler stops waiting."""

    def __init__(self, client: socket.socket, upstream: http.client.HTTPConnection) -> None:
        self.client, self.upstream = client, upstream
        self.hung_up = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="kg-serve-hangup")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> bool:
        """Stop watching; whether the client had hung up."""
        self._done.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()
        return self.hung_up

    def _run(self) -> None:
        while not self._done.is_set():
            try:
                readable, _, _ = select.select([self.client], [], [], 0.2)
                if not readable:
                    continue
                if self.client.recv(1, socket.MSG_PEEK):
                    return  # the client sent more (pipelining): it has not hung up
            except (OSError, ValueError):
                pass  # reset or closed: hung up too
            if self._done.is_set():
                return
            self.hung_up = True
            sock = self.upstream.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            return


def declare_prefixes(query: str) -> str:
    """The query with PREFIX lines, ahead of its text, for the prefixes of kg.core.vocab.DEFAULT_PREFIXES it
    uses (`kg:label`, `rdfs:`) and does not declare itself."""
    declared = {m.group(1) for m in _DECLARED.finditer(query)}
    used = {m.group(1) for m in _USED.finditer(query)}
    missing = [name for name in DEFAULT_PREFIXES if name in used and name not in declared]
    head = "".join(f"PREFIX {name}: <{DEFAULT_PREFIXES[name]}>\n" for name in missing)
    return head + query


_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_USED = re.compile(r"(?<![\w?$:<\"'])([A-Za-z][\w-]*):")


def _names_dataset(params: list[tuple[str, str]]) -> bool:
    """Whether the query text has its own FROM / FROM NAMED (then it chose its dataset)."""
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
