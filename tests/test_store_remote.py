"""`--store http://...`: build, query, stats, validate, render, import, export, infer and remove
against real servers: `oxigraph serve` and Virtuoso (the `server_url` fixture runs each test on both)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import Virtuoso
from rdflib.compare import isomorphic
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.core.errors import InputError, QueryError, StoreError
from kg.pipeline.incremental import build_store, remove_documents
from kg.pipeline.records import read_records
from kg.quality.infer import infer
from kg.quality.stats import graph_stats
from kg.quality.validate import validate
from kg.query.run import run, saved_query
from kg.server.process import free_port
from kg.store.endpoints import endpoints
from kg.store.local import GraphStore, store_folder
from kg.store.names import INFERRED_GRAPH, RECORDS_GRAPH, REFERENCE_GRAPH
from kg.store.quads import memory_store
from kg.store.remote import RemoteStore, connect, with_values
from kg.views.exporting import export, import_files

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample.trig"
SAMPLE_QUADS = 120
SAMPLE_TRIPLES = 116
KG = "https://w3id.org/kg-geo/ontology#"
ID = "https://w3id.org/kg-geo/id/"
runner = CliRunner()


@pytest.fixture
def local() -> GraphStore:
    store = GraphStore(None)
    store.load_file(SAMPLE)
    return store


@pytest.mark.parametrize("batch_size", [7, 50_000], ids=["many-batches", "one-batch"])
def test_store_remote_import_matches_a_local_store(
    server_url: str, local: GraphStore, batch_size: int
) -> None:
    with RemoteStore(server_url, batch_size=batch_size) as remote:
        assert remote.load_files([SAMPLE]) == SAMPLE_QUADS
        assert remote.documents() == ["alpha", "beta"]
        assert isomorphic(remote.union_graph(), local.union_graph())
        assert set(remote.quads()) == set(local.quads())


@pytest.mark.parametrize(
    "pattern",
    [
        (None, None, None, ox.NamedNode(ID + "doc/alpha")),
        (ox.NamedNode(ID + "country/JPN"), None, None, None),
        (None, ox.NamedNode(KG + "alliedWith"), None, None),
        (None, None, ox.Literal("Japan"), ox.DefaultGraph()),
    ],
    ids=["graph", "subject", "predicate", "default-graph"],
)
def test_store_remote_quads_for_pattern(server_url: str, local: GraphStore, pattern: tuple) -> None:
    with RemoteStore(server_url) as remote:
        remote.load_files([SAMPLE])
        assert set(remote.quads_for_pattern(*pattern)) == set(local.quads_for_pattern(*pattern))


@pytest.mark.parametrize("suffix", ["", "/", "/query", "/query/"])
def test_store_remote_url_of_the_server_or_its_endpoint(oxigraph_url: str, suffix: str) -> None:
    """`--store` takes Oxigraph's address or its SPARQL endpoint's (what `kg serve` prints)."""
    with RemoteStore(oxigraph_url + suffix) as remote:
        assert remote.location == oxigraph_url
        remote.load_files([SAMPLE])
        assert bool(remote.query("ASK { ?c rdfs:label 'Japan' }"))


def test_store_remote_query_sees_the_union(server_url: str) -> None:
    with RemoteStore(server_url) as remote:
        remote.load_files([SAMPLE])
        result = remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(result, ox.QuerySolutions)
        assert [int(row["n"].value) for row in result] == [SAMPLE_TRIPLES]
        assert bool(remote.query("ASK { ?c rdfs:label 'Japan' }"))


def test_store_remote_cli_import_export_round_trip(server_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(SAMPLE), "--store", server_url])
    assert result.exit_code == 0, result.output
    assert f"imported {SAMPLE_QUADS} quads" in result.output
    out = tmp_path / "union.ttl"
    result = runner.invoke(app, ["export", "--format", "ttl", "--out", str(out), "--store", server_url])
    assert result.exit_code == 0, result.output
    expected = rdflib.Dataset()
    expected.parse(SAMPLE, format="trig")
    union = rdflib.Graph()
    for s, p, o, _ in expected.quads():
        union.add((s, p, o))
    assert isomorphic(rdflib.Graph().parse(out), union)


def test_store_remote_infer(server_url: str) -> None:
    with connect(server_url) as remote:
        remote.load_files([SAMPLE])
        size = infer(remote)
        assert size == infer(remote)  # idempotent
        inferred = {q.triple for q in remote.quads_for_pattern(None, None, None, INFERRED_GRAPH)}
    japan, usa = ox.NamedNode(ID + "country/JPN"), ox.NamedNode(ID + "country/USA")
    assert ox.Triple(japan, ox.NamedNode(KG + "alliedWith"), usa) in inferred
    assert ox.Triple(usa, ox.NamedNode(KG + "cooperatesWith"), japan) in inferred
    assert len(inferred) == size


def test_store_remote_remove(server_url: str) -> None:
    with RemoteStore(server_url) as remote:
        remote.load_files([SAMPLE])
    change = remove_documents(["beta"], server_url)
    assert change.removed == ("beta",)
    with RemoteStore(server_url) as remote:
        assert remote.documents() == ["alpha"]
        assert not bool(remote.query("ASK { ?c rdfs:label 'North Korea' }"))
        assert read_records(remote) == {}  # the sample has no extraction records
    with pytest.raises(InputError, match="no document 'beta'"):
        remove_documents(["beta"], server_url)


def test_store_remote_bad_file_changes_nothing(server_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .")
    with pytest.raises(InputError, match=r"bad\.ttl: cannot parse"):
        import_files(server_url, [SAMPLE, bad])
    with RemoteStore(server_url) as remote:
        assert list(remote.quads()) == []


def test_store_remote_errors(server_url: str) -> None:
    with RemoteStore(server_url) as remote:
        with pytest.raises(QueryError, match="HTTP 400"):
            remote.query("SELECT WHERE {")
        with pytest.raises(QueryError, match="only SELECT and ASK"):
            remote.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        with pytest.raises(QueryError, match="only in SELECT and ASK"):
            remote.query("CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x }", {"x": "y"})
        with pytest.raises(StoreError, match="internal graph"):
            remote.load_files([SAMPLE], graph=RECORDS_GRAPH.value)


def test_store_remote_unreachable(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match=f"cannot reach the kg store at {url}"):
        RemoteStore(url)
    result = runner.invoke(app, ["export", "--format", "nt", "--out", str(tmp_path / "x.nt"), "--store", url])
    assert result.exit_code == 1
    assert "cannot reach the kg store" in result.stderr


def test_store_remote_export_quads(server_url: str, tmp_path: Path) -> None:
    with RemoteStore(server_url) as remote:
        remote.load_files([SAMPLE])
        export(remote, "nq", tmp_path / "all.nq")
    assert len(list(ox.parse(path=str(tmp_path / "all.nq"), format=ox.RdfFormat.N_QUADS))) == SAMPLE_QUADS


@pytest.mark.parametrize(
    ("layout", "given", "expected"),
    [
        ("store", "store", "store"),  # an existing store is itself
        ("out/store", "out", "out/store"),  # an output folder holds store/
        (None, "new/store", "new/store"),  # a store still to be made, called "store"
        (None, "new", "new/store"),  # an output folder still to be made
    ],
)
def test_store_remote_local_locations(tmp_path: Path, layout: str | None, given: str, expected: str) -> None:
    if layout is not None:
        GraphStore(tmp_path / layout).close()
    with connect(tmp_path / given, create=True) as store:
        assert store.location == str(tmp_path / expected)
    assert store_folder(tmp_path / given) == tmp_path / expected


# ---------------------------------------------------------------------- query, stats, validate, render, build


SAVED_PARAMS = [
    ("allies-of", {}),
    ("allies-of", {"country": "japan"}),
    ("allies-of", {"country": ID + "country/JPN"}),
    ("allies-of", {"country": 'Japan" } ?x ?y ?z . #'}),  # stays a value: no rows
    ("agreements", {}),
    ("agreements", {"party": "Japan"}),
    ("conflicts", {}),
    ("conflicts", {"subject": "DPRK", "object": "Japan"}),
    ("entities", {}),
    ("entities", {"class": "Country"}),
    ("entities", {"entity": "dprk"}),
    ("meetings", {}),
    ("meetings", {"participant": "United States"}),
    ("officials-of", {}),
    ("officials-of", {"country": "US"}),
    ("relation-evidence", {}),
    ("relation-evidence", {"predicate": "threatens"}),
    ("relation-evidence", {"subject": "North Korea", "object": "japan"}),
]
#: The text of relation-evidence without nested OPTIONAL queries (tuned for rdflib): the same rows.
FLAT_RELATION_EVIDENCE = (
    Path(__file__).parent.parent / "benchmarks" / "rdflib-queries" / "relation-evidence.rq"
)


#: The data the saved queries are tested on (tests/test_queries_saved.py): file lists.
FIXTURE_DATA = {
    "sample": [SAMPLE],
    "extended": [SAMPLE, DATA / "gamma.trig"],
    "delta": [DATA / "delta.trig"],
    "epsilon": [DATA / "epsilon.trig"],
}


def on_virtuoso(url: str) -> bool:
    return url.endswith("/sparql")


@pytest.mark.parametrize("data", FIXTURE_DATA)
def test_store_remote_saved_queries_match_local(server_url: str, data: str) -> None:
    """Every saved query gives the local store's rows on the test fixture data. Virtuoso's default
    cost estimate may refuse relation-evidence (see the README; whether it does depends on the
    statistics its earlier work left, not only on this data): then the message says what to do,
    and the query's flat text gives the rows."""
    with GraphStore(None) as local, RemoteStore(server_url) as remote:
        local.load_files(FIXTURE_DATA[data])
        remote.load_files(FIXTURE_DATA[data])
        for name, params in SAVED_PARAMS:
            local_frame = run(local, saved_query(name), params)
            text = saved_query(name)
            if name == "relation-evidence" and on_virtuoso(server_url):
                try:
                    run(remote, text, params)
                except StoreError as refused:
                    assert re.search(
                        r"estimated execution time.*MaxQueryCostEstimationTime = 0", str(refused)
                    )
                    text = FLAT_RELATION_EVIDENCE.read_text(encoding="utf-8")
            remote_frame = run(remote, text, params)
            assert list(remote_frame.columns) == list(local_frame.columns), (name, params)
            assert remote_frame.equals(local_frame), (name, params)


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "SELECT ?s WHERE { VALUES (?s) { (<https://e.org/a>) }  ?s ?p ?o }"),
        ("ASK { ?s ?p ?o }", "ASK { VALUES (?s) { (<https://e.org/a>) }  ?s ?p ?o }"),
        (  # braces in an IRI, a comment, a string and a projected EXISTS are not the WHERE group
            'PREFIX e: <https://e.org/{x}> # {\nSELECT (EXISTS { ?s ?p "{" } AS ?e) WHERE { ?s ?p ?o }',
            'PREFIX e: <https://e.org/{x}> # {\nSELECT (EXISTS { ?s ?p "{" } AS ?e) WHERE { VALUES (?s) '
            "{ (<https://e.org/a>) }  ?s ?p ?o }",
        ),
    ],
)
def test_store_remote_with_values_binds_in_the_where_group(sparql: str, expected: str) -> None:
    assert with_values(sparql, {"s": ox.NamedNode("https://e.org/a")}) == expected


