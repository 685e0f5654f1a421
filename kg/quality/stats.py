"""Counts that summarise a graph: documents, entities by class, relations by property."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.core.errors import QueryError
from kg.core.vocab import KG, RELATION_PROPERTIES, class_ancestors

if TYPE_CHECKING:
    from kg.store.base import KGStore

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


def graph_stats(store: KGStore) -> GraphStats:
    """The counts of the store's union graph, counted by the store (SPARQL): any KGStore, so an rdflib
    graph is counted in `kg.store.quads.memory_store(graph)`."""
    classes = " ".join(f"kg:{c}" for c in _CLASSES)
    properties = " ".join(f"kg:{p}" for p in RELATION_PROPERTIES)
    typed = _rows(store, f"SELECT ?node ?cls WHERE {{ VALUES ?cls {{ {classes} }} ?node a ?cls }}")
    counts = _rows(
        store, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {properties} }} ?s ?p ?o }} GROUP BY ?p"
    )
    documents, evidence, triples = (
        int(_rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0][0])
        for pattern in ("?s a kg:Document", "?s a kg:Evidence", "?s ?p ?o")
    )
    return _summary(
        documents=int(documents),
        triples=int(triples),
        typed=((node, cls.removeprefix(str(KG))) for node, cls in typed),
        relations={p.removeprefix(str(KG)): int(n) for p, n in counts},
        evidence=int(evidence),
    )


def _rows(store: KGStore, sparql: str) -> list[list[str]]:
    result = store.query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("a counting query did not return solutions")
    variables = result.variables
    return [[_value(solution[v]) for v in variables] for solution in result]


def _value(term: object) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term.value
    return "0" if term is None else str(term)


def _summary(
    *,
    documents: int,
    triples: int,
    typed: Iterable[tuple[object, str]],
    relations: dict[str, int],
    evidence: int,
) -> GraphStats:
    types: dict[object, set[str]] = {}
    for node, name in typed:
        types.setdefault(node, set()).add(name)
    entities: Counter[str] = Counter()
    for classes in types.values():
        entities[max(classes, key=lambda c: (len(class_ancestors(c)), c))] += 1
    return GraphStats(
        documents=documents,
        triples=triples,
        entities=dict(sorted(entities.items(), key=lambda kv: (-kv[1], kv[0]))),
        relations=dict(
            sorted(((p, n) for p, n in relations.items() if n > 0), key=lambda kv: (-kv[1], kv[0]))
        ),
        evidence=evidence,
    )
