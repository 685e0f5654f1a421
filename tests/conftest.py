"""Shared fixtures: test data paths, the shared eval folder, spaCy pipelines (built once a session),
and real SPARQL servers (Oxigraph per test, Virtuoso once a session), stopped by their pids."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED_EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def sample_trig() -> Path:
    return DATA / "sample.trig"


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    if not (SHARED_EVAL / "score.py").is_file():
        pytest.skip(f"shared eval folder not found at {SHARED_EVAL} (CI always has it)")
    return SHARED_EVAL


@pytest.fixture(scope="session")
def nlp():
    """The real English pipeline with the kg components (loaded once)."""
    from kg.extract.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return ROOT / "examples"


@pytest.fixture(scope="session")
def sample(sample_trig: Path):
    """The union graph of tests/data/sample.trig, as an rdflib Graph (do not mutate)."""
    from rdflib import Dataset, Graph

    dataset = Dataset()
    dataset.parse(sample_trig, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads():
        graph.add((s, p, o))
    return graph


@pytest.fixture(scope="session")
def sample_view(sample):
    """The explorer's view of the sample graph."""
    from kg.views.network import network_view

    return network_view(sample)


# ---------------------------------------------------------------------- SPARQL servers, real processes


def _wait_for(
    url: str, process: subprocess.Popen[bytes], what: str, timeout: float, log: Path | None = None
) -> None:
    """Poll `url` until it answers; fail the test if the process exits or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                said = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log else ""
                pytest.fail(f"{what} did not start {said}")
            time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Stop a server we started, by its pid: SIGTERM, then SIGKILL if it does not exit."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def oxigraph_url() -> Iterator[str]:
    """A fresh in-memory, writable `oxigraph serve` on a free loopback port; stopped by its pid."""
    from kg.server.process import free_port, oxigraph_executable

    port = free_port()
    process = subprocess.Popen(
        [oxigraph_executable(), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        address = f"http://127.0.0.1:{port}"
        _wait_for(f"{address}/query?query=ASK%7B%7D", process, "oxigraph serve", 30)
        yield address
    finally:
        _stop(process)


VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: Results the test server cuts at (Debian's default is 10,000): small enough that the sample
#: build's reads are paged, so paging is tested on every run.
VIRTUOSO_MAX_ROWS = 1000


@dataclass
class Virtuoso:
    """A Virtuoso server of the test session: `url` is its SPARQL endpoint (/sparql)."""

    url: str
    sql_port: int
    process: subprocess.Popen[bytes]

    def clear(self) -> None:
        """Drop every graph but Virtuoso's own: each test starts from an empty store. (The list of
        graphs is cut at VIRTUOSO_MAX_ROWS: listed and dropped until none is left.)"""
        from kg.store.virtuoso import GRAPHS

        query = urlencode({"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"})
        request = urllib.request.Request(f"{self.url}?{query}", headers={"Accept": "text/csv"})
        while True:
            with urllib.request.urlopen(request, timeout=60) as response:
                names = [line.strip().strip('"') for line in response.read().decode().splitlines()[1:]]
            drops = " ".join(f"<{g}>" for g in names if g and not GRAPHS.match(g))
            if not drops:
                return
            quads = "GRAPH ?g { ?s ?p ?o }"
            update = f"DELETE {{ {quads} }} WHERE {{ VALUES ?g {{ {drops} }} {quads} }}"
            data = urlencode({"update": update}).encode()
            urllib.request.urlopen(urllib.request.Request(self.url, data=data), timeout=60).close()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """Debian's Virtuoso (`virtuoso-t`), started once a session in a temporary database on free
    loopback ports, with SPARQL updates granted; stopped by its pid. Skipped where not installed."""
    from kg.server.process import free_port

    executable, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if executable is None or isql is None or not VIRTUOSO_INI.is_file():
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource; CI installs it)")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.read_text(encoding="utf-8").replace("/var/lib/virtuoso-opensource-7/db/", f"{folder}/")
    ini = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*$", f"ServerPort = 127.0.0.1:{sql_port}", ini)
    ini = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{http_port}", ini)
    ini = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", f"ResultSetMaxRows = {VIRTUOSO_MAX_ROWS}", ini)
    (folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [executable, "+configfile", "virtuoso.ini", "+foreground"], cwd=folder, stdout=log, stderr=log
        )
    try:
        url = f"http://127.0.0.1:{http_port}/sparql"
        _wait_for(f"{url}?query=ASK%7B%7D", process, "virtuoso-t", 120, log=folder / "server.log")
        subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield Virtuoso(url, sql_port, process)
    finally:
        _stop(process)


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server_url(request: pytest.FixtureRequest) -> str:
    """A real, empty SPARQL server's address: Oxigraph's (fresh) and Virtuoso's (emptied)."""
    if request.param == "oxigraph":
        return str(request.getfixturevalue("oxigraph_url"))
    server: Virtuoso = request.getfixturevalue("virtuoso")
    server.clear()
    return server.url
