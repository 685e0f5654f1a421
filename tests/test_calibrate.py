from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.core.errors import InputError
from kg.core.vocab import KG
from kg.extract import confidence
from kg.quality.calibrate import Judged, RuleReliability, judged, measure, reliability, to_yaml
from kg.quality.evaluate import half_of

NS = "https://example.org/"


def _evidence(graph: Graph, n: int, s: URIRef, p: URIRef, o: URIRef, rule: str) -> None:
    ev = URIRef(f"{NS}ev{n}")
    graph.add((ev, RDF.type, KG.Evidence))
    graph.add((ev, RDF.subject, s))
    graph.add((ev, RDF.predicate, p))
    graph.add((ev, RDF.object, o))
    graph.add((ev, KG.rule, Literal(rule)))
    graph.add((ev, KG.sentence, Literal(f"sentence {n}")))


def test_calibrate_counts_hits_and_extras_per_rule_and_kind(tmp_path: Path) -> None:
    graph = Graph()
    nodes = {}
    for name, cls in (
        ("Japan", "Country"),
        ("United States", "Country"),
        ("Quad", "InternationalOrganization"),
    ):
        node = URIRef(NS + name.replace(" ", ""))
        nodes[name] = node
        graph.add((node, RDF.type, KG[cls]))
        graph.add((node, RDFS.label, Literal(name)))
    right = (nodes["Japan"], KG.memberOf, nodes["Quad"])
    wrong = (nodes["Japan"], KG.attacks, nodes["United States"])
    graph.add(right)
    graph.add(wrong)
    _evidence(graph, 1, *right, "verb-frame:include")
    _evidence(graph, 2, *wrong, "verb-frame:attack")
    _evidence(graph, 3, *wrong, "title")
    gold = {
        "doc": "d",
        "entities": [
            {"id": "Japan", "type": "Country", "names": ["Japan"]},
            {"id": "US", "type": "Country", "names": ["United States"]},
            {"id": "Quad", "type": "InternationalOrganization", "names": ["Quad"]},
        ],
        "relations": [{"s": "Japan", "p": "memberOf", "o": "Quad"}],
    }
    (tmp_path / "g.ttl").write_text(graph.serialize(format="turtle"), encoding="utf-8")
    (tmp_path / "d.json").write_text(json.dumps(gold), encoding="utf-8")
    measured = {m.rule: (m.hits, m.extras) for m in measure([(tmp_path / "g.ttl", tmp_path / "d.json")])}
    assert measured == {
        "verb-frame:include": (1, 0),
        "verb-frame:attack": (0, 1),
        "title": (0, 1),
        "kind:verb-frame": (1, 1),
        "kind:title": (0, 1),
    }


def test_calibrate_confidence_is_smoothed_precision() -> None:
    assert RuleReliability("r", 8, 0).confidence == 0.9
    assert RuleReliability("r", 0, 0).confidence == 0.5


def test_calibrate_yaml_keeps_kinds_and_well_supported_rules() -> None:
    text = to_yaml(
        [RuleReliability("rare", 1, 0), RuleReliability("common", 5, 1), RuleReliability("kind:x", 1, 0)], "t"
    )
    table = yaml.safe_load(text)
    assert set(table) == {"common", "kind:x"}
    assert table["common"] == {"confidence": 0.75, "hits": 5, "extras": 1}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("verb-frame:include", 0.9), ("verb-frame:unheard", 0.7), ("no-such-kind", 0.42)],
)
def test_calibrate_lookup_falls_back_to_kind_then_prior(
    monkeypatch: pytest.MonkeyPatch, rule: str, expected: float
) -> None:
    monkeypatch.setattr(confidence, "_table", lambda: {"verb-frame:include": 0.9, "kind:verb-frame": 0.7})
    assert confidence.calibrated(rule, 0.42) == expected


