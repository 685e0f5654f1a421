"""Corpus builds (issue #25): streaming resolution gives what `resolve` gives, build-report.json
lists every input, per-document failures never stop a corpus, worker processes and a Dask
LocalCluster give the single-process graph, and a build killed with SIGKILL resumes to the graph
of an uninterrupted one without extracting again what it had stored. (Speed: benchmarks/.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.core.errors import KGError
from kg.core.types import Document, DocumentExtraction, EntityRecord, Evidence, RelationClaim
from kg.pipeline.incremental import build_store
from kg.pipeline.workers import Extracted, ProcessPool
from kg.resolve.merge import resolve, resolve_stream
from kg.store.local import GraphStore
from kg.store.quads import to_quads

runner = CliRunner()

LLOYD = EntityRecord("Person:lloyd-austin", "Person", "Lloyd Austin", ("Lloyd Austin",))
AUSTIN = EntityRecord("Person:austin", "Person", "Austin", ("Austin",))
USA = EntityRecord("Country:USA", "Country", "United States", ("United States",), iso3="USA")
USA_2 = EntityRecord("Country:USA", "Country", "America", ("U.S.",), iso3="USA", wikidata="Q30")
JPN = EntityRecord("Country:JPN", "Country", "Japan", ("Japan",), iso3="JPN")
JPN_ORG = EntityRecord("Country:JPN", "Organization", "Japan Inc", ())


def _claim(doc: str, s: str, p: str, o: str, confidence: float, start: int = 0) -> RelationClaim:
    return RelationClaim(s, p, o, Evidence(doc, f"{s} {p} {o}.", start, start + 9, "rule", confidence))


def _extractions() -> list[DocumentExtraction]:
    """Records that exercise resolution: a surname joining a full name across documents, labels
    and classes by count with ties, identifiers from later records, symmetric relations written both
    ways, and evidence whose confidence adds up across documents."""
    return [
        DocumentExtraction(
            Document("a", "text a"),
            (LLOYD, USA, JPN),
            (),
            (_claim("a", "Country:USA", "alliedWith", "Country:JPN", 0.4),),
        ),
        DocumentExtraction(
            Document("b", "text b"),
            (AUSTIN, USA_2, JPN_ORG),
            (),
            (
                _claim("b", "Person:austin", "officialOf", "Country:USA", 0.3),
                _claim("b", "Country:JPN", "alliedWith", "Country:USA", 0.4, 5),
            ),
        ),
        DocumentExtraction(
            Document("c", "text c"),
            (USA_2, JPN),
            (),
            (_claim("c", "Country:JPN", "sanctions", "Country:USA", 0.2),),
        ),
    ]


@pytest.mark.parametrize("min_confidence", [0.0, 0.5, 0.65])
def test_corpus_resolve_stream_gives_what_resolve_gives(min_confidence: float) -> None:
    extractions = _extractions()
    whole = set(to_quads(resolve(extractions, min_confidence=min_confidence)))
    parts = list(resolve_stream(lambda: iter(extractions), min_confidence=min_confidence))
    assert [p.documents[0].id for p in parts] == ["a", "b", "c"]
    assert {q for part in parts for q in to_quads(part)} == whole
    assert any("officialOf" in str(q.predicate) for q in whole) == (min_confidence <= 0.3)


# ---------------------------------------------------------------------- reports, failures (no model)


def _fake(document: Document) -> DocumentExtraction:
    country = EntityRecord(f"Country:{document.id.upper()[:3]}", "Country", document.id.title())
    return DocumentExtraction(document, (country, JPN), (), ())


@pytest.fixture
def fake_extract(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Extraction replaced by records made from the document; a document whose text holds BOOM
    raises. Returns the ids extracted."""
    seen: list[str] = []

    def extract(nlp: object, documents: Sequence[Document]) -> list[DocumentExtraction]:
        if any("BOOM" in d.text for d in documents):
            raise ValueError("the parser choked")
        seen.extend(d.id for d in documents)
        return [_fake(d) for d in documents]

    monkeypatch.setattr("kg.pipeline.workers._extract", extract)
    monkeypatch.setattr("kg.pipeline.workers.InProcess.nlp", None)
    return seen