def test_store_remote_with_values_escapes_literals() -> None:
    bound = with_values("SELECT ?n WHERE { ?s ?p ?n }", {"n": ox.Literal('x" } DROP ALL #')})
    assert 'VALUES (?n) { ("x\\" } DROP ALL #") }' in bound


@pytest.mark.parametrize(
    "sparql", ["CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "DESCRIBE <https://e.org/a>"]
)
def test_store_remote_with_values_refuses_other_forms(sparql: str) -> None:
    with pytest.raises(QueryError, match="only in SELECT and ASK"):
        with_values(sparql, {"s": ox.NamedNode("https://e.org/a")})


def test_store_remote_stats_and_validate_match_local(server_url: str, local: GraphStore) -> None:
    with RemoteStore(server_url) as remote:
        remote.load_files([SAMPLE])
        assert graph_stats(remote) == graph_stats(local) == graph_stats(memory_store(local.union_graph()))
        assert validate(remote) == validate(local) == validate(memory_store(local.union_graph()))


def test_store_remote_validate_finds_what_a_local_store_finds(server_url: str) -> None:
    with GraphStore(None) as local, RemoteStore(server_url) as remote:
        local.load_files([DATA / "violations.ttl"])
        remote.load_files([DATA / "violations.ttl"])
        expected = validate(local)
        assert len(expected.violations) >= 10
        assert validate(remote) == expected


def test_store_remote_cli_query_stats_validate_render(server_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(SAMPLE), "--store", server_url]).exit_code == 0
    result = runner.invoke(
        app, ["query", "allies-of", "--param", "country=Japan", "--format", "csv", "--store", server_url]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "country,countryLabel,ally,allyLabel"
    assert any(line.endswith(",United States") for line in result.stdout.splitlines())
    result = runner.invoke(app, ["stats", "--store", server_url])
    assert result.exit_code == 0, result.output
    assert f"triples: {SAMPLE_TRIPLES}" in result.stdout
    result = runner.invoke(app, ["validate", "--store", server_url])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stdout
    page = tmp_path / "view.html"
    result = runner.invoke(app, ["render", "--store", server_url, "--focus", "Japan", "--out", str(page)])
    assert result.exit_code == 0, result.output
    assert "Japan" in page.read_text(encoding="utf-8")


def test_store_remote_build_matches_a_local_build(
    server_url: str, nlp, examples_dir: Path, tmp_path: Path
) -> None:
    change = build_store([examples_dir], None, store=server_url, nlp=nlp, html=False)
    assert change.added and not change.errors
    assert change.written == ()  # no --out: no files
    local = build_store([examples_dir], tmp_path / "out", nlp=nlp, html=False)
    assert change.stats == local.stats
    with RemoteStore(server_url) as remote, GraphStore(tmp_path / "out" / "store") as stored:
        assert isomorphic(remote.union_graph(), stored.union_graph())
        assert set(remote.quads()) == set(stored.quads())
    again = build_store([examples_dir], tmp_path / "views", store=server_url, nlp=nlp, html=False)
    assert again.unchanged == change.added and not again.added  # idempotent, keyed by content hash
    assert [label for label, _ in again.written] == ["report"]  # nothing changed: the report alone
    # removing a document re-resolves the rest from the stored records, as on a local store
    gone = change.added[0]
    removed = remove_documents([gone], server_url)
    assert removed.updated == remove_documents([gone], tmp_path / "out").updated
    with RemoteStore(server_url) as remote, GraphStore(tmp_path / "out" / "store") as stored:
        assert gone not in remote.documents()
        assert set(remote.quads()) == set(stored.quads())
        assert read_records(remote) == read_records(stored)


def test_store_remote_cli_build_refuses_a_folder(tmp_path: Path, examples_dir: Path) -> None:
    result = runner.invoke(app, ["build", str(examples_dir), "--store", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a store URL" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_store_remote_kg_connect_queries_a_folder_in_place(tmp_path: Path, local: GraphStore) -> None:
    import_files(tmp_path / "out", [SAMPLE])
    with kg.connect(tmp_path / "out") as store:
        assert isinstance(store, GraphStore)
        frame = run(store, saved_query("allies-of"), {"country": "Japan"})
    assert not frame.empty
    assert frame.equals(run(local, saved_query("allies-of"), {"country": "Japan"}))


# ------------------------------------------------------------ what servers make of terms, sizes, endpoints

E = "https://e.org/"


def test_store_remote_literals_come_back_as_they_were(server_url: str, tmp_path: Path) -> None:
    """Language tags, datatypes, escapes, white space, emoji, a 100,000-character literal; and a
    bound parameter with quotes and control characters finds its literal."""
    long = tmp_path / "long.nt"
    long.write_text(f'<{E}long> <{E}p> "{"a" * 100_000} end" .\n', encoding="utf-8")
    files = [DATA / "literals.ttl", long]
    with GraphStore(None) as local, RemoteStore(server_url) as remote:
        local.load_files(files)
        assert remote.load_files(files) == len(local)
        assert set(remote.quads()) == set(local.quads())
        assert isomorphic(remote.union_graph(), local.union_graph())
        for subject, value in [
            ("escapes", 'tab\tnew line\ncarriage\rquote"back\\slash'),
            ("spaces", " padded "),
            ("unicode", "smile 😀 é ñ ü"),
        ]:
            frame = run(remote, f"SELECT ?s WHERE {{ ?s <{E}p> ?v }}", {"v": value})
            assert frame["s"].tolist() == [E + subject]


def test_store_remote_blank_nodes(server_url: str) -> None:
    """Blank nodes keep their structure (each server names them its own way: Virtuoso nodeID://b1)."""
    with GraphStore(None) as local, RemoteStore(server_url) as remote:
        local.load_files([DATA / "blank-nodes.ttl"])
        assert remote.load_files([DATA / "blank-nodes.ttl"]) == 5
        assert isomorphic(remote.union_graph(), local.union_graph())
        result = remote.query(f"SELECT ?x WHERE {{ ?x <{E}p> ?x }}")
        assert isinstance(result, ox.QuerySolutions)
        assert [type(row["x"]) for row in result] == [ox.BlankNode]


def test_store_remote_without_graph_store_endpoint(server_url: str, local: GraphStore) -> None:
    """`--graph-store-url none`: every write is a SPARQL update, in batches (and blank nodes too)."""
    with RemoteStore(endpoints(server_url, graph_store="none"), batch_size=7) as remote:
        assert remote.endpoints.graph_store is None
        assert remote.load_files([SAMPLE]) == SAMPLE_QUADS
        assert set(remote.quads()) == set(local.quads())
        assert remote.load_files([DATA / "blank-nodes.ttl"], graph=E + "blank") == 5
        blank = rdflib.Graph().parse(DATA / "blank-nodes.ttl")
        stored = {q.triple for q in remote.quads_for_pattern(None, None, None, ox.NamedNode(E + "blank"))}
        assert isomorphic(
            rdflib.Graph().parse(data=ox.serialize(stored, format=ox.RdfFormat.N_TRIPLES), format="nt"), blank
        )


def test_store_remote_reads_more_than_a_server_answers_at_once(
    server_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """1,500 graphs of 2 triples: more graphs and rows than the Virtuoso of the tests answers at
    once (1,000, conftest.VIRTUOSO_MAX_ROWS); every read gets them all, in pages."""
    lines = [f'<{E}g{i}> {{ <{E}s{i}> <{E}p> {i} . <{E}s{i}> <{E}q> "v{i}" }}' for i in range(1500)]
    data = tmp_path / "many.trig"
    data.write_text("\n".join(lines), encoding="utf-8")
    with RemoteStore(server_url) as remote, caplog.at_level("INFO", logger="kg.store.protocol"):
        assert remote.load_files([data]) == 3000
        assert len(remote) == 3000
        assert len(remote.graph_names()) == 1500
        assert len(set(remote.quads())) == 3000
        assert len(remote.union_graph()) == 3000
        frame = run(remote, f"SELECT ?s ?n WHERE {{ ?s <{E}p> ?n }} ORDER BY DESC(?n)")
        assert frame["n"].tolist() == list(range(1499, -1, -1))
        frame = run(remote, f"SELECT ?n WHERE {{ ?s <{E}p> ?n }} ORDER BY ?n LIMIT 1200 OFFSET 10")
        assert frame["n"].tolist() == list(range(10, 1210))
        assert graph_stats(remote).triples == 3000
        frame = run(remote, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        assert len(frame) == 1500 and set(frame["n"]) == {2}
        remote.apply(drop=[ox.NamedNode(f"{E}g{i}") for i in range(1200)])
        assert len(remote.graph_names()) == 300
        assert len(remote.union_graph()) == 600
    assert ("reading it in pages" in caplog.text) == on_virtuoso(server_url)


def test_store_remote_cli_update_url_that_is_not_an_endpoint(server_url: str) -> None:
    assert runner.invoke(app, ["import", str(SAMPLE), "--store", server_url]).exit_code == 0
    wrong = server_url.removesuffix("/sparql") + "/nothing"
    result = runner.invoke(app, ["infer", "--store", server_url, "--update-url", wrong])
    assert result.exit_code == 1
    assert f"{wrong}: HTTP 404" in result.stderr
    assert "give the right one with --update-url" in result.stderr


def test_store_remote_cli_graph_store_url_that_is_not_an_endpoint(server_url: str) -> None:
    """A graph with blank nodes goes by the Graph Store Protocol: a wrong endpoint is named."""
    wrong = server_url.removesuffix("/sparql") + "/nothing"
    result = runner.invoke(
        app, ["import", str(DATA / "blank-nodes.ttl"), "--store", server_url, "--graph-store-url", wrong]
    )
    assert result.exit_code == 1
    assert f"{wrong}: HTTP 404" in result.stderr
    assert "give the right one with --graph-store-url" in result.stderr


def test_store_remote_cli_endpoint_options_need_a_url(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", "--store", str(tmp_path), "--graph-store-url", "none"])
    assert result.exit_code == 2
    assert "need a server's URL in --store" in result.stderr


# ------------------------------------------------------------ Virtuoso only: authentication, its numbers


def test_store_remote_virtuoso_digest_authentication(
    virtuoso: Virtuoso, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Virtuoso's authenticated endpoints (/sparql-auth, /sparql-graph-crud-auth: digest) with the
    user in the URL or in KG_STORE_USER and KG_STORE_PASSWORD; a wrong password fails cleanly."""
    virtuoso.clear()
    monkeypatch.delenv("KG_STORE_USER", raising=False)
    monkeypatch.delenv("KG_STORE_PASSWORD", raising=False)
    host = virtuoso.url.removeprefix("http://").removesuffix("/sparql")
    result = runner.invoke(app, ["import", str(SAMPLE), "--store", f"http://dba:dba@{host}/sparql-auth"])
    assert result.exit_code == 0, result.output
    assert f"into http://{host}/sparql-auth" in result.stdout and "dba:dba" not in result.stdout
    monkeypatch.setenv("KG_STORE_USER", "dba")
    monkeypatch.setenv("KG_STORE_PASSWORD", "dba")
    with RemoteStore(f"http://{host}/sparql-auth") as remote:
        assert remote.endpoints.graph_store == f"http://{host}/sparql-graph-crud-auth"
        assert remote.documents() == ["alpha", "beta"]
    monkeypatch.setenv("KG_STORE_PASSWORD", "not-the-password")
    result = runner.invoke(app, ["stats", "--store", f"http://{host}/sparql-auth"])
    assert result.exit_code == 1
    assert "HTTP 401" in result.stderr and "not-the-password" not in result.stderr


def test_store_remote_virtuoso_numbers(virtuoso: Virtuoso, tmp_path: Path) -> None:
    """Documented in the README: Virtuoso keeps numbers as values. A double comes back in its own
    canonical form (1.5e3 as 1500.0, Oxigraph's 1500), and true and 1 of the same subject and
    property are one triple there."""
    virtuoso.clear()
    data = tmp_path / "numbers.ttl"
    data.write_text(f"<{E}d> <{E}p> 1.5e3 .\n<{E}t> <{E}p> true , 1 .\n", encoding="utf-8")
    double = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
    with GraphStore(None) as local, RemoteStore(virtuoso.url) as remote:
        assert local.load_files([data]) == 3
        assert remote.load_files([data]) == 2
        assert [
            q.object for q in local.quads_for_pattern(ox.NamedNode(E + "d"), None, None, REFERENCE_GRAPH)
        ] == [ox.Literal("1500", datatype=double)]
        assert [
            q.object for q in remote.quads_for_pattern(ox.NamedNode(E + "d"), None, None, REFERENCE_GRAPH)
        ] == [ox.Literal("1500.0", datatype=double)]
