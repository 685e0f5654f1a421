"""Materialise the OWL consequences the ontology needs, as SPARQL UPDATE inside Oxigraph.

The ontology (`ontology/kg.ttl`) declares symmetric properties (alliedWith, cooperatesWith,
meetsWith), sub-properties (leaderOf ⊑ officialOf, alliedWith ⊑ cooperatesWith) and may declare
owl:inverseOf pairs. Rather than running a general OWL-RL reasoner over the whole data (owlrl is
far too slow on 100k triples), the schema is closed first, in Python, into a list of rules
"`s p o` entails `s q o`" or "... entails `o q s`" (the closure of sub-property, symmetry and
inverse, so chains such as `A alliedWith B` ⟹ `B cooperatesWith A` need one pass). Each rule
becomes one INSERT over the union of the asserted graphs; all of them run in one update, which
Oxigraph applies atomically. The union graph is updated in the same update, without rebuilding
it: the old consequences no graph asserts leave it, the new ones join it. So the cost follows the
number of triples of those properties and of consequences, not the size of the store.

The consequences go into their own graph (INFERRED_GRAPH), replaced on every run, so re-running is
idempotent and `kg remove` / `kg build --append` can refresh them (see `refresh_if_present`).
Only triples not already asserted are written there. The union graph includes INFERRED_GRAPH, so
every query sees them; GraphStore.documents() does not list it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.core.ontology import ontology_graph
from kg.store.base import KGStore
from kg.store.names import INFERRED_GRAPH, UNION_GRAPH
from kg.store.updates import union_minus

log = logging.getLogger(__name__)
_IN_INFERRED = f"GRAPH {INFERRED_GRAPH} {{ ?s ?p ?o }}"


@dataclass(frozen=True, order=True)
class Rule:
    """`?s source ?o` entails `?s target ?o`, or `?o target ?s` when `swap`."""

    source: str
    target: str
    swap: bool

    def sparql(self) -> str:
        head = "?o <{t}> ?s" if self.swap else "?s <{t}> ?o"
        head = head.format(t=self.target)
        return (
            f"INSERT {{ GRAPH {INFERRED_GRAPH} {{ {head} }} }}\n"
            f"WHERE {{ GRAPH {UNION_GRAPH} {{ ?s <{self.source}> ?o }}"
            f" FILTER NOT EXISTS {{ GRAPH {UNION_GRAPH} {{ {head} }} }} }}"
        )


def rules(ontology: Graph | None = None) -> list[Rule]:
    """The closed rule set of the ontology's symmetric, sub- and inverse properties, sorted."""
    onto = ontology if ontology is not None else ontology_graph()
    step: dict[str, set[tuple[str, bool]]] = {}

    def add(p: object, q: object, swap: bool) -> None:
        if isinstance(p, URIRef) and isinstance(q, URIRef):
            step.setdefault(str(p), set()).add((str(q), swap))

    for p in onto.subjects(RDF.type, OWL.SymmetricProperty):
        add(p, p, True)
    for p, q in onto.subject_objects(RDFS.subPropertyOf):
        add(p, q, False)
    for p, q in onto.subject_objects(OWL.inverseOf):
        add(p, q, True)
        add(q, p, True)
    closed: set[Rule] = set()
    for start in step:
        seen: set[tuple[str, bool]] = set()
        frontier = [(start, False)]
        while frontier:
            prop, swapped = frontier.pop()
            for target, swap in step.get(prop, ()):
                reached = (target, swapped != swap)
                if reached not in seen:
                    seen.add(reached)
                    frontier.append(reached)
        closed.update(Rule(start, target, swap) for target, swap in seen if (target, swap) != (start, False))
    return sorted(closed)


def infer(store: KGStore, ontology: Graph | None = None) -> int:
    """Replace INFERRED_GRAPH with the consequences of the store's asserted triples; returns its size."""
    update = " ;\n".join(
        [
            # the union without the old consequences
            union_minus(INFERRED_GRAPH, default_graph=store.has_default_graph),
            f"DROP SILENT GRAPH {INFERRED_GRAPH}",
            *(rule.sparql() for rule in rules(ontology)),
            f"INSERT {{ GRAPH {UNION_GRAPH} {{ ?s ?p ?o }} }} WHERE {{ {_IN_INFERRED} }}",
        ]
    )
    store.update(update, refresh=False)  # one transaction; its cost follows the consequences, not the store
    size = inferred_size(store)
    log.info("inferred %d triples", size)
    return size


def inferred_size(store: KGStore) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, INFERRED_GRAPH))


def refresh_if_present(store: KGStore) -> None:
    """Re-run inference after a write if the store has inferred triples (keeps them current)."""
    if inferred_size(store):
        infer(store)
