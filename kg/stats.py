"""Counts that summarise a graph: documents, entities by class, relations by property."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.vocab import KG, RELATION_PROPERTIES, class_ancestors

_CLASSES = (
    "Country",
    "Person",
    "InternationalOrganization",
    "GovernmentBody",
    "MediaOrganization",
    "Organization",
    "City",
    "Region",
    "Place",
    "Meeting",
    "MilitaryExercise",
    "Election",
    "Agreement",
    "Event",
)


@dataclass(frozen=True)
class GraphStats:
    documents: int
    triples: int
    entities: dict[str, int]  # most specific class -> count
    relations: dict[str, int]  # property -> count of distinct triples
    evidence: int

    def lines(self) -> list[str]:
        out = [
            f"documents: {self.documents}",
            f"triples: {self.triples}",
            f"evidence records: {self.evidence}",
        ]
        out.append(f"entities: {sum(self.entities.values())}")
        out.extend(f"  {cls}: {n}" for cls, n in self.entities.items())
        out.append(f"relations: {sum(self.relations.values())}")
        out.extend(f"  {prop}: {n}" for prop, n in self.relations.items())
        return out


def graph_stats(graph: Graph) -> GraphStats:
    names: dict[URIRef, str] = {KG[c]: c for c in _CLASSES}
    types: dict[object, set[str]] = {}
    for node, cls in graph.subject_objects(RDF.type):
        name = names.get(URIRef(str(cls)))
        if name is not None:
            types.setdefault(node, set()).add(name)
    entities: Counter[str] = Counter()
    for classes in types.values():
        entities[max(classes, key=lambda c: (len(class_ancestors(c)), c))] += 1
    relations = Counter(
        {p: n for p in RELATION_PROPERTIES if (n := len(set(graph.subject_objects(KG[p])))) > 0}
    )
    return GraphStats(
        documents=len(set(graph.subjects(RDF.type, KG.Document))),
        triples=len(graph),
        entities=dict(sorted(entities.items(), key=lambda kv: (-kv[1], kv[0]))),
        relations=dict(sorted(relations.items(), key=lambda kv: (-kv[1], kv[0]))),
        evidence=len(set(graph.subjects(RDF.type, KG.Evidence))),
    )
