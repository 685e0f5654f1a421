"""`kg.server.upkeep`: which graphs a write touches, and that the updates planned around it leave the union
graph exactly as a full rebuild would, write after write."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.server.upkeep import Plan, plan_store_write, plan_update
from kg.store.names import RECORDS_GRAPH, SCRATCH_GRAPH, UNION_GRAPH
from kg.store.touched import _parsed_graphs, update_graphs
from kg.store.updates import REFRESH_UNION

E = "http://e.org/"
G, H = ox.NamedNode(E + "g"), ox.NamedNode(E + "h")
DEFAULT = ox.DefaultGraph()


@pytest.mark.parametrize(
    ("update", "graphs"),
    [
        (f"INSERT DATA {{ GRAPH <{E}g> {{ <{E}a> <{E}b> <{E}c> }} }}", {G}),
        (f"INSERT DATA {{ <{E}a> <{E}b> <{E}c> }}", {DEFAULT}),
        (f"PREFIX e: <{E}> DELETE DATA {{ GRAPH e:g {{ e:a e:b 1 }} e:x e:y e:z }}", {G, DEFAULT}),
        (f"DELETE WHERE {{ GRAPH <{E}h> {{ ?s ?p ?o }} }}", {H}),
        (
            f"WITH <{E}g> DELETE {{ ?s ?p ?o }} INSERT {{ GRAPH <{E}h> {{ ?s ?p 1 }} }} WHERE {{ ?s ?p ?o }}",
            {G, H},
        ),
        (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{E}g> {{ ?s ?p ?o }} }}", {DEFAULT}),
        (f"LOAD <{E}file> INTO GRAPH <{E}g>", {G}),
        (f"CLEAR GRAPH <{E}g> ; DROP DEFAULT ; CREATE GRAPH <{E}h>", {G, DEFAULT}),
        (f"ADD <{E}g> TO <{E}h>", {H}),
        (f"COPY DEFAULT TO <{E}h>", {H}),
        (f"MOVE <{E}g> TO DEFAULT", {G, DEFAULT}),
        (f"DROP SILENT GRAPH <{E}g>", {G}),
        ("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", None),
        (f"INSERT {{ GRAPH ?g {{ <{E}a> <{E}b> <{E}c> }} }} WHERE {{ GRAPH ?g {{ }} }}", None),
        ("DROP ALL", None),
        ("CLEAR NAMED", None),
        ("INSERT DATA {", None),
        # data only: found by Oxigraph (braces, quotes and '#' in strings, IRIs and comments)
        (f"insert data {{ GRAPH <{E}g> {{ <{E}a> <{E}b> 'a }} {{ \\' #' }} }} ; ", {G}),
        (f'# {{ DELETE WHERE\nDELETE DATA {{ <{E}a> <{E}b> """}}\n" GRAPH""" }} ;\n', {DEFAULT}),
        (
            f"BASE <{E}> PREFIX e: <{E}> INSERT DATA {{ GRAPH <h> {{ e:a e:b e:c }} }} ; DELETE DATA {{ }}",
            {H},
        ),
        (f"INSERT DATA {{ GRAPH <{E}g> {{ }} }}", set()),
        (f"INSERT DATA {{ <{E}a> <{E}b> }}", None),  # malformed: Oxigraph refuses it, as the server will
        (f"INSERT DATA {{ <{E}a> <{E}b> <{E}c> }} INSERT DATA {{ }}", None),  # no ';' between them
        # data and more: parsed by rdflib
        (f"INSERT DATA {{ GRAPH <{E}g> {{ <{E}a> <{E}b> 1 }} }} ; DROP SILENT GRAPH <{E}h>", {G, H}),
    ],
)
def test_upkeep_update_graphs(update: str, graphs: set[object] | None) -> None:
    assert update_graphs(update) == graphs


