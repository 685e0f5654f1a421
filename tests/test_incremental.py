"""`kg build --append` and `kg remove`: the store ends up as a from-scratch build of the same documents."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.core.errors import InputError, KGError, StoreError
from kg.core.types import Document, DocumentExtraction, EntityRecord, Evidence, Mention, RelationClaim
from kg.pipeline.build import build_documents
from kg.pipeline.incremental import build_store, remove_documents
from kg.pipeline.records import read_records
from kg.resolve.mapping import to_dataset, union_graph
from kg.resolve.merge import resolve
from kg.store.local import GraphStore
from kg.store.names import INFERRED_GRAPH, RECORDS_GRAPH, UNION_GRAPH

SAMPLE = Path(__file__).parent / "data" / "sample.trig"
runner = CliRunner()

# ---------------------------------------------------------------------- records made by hand

LLOYD = EntityRecord("Person:lloyd-austin", "Person", "Lloyd Austin", ("Lloyd Austin",))
AUSTIN = EntityRecord("Person:austin", "Person", "Austin", ("Austin",))
USA = EntityRecord("Country:USA", "Country", "United States", ("United States",), iso3="USA", wikidata="Q30")
USA_SHORT = EntityRecord("Country:USA", "Country", "United States", ("U.S.",), iso3="USA", wikidata="Q30")
JPN = EntityRecord("Country:JPN", "Country", "Japan", ("Japan",), iso3="JPN", wikidata="Q17")


def claim(doc: str, s: str, p: str, o: str, start: int = 0) -> RelationClaim:
    return RelationClaim(s, p, o, Evidence(doc, f"{s} {p} {o}.", start, start + 20, "test-rule", 0.8))


TEXTS = {
    "a": "Defense Secretary Lloyd Austin of the United States visited Japan.",
    "b": "Austin said the U.S. is allied with Japan.",
    "c": "Japan and the United States are allies.",
}
RECORDS = {
    "a": ((LLOYD, USA, JPN), (("Person:lloyd-austin", "officialOf", "Country:USA"),)),
    "b": ((AUSTIN, USA_SHORT, JPN), (("Person:austin", "visits", "Country:JPN"),)),
    "c": ((USA, JPN), (("Country:JPN", "alliedWith", "Country:USA"),)),
}


def doc(doc_id: str, text: str | None = None) -> Document:
    return Document(doc_id, text or TEXTS[doc_id], title=doc_id.upper())


def fake_extraction(document: Document) -> DocumentExtraction:
    entities, claims = RECORDS[document.id]
    mention = Mention(document.id, entities[0].key, entities[0].label, 0, 5)
    return DocumentExtraction(
        document,
        entities,
        (mention,),
        tuple(claim(document.id, *c, start=len(document.text)) for c in claims),
    )


@pytest.fixture
def fake_extract(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace extraction by the hand-made records; returns the ids extracted, in order."""
    seen: list[str] = []

    def extract(nlp: object, documents: Sequence[Document]) -> list[DocumentExtraction]:
        seen.extend(d.id for d in documents)
        return [fake_extraction(d) for d in documents]

    monkeypatch.setattr("kg.pipeline.workers._extract", extract)  # what each batch of a build runs
    monkeypatch.setattr("kg.pipeline.workers.InProcess.nlp", None)  # (no pipeline is loaded)
    return seen


def scratch(*documents: Document, min_confidence: float = 0.0) -> rdflib.Dataset:
    return to_dataset(resolve([fake_extraction(d) for d in documents], min_confidence=min_confidence))


def assert_same(store_dir: Path, expected: rdflib.Dataset) -> None:
    """The store holds, graph by graph, what `expected` holds (and its union is the same graph)."""
    with GraphStore(store_dir / "store") as store:
        got = store.to_dataset()
        assert isomorphic(store.union_graph(), union_graph(expected))
        names = {str(g.identifier) for g in expected.graphs() if len(g)}
        assert set(store.documents()) == {n.rsplit("/", 1)[1] for n in names}
        for name in names:
            assert isomorphic(got.graph(rdflib.URIRef(name)), expected.graph(rdflib.URIRef(name))), name


