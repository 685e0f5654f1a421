"""The part of a store a view needs, fetched with SPARQL instead of reading the whole union.

`kg render --store ...` draws at most `max_nodes` entities (1,500), but reading the whole union into
rdflib first took 84-87 s on a 1M-triple store. `view_graph` fetches, with SPARQL on the store (local
or remote), what `kg.views.network.network_view` reads for the view asked for, in two steps:

1. **The skeleton**: the entities the view may show, with their classes, labels, aliases, ISO codes,
   sameAs links and dates, and the relations between them. With a focus, these are the entities
   within `hops` relations of it (the focus matched by IRI, or by a label or alias ignoring case:
   every name is compared here with `str.casefold`, as the view compares them, so the focus text
   never enters a query; then one query per hop, every relation counting whatever the view's
   filters, a superset of the neighbourhood the view keeps). Without one, every entity.
2. **The evidence** of the relations between the entities the view keeps (every property of each
   evidence node) and the title, URL and date of the documents it cites. Which entities the view
   keeps and truncates to depends on evidence only through `since` and `min_confidence`: without
   them it is read off `network_view` of the skeleton, and only the kept entities' evidence is
   fetched; with them, the evidence of every entity of the skeleton is (and, without a focus, the
   whole union is read, as before).

`network_view` then filters, focuses and truncates this graph exactly as it would the union (tested
equal under every option): everything it reads about the entities it keeps and the edges between
them is here. IRIs go into queries as Oxigraph writes terms (escaped), and only IRIs the store
itself returned.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.core.vocab import DCTERMS, KG, OWL, PROV, RDF, RDFS, RELATION_PROPERTIES, SKOS
from kg.store.base import KGStore, solutions, to_rdflib
from kg.views.network import NODE_CLASSES, network_view

if TYPE_CHECKING:
    from kg.views.network import Graph  # rdflib's: what the view reads, made by kg.store.base.to_rdflib

log = logging.getLogger(__name__)

#: What the view reads of a node (kg.views.network._read_nodes).
NODE_PROPERTIES = (RDF.type, RDFS.label, SKOS.altLabel, KG.isoCode, OWL.sameAs, KG.date)
#: What the view reads of a document an evidence node cites (kg.views.network._read_evidence).
DOCUMENT_PROPERTIES = (DCTERMS.title, DCTERMS.source, DCTERMS.issued)
#: IRIs per VALUES block: keeps each query text to a few hundred kilobytes, for remote servers.
CHUNK = 2_000
#: Without a focus, a view of up to `max_nodes` entities reads the whole union when the store has at
#: most this many times as many: the view then keeps most entities, their relations and evidence,
#: and one read of everything is faster than two steps. Measured with max_nodes 1,500 on synthetic
#: stores (view built, whole union / two steps): 1,572 entities (100k triples) 8.3 s / 10.1 s;
#: 4,717 (300k) 23.6 s / 17.1 s; 7,861 (500k) 40.0 s / 22.0 s; 15,723 (1M) 77 s / 24 s.
_WHOLE = 2

_RELATIONS = frozenset(ox.NamedNode(str(KG[name])) for name in RELATION_PROPERTIES)
_RELATION_LIST = ", ".join(str(p) for p in sorted(_RELATIONS, key=str))
_NODE_PROPERTIES = frozenset(ox.NamedNode(str(p)) for p in NODE_PROPERTIES)
_SKELETON_PROPERTIES = _NODE_PROPERTIES | _RELATIONS
_TYPE = ox.NamedNode(str(RDF.type))
_CLASSES = frozenset(ox.NamedNode(str(KG[name])) for name in NODE_CLASSES)
_DOCUMENT_PROPERTIES = frozenset(ox.NamedNode(str(p)) for p in DOCUMENT_PROPERTIES)
_DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))
_NAMES = f"SELECT ?node ?name WHERE {{ ?node <{RDFS.label}>|<{SKOS.altLabel}> ?name }}"
_DESCRIBED = "SELECT ?node WHERE { ?node ?p ?o } LIMIT 1"


def view_graph(
    store: KGStore,
    *,
    focus: str | None = None,
    hops: int = 1,
    relations: Collection[str] | None = None,
    classes: Collection[str] | None = None,
    since: date | None = None,
    min_confidence: float = 0.0,
    max_nodes: int = 1500,
) -> Graph:
    """What `network_view` reads of `store` for a view with these options (see the module
    docstring); QueryError for options the view refuses."""
    evidence_filter = since is not None or min_confidence > 0.0
    if focus is None:
        if evidence_filter or whole_union_is_faster(store, max_nodes=max_nodes):
            return store.union_graph()
        skeleton = _skeleton(store, _every_triple(store, _SKELETON_PROPERTIES))
    else:
        seeds = _seeds(store, focus)
        ball = _neighbourhood(store, seeds, max(hops, 0))
        log.info("focus %r: %d entities, %d within %d hops", focus, len(seeds), len(ball), hops)
        skeleton = _skeleton(store, _triples_of(store, ball), within=ball)
    graph = to_rdflib(skeleton)
    if evidence_filter:
        kept = {t.subject for t in skeleton if t.predicate == _TYPE and isinstance(t.subject, ox.NamedNode)}
    else:
        view = network_view(
            graph,
            focus=focus,
            hops=hops,
            relations=relations,
            classes=classes,
            max_nodes=max_nodes,
        )
        kept = {ox.NamedNode(node.id) for node in view.nodes}
    return to_rdflib(_evidence(store, kept), graph)


def whole_union_is_faster(store: KGStore, *, max_nodes: int = 1500) -> bool:
    """Whether a view without a focus is drawn from the whole union: the store has at most `_WHOLE`
    times `max_nodes` entities."""
    return _entities(store) <= _WHOLE * max_nodes


def _entities(store: KGStore) -> int:
    """How many entities a view could show (instances of its classes)."""
    classes = " ".join(str(c) for c in sorted(_CLASSES, key=str))
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {classes} }} ?s {_TYPE} ?c }}"
    for row in solutions(store, query):
        count = row["n"]
        return int(count.value) if isinstance(count, ox.Literal) else 0
    return 0


def _seeds(store: KGStore, focus: str) -> set[ox.NamedNode]:
    """The entities the focus names: by IRI, or by a label or alias equal to it ignoring case."""
    wanted = focus.strip().casefold()
    seeds = {
        row["node"]
        for row in solutions(store, _NAMES)
        if isinstance(row["node"], ox.NamedNode)
        and isinstance(row["name"], ox.Literal)
        and row["name"].value.casefold() == wanted
    }
    try:
        iri = ox.NamedNode(focus)
    except ValueError:
        return seeds  # not an IRI
    if any(True for _ in solutions(store, _DESCRIBED, {"node": iri})):
        seeds.add(iri)
    return seeds


def _neighbourhood(store: KGStore, seeds: set[ox.NamedNode], hops: int) -> set[ox.NamedNode]:
    """The seeds and every node within `hops` relations of them, in either direction."""
    seen, frontier = set(seeds), set(seeds)
    for _ in range(hops):
        found: set[ox.NamedNode] = set()
        for values in _values(frontier):
            query = (
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?x {{ {values} }}"
                " { ?x ?p ?o BIND(?x AS ?s) } UNION { ?s ?p ?x BIND(?x AS ?o) }"
                f" FILTER(?p IN ({_RELATION_LIST})) }}"
            )
            for row in solutions(store, query):
                found.update(n for n in (row["s"], row["o"]) if isinstance(n, ox.NamedNode))
        frontier = found - seen
        if not frontier:
            break
        seen |= frontier
    return seen


def _skeleton(
    store: KGStore, triples: Iterable[ox.Triple], *, within: set[ox.NamedNode] | None = None
) -> list[ox.Triple]:
    """The entities' descriptions and the relations between them (all within `within`, if given):
    rdf:type only to the view's classes, other descriptions only of entities so typed."""
    descriptions, relations, typed = [], [], set()
    for triple in triples:
        if triple.predicate == _TYPE:
            if triple.object in _CLASSES:
                typed.add(triple.subject)
                descriptions.append(triple)
        elif triple.predicate in _NODE_PROPERTIES:
            descriptions.append(triple)
        elif triple.predicate in _RELATIONS and (within is None or triple.object in within):
            relations.append(triple)
    return [t for t in descriptions if t.subject in typed] + relations