def test_upkeep_data_updates_are_not_parsed_by_rdflib(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bulk INSERT DATA or DELETE DATA is read by Oxigraph: rdflib's parser and algebra took 124 s
    for 5,000 triples (quadratic)."""

    def refuse(update: str) -> None:
        raise AssertionError("rdflib parsed a data-only update")

    monkeypatch.setattr("kg.store.touched.parseUpdate", refuse)
    body = " . ".join(f"<{E}s{i}> <{E}p> 'value {i}'" for i in range(20_000))
    assert update_graphs(f"DELETE DATA {{ GRAPH <{E}g> {{ {body} }} }} ; INSERT DATA {{ {body} }}") == {
        G,
        DEFAULT,
    }


TEXTS = st.text(st.sampled_from("ab {}'\"#;.\n\\"), max_size=8)


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["INSERT", "DELETE", "insert"]),
            st.lists(st.tuples(st.sampled_from(["DEFAULT", f"<{E}g>", f"<{E}h>"]), TEXTS), max_size=3),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_upkeep_data_graphs_are_rdflibs(operations: list[tuple[str, list[tuple[str, str]]]]) -> None:
    """On data updates (strings full of braces, quotes and '#'), Oxigraph's graphs are rdflib's."""
    update = " ;\n".join(
        f"{verb} DATA {{ "
        + " . ".join(_block(graph, f"<{E}a> <{E}b> {_literal(text)}") for graph, text in blocks)
        + " }"
        for verb, blocks in operations
    )
    assert update_graphs(update) == _parsed_graphs(update)


@pytest.mark.parametrize(
    ("params", "plan"),
    [
        ({"graph": [E + "g"]}, Plan.for_graphs([G])),
        ({"default": [""]}, Plan.for_graphs([DEFAULT])),
        ({}, Plan(None, REFRESH_UNION, None)),
        ({"graph": [E + "g", E + "h"]}, Plan(None, REFRESH_UNION, None)),
        ({"graph": [UNION_GRAPH.value]}, Plan(None, REFRESH_UNION, None)),
        ({"graph": [RECORDS_GRAPH.value]}, Plan(None, None, None)),
    ],
)
def test_upkeep_plan_store_write(params: dict[str, list[str]], plan: Plan) -> None:
    assert plan_store_write(params) == plan


def test_upkeep_plan_of_an_update_into_the_union_rebuilds_it() -> None:
    update = f"INSERT DATA {{ GRAPH {UNION_GRAPH} {{ <{E}a> <{E}b> <{E}c> }} }}"
    assert plan_update(update) == Plan(None, REFRESH_UNION, None)


# ---------------------------------------------------------------------- the union stays right

NODES = [ox.NamedNode(E + n) for n in "abc"]
GRAPHS = ["DEFAULT", f"<{E}g>", f"<{E}h>", f"<{E}k>"]


def _triple(s: int, o: int) -> str:
    return f"{NODES[s]} <{E}p> {NODES[o]}"


def _block(graph: str, body: str) -> str:
    return body if graph == "DEFAULT" else f"GRAPH {graph} {{ {body} }}"


triples = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=3)
graphs = st.sampled_from(GRAPHS)
named = st.sampled_from(GRAPHS[1:])
updates = st.one_of(
    st.builds(
        lambda g, ts: f"INSERT DATA {{ {_block(g, ' . '.join(_triple(*t) for t in ts))} }}", graphs, triples
    ),
    st.builds(
        lambda g, ts: f"DELETE DATA {{ {_block(g, ' . '.join(_triple(*t) for t in ts))} }}", graphs, triples
    ),
    st.builds(lambda g: f"CLEAR SILENT {'GRAPH ' + g if g != 'DEFAULT' else 'DEFAULT'}", graphs),
    st.builds(lambda g: f"DROP SILENT {'GRAPH ' + g if g != 'DEFAULT' else 'DEFAULT'}", graphs),
    st.builds(
        lambda verb, a, b: f"{verb} SILENT {a} TO {b}",
        st.sampled_from(["ADD", "COPY", "MOVE"]),
        graphs,
        graphs,
    ),
    st.builds(
        lambda w, g: (
            f"WITH {w} DELETE {{ ?s ?p ?o }} INSERT {{ GRAPH {g} {{ ?o ?p ?s }} }} WHERE {{ ?s ?p ?o }}"
        ),
        named,
        named,
    ),
    st.just("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }"),
)


def _union(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, UNION_GRAPH)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(updates, min_size=1, max_size=6))
def test_upkeep_union_equals_a_rebuild_after_every_write(writes: list[str]) -> None:
    store = ox.Store()
    store.update(f"INSERT DATA {{ GRAPH <{E}g> {{ {_triple(0, 1)} . {_triple(1, 2)} }} {_triple(0, 1)} }}")
    store.update(REFRESH_UNION)
    for write in writes:
        plan = plan_update(write)
        for update in (plan.before, write, plan.after):
            if update:
                store.update(update)
        kept = _union(store)
        store.update(REFRESH_UNION)
        assert kept == _union(store), write
        assert not any(store.quads_for_pattern(None, None, None, SCRATCH_GRAPH))


def test_upkeep_failed_write_leaves_no_scratch_graph() -> None:
    store = ox.Store()
    plan = plan_update(f"INSERT DATA {{ GRAPH <{E}g> {{ {_triple(0, 1)} }} }}")
    assert plan.before and plan.failed
    store.update(f"INSERT DATA {{ GRAPH <{E}g> {{ {_triple(2, 2)} }} }}")
    store.update(plan.before)
    assert any(store.quads_for_pattern(None, None, None, SCRATCH_GRAPH))
    store.update(plan.failed)
    assert not any(store.quads_for_pattern(None, None, None, SCRATCH_GRAPH))
