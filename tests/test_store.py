"""GraphStore: loading, per-document replacement, persistence, safe parameters."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.core.errors import InputError, QueryError, StoreError
from kg.store.local import GraphStore
from kg.store.names import DOC_PREFIX, INFERRED_GRAPH, REFERENCE_GRAPH, UNION_GRAPH, doc_iri
from kg.store.updates import REFRESH_UNION

SAMPLE = Path(__file__).parent / "data" / "sample.trig"
SAMPLE_QUADS = 120  # 4 triples (Japan's) are written in both documents
SAMPLE_TRIPLES = 116
ID = "https://w3id.org/kg-geo/id/"
PREFIXES = """PREFIX kg: <https://w3id.org/kg-geo/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
INJECTION = '"} ; DROP ALL ; {'


@pytest.fixture
def store() -> GraphStore:
    graph_store = GraphStore(None)
    graph_store.load_file(SAMPLE)
    return graph_store


def dump(data: bytes | None) -> bytes:
    assert data is not None
    return data


def graph_size(store: GraphStore, doc_id: str) -> int:
    return sum(1 for _ in store.store.quads_for_pattern(None, None, None, ox.NamedNode(doc_iri(doc_id))))


def select(store: GraphStore, sparql: str, params: dict[str, object] | None = None) -> list[list[str | None]]:
    result = store.query(PREFIXES + sparql, params)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [[getattr(s[n], "value", None) for n in names] for s in result]


# ---------------------------------------------------------------------- loading


def test_store_load_file_returns_quads_added() -> None:
    graph_store = GraphStore(None)
    assert graph_store.load_file(SAMPLE) == SAMPLE_QUADS
    assert len(graph_store) == SAMPLE_QUADS
    assert graph_store.documents() == ["alpha", "beta"]
    assert graph_store.load_file(SAMPLE) == 0  # nothing new the second time


@pytest.mark.parametrize(
    ("suffix", "fmt", "quads"),
    [
        (".trig", ox.RdfFormat.TRIG, SAMPLE_QUADS),
        (".nq", ox.RdfFormat.N_QUADS, SAMPLE_QUADS),
        (".ttl", ox.RdfFormat.TURTLE, SAMPLE_TRIPLES),
        (".nt", ox.RdfFormat.N_TRIPLES, SAMPLE_TRIPLES),
        (".rdf", ox.RdfFormat.RDF_XML, SAMPLE_TRIPLES),
        (".jsonld", ox.RdfFormat.JSON_LD, SAMPLE_QUADS),
    ],
)
def test_store_load_file_formats(
    store: GraphStore, tmp_path: Path, suffix: str, fmt: ox.RdfFormat, quads: int
) -> None:
    path = tmp_path / f"data{suffix}"
    if quads == SAMPLE_QUADS:
        path.write_bytes(dump(ox.serialize(store.quads(), format=fmt)))
    else:
        path.write_bytes(dump(ox.serialize({q.triple for q in store.store}, format=fmt)))
    fresh = GraphStore(None)
    assert fresh.load_file(path) == quads


def test_store_load_file_into_graph(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "union.nt"
    path.write_bytes(dump(ox.serialize({q.triple for q in store.store}, format=ox.RdfFormat.N_TRIPLES)))
    fresh = GraphStore(None)
    assert fresh.load_file(path, graph="gamma") == SAMPLE_TRIPLES
    assert fresh.documents() == ["gamma"]
    assert fresh.load_file(path, graph="https://example.org/other") == SAMPLE_TRIPLES
    assert fresh.documents() == ["gamma"]  # not a document graph
    assert len(fresh) == 2 * SAMPLE_TRIPLES


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.ttl", "<https://e.org/a> <https://e.org/p> ."),
        ("broken.trig", "<https://e.org/g> { <https://e.org/a> <https://e.org/p> <https://e.org/b> "),
        ("broken.nt", '<https://e.org/a> <https://e.org/p> "x" .\nnot a triple .\n'),
        ("broken.nq", "<https://e.org/a> <https://e.org/p> <https://e.org/b> <https://e.org/g> <x> ."),
        ("broken.jsonld", '{"@id": "https://e.org/a", "https://e.org/p": '),
        ("broken.rdf", "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description"),
    ],
)
def test_store_bad_file_names_it_and_leaves_store_unchanged(
    store: GraphStore, tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=name):
        store.load_file(path)
    assert len(store) == SAMPLE_QUADS


