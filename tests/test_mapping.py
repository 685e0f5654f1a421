from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.core.types import Document, DocumentExtraction, EntityRecord, Evidence, RelationClaim
from kg.resolve.mapping import date_literal, doc_iri, mint_iri, slugify, to_dataset, union_graph
from kg.resolve.merge import resolve

CLASSES = st.sampled_from(
    ["Person", "Organization", "GovernmentBody", "City", "Meeting", "InternationalOrganization"]
)
NAMES = st.text(min_size=1, max_size=40)


@given(CLASSES, NAMES)
def test_mapping_mint_iri_is_deterministic_and_safe(cls: str, name: str) -> None:
    iri = mint_iri(f"{cls}:{name}")
    assert iri == mint_iri(f"{cls}:{name}")
    assert iri.startswith("https://w3id.org/kg-geo/id/")
    tail = iri.split("/id/", 1)[1]
    assert all(c.isalnum() or c in "-/" for c in tail)
    assert URIRef(iri).n3().startswith("<")


@given(CLASSES, NAMES, NAMES)
def test_mapping_mint_iri_separates_classes_and_collapses_only_spelling(cls: str, a: str, b: str) -> None:
    if slugify(a) != slugify(b):
        assert mint_iri(f"{cls}:{a}") != mint_iri(f"{cls}:{b}")
    assert mint_iri(f"Person:{a}") != mint_iri(f"Organization:{a}")


@pytest.mark.parametrize(
    ("key", "iri"),
    [
        ("Country:USA", "https://w3id.org/kg-geo/id/country/USA"),
        ("Country:kor", "https://w3id.org/kg-geo/id/country/KOR"),
        ("Person:Shin Won-sik", "https://w3id.org/kg-geo/id/person/shin-won-sik"),
        ("InternationalOrganization:nato", "https://w3id.org/kg-geo/id/international-organization/nato"),
        (
            "GovernmentBody:kor-defense-ministry",
            "https://w3id.org/kg-geo/id/government-body/kor-defense-ministry",
        ),
    ],
)
def test_mapping_mint_iri_examples(key: str, iri: str) -> None:
    assert str(mint_iri(key)) == iri


@pytest.mark.parametrize("key", ["", "Country", ":x", "Person:"])
def test_mapping_mint_iri_rejects_malformed_keys(key: str) -> None:
    with pytest.raises(ValueError, match="Class:identifier"):
        mint_iri(key)


def test_mapping_doc_iri_ends_with_doc_id() -> None:
    assert str(doc_iri("trilateral-tokyo-2024")).endswith("/doc/trilateral-tokyo-2024")


@pytest.mark.parametrize(
    ("value", "datatype"),
    [("2024-07-28", XSD.date), ("2024-06", XSD.gYearMonth), ("2010", XSD.gYear)],
)
def test_mapping_date_literal_types(value: str, datatype: URIRef) -> None:
    assert date_literal(value) == Literal(value, datatype=datatype)


def _extraction() -> DocumentExtraction:
    doc = Document(
        id="d1", text="US Defense Secretary Lloyd Austin spoke.", published=date(2024, 7, 28), title="T"
    )
    ev = Evidence(
        "d1", "US Defense Secretary Lloyd Austin spoke.", 0, 40, "title", 0.9, role="Defense Secretary"
    )
    return DocumentExtraction(
        document=doc,
        entities=(
            EntityRecord("Country:USA", "Country", "United States", ("US",), iso3="USA", wikidata="Q30"),
            EntityRecord("Person:lloyd-austin", "Person", "Lloyd Austin", ("Lloyd Austin",)),
        ),
        mentions=(),
        claims=(RelationClaim("Person:lloyd-austin", "officialOf", "Country:USA", ev),),
    )


def test_mapping_document_graph_is_isomorphic_to_expected(data_dir) -> None:
    dataset = to_dataset(resolve([_extraction()]))
    (graph,) = [g for g in dataset.graphs() if len(g)]
    assert str(graph.identifier).endswith("/doc/d1")
    expected = Graph().parse(data_dir / "expected-d1.ttl")
    got = Graph()
    for triple in graph:
        got.add(triple)
    assert isomorphic(got, expected), got.serialize(format="turtle")


def test_mapping_evidence_carries_cameo_code_and_status_only_when_set() -> None:
    from kg.core.vocab import KG

    base = _extraction()
    planned = Evidence(
        "d1",
        "Canada will impose sanctions on Belarus.",
        0,
        40,
        "cameo:impose",
        0.55,
        cameo="163",
        status="planned",
    )
    japan = EntityRecord("Country:JPN", "Country", "Japan", ("Japan",), iso3="JPN")
    claims = (*base.claims, RelationClaim("Country:USA", "sanctions", "Country:JPN", planned))
    extraction = DocumentExtraction(base.document, (*base.entities, japan), (), claims)
    union = union_graph(to_dataset(resolve([extraction])))
    assert {str(o) for o in union.objects(None, KG.cameoCode)} == {"163"}
    assert {str(o) for o in union.objects(None, KG.status)} == {"planned"}
    (ev,) = union.subjects(KG.cameoCode, Literal("163"))
    assert (ev, KG.rule, Literal("cameo:impose")) in union


def test_mapping_union_holds_every_named_graph() -> None:
    dataset = to_dataset(resolve([_extraction()]))
    union = union_graph(dataset)
    assert len(union) == sum(len(g) for g in dataset.graphs())
