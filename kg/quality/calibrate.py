"""Measure each extraction rule's reliability on gold, so confidence is measured, not guessed.

Every relation a built graph holds is judged against gold by the scorer's rules (a hit, an extra,
or unscored); each evidence record credits its rule. A rule's confidence is its smoothed precision
(hits + 1) / (hits + extras + 2); rules seen too rarely fall back to their kind ("verb-frame").

Rules are measured on the tuning half of each evaluation set (`kg.quality.evaluate.half_of`), several sets
pooled, and the confidences that result are checked on the check halves: the Brier score of each
judged relation's confidence (the noisy-or of its evidence, as `kg build --min-confidence` uses it)
and a reliability table, confidence band by band.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import Graph

from kg.core.errors import InputError
from kg.core.vocab import KG
from kg.quality.evaluate import HALVES, evidence_values, half_of, pairs, score

MIN_SUPPORT = 3  # judged evidence records below which a rule borrows its kind's figure
#: Lower bounds of the reliability table's confidence bands.
BANDS = (0.0, 0.3, 0.5, 0.7, 0.9)


@dataclass(frozen=True)
class RuleReliability:
    rule: str
    hits: int
    extras: int

    @property
    def confidence(self) -> float:
        return round((self.hits + 1) / (self.hits + self.extras + 2), 3)


@dataclass(frozen=True)
class Judged:
    """One relation of a built graph, judged against gold: its confidence and whether it is right."""

    confidence: float
    right: bool


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    right: int
    wrong: int

    @property
    def precision(self) -> float:
        return round(self.right / (self.right + self.wrong), 3) if self.right + self.wrong else 0.0


@dataclass(frozen=True)
class Reliability:
    """How well confidences predict correctness, over judged relations."""

    brier: float
    bands: tuple[Band, ...]

    def at_least(self, threshold: float) -> Band:
        """All relations with a confidence of `threshold` or more, as one band."""
        kept = [b for b in self.bands if b.low >= threshold]
        return Band(threshold, 1.0, sum(b.right for b in kept), sum(b.wrong for b in kept))

    def below(self, threshold: float) -> Band:
        """All relations with a confidence under `threshold`: what --min-confidence drops."""
        dropped = [b for b in self.bands if b.high <= threshold]
        return Band(0.0, threshold, sum(b.right for b in dropped), sum(b.wrong for b in dropped))


def _judgements(
    graph_path: Path, gold_path: Path, half: str | None
) -> Iterable[tuple[Graph, object, object, object, str]]:
    if half is not None and half not in HALVES:
        raise InputError(f"unknown half {half!r}: use one of {', '.join(HALVES)}")
    for gold, graph in pairs(graph_path, gold_path):
        if half is not None and half_of(gold["doc"]) != half:
            continue
        for s, p, o, verdict in score(graph, gold).judgements:
            if verdict != "unscored":
                yield graph, s, p, o, verdict


def measure(sets: Sequence[tuple[Path, Path]], half: str | None = None) -> list[RuleReliability]:
    """Hits and extras per rule (and per rule kind) over (graph, gold) pairs, on one half or all."""
    hits: Counter[str] = Counter()
    extras: Counter[str] = Counter()
    for graph_path, gold_path in sets:
        for graph, s, p, o, verdict in _judgements(graph_path, gold_path, half):
            for rule in evidence_values(graph, s, p, o, KG.rule):
                for name in {rule, "kind:" + rule.split(":", 1)[0]}:
                    (hits if verdict == "tp" else extras)[name] += 1
    rules = sorted(set(hits) | set(extras))
    return [RuleReliability(r, hits[r], extras[r]) for r in rules]


def judged(sets: Sequence[tuple[Path, Path]], half: str | None = None) -> list[Judged]:
    """Each scored relation with its confidence: the noisy-or of its evidence records' confidences."""
    out = []
    for graph_path, gold_path in sets:
        for graph, s, p, o, verdict in _judgements(graph_path, gold_path, half):
            values = [float(v) for v in evidence_values(graph, s, p, o, KG.confidence)]
            confidence = 1.0 - math.prod(1.0 - min(max(v, 0.0), 1.0) for v in values) if values else 0.0
            out.append(Judged(confidence, verdict == "tp"))
    return out


def reliability(items: Sequence[Judged]) -> Reliability:
    """The Brier score and the reliability table of judged relations."""
    if not items:
        raise InputError("no judged relations: the graphs share no scored relation with the gold")
    brier = sum((j.confidence - (1.0 if j.right else 0.0)) ** 2 for j in items) / len(items)
    bands = []
    for low, high in zip(BANDS, (*BANDS[1:], 1.0), strict=True):
        inside = [j for j in items if low <= j.confidence < high or (high == 1.0 and j.confidence == 1.0)]
        bands.append(Band(low, high, sum(j.right for j in inside), sum(not j.right for j in inside)))
    return Reliability(round(brier, 4), tuple(bands))


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