def test_store_bad_file_after_valid_lines_adds_nothing(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "half.nt"
    good = "".join(f"<https://e.org/s{i}> <https://e.org/p> <https://e.org/o> .\n" for i in range(100))
    path.write_text(good + "<https://e.org/s> <https://e.org/p> .\n")
    with pytest.raises(InputError, match=r"half\.nt"):
        store.load_file(path)
    assert len(store) == SAMPLE_QUADS


@pytest.mark.parametrize(("name", "create"), [("missing.ttl", False), ("data.csv", True), ("noext", True)])
def test_store_load_file_unreadable(tmp_path: Path, name: str, create: bool) -> None:
    path = tmp_path / name
    if create:
        path.write_text("a,b\n")
    with pytest.raises(InputError, match=name):
        GraphStore(None).load_file(path)


# ---------------------------------------------------------------------- querying


def test_store_union_query(store: GraphStore) -> None:
    rows = select(
        store, "SELECT DISTINCT ?label WHERE { ?c a kg:Country ; rdfs:label ?label } ORDER BY ?label"
    )
    assert rows == [["Japan"], ["North Korea"], ["United States"]]
    rows_default = store.query("SELECT ?s WHERE { ?s ?p ?o }", union=False)
    assert isinstance(rows_default, ox.QuerySolutions)
    assert list(rows_default) == []  # the default graph itself is empty


def test_store_query_graph_clause(store: GraphStore) -> None:
    rows = select(
        store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c a kg:Country ; rdfs:label 'Japan' } } ORDER BY ?g"
    )
    assert rows == [[DOC_PREFIX + "alpha"], [DOC_PREFIX + "beta"]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Japan", [[ID + "country/JPN", "Japan"]]),
        (rdflib.Literal("Japan"), [[ID + "country/JPN", "Japan"]]),
        (ox.Literal("Japan"), [[ID + "country/JPN", "Japan"]]),
        ("japan", []),
        (INJECTION, []),
        ("Japan' } ; DROP ALL ; { '", []),
    ],
)
def test_store_params_bound_as_literals(store: GraphStore, value: object, expected: list[list[str]]) -> None:
    rows = select(store, "SELECT DISTINCT ?c ?name WHERE { ?c rdfs:label ?name }", {"name": value})
    assert rows == expected
    assert len(store) == SAMPLE_QUADS


def test_store_param_with_quotes_matches_exactly(store: GraphStore) -> None:
    escaped = INJECTION.replace('"', '\\"')
    store.replace_documents(
        f'<{ID}doc/gamma> {{ <{ID}x> <http://www.w3.org/2000/01/rdf-schema#label> "{escaped}" }}'
    )
    rows = select(store, "SELECT ?c ?name WHERE { ?c rdfs:label ?name }", {"name": INJECTION})
    assert rows == [[ID + "x", INJECTION]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"start": 0}, [[ID + "evidence/a1", 0], [ID + "evidence/b1", 0]]),
        ({"?start": 63}, [[ID + "evidence/a2", 63], [ID + "evidence/a3", 63], [ID + "evidence/a4", 63]]),
        ({"e": rdflib.URIRef(ID + "evidence/b2")}, [[ID + "evidence/b2", 67]]),
        ({"e": ox.NamedNode(ID + "evidence/b2")}, [[ID + "evidence/b2", 67]]),
    ],
)
def test_store_params_typed(
    store: GraphStore, params: dict[str, object], expected: list[list[object]]
) -> None:
    rows = select(store, "SELECT ?e ?start WHERE { ?e kg:charStart ?start } ORDER BY ?e", params)
    assert [[e, int(str(s))] for e, s in rows] == expected


