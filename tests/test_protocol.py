"""kg.store.protocol against a stand-in HTTP server: basic auth, servers' result quirks, errors, paging."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest

from kg.core.errors import QueryError, StoreError
from kg.store.endpoints import endpoints
from kg.store.protocol import Client
from kg.store.remote import RemoteStore

XSD = "http://www.w3.org/2001/XMLSchema#"
Reply = tuple[int, dict[str, str], bytes]
ASK_TRUE: Reply = (200, {"Content-Type": "application/sparql-results+json"}, b'{"head":{},"boolean":true}')


@dataclass
class Stub:
    """A loopback HTTP server answering every request with `answer(path, fields, headers)`."""

    url: str
    answer: Callable[[str, dict[str, list[str]], dict[str, str]], Reply] = lambda *_: ASK_TRUE
    requests: list[dict[str, list[str]]] = field(default_factory=list)


@pytest.fixture
def stub() -> Iterator[Stub]:
    state = Stub("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fields = parse_qs(body.decode("utf-8"))
            state.requests.append(fields)
            status, headers, data = state.answer(self.path, fields, dict(self.headers))
            self.product = headers.pop("Server", "stub")
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(data))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def version_string(self) -> str:
            return self.product

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def basic_only(user: str, password: str) -> Callable[[str, dict[str, list[str]], dict[str, str]], Reply]:
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def answer(path: str, fields: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        if headers.get("Authorization") != expected:
            return 401, {"WWW-Authenticate": 'Basic realm="kg"', "Content-Type": "text/plain"}, b"who?"
        return ASK_TRUE

    return answer


def test_protocol_basic_auth_from_the_url(stub: Stub) -> None:
    stub.answer = basic_only("alice", "s3cret:/@")
    host = stub.url.removeprefix("http://")
    with RemoteStore(f"http://alice:s3cret%3A%2F%40@{host}") as remote:
        assert bool(remote.query("ASK { ?s ?p ?o }"))
        assert remote.location == stub.url


def test_protocol_basic_auth_from_the_environment(stub: Stub, monkeypatch: pytest.MonkeyPatch) -> None:
    stub.answer = basic_only("alice", "pw")
    monkeypatch.setenv("KG_STORE_USER", "alice")
    monkeypatch.setenv("KG_STORE_PASSWORD", "pw")
    with RemoteStore(stub.url) as remote:
        assert bool(remote.query("ASK { ?s ?p ?o }"))


def test_protocol_wrong_password_names_the_url_not_the_password(stub: Stub) -> None:
    stub.answer = basic_only("alice", "right")
    host = stub.url.removeprefix("http://")
    with pytest.raises(StoreError, match=rf"{stub.url}/query: HTTP 401: .*KG_STORE_PASSWORD") as caught:
        RemoteStore(f"http://alice:wrong-one@{host}")
    assert "wrong-one" not in str(caught.value)


def select_reply(content_type: str, body: str, **headers: str) -> Callable[..., Reply]:
    return lambda path, fields, _: (
        ASK_TRUE
        if "ASK" in fields["query"][0]
        else (
            200,
            {"Content-Type": content_type, **headers},
            body.encode(),
        )
    )


def test_protocol_reads_virtuoso_json(stub: Stub) -> None:
    """Virtuoso's JSON: typed-literal, booleans as 1 and 0, blank nodes nodeID://..., surrogate pairs."""
    bindings = [
        {"b": {"type": "typed-literal", "datatype": XSD + "boolean", "value": "1"}},
        {"b": {"type": "typed-literal", "datatype": XSD + "boolean", "value": "0"}},
        {"b": {"type": "bnode", "value": "nodeID://b10003"}},
        {"b": {"type": "literal", "value": " smile \ud83d\ude00 "}},
    ]
    body = json.dumps({"head": {"link": [], "vars": ["b"]}, "results": {"bindings": bindings}})
    stub.answer = select_reply(
        "application/sparql-results+json; charset=UTF-8", body, Server="Virtuoso/07.20"
    )
    with RemoteStore(stub.url) as remote:
        result = remote.query("SELECT ?b WHERE { ?s ?p ?b }")
    assert isinstance(result, ox.QuerySolutions)
    assert [row["b"] for row in result] == [
        ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean")),
        ox.BlankNode("b10003"),
        ox.Literal(" smile 😀 "),
    ]


