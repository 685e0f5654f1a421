"""Rule confidences measured on the gold set (`data/rule_confidence.yaml`, made by `kg calibrate`)."""

from __future__ import annotations

from kg.extract.knowledge import active, cached
from kg.extract.lexicon import load_data

DATA_FILE = "rule_confidence.yaml"


@cached
def _table() -> dict[str, float]:
    if not active().has(DATA_FILE):
        return {}  # not calibrated yet: every rule keeps its prior
    return {rule: float(row["confidence"]) for rule, row in load_data(DATA_FILE).items()}


def calibrated(rule: str, prior: float) -> float:
    """The measured confidence of `rule`, else of its kind ("verb-frame"), else the prior."""
    table = _table()
    if rule in table:
        return table[rule]
    return table.get("kind:" + rule.split(":", 1)[0], prior)
