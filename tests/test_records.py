"""kg.pipeline.records: extraction records kept in the store's records graph, written and read back."""

from __future__ import annotations

import json
from datetime import date

import pyoxigraph as ox
import pytest

from kg.core.errors import StoreError
from kg.core.types import Document, DocumentExtraction, EntityRecord, Evidence, Mention, RelationClaim
from kg.pipeline.records import (
    Stored,
    extraction_from_json,
    extraction_to_json,
    read_records,
    record_quads,
    stored_min_confidence,
    stored_record_quads,
)
from kg.store.local import GraphStore
from kg.store.names import RECORDS_GRAPH

JPN = EntityRecord("Country:JPN", "Country", "Japan", ("Japan", "Nippon"), iso3="JPN", wikidata="Q17")
USA = EntityRecord("Country:USA", "Country", "United States", ("U.S.",), iso3="USA", wikidata="Q30")
A = "https://w3id.org/kg-geo/id/doc/a"
B = "https://w3id.org/kg-geo/id/doc/b"


def extraction(doc_id: str, published: date | None = None) -> DocumentExtraction:
    document = Document(doc_id, "Japan and the U.S. are allies.", published, f"https://e.org/{doc_id}", "T")
    evidence = Evidence(doc_id, "Japan and the U.S. are allies.", 0, 30, "test-rule", 0.8)
    return DocumentExtraction(
        document,
        (JPN, USA),
        (Mention(doc_id, "Country:JPN", "Japan", 0, 5),),
        (RelationClaim("Country:JPN", "alliedWith", "Country:USA", evidence),),
    )


@pytest.mark.parametrize("published", [date(2024, 7, 28), None])
def test_records_json_round_trip_without_mentions(published: date | None) -> None:
    original = extraction("a", published)
    again = extraction_from_json(extraction_to_json(original))
    assert again.mentions == ()
    assert (again.document, again.entities, again.claims) == (
        original.document,
        original.entities,
        original.claims,
    )


def test_records_json_of_another_version_is_refused() -> None:
    data = json.loads(extraction_to_json(extraction("a")))
    data["version"] = 99
    with pytest.raises(ValueError, match="unknown records version 99"):
        extraction_from_json(json.dumps(data))


def test_records_written_are_read_back_in_corpus_order() -> None:
    records = {A: Stored(1, extraction("a")), B: Stored(0, extraction("b"))}
    with GraphStore() as store:
        assert read_records(store) == {} and stored_min_confidence(store) is None
        store.apply(drop=[], delete=[], insert=record_quads(records, 0.35))
        back = read_records(store)
        assert {iri: stored.order for iri, stored in back.items()} == {A: 1, B: 0}
        assert back[A].extraction.claims == records[A].extraction.claims
        assert stored_min_confidence(store) == 0.35
        about_a = stored_record_quads(store, [A])
        assert {q.subject.value for q in about_a} == {A, RECORDS_GRAPH.value}  # A's and the threshold
        assert all(q.graph_name == RECORDS_GRAPH for q in about_a)


def test_records_corrupt_json_is_a_store_error_naming_the_document() -> None:
    with GraphStore() as store:
        quads = record_quads({A: Stored(0, extraction("a"))}, 0.0)
        broken = [q for q in quads if q.subject.value != A or "extraction" not in q.predicate.value]
        corrupt = next(q for q in quads if q not in broken)
        broken.append(ox.Quad(corrupt.subject, corrupt.predicate, ox.Literal("{oops"), RECORDS_GRAPH))
        store.apply(drop=[], delete=[], insert=broken)
        with pytest.raises(
            StoreError, match=r"corrupt extraction records of https://w3id\.org/kg-geo/id/doc/a"
        ):
            read_records(store)


def test_records_round_trip_keeps_the_cameo_code_and_status() -> None:
    original = extraction("a")
    claim = original.claims[0]
    evidence = Evidence(
        "a",
        "Canada will impose sanctions on Belarus.",
        0,
        40,
        "cameo:impose",
        0.55,
        "SANCTION",
        cameo="163",
        status="planned",
    )
    changed = DocumentExtraction(
        original.document, original.entities, (), (claim, RelationClaim("a", "b", "c", evidence))
    )
    again = extraction_from_json(extraction_to_json(changed))
    assert again.claims[1].evidence.cameo == "163"
    assert again.claims[1].evidence.status == "planned"
    assert again.claims == changed.claims


def test_records_written_before_cameo_codes_still_read() -> None:
    """Records stored before evidence had `cameo` and `status` read with both unset."""
    data = json.loads(extraction_to_json(extraction("a")))
    for claim in data["claims"]:
        del claim["evidence"]["cameo"], claim["evidence"]["status"]
    again = extraction_from_json(json.dumps(data))
    assert again.claims[0].evidence.cameo is None
    assert again.claims[0].evidence.status is None
