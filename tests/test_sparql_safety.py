"""SPARQL safety (issue #24): parameters are bound, never spliced; the endpoint is read-only and on
loopback unless told otherwise, and refuses every kind of write; query time and answer size are
bounded on `kg query` and on `kg serve`, whose proxy streams answers instead of holding them."""

from __future__ import annotations

import http.client
import json
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from test_serve import SAMPLE_TRIPLES, Server, ask, request, start, store_folder
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
#: A query whose answer is large (116^3 rows, about 40 MB of JSON): for streaming and size limits
HUGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: A query that runs for minutes (it counts 116^4 rows): for time limits
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
INJECTIONS = ['Japan"} ; DROP ALL ; {', "Japan' } . DROP ALL #", "x> } CLEAR ALL { <y", "?country"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return store_folder(tmp_path_factory.mktemp("safety"))


@pytest.fixture(scope="module")
def limited(folder: Path) -> Iterator[Server]:
    """A read-only kg serve with a 1 s query time limit and 1 MB answers."""
    yield from start(folder, "--timeout", "1", "--max-result-mb", "1")


def _count(folder: Path) -> str:
    result = runner.invoke(
        app,
        ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--store", str(folder), "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    return result.stdout


# ---------------------------------------------------------------------- parameters


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("saved", ["allies-of", "relation-evidence"])
def test_sparql_safety_injection_through_param_is_a_literal(folder: Path, saved: str, value: str) -> None:
    before = _count(folder)
    name = "country" if saved == "allies-of" else "subject"
    result = runner.invoke(
        app, ["query", saved, "--param", f"{name}={value}", "--store", str(folder), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1  # the header: no row matches such a name
    assert _count(folder) == before


def test_sparql_safety_param_in_a_query_with_comments(folder: Path) -> None:
    sparql = (
        "# Select ?c for the ?name given (a comment that names variables and { braces )\n"
        'SELECT ?c WHERE { ?c rdfs:label ?name . FILTER(?name != "# not a comment { ?x }") } # end'
    )
    result = runner.invoke(
        app, ["query", sparql, "--param", "name=Japan", "--store", str(folder), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "c\nhttps://w3id.org/kg-geo/id/country/JPN\n"


@pytest.mark.parametrize("sparql", ["DROP ALL", "CLEAR DEFAULT", "INSERT DATA { <a:b> <a:c> <a:d> }"])
def test_sparql_safety_kg_query_refuses_updates(folder: Path, sparql: str) -> None:
    before = _count(folder)
    result = runner.invoke(app, ["query", sparql, "--store", str(folder)])
    assert result.exit_code == 1
    assert "is a SPARQL update, and queries here only read the store" in result.stderr
    assert "kg serve --allow-update" in result.stderr
    assert _count(folder) == before


# ---------------------------------------------------------------------- kg query limits


def test_sparql_safety_kg_query_timeout_stops_the_query(folder: Path) -> None:
    result = runner.invoke(app, ["query", SLOW, "--store", str(folder), "--timeout", "1"])
    assert result.exit_code == 1
    assert "the query ran past the server's time limit (--timeout)" in result.stderr
    fine = runner.invoke(app, ["query", "ASK { ?s ?p ?o }", "--store", str(folder), "--timeout", "5"])
    assert fine.exit_code == 0 and "true" in fine.stdout


@pytest.mark.parametrize("timeout", ["0", "3"])
def test_sparql_safety_kg_query_answer_size_is_limited(folder: Path, timeout: str) -> None:
    """In place and through an oxigraph of its own (--timeout): the answer is refused past the limit."""
    args = ["query", HUGE, "--store", str(folder), "--format", "csv", "--timeout", timeout]
    result = runner.invoke(app, [*args, "--max-result-mb", "0.5"])
    assert result.exit_code == 1
    assert "is larger than 0.5 MB (--max-result-mb): ask for less (LIMIT)" in result.stderr
    limited = runner.invoke(app, ["query", HUGE + " LIMIT 5", *args[2:]])
    assert limited.exit_code == 0 and limited.stdout.count("\n") == 6


# ---------------------------------------------------------------------- kg serve


@pytest.mark.parametrize(
    ("method", "path", "content_type", "body"),
    [
        ("POST", "/update", "application/x-www-form-urlencoded", "update=DROP+ALL"),
        ("POST", "/update", "application/sparql-update", "CLEAR ALL"),
        ("GET", "/update?update=DROP+ALL", None, None),
        ("PUT", "/store?default", "application/n-triples", "<a:b> <a:c> <a:d> ."),
        ("POST", "/store?graph=a:g", "application/n-triples", "<a:b> <a:c> <a:d> ."),
        ("DELETE", "/store?default", None, None),
        ("DELETE", "/store?graph=https://w3id.org/kg-geo/id/graph/union", None, None),
    ],
)
def test_sparql_safety_read_only_endpoint_refuses_every_write(
    limited: Server, method: str, path: str, content_type: str | None, body: str | None
) -> None:
    address = urlsplit(limited.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    headers = {"Content-Type": content_type} if content_type else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    assert response.status == 403
    assert "read-only" in text and "--allow-update" in text
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    data = json.loads(request(limited, "/query?" + urlencode({"query": count}), None, _JSON))
    assert data["results"]["bindings"][0]["n"]["value"] == str(SAMPLE_TRIPLES)


_JSON = {"Accept": "application/sparql-results+json"}


def test_sparql_safety_serve_is_on_loopback_unless_told(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--store", str(store_folder(tmp_path)), "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert "not a loopback address" in result.stderr and "--allow-remote" in result.stderr


def test_sparql_safety_serve_timeout_stops_a_query_and_answers_on(limited: Server) -> None:
    with pytest.raises((http.client.HTTPException, urllib.error.URLError, json.JSONDecodeError, OSError)):
        json.loads(request(limited, "/query?" + urlencode({"query": SLOW}), None, _JSON))
    assert ask(limited, "ASK { ?s ?p ?o }")


def test_sparql_safety_serve_cuts_an_answer_past_its_size_and_answers_on(limited: Server) -> None:
    """The answer is cut at --max-result-mb: the client sees it end early (no last chunk)."""
    address = urlsplit(limited.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    connection.request("GET", "/query?" + urlencode({"query": HUGE}), headers=_JSON)
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Transfer-Encoding") == "chunked"
    with pytest.raises(http.client.IncompleteRead) as caught:
        response.read()
    connection.close()
    assert 1_000_000 - 70_000 < len(caught.value.partial) <= 1_000_000
    assert ask(limited, "ASK { ?s ?p ?o }")


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_sparql_safety_serve_streams_a_large_answer_in_bounded_memory(folder: Path) -> None:
    """A 50 MB answer passes through the proxy whole, and the proxy's peak memory grows by far less
    than the answer (it held whole answers: a large CONSTRUCT or SELECT could exhaust memory)."""
    for server in start(folder):
        before = _peak_rss(server.process.pid)
        address = urlsplit(server.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        query = urlencode({"query": HUGE + " LIMIT 150000"})
        connection.request("GET", "/query?" + query, headers={"Accept": "text/tab-separated-values"})
        response = connection.getresponse()
        size = rows = 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
            rows += chunk.count(b"\n")
        connection.close()
        assert rows == 1 + 150_000
        assert size > 40_000_000
        assert _peak_rss(server.process.pid) - before < 16 * 1024 * 1024, (before, size)


def test_sparql_safety_serve_refuses_huge_request_bodies(limited: Server) -> None:
    address = urlsplit(limited.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.putrequest("POST", "/query")
    connection.putheader("Content-Type", "application/sparql-query")
    connection.putheader("Content-Length", str(10**12))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413 and "request body too large" in response.read().decode()
    connection.close()
