"""The ontology's terms, as rdflib does for FOAF: one namespace class, unknown names fail.

`tests/test_vocab.py` checks these names against `ontology/kg.ttl`, both ways.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/kg-geo/ontology"
#: Namespace of entity, document and evidence IRIs (minted by `kg.resolve.mapping.mint_iri`).
ID = Namespace("https://w3id.org/kg-geo/id/")


class KG(DefinedNamespace):
    """Classes and properties of `ontology/kg.ttl`."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI + "#")

    # classes
    Actor: URIRef
    Place: URIRef
    Country: URIRef
    Person: URIRef
    Organization: URIRef
    InternationalOrganization: URIRef
    GovernmentBody: URIRef
    MediaOrganization: URIRef
    City: URIRef
    Region: URIRef
    Agreement: URIRef
    Event: URIRef
    Meeting: URIRef
    MilitaryExercise: URIRef
    Election: URIRef
    Document: URIRef
    Evidence: URIRef
    # relations between entities
    officialOf: URIRef
    leaderOf: URIRef
    cooperatesWith: URIRef
    alliedWith: URIRef
    memberOf: URIRef
    partyTo: URIRef
    participatedIn: URIRef
    hosts: URIRef
    locatedIn: URIRef
    meetsWith: URIRef
    visits: URIRef
    threatens: URIRef
    opposes: URIRef
    attacks: URIRef
    sanctions: URIRef
    supports: URIRef
    partOf: URIRef
    # descriptive
    isoCode: URIRef
    date: URIRef
    status: URIRef
    contentHash: URIRef
    # evidence
    sentence: URIRef
    charStart: URIRef
    charEnd: URIRef
    confidence: URIRef
    rule: URIRef
    eventFamily: URIRef
    cameoCode: URIRef
    role: URIRef
    evidence: URIRef
    # annotations
    relationFamily: URIRef


#: Properties that relate two entities (what the scorer reads), in ontology order.
RELATION_PROPERTIES: tuple[str, ...] = (
    "officialOf",
    "leaderOf",
    "cooperatesWith",
    "alliedWith",
    "memberOf",
    "partyTo",
    "participatedIn",
    "hosts",
    "locatedIn",
    "meetsWith",
    "visits",
    "threatens",
    "opposes",
    "attacks",
    "sanctions",
    "supports",
    "partOf",
)
SYMMETRIC_PROPERTIES = frozenset({"alliedWith", "cooperatesWith", "meetsWith"})
#: Relation families, for colouring and filtering views.
RELATION_FAMILIES: dict[str, str] = {
    **dict.fromkeys(("alliedWith", "cooperatesWith", "meetsWith", "supports", "partyTo"), "cooperative"),
    **dict.fromkeys(("threatens", "opposes", "sanctions", "attacks"), "conflictual"),
    **dict.fromkeys(
        ("officialOf", "leaderOf", "memberOf", "partOf", "locatedIn", "participatedIn", "hosts", "visits"),
        "structural",
    ),
}
#: Class tree (child -> parents) of the core classes.
CLASS_PARENTS: dict[str, tuple[str, ...]] = {
    "Country": ("Actor", "Place"),
    "Person": ("Actor",),
    "Organization": ("Actor",),
    "InternationalOrganization": ("Organization",),
    "GovernmentBody": ("Organization",),
    "MediaOrganization": ("Organization",),
    "City": ("Place",),
    "Region": ("Place",),
    "Meeting": ("Event",),
    "MilitaryExercise": ("Event",),
    "Election": ("Event",),
}


def class_ancestors(cls: str) -> set[str]:
    """`cls` and every class above it in the core tree."""
    seen, todo = {cls}, [cls]
    while todo:
        for parent in CLASS_PARENTS.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


#: Prefixes every query may use without declaring them (its own PREFIX lines take precedence).
DEFAULT_PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "id": str(ID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "wd": "http://www.wikidata.org/entity/",
}


def bind_prefixes(graph: Graph) -> None:
    """Bind kg's usual prefixes on an rdflib graph (kg:, prov:, skos:, dcterms:, owl:)."""
    graph.bind("kg", KG._NS)
    for prefix, namespace in (("prov", PROV), ("skos", SKOS), ("dcterms", DCTERMS), ("owl", OWL)):
        graph.bind(prefix, namespace)
