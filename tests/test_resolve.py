from __future__ import annotations

import pytest

from kg.core.types import Document, DocumentExtraction, EntityRecord, Evidence, RelationClaim
from kg.resolve.merge import aggregate, resolve


def _ev(doc: str, conf: float, start: int = 0) -> Evidence:
    return Evidence(doc, "s", start, start + 1, "rule", conf)


def _x(doc_id: str, entities: list[EntityRecord], claims: list[RelationClaim]) -> DocumentExtraction:
    return DocumentExtraction(Document(doc_id, "text"), tuple(entities), (), tuple(claims))


US = EntityRecord("Country:USA", "Country", "United States", ("US",), iso3="USA")
US2 = EntityRecord("Country:USA", "Country", "United States", ("U.S.", "America"), iso3="USA", wikidata="Q30")
JPN = EntityRecord("Country:JPN", "Country", "Japan", (), iso3="JPN")


def test_resolve_merges_aliases_across_documents() -> None:
    corpus = resolve([_x("a", [US], []), _x("b", [US2], [])])
    us = corpus.entities["Country:USA"]
    assert us.label == "United States"
    assert us.alt_labels == ("America", "U.S.", "US")
    assert us.wikidata == "Q30"
    assert corpus.doc_entities == {"a": ("Country:USA",), "b": ("Country:USA",)}


def test_resolve_symmetric_relations_are_one_fact_with_all_evidence() -> None:
    a = RelationClaim("Country:USA", "alliedWith", "Country:JPN", _ev("a", 0.5))
    b = RelationClaim("Country:JPN", "alliedWith", "Country:USA", _ev("b", 0.5))
    corpus = resolve([_x("a", [US, JPN], [a]), _x("b", [US, JPN], [b])])
    (rel,) = corpus.relations
    assert (rel.subject, rel.object) == ("Country:JPN", "Country:USA")
    assert len(rel.evidence) == 2
    assert rel.confidence == pytest.approx(0.75)
    assert [len(r) for r in corpus.doc_relations.values()] == [1, 1]


def test_resolve_surname_person_joins_unique_full_name() -> None:
    full = EntityRecord("Person:lloyd-austin", "Person", "Lloyd Austin")
    short = EntityRecord("Person:austin", "Person", "Austin")
    claim = RelationClaim("Person:austin", "officialOf", "Country:USA", _ev("b", 0.9))
    corpus = resolve([_x("a", [full], []), _x("b", [short, US], [claim])])
    assert "Person:austin" not in corpus.entities
    assert corpus.relations[0].subject == "Person:lloyd-austin"


@pytest.mark.parametrize(("threshold", "kept"), [(0.0, 1), (0.6, 1), (0.8, 0)])
def test_resolve_min_confidence_filters_after_aggregation(threshold: float, kept: int) -> None:
    claims = [RelationClaim("Country:USA", "supports", "Country:JPN", _ev("a", 0.4, i)) for i in range(2)]
    corpus = resolve([_x("a", [US, JPN], claims)], min_confidence=threshold)
    assert len(corpus.relations) == kept


def test_resolve_aggregate_is_noisy_or() -> None:
    assert aggregate([_ev("a", 0.5), _ev("a", 0.5), _ev("a", 0.5)]) == pytest.approx(0.875)
    assert aggregate([]) == 0.0