def quads(store_dir: Path) -> set[ox.Quad]:
    with GraphStore(store_dir / "store") as store:
        return set(store.store)


# ---------------------------------------------------------------------- append and remove (records)


@pytest.mark.parametrize(("first", "then"), [("a", "b"), ("b", "a")])
def test_incremental_append_equals_scratch(
    tmp_path: Path, fake_extract: list[str], first: str, then: str
) -> None:
    build_store([doc(first)], tmp_path)
    change = build_store([doc(then)], tmp_path, append=True)
    assert change.added == (then,)
    assert change.updated == (first,)  # "Austin" joins "Lloyd Austin", and the U.S. gains an alias
    assert fake_extract == [first, then]  # the stored document is not extracted again
    assert_same(tmp_path, scratch(doc(first), doc(then)))
    assert {label for label, _ in change.written} == {"graph", "dataset", "view", "store", "report"}
    assert isomorphic(
        rdflib.Graph().parse(tmp_path / "graph.ttl"), union_graph(scratch(doc(first), doc(then)))
    )
    fresh = tmp_path / "fresh"  # the view, read from the store (kg.views.neighbourhood), as a fresh build's
    build_store([doc(first), doc(then)], fresh)
    assert (tmp_path / "graph.html").read_bytes() == (fresh / "graph.html").read_bytes()


@pytest.mark.parametrize(("keep", "drop"), [("a", "b"), ("b", "a")])
def test_incremental_remove_equals_scratch(
    tmp_path: Path, fake_extract: list[str], keep: str, drop: str
) -> None:
    build_store([doc("a"), doc("b")], tmp_path, html=False)
    change = remove_documents([drop], tmp_path)
    assert change.removed == (drop,)
    assert change.updated == (keep,)
    assert_same(tmp_path, scratch(doc(keep)))
    dataset = rdflib.Dataset()
    dataset.parse(tmp_path / "graph.trig", format="trig")
    assert isomorphic(union_graph(dataset), union_graph(scratch(doc(keep))))


def test_incremental_remove_keeps_facts_other_documents_support(
    tmp_path: Path, fake_extract: list[str]
) -> None:
    build_store([doc("a"), doc("c")], tmp_path, html=False)
    both = quads(tmp_path)
    build_store([doc("b")], tmp_path, html=False, append=True)
    remove_documents(["b"], tmp_path)
    assert quads(tmp_path) == both  # b's facts and evidence gone, the shared Japan and US stay
    with GraphStore(tmp_path / "store") as store:
        rows = store.query("ASK { ?x kg:alliedWith ?y }")
        assert bool(rows)


def test_incremental_unchanged_document_is_skipped(tmp_path: Path, fake_extract: list[str]) -> None:
    build_store([doc("a"), doc("b")], tmp_path, html=False)
    before = quads(tmp_path)
    trig = (tmp_path / "graph.trig").read_bytes()
    change = build_store([doc("b"), doc("a")], tmp_path, html=False, append=True)
    assert change.unchanged == ("b", "a")
    assert not (change.added or change.replaced or change.updated)
    assert [label for label, _ in change.written] == ["report"]  # build-report.json: all unchanged
    assert fake_extract == ["a", "b"]
    assert quads(tmp_path) == before
    assert (tmp_path / "graph.trig").read_bytes() == trig


@pytest.mark.parametrize("change_what", ["text", "title"])
def test_incremental_changed_document_replaces_its_graph(
    tmp_path: Path, fake_extract: list[str], change_what: str
) -> None:
    build_store([doc("a"), doc("b")], tmp_path, html=False)
    new = doc("b", TEXTS["b"] + " More text.")
    if change_what == "title":
        new = Document("b", TEXTS["b"], title="A new title")
    change = build_store([new], tmp_path, html=False, append=True)
    assert change.replaced == ("b",)
    assert change.added == ()
    expected = to_dataset(resolve([fake_extraction(doc("a")), fake_extraction(new)]))
    assert_same(tmp_path, expected)


