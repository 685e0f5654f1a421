"""Extraction quality on the three visible evaluation sets, scored by the reference scorer's rules.

Each set is split once into a tuning half and a check half (`kg.quality.evaluate.half_of`); rules and data
are tuned on the tuning halves only, and the floors hold on both halves, so a change that helps the
text it was tuned on at the expense of the rest fails here. Floors sit just under the scores
measured when they were last set (benchmarks/README.md, "Extraction quality"); raise them when
extraction improves, never lower them to make a change pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.pipeline.build import build_documents
from kg.quality.evaluate import HALVES, EvalResult, evaluate, gold_documents, restrict
from kg.resolve.mapping import union_graph

pytestmark = pytest.mark.model

SEED = "trilateral-tokyo-2024"
SEED_FLOOR = (0.95, 0.90)  # (entity F1, relation F1) of the article the project started from
SETS = {"gold": "gold", "redocred": "redocred/gold", "agworld": "agworld/gold"}
# set -> half -> (entity F1, relation F1) floors
FLOORS: dict[str, dict[str, tuple[float, float]]] = {
    "gold": {"tuning": (0.80, 0.25), "check": (0.85, 0.60)},
    "redocred": {"tuning": (0.72, 0.33), "check": (0.62, 0.20)},
    "agworld": {"tuning": (0.91, 0.64), "check": (0.89, 0.46)},
}


@pytest.fixture(scope="module")
def scored(shared_eval: Path, nlp, tmp_path_factory: pytest.TempPathFactory) -> dict[str, EvalResult]:
    """Each set built once with the real pipeline and scored against its gold."""
    out = {}
    for name, folder in SETS.items():
        gold_dir = shared_eval / folder
        _, dataset = build_documents(gold_documents(gold_dir), nlp=nlp)
        trig = tmp_path_factory.mktemp(name) / "graph.trig"
        dataset.serialize(trig, format="trig")
        out[name] = evaluate(trig, gold_dir)
    return out


def test_quality_seed_article_meets_floor(shared_eval: Path, nlp, tmp_path: Path) -> None:
    documents = [d for d in gold_documents(shared_eval / "gold") if d.id == SEED]
    _, dataset = build_documents(documents, nlp=nlp)
    ttl = tmp_path / "graph.ttl"
    union_graph(dataset).serialize(ttl, format="turtle")
    result = evaluate(ttl, shared_eval / "gold" / f"{SEED}.json")
    assert result.entities.f1 >= SEED_FLOOR[0]
    assert result.relations.f1 >= SEED_FLOOR[1]


@pytest.mark.parametrize("half", HALVES)
@pytest.mark.parametrize("name", list(SETS))
def test_quality_half_meets_floor(scored: dict[str, EvalResult], name: str, half: str) -> None:
    result = restrict(scored[name], half)
    entity_floor, relation_floor = FLOORS[name][half]
    assert result.entities.f1 >= entity_floor, result.entities
    assert result.relations.f1 >= relation_floor, result.relations


@pytest.mark.parametrize("name", list(SETS))
def test_quality_every_document_has_a_graph(scored: dict[str, EvalResult], name: str) -> None:
    assert scored[name].missing == ()


def test_quality_no_duplicate_nodes_for_countries(scored: dict[str, EvalResult]) -> None:
    duplicated = [d for result in scored.values() for doc in result.documents for d in doc.duplicate_entities]
    countries = {"US", "United States", "United Kingdom", "Iraq", "Syria", "Japan", "South Korea"}
    assert not [d for d in duplicated if d.split(":")[0] in countries]