def test_protocol_xml_results_keep_the_spaces_around_literals(stub: Stub) -> None:
    body = (
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="o"/></head><results>'
        "<result><binding name='o'><literal> padded\t</literal></binding></result>"
        '<result><binding name="o"><literal xml:lang="en">\nx</literal></binding></result>'
        '<result><binding name="o"><bnode>nodeID://b7</bnode></binding></result>'
        '<result><binding name="o"><bnode>a:b</bnode></binding></result>'
        "</results></sparql>"
    )
    stub.answer = select_reply("application/sparql-results+xml", body)
    with RemoteStore(stub.url) as remote:
        result = remote.query("SELECT ?o WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QuerySolutions)
    assert [row["o"] for row in result] == [
        ox.Literal(" padded\t"),
        ox.Literal("\nx", language="en"),
        ox.BlankNode("b7"),
        ox.BlankNode("ba_3a_b"),
    ]


def test_protocol_refuses_what_is_not_sparql_results(stub: Stub) -> None:
    stub.answer = select_reply("text/html", "<html>a login page</html>")
    with RemoteStore(stub.url) as remote, pytest.raises(QueryError, match="answered text/html, not SPARQL"):
        remote.query("SELECT ?o WHERE { ?s ?p ?o }")


def test_protocol_unreadable_results(stub: Stub) -> None:
    stub.answer = select_reply("application/sparql-results+json", '{"head": {"vars": ["x"]}, "results": [')
    with (
        RemoteStore(stub.url) as remote,
        pytest.raises(StoreError, match="/query: unreadable SPARQL results"),
    ):
        remote.query("SELECT ?x WHERE { ?s ?p ?x }")


def test_protocol_error_message_leaves_out_the_query_virtuoso_repeats(stub: Stub) -> None:
    text = "Virtuoso 37000 Error SP030: SPARQL compiler, line 3: syntax error\n\nSPARQL query:\n" + "x" * 5000
    stub.answer = lambda path, fields, _: (
        ASK_TRUE
        if "ASK" in fields.get("query", [""])[0]
        else (400, {"Content-Type": "text/plain"}, text.encode())
    )
    with RemoteStore(f"{stub.url}/sparql") as remote:
        with pytest.raises(QueryError) as caught:
            remote.query("SELECT ?o WHERE { ?s ?p ?o }")
        error = "Virtuoso 37000 Error SP030: SPARQL compiler, line 3: syntax error"
        assert str(caught.value) == f"{stub.url}/sparql: HTTP 400: {error}"
        with pytest.raises(StoreError, match="SPARQL compiler"):
            remote.update("INSERT DATA { }")


def test_protocol_pages_a_result_the_server_cuts(stub: Stub) -> None:
    """A server that cuts results at 2 rows (and says so): the query is read again, 2 rows a page."""
    rows = [f"v{i}" for i in range(5)]

    def answer(path: str, fields: dict[str, list[str]], _: dict[str, str]) -> Reply:
        query = fields["query"][0]
        found = re.search(r"OFFSET (\d+) LIMIT (\d+)$", query)
        start, size = (int(found[1]), int(found[2])) if found else (0, len(rows))
        page = rows[start : start + min(size, 2)]
        bindings = [{"x": {"type": "literal", "value": v}} for v in page]
        headers = {"Content-Type": "application/sparql-results+json"}
        if len(page) == 2:
            headers["X-SPARQL-MaxRows"] = "2"
        return 200, headers, json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": bindings}}).encode()

    stub.answer = answer
    client = Client(endpoints(f"{stub.url}/sparql"))
    result = client.query("PREFIX e: <https://e.org/>\nSELECT ?x WHERE { ?s e:p ?x }", [])
    assert isinstance(result, ox.QuerySolutions)
    assert [row["x"].value for row in result] == rows
    pages = [fields["query"][0] for fields in stub.requests[1:]]
    assert len(pages) == 3
    assert pages[0] == (
        "PREFIX e: <https://e.org/>\nSELECT ?x WHERE { { SELECT ?x WHERE { ?s e:p ?x }\nORDER BY ?x\n} }"
        " OFFSET 0 LIMIT 2"
    )


def test_protocol_writes_say_they_keep_the_union(stub: Stub) -> None:
    """Updates and Graph Store writes carry `X-KG-Union: kept` (kg serve then adds no union upkeep
    of its own: kg.server.upkeep); queries do not."""
    seen: list[tuple[str, str | None]] = []

    def answer(path: str, fields: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        marks = [value for name, value in headers.items() if name.lower() == "x-kg-union"]
        seen.append((path.split("?")[0], marks[0] if marks else None))
        return ASK_TRUE if path.startswith("/query") else (204, {}, b"")

    stub.answer = answer
    client = Client(endpoints(stub.url))
    client.update("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    client.post_triples(
        ox.NamedNode("http://e/g"), [ox.Triple(*(ox.NamedNode(f"http://e/{n}") for n in "abc"))]
    )
    client.query("ASK {}", [])
    assert seen == [("/update", "kept"), ("/store", "kept"), ("/query", None)]
