"""Rule confidences measured on the gold set (`data/rule_confidence.yaml`, made by `kg calibrate`)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from kg.extract.lexicon import load_data

DATA_FILE = "rule_confidence.yaml"


@cache
def _table() -> dict[str, float]:
    if not (resources.files("kg.extract") / "data" / DATA_FILE).is_file():
        return {}  # not calibrated yet: every rule keeps its prior
    return {rule: float(row["confidence"]) for rule, row in load_data(DATA_FILE).items()}


def calibrated(rule: str, prior: float) -> float:
    """The measured confidence of `rule`, else of its kind ("verb-frame"), else the prior."""
    table = _table()
    if rule in table:
        return table[rule]
    return table.get("kind:" + rule.split(":", 1)[0], prior)
