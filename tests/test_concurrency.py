"""Concurrency (issue #24): queries against a store, and against `kg serve`, while a build appends to
it give consistent answers (the store as it was, or as it is after) and never an error; a second
writer is told the store is busy, and the store stays whole."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from test_serve import start

from kg.pipeline.incremental import build_store
from kg.store.local import GraphStore

pytestmark = pytest.mark.model

FIRST = {
    "tokyo": "Japan and the United States held talks in Tokyo.",
    "seoul": "North Korea threatened South Korea.",
}
LATER = {f"later{n}": f"India and France signed agreement number {n} in New Delhi." for n in range(8)}
DOCS = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kg:Document }"


def _write(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def inputs(nlp, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("concurrent")
    first, later = _write(root / "first", FIRST), _write(root / "later", LATER)
    start_out = root / "start"
    build_store([first], start_out, nlp=nlp)
    return {"first": first, "later": later, "start": start_out}


def _append_process(out: Path, later: Path, *hold: Path) -> subprocess.Popen[bytes]:
    """`kg build LATER --out OUT --append` in a process of its own (a forked child cannot write a
    store its parent's Oxigraph has used: RocksDB's background threads do not survive a fork);
    with `hold` (two paths), held before its extraction until the second exists (`held_append`)."""
    if hold:
        code = (
            f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import test_concurrency as t; "
            f"t.held_append({str(out)!r}, {str(later)!r}, {str(hold[0])!r}, {str(hold[1])!r})"
        )
        command = [sys.executable, "-c", code]
    else:
        command = [sys.executable, "-m", "kg", "build", str(later), "--out", str(out), "--append"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def held_append(out: str, later: str, ready: str, go: str) -> None:
    """An append that tells `ready` it holds the store's folder, then waits for `go`."""
    import kg.pipeline.corpus

    real = kg.pipeline.corpus.extract_into

    def waiting(*args, **kwargs):  # type: ignore[no-untyped-def]
        Path(ready).touch()
        while not Path(go).exists():
            time.sleep(0.02)
        return real(*args, **kwargs)

    kg.pipeline.corpus.extract_into = waiting
    build_store([Path(later)], Path(out), append=True)


def _finished(process: subprocess.Popen[bytes]) -> None:
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()[-2000:]


def _documents(out: Path) -> int:
    from kg.store.base import solutions

    with GraphStore.open_existing(out / "store", read_only=True) as store:
        (row,) = list(solutions(store, DOCS))
        return int(row["n"].value)


def test_concurrency_queries_during_an_append_see_before_or_after(
    nlp, inputs: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(inputs["start"], out)
    writer = _append_process(out, inputs["later"])
    seen: list[int] = []
    while True:
        done = writer.poll() is not None
        seen.append(_documents(out))  # never an error, whatever the writer is doing
        if done:
            break
        time.sleep(0.05)
    _finished(writer)
    assert set(seen) <= {2, 2 + len(LATER)}, sorted(set(seen))
    assert seen[-1] == 2 + len(LATER)
    assert len(seen) > 3  # the reader did read while the writer wrote


def test_concurrency_kg_serve_answers_during_an_append(nlp, inputs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(inputs["start"], out)
    serving = start(out)
    server = next(serving)
    try:
        writer = _append_process(out, inputs["later"])
        seen: list[int] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            finished = writer.poll() is not None
            query = urlencode({"query": "PREFIX kg: <https://w3id.org/kg-geo/ontology#>\n" + DOCS})
            request = urllib.request.Request(
                f"{server.url}/query?{query}", headers={"Accept": "application/sparql-results+json"}
            )
            with urllib.request.urlopen(request, timeout=30) as response:  # never an error
                assert response.status == 200
                data = json.loads(response.read())
            seen.append(int(data["results"]["bindings"][0]["n"]["value"]))
            if finished and seen[-1] == 2 + len(LATER):
                break
            time.sleep(0.05)
        _finished(writer)
        assert set(seen) <= {2, 2 + len(LATER)}, sorted(set(seen))
        assert seen[-1] == 2 + len(LATER)  # the server follows the store once the append is done
    finally:
        serving.close()


def test_concurrency_two_writers_one_is_told_the_store_is_busy(
    nlp, inputs: dict[str, Path], tmp_path: Path
) -> None:
    """While one append runs (held at its extraction), a second append and a fresh build are
    refused as busy; the first completes, and the store is whole."""
    out = tmp_path / "out"
    shutil.copytree(inputs["start"], out)
    ready, go = tmp_path / "ready", tmp_path / "go"
    writer = _append_process(out, inputs["later"], ready, go)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert time.monotonic() < deadline and writer.poll() is None, "the first writer never started"
            time.sleep(0.02)
        from typer.testing import CliRunner

        from kg.cli import app

        for extra in (["--append"], []):
            result = CliRunner().invoke(app, ["build", str(inputs["later"]), "--out", str(out), *extra])
            assert result.exit_code == 1, result.output
            assert f"the kg store at {out / 'store'} is busy" in result.stderr
    finally:
        go.touch()
        _finished(writer)
    assert _documents(out) == 2 + len(LATER)
    from kg.quality.validate import validate

    with GraphStore.open_existing(out / "store", read_only=True) as store:
        assert validate(store).conforms
