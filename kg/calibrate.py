"""Measure each extraction rule's reliability on gold, so confidence is measured, not guessed.

Every relation a built graph holds is judged against gold by the scorer's rules (a hit, an extra,
or unscored); each evidence record credits its rule. A rule's confidence is its smoothed precision
(hits + 1) / (hits + extras + 2); rules seen too rarely fall back to their kind ("verb-frame").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from kg.evaluate import evidence_values, pairs, score
from kg.vocab import KG

MIN_SUPPORT = 3  # judged evidence records below which a rule borrows its kind's figure


@dataclass(frozen=True)
class RuleReliability:
    rule: str
    hits: int
    extras: int

    @property
    def confidence(self) -> float:
        return round((self.hits + 1) / (self.hits + self.extras + 2), 3)


def measure(graph_path: Path, gold_path: Path) -> list[RuleReliability]:
    """Hits and extras per rule (and per rule kind) over every gold document."""
    hits: Counter[str] = Counter()
    extras: Counter[str] = Counter()
    for gold, graph in pairs(graph_path, gold_path):
        for s, p, o, verdict in score(graph, gold).judgements:
            if verdict == "unscored":
                continue
            for rule in evidence_values(graph, s, p, o, KG.rule):
                for name in {rule, "kind:" + rule.split(":", 1)[0]}:
                    (hits if verdict == "tp" else extras)[name] += 1
    rules = sorted(set(hits) | set(extras))
    return [RuleReliability(r, hits[r], extras[r]) for r in rules]


def to_yaml(measured: list[RuleReliability], source: str) -> str:
    """The data file `kg/extract/data/rule_confidence.yaml` reads."""
    table = {
        m.rule: {"confidence": m.confidence, "hits": m.hits, "extras": m.extras}
        for m in measured
        if m.hits + m.extras >= MIN_SUPPORT or m.rule.startswith("kind:")
    }
    header = (
        "# Measured rule reliability: smoothed precision (hits + 1) / (hits + extras + 2) on gold.\n"
        f"# Made by `kg calibrate` from {source}; do not edit by hand, re-run it.\n"
    )
    return header + yaml.safe_dump(table, sort_keys=True)
