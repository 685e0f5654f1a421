"""Records to RDF: one named graph per document, the union of them all is the corpus graph.

IRIs are minted in one place (`mint_iri`); evidence nodes get IRIs from a hash of what they say,
so the same input always gives the same graph.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Protocol
from urllib.parse import quote

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.core.types import Corpus, Document, Entity, Evidence, Relation
from kg.core.vocab import ID, KG

WIKIDATA = "http://www.wikidata.org/entity/"
_CLASS_SEGMENT = {
    "InternationalOrganization": "international-organization",
    "GovernmentBody": "government-body",
    "MediaOrganization": "media-organization",
    "MilitaryExercise": "military-exercise",
}


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Shin Won-sik" -> "shin-won-sik")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def mint_iri(key: str) -> URIRef:
    """The IRI of an entity key "Class:identifier": countries by ISO alpha-3, others by class and slug."""
    cls, _, ident = key.partition(":")
    if not cls or not ident:
        raise ValueError(f"entity key must be 'Class:identifier', got {key!r}")
    segment = _CLASS_SEGMENT.get(cls) or slugify(cls)
    ident = ident.upper() if cls == "Country" and re.fullmatch(r"[A-Za-z]{3}", ident) else slugify(ident)
    return URIRef(f"{ID}{segment}/{ident}")


def doc_iri(doc_id: str) -> URIRef:
    """The IRI of a document, which also names its graph; ends with '/<document id>'."""
    return URIRef(f"{ID}doc/{quote(doc_id, safe='')}")


def evidence_iri(relation: Relation, evidence: Evidence) -> URIRef:
    text = "|".join(
        (
            relation.subject,
            relation.predicate,
            relation.object,
            evidence.doc_id,
            str(evidence.start),
            evidence.rule,
        )
    )
    return URIRef(f"{ID}evidence/{hashlib.sha1(text.encode()).hexdigest()[:16]}")


class TripleSink(Protocol):
    """Where mapped triples go: an rdflib Graph, or anything else with its `add`."""

    def add(self, triple: tuple[Node, Node, Node], /) -> object: ...


def to_dataset(corpus: Corpus) -> Dataset:
    """Each document's own graph (entities it mentions, relations it asserts, their evidence)."""
    dataset = Dataset()
    _bind(dataset)
    map_corpus(corpus, dataset.graph)
    return dataset


def map_corpus(corpus: Corpus, graph_of: Callable[[URIRef], TripleSink]) -> None:
    """Each document's triples, added to `graph_of(its IRI)` (what `to_dataset` does with a Dataset)."""
    for document in corpus.documents:
        graph = graph_of(doc_iri(document.id))
        add_document(graph, document)
        for key in corpus.doc_entities.get(document.id, ()):
            add_entity(graph, corpus.entities[key])
        for relation in corpus.doc_relations.get(document.id, ()):
            add_relation(graph, relation)


def union_graph(dataset: Dataset) -> Graph:
    """All named graphs merged into one graph (the corpus graph)."""
    union = Graph()
    _bind(union)
    for graph in dataset.graphs():
        for triple in graph:
            union.add(triple)
    return union


def add_document(graph: TripleSink, document: Document) -> None:
    node = doc_iri(document.id)
    graph.add((node, RDF.type, KG.Document))
    graph.add((node, RDFS.label, Literal(document.title or document.id)))
    graph.add((node, KG.contentHash, Literal(document.content_hash)))
    if document.title:
        graph.add((node, DCTERMS.title, Literal(document.title)))
    if document.url:
        graph.add(
            (node, DCTERMS.source, URIRef(document.url) if _safe_url(document.url) else Literal(document.url))
        )
    if document.published:
        graph.add((node, DCTERMS.issued, Literal(document.published.isoformat(), datatype=XSD.date)))
    if document.author:
        graph.add((node, DCTERMS.creator, Literal(document.author)))
    if document.language:
        graph.add((node, DCTERMS.language, Literal(document.language)))


def add_entity(graph: TripleSink, entity: Entity) -> None:
    node = mint_iri(entity.key)
    graph.add((node, RDF.type, KG[entity.cls]))
    graph.add((node, RDFS.label, Literal(entity.label)))
    for name in entity.alt_labels:
        graph.add((node, SKOS.altLabel, Literal(name)))
    if entity.iso3:
        graph.add((node, KG.isoCode, Literal(entity.iso3)))
    if entity.wikidata:
        graph.add((node, OWL.sameAs, URIRef(WIKIDATA + entity.wikidata)))
    if entity.date:
        graph.add((node, KG.date, date_literal(entity.date)))
    if entity.status:
        graph.add((node, KG.status, Literal(entity.status)))


def add_relation(graph: TripleSink, relation: Relation) -> None:
    s, p, o = mint_iri(relation.subject), KG[relation.predicate], mint_iri(relation.object)
    graph.add((s, p, o))
    for evidence in relation.evidence:
        ev = evidence_iri(relation, evidence)
        graph.add((ev, RDF.type, KG.Evidence))
        graph.add((ev, RDF.subject, s))
        graph.add((ev, RDF.predicate, p))
        graph.add((ev, RDF.object, o))
        graph.add((ev, KG.sentence, Literal(evidence.sentence)))
        graph.add((ev, KG.charStart, Literal(evidence.start)))
        graph.add((ev, KG.charEnd, Literal(evidence.end)))
        graph.add((ev, KG.confidence, Literal(Decimal(str(round(evidence.confidence, 4))))))
        graph.add((ev, KG.rule, Literal(evidence.rule)))
        graph.add((ev, PROV.wasDerivedFrom, doc_iri(evidence.doc_id)))
        graph.add((doc_iri(evidence.doc_id), KG.evidence, ev))
        if evidence.family:
            graph.add((ev, KG.eventFamily, Literal(evidence.family)))
        if evidence.role:
            graph.add((ev, KG.role, Literal(evidence.role)))
        if evidence.date:
            graph.add((ev, KG.date, date_literal(evidence.date)))
        if evidence.cameo:
            graph.add((ev, KG.cameoCode, Literal(evidence.cameo)))
        if evidence.status:
            graph.add((ev, KG.status, Literal(evidence.status)))


def date_literal(value: str) -> Literal:
    """An ISO 8601 date, year-month or year as xsd:date, xsd:gYearMonth or xsd:gYear."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return Literal(value, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return Literal(value, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    return Literal(value)


def _safe_url(url: str) -> bool:
    return bool(re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", url))


def _bind(graph: Graph) -> None:
    graph.bind("kg", str(KG), override=True)
    graph.bind("id", str(ID), override=True)
    graph.bind("skos", str(SKOS))
    graph.bind("prov", str(PROV))
    graph.bind("dcterms", str(DCTERMS))
    graph.bind("owl", str(OWL))