def _two_documents(tmp_path: Path) -> Path:
    """A dataset of two documents, one per half, each with one right and one wrong relation."""
    from rdflib import Dataset

    dataset = Dataset()
    candidates = [f"doc-{i}" for i in range(20)]
    docs = [next(d for d in candidates if half_of(d) == half) for half in ("tuning", "check")]
    golds = tmp_path / "gold"
    golds.mkdir()
    for n, doc in enumerate(docs):
        graph = dataset.graph(URIRef(f"{NS}doc/{doc}"))
        a, b, c = (URIRef(f"{NS}{doc}/{x}") for x in "abc")
        for node, label in ((a, "Aland"), (b, "Bland"), (c, "Cland")):
            graph.add((node, RDF.type, KG.Country))
            graph.add((node, RDFS.label, Literal(label)))
        right, wrong = (a, KG.attacks, b), (a, KG.attacks, c)
        for i, (triple, rule, conf) in enumerate(
            ((right, "verb-frame:attack", "0.9"), (wrong, "title", "0.2"))
        ):
            graph.add(triple)
            _evidence(graph, 10 * n + i, *triple, rule)
            graph.add((URIRef(f"{NS}ev{10 * n + i}"), KG.confidence, Literal(conf)))
        gold = {
            "doc": doc,
            "entities": [{"id": x, "type": "Country", "names": [x]} for x in ("Aland", "Bland", "Cland")],
            "relations": [{"s": "Aland", "p": "attacks", "o": "Bland"}],
        }
        (golds / f"{doc}.json").write_text(json.dumps(gold), encoding="utf-8")
    trig = tmp_path / "g.trig"
    dataset.serialize(trig, format="trig")
    return trig


def test_calibrate_measures_one_half_only(tmp_path: Path) -> None:
    sets = [(_two_documents(tmp_path), tmp_path / "gold")]
    tuning = {m.rule: (m.hits, m.extras) for m in measure(sets, "tuning")}
    everything = {m.rule: (m.hits, m.extras) for m in measure(sets, None)}
    assert tuning["verb-frame:attack"] == (1, 0)
    assert everything["verb-frame:attack"] == (2, 0)
    with pytest.raises(InputError, match="unknown half 'both'"):
        measure(sets, "both")


def test_reliability_table_and_brier_on_the_check_half(tmp_path: Path) -> None:
    sets = [(_two_documents(tmp_path), tmp_path / "gold")]
    items = judged(sets, "check")
    assert sorted((round(j.confidence, 6), j.right) for j in items) == [(0.2, False), (0.9, True)]
    checked = reliability(items)
    assert checked.brier == round(((0.9 - 1) ** 2 + 0.2**2) / 2, 4)
    assert (checked.at_least(0.7).right, checked.at_least(0.7).wrong) == (1, 0)
    assert (checked.below(0.5).right, checked.below(0.5).wrong) == (0, 1)
    assert [b.right + b.wrong for b in checked.bands] == [1, 0, 0, 0, 1]


def test_reliability_of_evidence_is_its_noisy_or() -> None:
    table = reliability([Judged(1 - 0.5 * 0.5, True), Judged(0.1, False)])
    assert table.at_least(0.7).right == 1
    with pytest.raises(InputError, match="no judged relations"):
        reliability([])


def test_cli_calibrate_writes_the_table_and_checks_the_other_half(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    trig = _two_documents(tmp_path)
    out = tmp_path / "rules.yaml"
    result = CliRunner().invoke(
        app, ["calibrate", str(tmp_path / "gold"), "--graph", str(trig), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["kind:verb-frame"]["hits"] == 1
    assert "check half: Brier score 0.0250" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--graph", "a.trig", "--graph", "b.trig"], "1 gold folders but 2 --graph files"),
        (["--graph", "a.trig", "--half", "both"], "unknown half 'both'"),
    ],
)
def test_cli_calibrate_errors(tmp_path: Path, args: list[str], message: str) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, ["calibrate", str(tmp_path), *args])
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())