def _evidence(store: KGStore, entities: set[ox.NamedNode]) -> list[ox.Triple]:
    """Every property of the evidence of relations between `entities`, and the title, URL and
    date of the documents it cites."""
    triples: list[ox.Triple] = []
    for values in _values(entities):
        query = (
            f"SELECT ?s ?p ?o ?object WHERE {{ VALUES ?subject {{ {values} }}"
            f" ?s <{RDF.subject}> ?subject ; <{RDF.object}> ?object . ?s ?p ?o }}"
        )
        triples += (_triple(row) for row in solutions(store, query) if row["object"] in entities)
    cited = {t.object for t in triples if t.predicate == _DERIVED_FROM and isinstance(t.object, ox.NamedNode)}
    triples += (t for t in _triples_of(store, cited) if t.predicate in _DOCUMENT_PROPERTIES)
    return triples


def _triples_of(store: KGStore, subjects: set[ox.NamedNode]) -> list[ox.Triple]:
    """Every triple of these subjects. Asking for every property and keeping some here is far
    faster than a VALUES block of properties, which Oxigraph evaluates first: each property's every
    triple (2.6 s against 0.05 s for 340 subjects at 1M triples)."""
    triples: list[ox.Triple] = []
    for values in _values(subjects):
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"
        triples += (_triple(row) for row in solutions(store, query))
    return triples


def _every_triple(store: KGStore, properties: Iterable[ox.NamedNode]) -> Iterator[ox.Triple]:
    """Every triple with one of these properties, one query each; rdf:type only to the view's
    classes (evidence and documents, most of a store's types, are left out)."""
    for prop in sorted(properties, key=str):
        if prop == _TYPE:
            for cls in sorted(_CLASSES, key=str):
                for row in solutions(store, f"SELECT ?s WHERE {{ ?s {_TYPE} {cls} }}"):
                    yield ox.Triple(row["s"], _TYPE, cls)
            continue
        for row in solutions(store, f"SELECT ?s ?o WHERE {{ ?s {prop} ?o }}"):
            yield ox.Triple(row["s"], prop, row["o"])


def _triple(row: ox.QuerySolution) -> ox.Triple:
    return ox.Triple(row["s"], row["p"], row["o"])


def _values(nodes: Iterable[ox.NamedNode]) -> Iterator[str]:
    """The nodes as the bodies of VALUES blocks of at most CHUNK terms (sorted: the same queries
    for the same store)."""
    ordered = sorted(nodes, key=lambda node: node.value)
    for start in range(0, len(ordered), CHUNK):
        yield " ".join(str(node) for node in ordered[start : start + CHUNK])