def test_incremental_append_keeps_the_stored_min_confidence(tmp_path: Path, fake_extract: list[str]) -> None:
    build_store([doc("a")], tmp_path, html=False, min_confidence=0.9)  # every test claim is 0.8: all dropped
    build_store([doc("c")], tmp_path, html=False, append=True)
    assert_same(tmp_path, scratch(doc("a"), doc("c"), min_confidence=0.9))
    build_store([], tmp_path, html=False, append=True)  # nothing read: nothing changes
    build_store(
        [doc("c")], tmp_path, html=False, append=True, min_confidence=0.0
    )  # a new threshold re-resolves
    assert_same(tmp_path, scratch(doc("a"), doc("c")))


def test_incremental_append_to_nothing_builds(tmp_path: Path, fake_extract: list[str]) -> None:
    change = build_store([doc("a")], tmp_path / "new", html=False, append=True)
    assert change.added == ("a",)
    assert_same(tmp_path / "new", scratch(doc("a")))


def test_incremental_records_stay_out_of_queries_and_datasets(
    tmp_path: Path, fake_extract: list[str]
) -> None:
    build_store([doc("a")], tmp_path, html=False)
    with GraphStore(tmp_path / "store") as store:
        assert list(read_records(store)) == ["https://w3id.org/kg-geo/id/doc/a"]
        assert RECORDS_GRAPH not in store.graph_names()
        names = {str(g.identifier) for g in store.to_dataset().graphs() if len(g)}
        assert RECORDS_GRAPH.value not in names
        result = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(result, ox.QuerySolutions)
        assert {s["g"] for s in result} == {ox.NamedNode("https://w3id.org/kg-geo/id/doc/a")}
        assert not any(
            q.graph_name == RECORDS_GRAPH
            for q in store.store.quads_for_pattern(None, None, None, UNION_GRAPH)
        )


def test_incremental_corrupt_records_name_the_store(tmp_path: Path, fake_extract: list[str]) -> None:
    build_store([doc("a")], tmp_path, html=False)
    with GraphStore(tmp_path / "store") as store:
        store.update(
            "DELETE { GRAPH ?g { ?d ?p ?json } } INSERT { GRAPH ?g { ?d ?p '{oops' } } "
            f"WHERE {{ GRAPH ?g {{ ?d ?p ?json }} FILTER(?g = {RECORDS_GRAPH} && isLiteral(?json) "
            "&& STRSTARTS(?json, '{')) }",
            refresh=False,
        )
    with pytest.raises(StoreError, match=r"corrupt extraction records of https://w3id\.org/kg-geo/id/doc/a"):
        build_store([doc("b")], tmp_path, html=False, append=True)


def test_incremental_documents_without_records_are_kept(tmp_path: Path, fake_extract: list[str]) -> None:
    with GraphStore(tmp_path / "store") as store:
        store.load_file(SAMPLE)  # graphs without extraction records, as KnowledgeGraph.save writes
    build_store([doc("a")], tmp_path, html=False, append=True)
    with GraphStore(tmp_path / "store") as store:
        assert store.documents() == ["a", "alpha", "beta"]
    change = remove_documents(["beta", "a"], tmp_path / "store")
    assert change.removed == ("beta", "a")
    with GraphStore(tmp_path / "store") as store:
        assert store.documents() == ["alpha"]


def test_incremental_remove_refreshes_inferred_triples(tmp_path: Path, fake_extract: list[str]) -> None:
    from kg.quality.infer import infer

    build_store([doc("a"), doc("c")], tmp_path, html=False)
    with GraphStore(tmp_path / "store") as store:
        assert infer(store) > 0
    remove_documents(["c"], tmp_path)
    with GraphStore(tmp_path / "store") as store:
        inferred = list(store.store.quads_for_pattern(None, None, None, INFERRED_GRAPH))
        assert not any("alliedWith" in str(q.predicate) or "cooperates" in str(q.predicate) for q in inferred)


# ---------------------------------------------------------------------- kg.build() and kg build: one path


