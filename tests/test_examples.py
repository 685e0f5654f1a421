"""`make demo`'s build: the example articles give a valid graph, an offline view and a store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from kg.core.vocab import ID, KG
from kg.pipeline.knowledge_graph import build
from kg.quality.validate import validate
from kg.store.local import GraphStore
from kg.store.quads import memory_store

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def outputs(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    kgraph = build([examples_dir])
    assert kgraph.errors == ()
    return kgraph, kgraph.save(tmp_path_factory.mktemp("out"))


def test_examples_graph_passes_shapes(outputs) -> None:
    kgraph, _ = outputs
    report = validate(kgraph.store)
    assert report.conforms, report.text


def test_examples_every_document_graph_passes_shapes(outputs) -> None:
    _, paths = outputs
    dataset = Dataset()
    dataset.parse(paths.trig)
    graphs = [g for g in dataset.graphs() if len(g)]
    assert len(graphs) == 3
    for graph in graphs:
        assert str(graph.identifier).rsplit("/", 1)[-1] in {
            "nato-summit-vilnius",
            "sanctions-and-drills",
            "gulf-coalition",
        }
        copy = Graph()
        for triple in graph:
            copy.add(triple)
        assert validate(memory_store(copy)).conforms


def test_examples_union_ttl_equals_union_of_trig(outputs) -> None:
    _, paths = outputs
    ttl = Graph().parse(paths.ttl)
    dataset = Dataset()
    dataset.parse(paths.trig)
    assert len(ttl) == len({t for g in dataset.graphs() for t in g})


def test_examples_html_is_offline_and_shows_labels(outputs) -> None:
    _, paths = outputs
    page = paths.html.read_text(encoding="utf-8")
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", page, flags=re.I)
    assert not [t for t in tags if re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", t, flags=re.I)]
    for label in ("NATO", "Ukraine", "North Korea", "Kim Jong Un"):
        assert label in page


def test_examples_store_answers_queries(outputs) -> None:
    _, paths = outputs
    with GraphStore.open_existing(paths.store) as store:
        assert {"nato-summit-vilnius", "sanctions-and-drills", "gulf-coalition"} <= set(store.documents())


def test_examples_key_facts(outputs) -> None:
    kgraph, _ = outputs
    rows = kgraph.query(
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o . ?s rdfs:label ?sl . ?o rdfs:label ?ol "
        "FILTER(?p IN (kg:memberOf, kg:leaderOf, kg:sanctions, kg:attacks)) }"
    )
    facts = {(row.s, row.p, row.o) for row in rows.astype(str).itertuples()}
    expected = {
        (ID["country/FIN"], KG.memberOf, ID["international-organization/nato"]),
        (ID["country/TUR"], KG.memberOf, ID["international-organization/nato"]),
        (ID["person/volodymyr-zelenskyy"], KG.leaderOf, ID["country/UKR"]),
        (ID["person/kim-jong-un"], KG.leaderOf, ID["country/PRK"]),
        (ID["country/RUS"], KG.attacks, ID["country/UKR"]),
        (
            ID["government-body/us-treasury-department"],
            KG.sanctions,
            ID["government-body/prk-ministry-of-defense"],
        ),
        (ID["international-organization/global-coalition"], KG.attacks, ID["organization/isil"]),
    }
    assert {tuple(map(str, fact)) for fact in expected} <= facts
    frame = kgraph.saved("officials-of", country="North Korea")
    assert "Kim Jong Un" in set(frame.astype(str).values.ravel())
