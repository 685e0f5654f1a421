from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.calibrate import RuleReliability, measure, to_yaml
from kg.extract import confidence
from kg.vocab import KG

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
    measured = {m.rule: (m.hits, m.extras) for m in measure(tmp_path / "g.ttl", tmp_path / "d.json")}
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