GERMAN = (
    "Die Bundesregierung hat am Dienstag neue Sanktionen gegen Russland beschlossen, teilte das "
    "Auswärtige Amt in Berlin mit. Die Maßnahmen treten sofort in Kraft."
)


def _inputs(folder: Path) -> Path:
    folder.mkdir()
    rows = [
        {"id": "fra", "text": "France met Japan in Paris."},
        {"id": "bad", "text": "Japan BOOM."},
        {"id": "deu", "text": GERMAN},
        {"id": "ind", "text": "India met Japan in Delhi."},
    ]
    (folder / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (folder / "empty.txt").write_text("   ", encoding="utf-8")
    return folder


def test_corpus_report_lists_every_input_and_a_failure_stops_nothing(
    tmp_path: Path, fake_extract: list[str]
) -> None:
    inputs = _inputs(tmp_path / "in")
    result = runner.invoke(app, ["build", str(inputs), "--out", str(tmp_path / "out"), "--no-html"])
    assert result.exit_code == 2, result.output  # a document failed: reported, the rest built
    assert "failed:" in result.stderr and "the parser choked" in result.stderr
    assert "skipped:" in result.stderr and "language de" in result.stderr
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    lines = {(d["id"], d["status"]) for d in report["documents"]}
    assert lines == {
        ("fra", "built"),
        ("ind", "built"),
        ("bad", "failed"),
        ("deu", "skipped"),
        (None, "failed"),
    }
    by_id = {d["id"]: d for d in report["documents"]}
    assert "ValueError: the parser choked" in by_id["bad"]["reason"]
    assert by_id["fra"]["words"] == 5 and by_id["fra"]["seconds"] >= 0
    assert "empty.txt" in by_id[None]["reason"]
    assert report["totals"]["built"] == 2 and report["totals"]["failed"] == 2
    with GraphStore.open_existing(tmp_path / "out" / "store", read_only=True) as store:
        assert store.documents() == ["fra", "ind"]
    assert sorted(fake_extract) == ["fra", "ind"]

    again = runner.invoke(app, ["build", str(inputs), "--out", str(tmp_path / "out"), "--no-html"])
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    statuses = {d["id"]: d["status"] for d in report["documents"] if d["id"]}
    assert statuses == {"fra": "unchanged", "ind": "unchanged", "bad": "failed", "deu": "skipped"}
    assert sorted(fake_extract) == ["fra", "ind"]  # the stored records are used, not extracted again
    assert again.exit_code == 2

    runner.invoke(app, ["build", str(inputs), "--out", str(tmp_path / "out"), "--no-html", "--force"])
    assert sorted(fake_extract) == ["fra", "fra", "ind", "ind"]  # --force extracts again


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--workers", "0"], "--workers must be at least 1"),
        (["--dask", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
    ],
)
def test_corpus_bad_workers_and_unreachable_scheduler_fail_cleanly(
    tmp_path: Path, fake_extract: list[str], monkeypatch: pytest.MonkeyPatch, options: list[str], message: str
) -> None:
    monkeypatch.setattr("kg.pipeline.cluster.CONNECT_SECONDS", 1)
    (tmp_path / "a.txt").write_text("France met Japan.", encoding="utf-8")
    result = runner.invoke(app, ["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), *options])
    assert result.exit_code == KGError.exit_code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------- worker processes (no model)


def _init_nothing(model: object, level: int) -> None:
    """A worker initializer that loads no pipeline."""


def _crash_on_bad(batch: tuple[tuple[int, Document], ...]) -> list[Extracted]:
    """A worker task that kills its process on a document holding BOOM (as a segfault would)."""
    if any("BOOM" in d.text for _, d in batch):
        os._exit(9)
    return [Extracted(i, d.id, f"records of {d.id}", None, 0.0) for i, d in batch]


def test_corpus_a_dead_worker_fails_only_its_document() -> None:
    documents = [(i, Document(f"d{i}", "BOOM" if i == 5 else f"text {i}")) for i in range(12)]
    batches = [tuple(documents[i : i + 3]) for i in range(0, 12, 3)]
    with ProcessPool(2, task=_crash_on_bad, initializer=_init_nothing) as pool:
        results = [r for batch in pool.run(batches) for r in batch]
    assert sorted(r.index for r in results) == list(range(12))  # nothing lost, nothing twice
    failed = [r for r in results if r.error is not None]
    assert [r.doc_id for r in failed] == ["d5"]
    assert "worker process extracting it died" in (failed[0].error or "")
    assert all(r.record == f"records of {r.doc_id}" for r in results if r.error is None)


def test_corpus_a_worker_dead_before_the_next_batch_is_sent_loses_nothing() -> None:
    """The pool breaks while the next batch is being read: sending it fails, and it is run again
    with the batch that killed the worker (the race of a fast crash and a slow reader)."""
    documents = [(i, Document(f"d{i}", "BOOM" if i == 0 else f"text {i}")) for i in range(4)]

    def slow_batches() -> Iterator[tuple[tuple[int, Document], ...]]:
        yield tuple(documents[:2])
        time.sleep(3)  # the worker dies on BOOM meanwhile
        yield tuple(documents[2:])

    with ProcessPool(1, task=_crash_on_bad, initializer=_init_nothing) as pool:
        results = [r for batch in pool.run(slow_batches()) for r in batch]
    assert sorted(r.index for r in results) == [0, 1, 2, 3]
    assert [r.doc_id for r in results if r.error is not None] == ["d0"]


# ---------------------------------------------------------------------- real builds (the model)

TEXTS = {
    "tokyo": "Japan and the United States held talks in Tokyo on Tuesday. Japan agreed to buy missiles.",
    "seoul": "North Korea threatened South Korea last week. China criticised North Korea's missile launch.",
    "delhi": "India and France signed a defence agreement in New Delhi in May. India is a member of the G20.",
    "kyiv": "Russia attacked Ukraine. Poland and Germany condemned Russia and supported Ukraine.",
    "paris": "French President Emmanuel Macron met German Chancellor Olaf Scholz in Paris.",
    "cairo": "Egypt hosted talks between Israel and Hamas in Cairo earlier this month.",
}


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"id": k, "text": v, "published": "2024-07-03"} for k, v in TEXTS.items()]
    path = folder / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _state(out: Path) -> tuple[set[ox.Quad], str, str]:
    with GraphStore.open_existing(out / "store", read_only=True) as store:
        quads = set(store.store)
    ttl, trig = (
        (out / "graph.ttl").read_text(encoding="utf-8"),
        (out / "graph.trig").read_text(encoding="utf-8"),
    )
    return quads, ttl, trig


@pytest.fixture(scope="module")
def uninterrupted(nlp, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("corpus")
    corpus = _corpus(root / "in")
    out = root / "out"
    build_store([corpus], out, nlp=nlp, workers=1)
    return corpus, out


@pytest.mark.model
def test_corpus_relative_dates_resolve_in_a_build(uninterrupted: tuple[Path, Path]) -> None:
    _, out = uninterrupted
    with GraphStore.open_existing(out / "store", read_only=True) as store:
        rows = store.query("SELECT DISTINCT ?d WHERE { ?ev a kg:Evidence ; kg:date ?d }")
        dates = {str(row["d"].value) for row in rows}  # type: ignore[union-attr]
    assert {"2024-07-02", "2024-06", "2024-05"} <= dates  # "on Tuesday", "last week", "in May"


@pytest.mark.model
@pytest.mark.slow
def test_corpus_worker_processes_and_dask_give_the_single_process_graph(
    uninterrupted: tuple[Path, Path], tmp_path: Path
) -> None:
    """Two worker processes, and a Dask LocalCluster of two workers, each loading the model once."""
    corpus, out = uninterrupted
    expected = _state(out)
    pool = tmp_path / "pool"
    change = build_store([corpus], pool, workers=2)
    assert change.report is not None and change.report.runner == "2 processes"
    assert _state(pool) == expected
    dask = tmp_path / "dask"
    change = build_store([corpus], dask, dask="local", workers=2)
    assert change.report is not None and change.report.runner.startswith("Dask, 2 workers")
    assert _state(dask) == expected


# the kill points: (what a killed run leaves, a patch applied in the child)
KILL_POINTS = {
    "after the first records are stored": "records",
    "after the graphs, before the files": "graphs",
    "between graph.ttl and graph.trig": "files",
}


def killed_build(point: str, corpus: str, out: str) -> None:
    """In a new process (`_killed`): the corpus built in batches of two documents, each batch's
    records stored at once, killed at KILL_POINTS[point]."""
    import kg.pipeline.corpus
    import kg.pipeline.outputs
    import kg.store.local

    kg.pipeline.corpus.BATCH_DOCUMENTS, kg.pipeline.corpus.WRITE_EVERY = 2, 1
    kill = lambda: os.kill(os.getpid(), signal.SIGKILL)  # noqa: E731
    where = KILL_POINTS[point]
    if where == "records":
        real_records = kg.pipeline.corpus._replace_records

        def records(*args: object) -> None:
            real_records(*args)  # type: ignore[arg-type]
            kill()

        kg.pipeline.corpus._replace_records = records  # type: ignore[assignment]
    elif where == "graphs":
        real_bulk = kg.store.local.GraphStore.bulk_add

        def bulk(self: object, *args: object, **kwargs: object) -> None:
            real_bulk(self, *args, **kwargs)  # type: ignore[arg-type]
            kill()

        kg.store.local.GraphStore.bulk_add = bulk  # type: ignore[method-assign]
    else:
        real_write, real_text = kg.pipeline.outputs.write_atomic, kg.pipeline.outputs.write_text_atomic

        def write(path: Path, *args: object) -> Path:
            if Path(path).name == "graph.trig":
                kill()
            return real_write(path, *args)  # type: ignore[arg-type]

        def write_text(path: Path, text: str) -> Path:
            if Path(path).name == "graph.trig":
                kill()
            return real_text(path, text)

        kg.pipeline.outputs.write_atomic = write  # type: ignore[assignment]
        kg.pipeline.outputs.write_text_atomic = write_text  # type: ignore[assignment]
    build_store([Path(corpus)], Path(out), workers=1)
    sys.exit(3)  # the kill point was never met


def _killed(point: str, corpus: Path, out: Path) -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import test_corpus_build as t; "
        f"t.killed_build({point!r}, {str(corpus)!r}, {str(out)!r})"
    )
    argv = [sys.executable, "-c", code]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-3000:]


@pytest.mark.model
@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_corpus_build_killed_with_sigkill_resumes_to_the_same_graph(
    nlp, uninterrupted: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    corpus, expected = uninterrupted
    out = tmp_path / "out"
    _killed(point, corpus, out)
    extracted: list[str] = []
    import kg.pipeline.workers

    real = kg.pipeline.workers._extract

    def counting(nlp_: object, documents: Sequence[Document]) -> object:
        extracted.extend(d.id for d in documents)
        return real(nlp_, documents)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.pipeline.workers, "_extract", counting)
    change = build_store([corpus], out, nlp=nlp, workers=1)  # the same command again
    assert _state(out) == _state(expected)
    assert change.report is not None
    resumed = [d.id for d in change.report.documents if d.reason and d.reason.startswith("resumed")]
    if point == "after the first records are stored":
        assert resumed == ["tokyo", "seoul"]  # the first batch's records were kept
        assert extracted == ["delhi", "kyiv", "paris", "cairo"]  # only the rest extracted
    else:
        assert extracted == []  # every record was stored: nothing extracted again
        assert len(resumed) == len(TEXTS)
    assert all(d.status == "built" for d in change.report.documents)
