"""`kg serve`: the real `oxigraph` server behind kg's proxy, queried over HTTP with urllib."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.core.errors import KGError
from kg.server.process import Backend, free_port
from kg.server.serve import check_host, declare_prefixes, serve
from kg.views.exporting import import_files

SAMPLE = Path(__file__).parent / "data" / "sample.trig"
SAMPLE_TRIPLES = 116
ID = "https://w3id.org/kg-geo/id/"
runner = CliRunner()


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def oxigraph_pid(self) -> int | None:
        found = re.search(r"oxigraph pid (\d+)", self.log.read_text(encoding="utf-8"))
        return int(found.group(1)) if found else None


def start(folder: Path, *extra: str) -> Iterator[Server]:
    """`kg serve` on a free loopback port, until it answers; always stopped by its pid."""
    port = free_port()
    log = folder / f"serve-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--store", str(folder), "--port", str(port), *extra],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"kg serve exited: {log.read_text(encoding='utf-8')}")
            try:
                ask(server, "ASK {}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("kg serve did not answer within 60 s")
                time.sleep(0.2)
        yield server
    finally:
        oxigraph = server.oxigraph_pid()
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            if oxigraph is not None:
                os.kill(oxigraph, signal.SIGKILL)
        if oxigraph is not None:  # kg serve stops its oxigraph on the way out
            with pytest.raises(ProcessLookupError):
                os.kill(oxigraph, 0)


def store_folder(tmp: Path) -> Path:
    import_files(tmp / "store", [SAMPLE])
    (tmp / "graph.html").write_text("<html>the explorer</html>", encoding="utf-8")
    return tmp


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start(store_folder(tmp_path_factory.mktemp("serve")))


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[Server]:
    yield from start(store_folder(tmp_path), "--allow-update")


def request(
    server: Server, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> bytes:
    req = urllib.request.Request(server.url + path, data=data, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as response:
        return bytes(response.read())


def select(server: Server, sparql: str, *, post: bool = False) -> list[dict[str, str]]:
    accept = {"Accept": "application/sparql-results+json"}
    if post:
        body = request(
            server, "/query", sparql.encode(), {**accept, "Content-Type": "application/sparql-query"}
        )
    else:
        body = request(server, "/query?" + urlencode({"query": sparql}), None, accept)
    data = json.loads(body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def ask(server: Server, sparql: str) -> bool:
    body = request(
        server, "/query?" + urlencode({"query": sparql}), None, {"Accept": "application/sparql-results+json"}
    )
    return bool(json.loads(body)["boolean"])


# ---------------------------------------------------------------------- read-only


@pytest.mark.parametrize("post", [False, True], ids=["get", "post"])
def test_serve_default_graph_is_the_union(server: Server, post: bool) -> None:
    rows = select(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", post=post)
    assert rows == [{"n": str(SAMPLE_TRIPLES)}]  # a fact two documents state counts once


def test_serve_named_graphs_are_the_documents(server: Server) -> None:
    rows = select(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert sorted(r["g"] for r in rows) == [f"{ID}doc/alpha", f"{ID}doc/beta"]


def test_serve_query_with_its_own_dataset_is_left_alone(server: Server) -> None:
    rows = select(server, f"SELECT (COUNT(*) AS ?n) FROM <{ID}doc/beta> WHERE {{ ?s ?p ?o }}")
    assert int(rows[0]["n"]) < SAMPLE_TRIPLES / 2


def test_serve_refuses_updates_when_read_only(server: Server) -> None:
    data = urlencode({"update": "INSERT DATA { <https://e.org/a> <https://e.org/b> <https://e.org/c> }"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        request(server, "/update", data.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert caught.value.code == 403
    assert not ask(server, "ASK { <https://e.org/a> ?p ?o }")


@pytest.mark.parametrize("command", ["import", "remove"])
def test_serve_read_only_refusal_says_so(server: Server, tmp_path: Path, command: str) -> None:
    """A write refused by a read-only server says so, without a hint about user and password."""
    ttl = tmp_path / "x.ttl"
    ttl.write_text("<https://e.org/a> <https://e.org/b> <https://e.org/c> .\n", encoding="utf-8")
    argument = str(ttl) if command == "import" else "alpha"
    result = runner.invoke(app, [command, argument, "--store", server.url])
    assert result.exit_code == 1, result.output
    assert "HTTP 403" in result.stderr and "read-only" in result.stderr
    assert "--allow-update" in result.stderr
    assert "password" not in result.stderr
    assert not ask(server, "ASK { <https://e.org/a> ?p ?o }")


@pytest.mark.parametrize(("path", "text"), [("/", "kg SPARQL endpoint"), ("/explorer", "the explorer")])
def test_serve_pages(server: Server, path: str, text: str) -> None:
    assert text in request(server, path).decode("utf-8")


def test_serve_declares_kg_prefixes(server: Server) -> None:
    """The README's queries use kg:, rdfs:... undeclared, as `kg query` allows; a query's own
    declaration wins."""
    labels = select(server, "SELECT ?l WHERE { ?c a kg:Country ; rdfs:label ?l }", post=True)
    assert {"Japan", "United States"} <= {row["l"] for row in labels}
    own = "PREFIX kg: <https://example.org/other#> SELECT ?c WHERE { ?c a kg:Country }"
    assert select(server, own) == []


@pytest.mark.parametrize(
    ("query", "declared"),
    [
        ("SELECT ?l WHERE { ?c a kg:Country ; rdfs:label ?l }", ["kg", "rdfs"]),
        ("SELECT * WHERE { <http://x.org/a> <urn:kg:b> ?o }", []),  # IRIs are not prefixed names
        ("PREFIX kg: <https://e.org/#> SELECT * WHERE { ?s kg:p ?o . ?s skos:altLabel ?a }", ["skos"]),
        ("prefix rdfs: <https://e.org/#> ASK { ?s rdfs:label ?o }", []),
        ("SELECT ?kg WHERE { ?kg ?p 'id:no' }", []),  # a variable, a string
    ],
)
def test_serve_declare_prefixes(query: str, declared: list[str]) -> None:
    text = declare_prefixes(query)
    assert text.endswith(query)
    head = text[: len(text) - len(query)]
    assert re.findall(r"^PREFIX (\w+): <", head, re.MULTILINE) == declared


def test_serve_malformed_query_is_relayed(server: Server) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        select(server, "SELECT WHERE {")
    assert caught.value.code == 400


def test_serve_client_hanging_up_stops_its_query(tmp_path: Path) -> None:
    """A client that hangs up leaves no traceback in the log, and the oxigraph evaluating its query
    (which would go on for a long time) is stopped; the server answers the next request."""
    servers = start(store_folder(tmp_path))
    server = next(servers)
    try:
        first = server.oxigraph_pid()
        assert first is not None
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            target = "/query?" + urlencode({"query": slow})
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            time.sleep(1.0)  # oxigraph is at work
        started = time.monotonic()
        while True:
            try:
                os.kill(first, 0)
            except ProcessLookupError:
                break
            assert time.monotonic() - started < 10, "the oxigraph of the abandoned query still runs"
            time.sleep(0.1)
        for _ in range(3):  # hang up on answers being written, too
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                target = "/query?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }"})
                sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert ask(server, "ASK { ?s ?p ?o }")
        log = server.log.read_text(encoding="utf-8")
        assert "Traceback" not in log and "BrokenPipe" not in log, log
    finally:
        servers.close()


# ---------------------------------------------------------------------- read-write


def test_serve_updates_refresh_the_union(writable: Server) -> None:
    update = (
        f"INSERT DATA {{ GRAPH <{ID}doc/gamma> {{ <https://e.org/a> <https://e.org/b> <https://e.org/c> }} }}"
    )
    request(writable, "/update", urlencode({"update": update}).encode())
    assert ask(writable, "ASK { <https://e.org/a> <https://e.org/b> <https://e.org/c> }")  # through the union
    rows = select(writable, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert f"{ID}doc/gamma" in {r["g"] for r in rows}


def union_triples(server: Server) -> set[tuple[str, str, str]]:
    """The union graph queries read, as the server keeps it."""
    rows = select(server, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    return {(r["s"], r["p"], r["o"]) for r in rows}


def knowledge_triples(server: Server) -> set[tuple[str, str, str]]:
    """What the union must hold: every triple of every knowledge graph (the tests write no triple
    into the store's own default graph)."""
    rows = select(server, "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {(r["s"], r["p"], r["o"]) for r in rows}


def update(server: Server, text: str, headers: dict[str, str] | None = None) -> bytes:
    return request(server, "/update", urlencode({"update": text}).encode(), headers)


def store_write(server: Server, method: str, graph: str, data: str = "") -> int:
    req = urllib.request.Request(
        f"{server.url}/store?{urlencode({'graph': graph})}",
        data=data.encode() or None,
        headers={"Content-Type": "application/n-triples"},
        method=method,
    )
    with urllib.request.urlopen(req, timeout=30) as response:
        return int(response.status)


def test_serve_writes_keep_the_union_exact(writable: Server) -> None:
    """Updates and Graph Store Protocol writes from any client: after each, the union is exactly the
    merge of the knowledge graphs (a fact two documents state stays while one still does)."""
    a, b, c = "<https://e.org/a>", "<https://e.org/b>", "<https://e.org/c>"
    gamma, delta = f"{ID}doc/gamma", f"{ID}doc/delta"
    allied = f"<{ID}country/USA> <https://w3id.org/kg-geo/ontology#alliedWith> <{ID}country/JPN>"
    writes = [
        lambda: update(writable, f"INSERT DATA {{ GRAPH <{gamma}> {{ {a} {b} {c} . {allied} }} }}"),
        lambda: update(writable, f"DROP GRAPH <{ID}doc/alpha>"),  # alpha stated the alliance too
        lambda: update(writable, f"DELETE DATA {{ GRAPH <{gamma}> {{ {allied} }} }}"),
        lambda: store_write(writable, "POST", delta, f"{a} {b} {a} .\n"),
        lambda: store_write(writable, "PUT", delta, f"{c} {b} {a} .\n"),
        lambda: update(writable, f"MOVE <{delta}> TO <{gamma}>"),
        lambda: store_write(writable, "DELETE", gamma),
        lambda: update(writable, "DELETE WHERE { GRAPH ?g { ?s <https://e.org/b> ?o } }"),
    ]
    assert union_triples(writable) == knowledge_triples(writable)
    for number, write in enumerate(writes):
        write()
        assert union_triples(writable) == knowledge_triples(writable), f"after write {number}"
    assert not ask(writable, f"ASK {{ {allied} }}")  # no graph states it any more


def test_serve_failed_write_changes_nothing(writable: Server) -> None:
    before = union_triples(writable)
    with pytest.raises(urllib.error.HTTPError) as caught:
        update(writable, f"INSERT DATA {{ GRAPH <{ID}doc/gamma> {{ <https://e.org/a> <https://e.org/b> }} }}")
    assert caught.value.code == 400
    assert union_triples(writable) == before
    params = {"query": "SELECT ?g WHERE { GRAPH ?g { } }", "union-default-graph": ""}  # every graph
    body = request(
        writable, "/query?" + urlencode(params), None, {"Accept": "application/sparql-results+json"}
    )
    names = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert f"{ID}graph/union" in names  # internal graphs are listed here
    assert f"{ID}graph/scratch" not in names


def test_serve_writes_of_kg_clients_keep_the_union_themselves(writable: Server) -> None:
    """A write marked by kg's own client (which keeps the union in the same request) is relayed
    as it is: here it leaves the union alone, as the header promises."""
    fact = "<https://e.org/a> <https://e.org/b> <https://e.org/c>"
    update(writable, f"INSERT DATA {{ GRAPH <{ID}doc/gamma> {{ {fact} }} }}", {"X-KG-Union": "kept"})
    assert ask(writable, f"ASK {{ GRAPH <{ID}doc/gamma> {{ {fact} }} }}")
    assert not ask(writable, f"ASK {{ {fact} }}")  # not in the union: the client did not add it


def test_serve_kg_commands_write_through_it(writable: Server) -> None:
    """`kg import` and `kg remove` against a served store: the union is exactly the knowledge graphs'
    (their writes keep it themselves, and say so: the server adds nothing)."""
    gamma = Path(__file__).parent / "data" / "gamma.trig"
    result = runner.invoke(app, ["import", str(gamma), "--store", writable.url])
    assert result.exit_code == 0, result.output
    assert union_triples(writable) == knowledge_triples(writable)
    result = runner.invoke(app, ["remove", "alpha", "--store", writable.url])
    assert result.exit_code == 0, result.output
    assert union_triples(writable) == knowledge_triples(writable)


# ---------------------------------------------------------------------- other writers


GAMMA = Path(__file__).parent / "data" / "gamma.trig"
GSOMIA = f"ASK {{ <{ID}agreement/gsomia> a <https://w3id.org/kg-geo/ontology#Agreement> }}"


def eventually(check: Callable[[], bool], seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[Server]:
    """A read-only server of its own (the store under tmp_path), for tests that write the store."""
    yield from start(store_folder(tmp_path))


def test_serve_read_only_follows_other_commands_writes(reader: Server, tmp_path: Path) -> None:
    """A read-only server holds no lock: `kg import` and `kg remove` write the store beside it, and
    its answers follow (it reopens the store), with the oxigraph it started with stopped."""
    first = reader.oxigraph_pid()
    assert first is not None and not ask(reader, GSOMIA)
    result = runner.invoke(app, ["import", str(GAMMA), "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert eventually(lambda: ask(reader, GSOMIA))
    assert eventually(lambda: gone(first))
    assert eventually(lambda: "the store changed on disk: serving it as it is now" in reader.log.read_text())
    assert union_triples(reader) == knowledge_triples(reader)
    result = runner.invoke(app, ["remove", "gamma", "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert eventually(lambda: not ask(reader, GSOMIA))
    assert f"{ID}doc/gamma" not in {r["g"] for r in select(reader, "SELECT ?g { GRAPH ?g { } }")}


def test_serve_writable_keeps_other_writers_out(writable: Server) -> None:
    folder = writable.log.parent
    result = runner.invoke(app, ["import", str(GAMMA), "--store", str(folder)])
    assert result.exit_code == 1
    assert "another process has it open for writing" in result.stderr
    assert "--store http://127.0.0.1:PORT" in result.stderr
    assert not ask(writable, GSOMIA)


def test_serve_backend_reopens_a_changed_store_after_its_requests(tmp_path: Path) -> None:
    """The backend starts a new oxigraph when the store has changed, not otherwise (a reader does
    not change it), and stops the old one only when the requests it was answering are done."""
    folder = store_folder(tmp_path)
    backend = Backend(folder / "store", recheck=0.0)
    backend.start()
    try:
        with backend.lease() as first:
            old = backend.process
            assert old is not None
            runner.invoke(app, ["query", "ASK {}", "--store", str(folder)])  # a read-only open
            with backend.lease() as same:
                assert same == first
            import_files(folder / "store", [GAMMA])
            with backend.lease() as second:
                assert second != first
                assert backend.process is not None and backend.process.pid != old.pid
            assert old.poll() is None  # still answering the first request
        assert old.wait(timeout=10) is not None
        assert f"{ID}doc/gamma" in backend.graphs()
    finally:
        backend.stop()


def test_serve_backend_abandon(tmp_path: Path) -> None:
    """A request given up: a read-only backend moves to a new oxigraph, and stops the old one once
    its requests are done; a URL it no longer serves changes nothing; a writable one keeps its own."""
    folder = store_folder(tmp_path)
    backend = Backend(folder / "store")
    backend.start()
    try:
        old = backend.process
        assert old is not None
        with backend.lease() as url:
            backend.abandon(url)
            assert backend.process is not None and backend.process.pid != old.pid
            assert old.poll() is None  # still held by this request
            current = backend.process
            backend.abandon(url)  # no longer the current one: nothing to do
            assert backend.process is current
        assert old.wait(timeout=10) is not None
        assert f"{ID}doc/alpha" in backend.graphs()
    finally:
        backend.stop()
    writable = Backend(folder / "store", writable=True)
    writable.start()
    try:
        process = writable.process
        with writable.lease() as url:
            writable.abandon(url)
        assert writable.process is process and process is not None and process.poll() is None
    finally:
        writable.stop()


def test_serve_backend_follows_a_store_swapped_in(tmp_path: Path) -> None:
    """A build from scratch writes a fresh store beside the old one and renames it into place: while
    the folder is missing the backend answers from the store it has; then it serves the new one."""
    folder = store_folder(tmp_path)
    backend = Backend(folder / "store", recheck=0.0)
    backend.start()
    try:
        assert f"{ID}doc/gamma" not in backend.graphs()
        (folder / "store").rename(tmp_path / "old-store")
        with backend.lease():
            pass  # no store at the path: the old process still answers
        assert f"{ID}doc/alpha" in backend.graphs()
        import_files(tmp_path / "store", [GAMMA])  # the folder store_folder made is tmp_path itself
        with backend.lease():
            assert f"{ID}doc/gamma" in backend.graphs()
            assert f"{ID}doc/alpha" not in backend.graphs()
    finally:
        backend.stop()


def test_serve_sigterm_stops_it_and_the_callers_handler_is_back(tmp_path: Path) -> None:
    """In the main thread, SIGTERM stops `serve` as Ctrl-C does (its oxigraph stopped too); when
    `serve` returns, or fails, the SIGTERM handler the caller had is in place again."""
    assert threading.current_thread() is threading.main_thread()
    folder = store_folder(tmp_path)
    seen: list[Backend] = []

    def terminate(url: str, backend: Backend) -> None:
        seen.append(backend)
        os.kill(os.getpid(), signal.SIGTERM)

    def fail(url: str, backend: Backend) -> None:
        seen.append(backend)
        raise RuntimeError("on_ready failed")

    def callers(signum: int, frame: object) -> None:
        raise AssertionError("the caller's handler ran")

    before = signal.signal(signal.SIGTERM, callers)
    try:
        serve(folder / "store", port=free_port(), on_ready=terminate)
        assert signal.getsignal(signal.SIGTERM) is callers
        with pytest.raises(RuntimeError, match="on_ready failed"):
            serve(folder / "store", port=free_port(), on_ready=fail)
        assert signal.getsignal(signal.SIGTERM) is callers
    finally:
        signal.signal(signal.SIGTERM, before)
    assert len(seen) == 2
    for backend in seen:
        assert backend.process is None or backend.process.poll() is not None


def test_serve_in_another_thread_leaves_signals_alone(tmp_path: Path) -> None:
    """Off the main thread (where Python takes no signal handler) `serve` installs none."""
    folder = store_folder(tmp_path)
    before = signal.getsignal(signal.SIGTERM)
    during: list[object] = []
    stopped = threading.Event()

    def ready(url: str, backend: Backend) -> None:
        during.append(signal.getsignal(signal.SIGTERM))
        stopped.set()
        raise KeyboardInterrupt  # stops it, as Ctrl-C would in the main thread

    thread = threading.Thread(
        target=serve, args=(folder / "store",), kwargs={"port": free_port(), "on_ready": ready}
    )
    thread.start()
    thread.join(timeout=60)
    assert stopped.is_set() and not thread.is_alive()
    assert during == [before]
    assert signal.getsignal(signal.SIGTERM) is before


# ---------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("host", "allow_remote", "ok"),
    [
        ("127.0.0.1", False, True),
        ("localhost", False, True),
        ("::1", False, True),
        ("0.0.0.0", False, False),
        ("192.168.1.10", False, False),
        ("example.org", False, False),
        ("0.0.0.0", True, True),
    ],
)
def test_serve_check_host(host: str, allow_remote: bool, ok: bool) -> None:
    if ok:
        check_host(host, allow_remote=allow_remote)
    else:
        with pytest.raises(KGError, match="--allow-remote"):
            check_host(host, allow_remote=allow_remote)


def test_serve_cli_refuses_a_remote_host(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--store", str(tmp_path), "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert "not a loopback address" in result.stderr


def test_serve_printed_addresses_work_as_store(server: Server) -> None:
    """Both addresses `kg serve` prints (the SPARQL endpoint, and the one it gives for other kg
    commands) work as `kg query --store`."""
    printed = server.log.read_text(encoding="utf-8")
    endpoint = re.search(r"\) at (\S+/query)", printed)
    base = re.search(r"--store (\S+)", printed)
    assert endpoint is not None and base is not None
    assert base.group(1) == server.url
    for address in (endpoint.group(1), base.group(1)):
        result = CliRunner().invoke(app, ["query", "allies-of", "--store", address, "--format", "csv"])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == "country,countryLabel,ally,allyLabel"
        assert len(result.stdout.splitlines()) > 1