@pytest.mark.parametrize(
    ("sparql", "params", "message"),
    [
        ("SELEC ?s WHERE { ?s ?p ?o }", None, "malformed SPARQL"),
        ("SELECT ?s WHERE { ?s ?p ?o ", None, "malformed SPARQL"),
        ("SELECT ?s WHERE { ?s rdfs:label ?n }", {"n": "x"}, "projection"),
        ("DROP ALL", None, "malformed SPARQL"),
        ("SELECT ?s WHERE { ?s ?p ?o }", {"s": object()}, "cannot bind"),
    ],
)
def test_store_query_errors(
    store: GraphStore, sparql: str, params: dict[str, object] | None, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        store.query(PREFIXES + sparql, params)
    assert len(store) == SAMPLE_QUADS


# ---------------------------------------------------------------------- replacing documents


def test_store_replace_documents_is_idempotent() -> None:
    graph_store = GraphStore(None)
    trig = SAMPLE.read_bytes()
    graph_store.replace_documents(trig)
    assert len(graph_store) == SAMPLE_QUADS
    graph_store.replace_documents(trig)
    graph_store.replace_documents(trig.decode("utf-8"))
    assert len(graph_store) == SAMPLE_QUADS
    assert graph_store.documents() == ["alpha", "beta"]


def test_store_replace_documents_replaces_only_the_graphs_given(store: GraphStore) -> None:
    beta = graph_size(store, "beta")
    store.replace_documents(f"<{ID}doc/alpha> {{ <{ID}doc/alpha> <https://e.org/p> 'new' }}")
    assert graph_size(store, "alpha") == 1
    assert graph_size(store, "beta") == beta
    assert len(store) == beta + 1
    assert select(store, "SELECT ?o WHERE { ?s <https://e.org/p> ?o }") == [["new"]]


def test_store_replace_documents_bad_trig_changes_nothing(store: GraphStore) -> None:
    with pytest.raises(InputError, match="TriG"):
        store.replace_documents(f"<{ID}doc/alpha> {{ <{ID}a> <https://e.org/p> }}")
    assert len(store) == SAMPLE_QUADS
    store.replace_documents("")
    assert len(store) == SAMPLE_QUADS


@pytest.mark.parametrize(
    "literal",
    [
        ox.Literal('tab\there "quoted" back\\slash'),
        ox.Literal("line\nbreak\r\nand \u0001 control"),
        ox.Literal("emoji 😀 and accents é ü"),
        ox.Literal("Japon", language="fr"),
        ox.Literal("2024-07-28", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ox.Literal(INJECTION),
    ],
)
def test_store_replace_documents_keeps_literals_exactly(literal: ox.Literal) -> None:
    quad = ox.Quad(
        ox.NamedNode(ID + "x"), ox.NamedNode("https://e.org/p"), literal, ox.NamedNode(ID + "doc/d")
    )
    graph_store = GraphStore(None)
    graph_store.replace_documents(dump(ox.serialize([quad], format=ox.RdfFormat.TRIG)))
    assert [q for q in graph_store.store if q.graph_name != UNION_GRAPH] == [quad]


def test_store_replace_documents_keeps_blank_node_links() -> None:
    graph_store = GraphStore(None)
    graph_store.replace_documents(
        f"<{ID}doc/d> {{ <{ID}x> <https://e.org/p> _:b . _:b <https://e.org/q> 'v' }}\n"
        "_:c <https://e.org/r> 'top' ."
    )
    rows = select(graph_store, "SELECT ?v WHERE { ?x <https://e.org/p> ?b . ?b <https://e.org/q> ?v }")
    assert rows == [["v"]]
    assert graph_store.documents() == ["d"]
    assert len(graph_store) == 3


# ---------------------------------------------------------------------- removing documents


def test_store_remove_document_retracts_only_that_graph(store: GraphStore) -> None:
    alpha, beta = graph_size(store, "alpha"), graph_size(store, "beta")
    assert alpha + beta == SAMPLE_QUADS
    assert store.remove_document("alpha") is True
    assert store.documents() == ["beta"]
    assert graph_size(store, "beta") == beta
    assert len(store) == beta
    # Japan is still known from beta
    assert select(store, "SELECT ?c WHERE { ?c rdfs:label 'Japan' }") == [[ID + "country/JPN"]]
    assert store.remove_document("alpha") is False
    assert store.remove_document("nonexistent") is False


# ---------------------------------------------------------------------- persistence and errors


def test_store_persists_across_close_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with GraphStore(path) as graph_store:
        graph_store.load_file(SAMPLE)
        graph_store.remove_document("beta")
        size = len(graph_store)
    with GraphStore.open_existing(path) as reopened:
        assert len(reopened) == size
        assert reopened.documents() == ["alpha"]


def test_store_close_is_idempotent_and_final(tmp_path: Path) -> None:
    graph_store = GraphStore(tmp_path / "store")
    graph_store.close()
    graph_store.close()
    with pytest.raises(StoreError, match="closed"):
        len(graph_store)
    with pytest.raises(StoreError, match="closed"):
        graph_store.query("SELECT * WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("make", ["nothing", "empty dir", "file"])
def test_store_open_existing_without_store(tmp_path: Path, make: str) -> None:
    path = tmp_path / "store"
    if make == "empty dir":
        path.mkdir()
    elif make == "file":
        path.write_text("x")
    with pytest.raises(StoreError, match=r"no kg store at .*store \(run `kg build` first\)"):
        GraphStore.open_existing(path)


def test_store_open_on_a_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "not-a-folder"
    path.write_text("x")
    with pytest.raises(StoreError, match="not-a-folder"):
        GraphStore(path)


def test_store_open_locked_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "locked-store"
    with GraphStore(path), pytest.raises(StoreError, match="locked-store") as raised:
        GraphStore(path)
    assert "another process has it open for writing" in str(raised.value)
    assert "--store http://127.0.0.1:PORT" in str(raised.value)
    with GraphStore(path), GraphStore(path, read_only=True) as reader:  # a reader needs no lock
        assert len(reader) == 0


def test_store_creates_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "store"
    with GraphStore(path) as graph_store:
        assert len(graph_store) == 0
    assert path.is_dir()


# ---------------------------------------------------------------------- rdflib views


def test_store_dumps_are_the_union_and_the_knowledge_graphs(store: GraphStore) -> None:
    """graph.ttl and graph.trig as Oxigraph serializes them from the store: the union, and every
    knowledge graph (the default graph and blank-node graphs too) but the excluded and internal ones,
    whatever a literal holds (a line that reads like a prefix, quotes, braces)."""
    e = "http://e.org/"
    tricky = ox.Literal('line one\n@prefix x: <http://x/> .\n} "{"')
    extra = [
        ox.Quad(ox.NamedNode(e + "a"), ox.NamedNode(e + "p"), tricky, ox.NamedNode(DOC_PREFIX + "tricky")),
        ox.Quad(ox.NamedNode(e + "a"), ox.NamedNode(e + "p"), ox.Literal("default"), ox.DefaultGraph()),
        ox.Quad(ox.NamedNode(e + "a"), ox.NamedNode(e + "p"), ox.Literal("blank"), ox.BlankNode("g1")),
        ox.Quad(ox.NamedNode(e + "a"), ox.NamedNode(e + "p"), ox.Literal("left out"), INFERRED_GRAPH),
    ]
    store.store.extend(extra)
    store.store.update(REFRESH_UNION)
    prefixes = {"kg": "https://w3id.org/kg-geo/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    dataset = set(ox.parse(store.dump_dataset(prefixes, exclude=[INFERRED_GRAPH]), format=ox.RdfFormat.TRIG))
    assert dataset == set(store.quads(exclude=[INFERRED_GRAPH]))
    assert {q for q in dataset if q.object == tricky} == {extra[0]}
    assert not any(q.graph_name in (UNION_GRAPH, INFERRED_GRAPH) for q in dataset)
    union = {q.triple for q in ox.parse(store.dump_union(prefixes), format=ox.RdfFormat.TURTLE)}
    assert union == {q.triple for q in store.store.quads_for_pattern(None, None, None, UNION_GRAPH)}
    assert len(union) == SAMPLE_TRIPLES + 4


def test_store_to_dataset(store: GraphStore) -> None:
    dataset = store.to_dataset()
    expected = rdflib.Dataset()
    expected.parse(SAMPLE, format="trig")
    assert set(dataset.quads()) == set(expected.quads())
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {DOC_PREFIX + "alpha", DOC_PREFIX + "beta"}
    # the default graph is the union, as in GraphStore.query
    assert len(list(dataset.query(PREFIXES + "SELECT DISTINCT ?c WHERE { ?c a kg:Country }"))) == 3


def test_store_union_graph(store: GraphStore) -> None:
    graph = store.union_graph()
    assert len(graph) == SAMPLE_TRIPLES
    assert (rdflib.URIRef(ID + "country/JPN"), rdflib.RDFS.label, rdflib.Literal("Japan")) in graph
    assert len(GraphStore(None).union_graph()) == 0


def test_store_union_counts_a_fact_stated_twice_once(store: GraphStore) -> None:
    # Japan's label is stated in both documents' graphs; the default graph is their merge
    rows = select(store, "SELECT ?c WHERE { ?c rdfs:label 'Japan' }")
    assert rows == [[ID + "country/JPN"]]


def test_store_union_follows_removals(store: GraphStore) -> None:
    assert store.remove_document("beta")
    rows = select(store, "SELECT ?c WHERE { ?c a kg:Country ; rdfs:label 'North Korea' }")
    assert rows == []
    assert select(store, "SELECT ?c WHERE { ?c rdfs:label 'Japan' }") == [[ID + "country/JPN"]]


@pytest.mark.parametrize("small_load", [0, 4 * 1024 * 1024], ids=["bulk-loader", "one-transaction"])
def test_store_load_paths_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_load: int) -> None:
    monkeypatch.setattr("kg.store.local._SMALL_LOAD", small_load)
    blank = tmp_path / "blank.trig"
    blank.write_text(
        "<https://e.org/g> { _:x <https://e.org/p> _:y . } <https://e.org/a> <https://e.org/q> 'x' ."
    )
    store = GraphStore(None)
    assert store.load_files([SAMPLE, blank]) == SAMPLE_QUADS + 2
    assert store.load_files([SAMPLE]) == 0
    graphs = {q.graph_name for q in store.store}
    assert graphs >= {UNION_GRAPH, REFERENCE_GRAPH, ox.NamedNode("https://e.org/g")}
    # the union holds each triple once, and the blank nodes are the same ones as in their graph
    in_g = {
        q.triple for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode("https://e.org/g"))
    }
    union = {q.triple for q in store.store.quads_for_pattern(None, None, None, UNION_GRAPH)}
    assert in_g <= union
    assert len(union) == len({q.triple for q in store.quads()})
    bad = tmp_path / "bad.nt"
    bad.write_text("<https://e.org/s> <https://e.org/p> <https://e.org/o> .\nnot a triple .\n")
    with pytest.raises(InputError, match=r"bad\.nt"):
        store.load_files([bad])
    assert len(store) == SAMPLE_QUADS + 2


# ---------------------------------------------------------------------- read-only


@pytest.fixture
def on_disk(tmp_path: Path) -> Path:
    with GraphStore(tmp_path / "store") as writer:
        writer.load_files([SAMPLE])
    return tmp_path / "store"


def test_store_read_only_reads_while_another_holds_the_store(on_disk: Path) -> None:
    with GraphStore.open_existing(on_disk) as writer:
        with pytest.raises(StoreError, match=r"kg store at .* is busy"):
            GraphStore.open_existing(on_disk)  # the lock: one writer at a time
        with GraphStore.open_existing(on_disk, read_only=True) as reader:
            assert select(reader, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [[str(SAMPLE_TRIPLES)]]
            assert len(reader) == len(writer)


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.load_files([SAMPLE]),
        lambda s: s.update("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"),
        lambda s: s.remove_document("alpha"),
        lambda s: s.bulk_add([]),
        lambda s: s.refresh_union(),
        lambda s: s.compact(),
    ],
)
def test_store_read_only_refuses_writes(on_disk: Path, write) -> None:
    with GraphStore.open_existing(on_disk, read_only=True) as reader:
        before = len(reader)
        with pytest.raises(StoreError, match="open read-only"):
            write(reader)
        assert len(reader) == before


def test_store_read_only_needs_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no kg store"):
        GraphStore.open_existing(tmp_path / "missing", read_only=True)
    with pytest.raises(StoreError, match="cannot open the kg store"):
        GraphStore(tmp_path / "missing", read_only=True)


def test_store_query_with_graph_clause_reads_document_graphs() -> None:
    store = GraphStore()
    store.replace_documents(
        f"<{DOC_PREFIX}d1> {{ <http://example.org/a> <http://example.org/p> <http://example.org/b> }}"
    )
    result = store.query("# a GRAPH in a comment\nSELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(result, ox.QuerySolutions)
    assert [row["g"] for row in result] == [ox.NamedNode(f"{DOC_PREFIX}d1")]
