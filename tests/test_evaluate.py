"""kg eval must give the same figures as the reference scorer, ../shared/eval/score.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.core.errors import InputError
from kg.quality.evaluate import PRF, evaluate, gold_documents, half_lines, half_of, report_lines, restrict
from kg.quality.evaluate import as_json as eval_json

NS = "https://example.org/"


def _synthetic(gold: dict, graph: Graph, salt: int) -> None:
    """A graph that gets some of the gold right, some wrong, and has duplicates and extras."""
    ids = {}
    for n, entity in enumerate(gold["entities"]):
        if (n + salt) % 5 == 0:
            continue  # a miss
        node = URIRef(f"{NS}e{n}")
        ids[entity["id"]] = node
        cls = entity["type"] if (n + salt) % 7 else "Organization"
        graph.add((node, RDF.type, URIRef(f"{NS}onto#{cls}")))
        graph.add((node, RDFS.label, Literal(entity["names"][-1])))
        if n % 6 == 1:  # a duplicate node
            dup = URIRef(f"{NS}dup{n}")
            graph.add((dup, RDF.type, URIRef(f"{NS}onto#{entity['type']}")))
            graph.add((dup, RDFS.label, Literal(entity["names"][0])))
    graph.add((URIRef(f"{NS}x"), RDF.type, URIRef(f"{NS}onto#Person")))
    graph.add((URIRef(f"{NS}x"), RDFS.label, Literal("Nobody Real")))
    graph.add((URIRef(f"{NS}m"), RDF.type, URIRef(f"{NS}onto#Meeting")))
    for n, rel in enumerate(gold["relations"]):
        s = rel["s"][0] if isinstance(rel["s"], list) else rel["s"]
        o = rel["o"][0] if isinstance(rel["o"], list) else rel["o"]
        sn = ids.get(s) or (URIRef(f"{NS}m") if s.startswith("@") else None)
        on = ids.get(o) or (URIRef(f"{NS}m") if o.startswith("@") else URIRef(f"{NS}x"))
        if sn is None or (n + salt) % 4 == 0:
            continue
        graph.add(
            (on, URIRef(f"{NS}onto#{rel['p']}"), sn)
            if n % 3 == 0
            else (sn, URIRef(f"{NS}onto#{rel['p']}"), on)
        )


def _reference(shared_eval: Path, graph: Path, gold: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, str(shared_eval / "score.py"), str(graph), str(gold), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def test_evaluate_matches_reference_on_gold_folder(shared_eval: Path, tmp_path: Path) -> None:
    gold_dir = shared_eval / "gold"
    dataset = Dataset()
    for salt, path in enumerate(sorted(gold_dir.glob("*.json"))):
        gold = json.loads(path.read_text())
        if salt % 9 == 8:
            continue  # a document without a graph
        _synthetic(gold, dataset.graph(URIRef(f"{NS}doc/{gold['doc']}")), salt)
    trig = tmp_path / "graph.trig"
    dataset.serialize(trig, format="trig")
    ours = eval_json(evaluate(trig, gold_dir))
    assert ours == _reference(shared_eval, trig, gold_dir)
    assert ours["documents_without_graph"]  # the comparison covered the missing-graph path


@pytest.mark.parametrize("doc", ["trilateral-tokyo-2024", "re3d-centcom-1", "re3d-uk-government-3"])
def test_evaluate_matches_reference_on_one_file(shared_eval: Path, tmp_path: Path, doc: str) -> None:
    gold_file = shared_eval / "gold" / f"{doc}.json"
    graph = Graph()
    _synthetic(json.loads(gold_file.read_text()), graph, 1)
    path = tmp_path / "graph.ttl"
    graph.serialize(path, format="turtle")
    ours = eval_json(evaluate(path, gold_file))
    assert ours == _reference(shared_eval, path, gold_file)
    assert ours["total"]["entities"]["tp"] > 0


def test_evaluate_report_ends_with_total_line(shared_eval: Path, tmp_path: Path) -> None:
    gold_file = shared_eval / "gold" / "trilateral-tokyo-2024.json"
    path = tmp_path / "empty.ttl"
    path.write_text("", encoding="utf-8")
    lines = report_lines(evaluate(path, gold_file))
    assert lines[-1].startswith("total over 1 documents: entity F1 0.000")


@pytest.mark.parametrize(
    ("graph", "gold", "message"),
    [
        ("missing.ttl", "gold.json", "no such graph file"),
        ("g.ttl", "missing.json", "no such gold file or folder"),
        ("g.ttl", "bad.json", "not a readable gold JSON file"),
        ("bad.ttl", "gold.json", "cannot parse RDF"),
    ],
)
def test_evaluate_errors_name_the_file(tmp_path: Path, graph: str, gold: str, message: str) -> None:
    (tmp_path / "g.ttl").write_text("", encoding="utf-8")
    (tmp_path / "bad.ttl").write_text("this is not turtle <<<", encoding="utf-8")
    (tmp_path / "gold.json").write_text('{"doc": "d", "entities": [], "relations": []}', encoding="utf-8")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        evaluate(tmp_path / graph, tmp_path / gold)


def test_evaluate_prf_arithmetic() -> None:
    prf = PRF(tp=3, fp=1, fn=2)
    assert (prf.precision, prf.recall, prf.f1) == (0.75, 0.6, 0.667)
    assert PRF(0, 0, 0).f1 == 0.0


def test_half_of_is_a_stable_split_of_about_half() -> None:
    ids = [f"doc-{i}" for i in range(400)]
    halves = [half_of(i) for i in ids]
    assert set(halves) == {"tuning", "check"}
    assert 150 < halves.count("tuning") < 250
    assert [half_of(i) for i in ids] == halves  # the same on every call
    # pinned: the split must never move, or the check halves stop being unseen text
    assert (half_of("trilateral-tokyo-2024"), half_of("agworld-0136")) == ("check", "tuning")


def test_restrict_sums_one_half_only(shared_eval: Path, tmp_path: Path) -> None:
    gold_dir = shared_eval / "gold"
    dataset = Dataset()
    for salt, path in enumerate(sorted(gold_dir.glob("*.json"))):
        gold = json.loads(path.read_text())
        _synthetic(gold, dataset.graph(URIRef(f"{NS}doc/{gold['doc']}")), salt)
    trig = tmp_path / "graph.trig"
    dataset.serialize(trig, format="trig")
    whole = evaluate(trig, gold_dir)
    tuning, check = restrict(whole, "tuning"), restrict(whole, "check")
    assert len(tuning.documents) + len(check.documents) == len(whole.documents)
    assert {half_of(d.doc) for d in tuning.documents} == {"tuning"}
    for field in ("tp", "fp", "fn"):
        assert getattr(tuning.relations, field) + getattr(check.relations, field) == getattr(
            whole.relations, field
        )
    lines = half_lines(whole)
    assert lines[0].startswith(f"tuning half, {len(tuning.documents)} documents: entity F1")
    assert lines[1].startswith(f"check half, {len(check.documents)} documents: entity F1")
    with pytest.raises(InputError, match="unknown half 'all'"):
        restrict(whole, "all")


def test_gold_documents_reads_texts_and_dates(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("Kenya and Uganda met.", encoding="utf-8")
    gold = {"doc": "a", "text": "texts/a.txt", "published": "2024-05-02", "entities": [], "relations": []}
    (tmp_path / "gold" / "a.json").write_text(json.dumps(gold), encoding="utf-8")
    (doc,) = gold_documents(tmp_path / "gold")
    assert (doc.id, doc.text, doc.published) == ("a", "Kenya and Uganda met.", date(2024, 5, 2))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "texts/missing.txt"}, "its text 'texts/missing.txt' is not beside the gold folder"),
        ({"published": "May 2"}, "'published' is not an ISO date: 'May 2'"),
    ],
)
def test_gold_documents_errors_name_the_file(tmp_path: Path, change: dict[str, str], message: str) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("text", encoding="utf-8")
    gold = {"doc": "a", "text": "texts/a.txt", "entities": [], "relations": [], **change}
    (tmp_path / "gold" / "a.json").write_text(json.dumps(gold), encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        gold_documents(tmp_path / "gold")
    assert "a.json" in str(caught.value)