def texts_folder(folder: Path, *doc_ids: str) -> Path:
    """The documents as .txt files (their ids are the file names), for kg.build() and kg build alike."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id in doc_ids:
        (folder / f"{doc_id}.txt").write_text(TEXTS[doc_id], encoding="utf-8")
    return folder


def assert_same_build(saved: Path, built: Path) -> None:
    """Two output folders hold the same build: graph.ttl and graph.trig byte for byte, and the same
    quads in the store, the records graph (extraction records, keys, orders) included."""
    for name in ("graph.ttl", "graph.trig"):
        assert (saved / name).read_bytes() == (built / name).read_bytes(), name
    records = quads(saved)
    assert {q for q in records if q.graph_name == RECORDS_GRAPH}, "the saved store has no records"
    assert records == quads(built)


def test_incremental_kg_build_saved_equals_cli_build(tmp_path: Path, fake_extract: list[str]) -> None:
    from kg.pipeline.knowledge_graph import build

    inputs = texts_folder(tmp_path / "in", "a", "b", "c")
    kgraph = build([inputs])
    assert fake_extract == ["a", "b", "c"]
    counted = kgraph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(counted["n"][0]) == len(kgraph.graph) > 0  # queries see the graphs, never the records
    paths = kgraph.save(tmp_path / "saved")
    assert (paths.ttl, paths.trig, paths.store) == tuple(
        tmp_path / "saved" / n for n in ("graph.ttl", "graph.trig", "store")
    )
    assert paths.html is not None and paths.html.is_file()
    assert paths.report is not None and json.loads(paths.report.read_text())["totals"]["built"] == 3
    result = runner.invoke(app, ["build", str(inputs), "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert_same_build(tmp_path / "saved", tmp_path / "cli")
    assert isomorphic(kgraph.graph, rdflib.Graph().parse(tmp_path / "cli" / "graph.ttl"))


def test_incremental_append_onto_a_saved_graph_re_resolves(tmp_path: Path, fake_extract: list[str]) -> None:
    """A folder `KnowledgeGraph.save` wrote takes `kg build --append` as one `kg build` wrote: the
    stored records are re-resolved with the new document ("Austin" joins "Lloyd Austin")."""
    from kg.pipeline.knowledge_graph import build

    texts = texts_folder(tmp_path / "in", "a", "b")  # (the records keep each document's source)
    build([texts / "a.txt"]).save(tmp_path / "saved")
    result = runner.invoke(app, ["build", str(texts / "b.txt"), "--out", str(tmp_path / "saved"), "--append"])
    assert result.exit_code == 0, result.output
    assert "added 1: b" in result.output
    assert "re-resolved 1: a" in result.output
    assert fake_extract == ["a", "b"]  # the saved document is not extracted again
    result = runner.invoke(
        app, ["build", str(texts / "a.txt"), str(texts / "b.txt"), "--out", str(tmp_path / "cli")]
    )
    assert result.exit_code == 0, result.output
    assert_same_build(tmp_path / "saved", tmp_path / "cli")


def test_incremental_saving_a_graph_read_from_rdf(tmp_path: Path) -> None:
    """A graph without records (read from a file) saves its graphs, and no records."""
    from kg.pipeline.knowledge_graph import load_graph_file

    paths = load_graph_file(SAMPLE).save(tmp_path, html=False)
    assert paths.html is None and paths.report is None
    with GraphStore(paths.store) as store:
        assert store.documents() == ["alpha", "beta"]
        assert not store.quads_for_pattern(None, None, None, RECORDS_GRAPH)
    expected = rdflib.Dataset()
    expected.parse(SAMPLE)
    assert isomorphic(rdflib.Graph().parse(paths.ttl), union_graph(expected))


def test_incremental_save_replaces_only_what_kg_wrote(tmp_path: Path, fake_extract: list[str]) -> None:
    from kg.pipeline.knowledge_graph import build

    kgraph = build([doc("a")])
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(StoreError, match="output path exists and is not a folder"):
        kgraph.save(target)
    (tmp_path / "out" / "store").mkdir(parents=True)
    (tmp_path / "out" / "store" / "mine.txt").write_text("keep")
    with pytest.raises(StoreError, match="exists and is not a kg store"):
        kgraph.save(tmp_path / "out")
    assert (tmp_path / "out" / "store" / "mine.txt").read_text() == "keep"
    kgraph.save(tmp_path / "again")
    assert kgraph.save(tmp_path / "again").store == tmp_path / "again" / "store"  # a second save replaces it


def test_incremental_memory_build_takes_no_folder_or_store(tmp_path: Path) -> None:
    from kg.pipeline.knowledge_graph import KnowledgeGraph

    for wrong in (
        {"out_dir": tmp_path},
        {"out_dir": None, "append": True},
        {"out_dir": None, "store": "http://x"},
    ):
        with pytest.raises(KGError, match="a build in memory writes no files and no other store"):
            build_store([doc("a")], memory=True, **wrong)  # type: ignore[arg-type]
    with pytest.raises(KGError, match="not a build into memory"):
        KnowledgeGraph.from_built(build_store([doc("a")], tmp_path, html=False))


def test_incremental_a_given_pipeline_extracts_in_this_process() -> None:
    from kg.pipeline.corpus import WORDS_PER_WORKER, choose_runner
    from kg.pipeline.workers import InProcess

    nlp = object()
    runner_ = choose_runner(None, None, 100 * WORDS_PER_WORKER, nlp=nlp)  # type: ignore[arg-type]
    assert isinstance(runner_, InProcess)
    assert runner_._nlp is nlp


# ---------------------------------------------------------------------- errors


def test_incremental_remove_unknown_id_changes_nothing(tmp_path: Path, fake_extract: list[str]) -> None:
    build_store([doc("a")], tmp_path, html=False)
    before = quads(tmp_path)
    with pytest.raises(InputError, match=r"no document 'nope' in the store \(documents: a\)"):
        remove_documents(["a", "nope"], tmp_path)
    assert quads(tmp_path) == before


def test_incremental_cli_remove_unknown_id_exit_code(tmp_path: Path, fake_extract: list[str]) -> None:
    build_store([doc("a")], tmp_path, html=False)
    result = runner.invoke(app, ["remove", "nope", "--store", str(tmp_path)])
    assert result.exit_code == 2
    assert "no document 'nope' in the store" in result.stderr
    result = runner.invoke(app, ["remove", "a", "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "removed 1: a" in result.output


def test_incremental_build_into_a_file_fails(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(StoreError, match="exists and is not a folder"):
        build_store([doc("a")], target, html=False, append=True)


def test_incremental_min_confidence_range(tmp_path: Path) -> None:
    with pytest.raises(KGError, match="min confidence must be between 0 and 1"):
        build_store([doc("a")], tmp_path, html=False, min_confidence=1.5)


# ---------------------------------------------------------------------- with the real pipeline

REAL = {
    "a": "Polish Foreign Minister Marta Kowalczyk met German Chancellor Olaf Scholz in Berlin on Monday. "
    "The United States supports Ukraine.",
    "b": "Russia threatened Lithuania on Tuesday. The U.S. supports Ukraine, officials said in Warsaw.",
}


def real(doc_id: str) -> Document:
    return Document(doc_id, REAL[doc_id], title=doc_id.upper())


@pytest.mark.model
def test_incremental_real_append_and_remove_equal_scratch(tmp_path: Path, nlp) -> None:
    # b's "U.S." becomes an alias of a's "United States": a's graph must change on append and back on remove
    first, then = real("a"), real("b")
    build_store([first], tmp_path, nlp=nlp, html=False)
    change = build_store([then], tmp_path, append=True, nlp=nlp, html=False)
    assert change.added == (then.id,)
    _, both = build_documents([first, then], nlp=nlp)
    assert_same(tmp_path, both)
    remove_documents([then.id], tmp_path)
    _, alone = build_documents([first], nlp=nlp)
    assert_same(tmp_path, alone)


@pytest.mark.model
def test_incremental_real_cli_reports_unchanged(tmp_path: Path, nlp) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    for doc_id, text in REAL.items():
        (texts / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    build_store([texts], out, nlp=nlp, html=False)
    before = quads(out)
    result = runner.invoke(
        app, ["build", str(texts / "a.txt"), str(texts / "b.txt"), "--out", str(out), "--append"]
    )
    assert result.exit_code == 0, result.output
    assert "unchanged 2: a, b" in result.output
    assert quads(out) == before
