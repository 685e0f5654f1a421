from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, URIRef

from kg.core.ontology import ontology_graph
from kg.core.vocab import CLASS_PARENTS, KG, RELATION_FAMILIES, RELATION_PROPERTIES, SYMMETRIC_PROPERTIES


def _declared() -> set[str]:
    graph = ontology_graph()
    ns = str(KG)
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        terms |= {str(s)[len(ns) :] for s in graph.subjects(RDF.type, kind) if str(s).startswith(ns)}
    return terms


def test_vocab_matches_ontology_both_ways() -> None:
    assert set(KG.__annotations__) == _declared()


def test_vocab_unknown_term_fails() -> None:
    with pytest.raises(AttributeError):
        _ = KG.friendsWith


@pytest.mark.parametrize("prop", sorted(SYMMETRIC_PROPERTIES))
def test_vocab_symmetric_properties_are_owl_symmetric(prop: str) -> None:
    assert (KG[prop], RDF.type, OWL.SymmetricProperty) in ontology_graph()


@pytest.mark.parametrize(("child", "parent"), [("leaderOf", "officialOf"), ("alliedWith", "cooperatesWith")])
def test_vocab_subproperties(child: str, parent: str) -> None:
    assert (KG[child], RDFS.subPropertyOf, KG[parent]) in ontology_graph()


@pytest.mark.parametrize(("child", "parents"), sorted(CLASS_PARENTS.items()))
def test_vocab_class_tree_matches_ontology(child: str, parents: tuple[str, ...]) -> None:
    declared = {str(o) for o in ontology_graph().objects(KG[child], RDFS.subClassOf) if isinstance(o, URIRef)}
    assert declared == {str(KG[p]) for p in parents}


def test_vocab_every_relation_has_label_comment_and_family() -> None:
    graph = ontology_graph()
    for prop in RELATION_PROPERTIES:
        assert graph.value(KG[prop], RDFS.label) is not None
        assert graph.value(KG[prop], RDFS.comment) is not None
        assert prop in RELATION_FAMILIES


@pytest.mark.parametrize(("prop", "family"), sorted(RELATION_FAMILIES.items()))
def test_vocab_relation_families_match_ontology(prop: str, family: str) -> None:
    assert str(ontology_graph().value(KG[prop], KG.relationFamily)) == family
