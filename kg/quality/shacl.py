"""SHACL shapes as SPARQL queries that the store answers: validation in seconds on large stores.

pySHACL evaluates every focus node in Python (25 s for a 100k-triple store). The shapes of
`ontology/shapes.ttl` use a small part of SHACL Core, and each of their constraints is one SPARQL
SELECT returning the focus nodes (and values) that violate it, which Oxigraph answers from its
indexes. `compile_shapes` turns a shapes graph into `Check`s and raises `Unsupported` for anything
outside that part (kg.quality.validate then falls back to pySHACL), so a new kind of constraint in the
shapes can never be skipped silently.

Supported: node shapes with `sh:targetClass` and `sh:targetSubjectsOf`, `sh:class` on the node
itself, and `sh:property` shapes whose `sh:path` is one IRI, with `sh:minCount`, `sh:maxCount`,
`sh:datatype`, `sh:or` of datatypes, `sh:nodeKind sh:IRI`, `sh:pattern` (no flags),
`sh:minInclusive`, `sh:maxInclusive`, `sh:lessThanOrEquals` and `sh:class`. Class membership
follows the ontology's rdfs:subClassOf tree, as pySHACL does when kg.quality.validate adds the tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import RDF, RDFS, SH, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.core.errors import OntologyError
from kg.store.base import KGStore, rdflib_rows, sparql_literal

_NODE_KEYS = frozenset({RDF.type, RDFS.comment, RDFS.label, SH.targetClass, SH.targetSubjectsOf})
_NODE_KEYS |= {SH["class"], SH.property, SH.message}
_PROPERTY_KEYS = frozenset({SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["or"], SH.nodeKind})
_PROPERTY_KEYS |= {SH.pattern, SH.minInclusive, SH.maxInclusive, SH.lessThanOrEquals, SH["class"]}
_PROPERTY_KEYS |= {SH.message, RDFS.comment}


class Unsupported(OntologyError):
    """The shapes use SHACL this module does not translate (kg.quality.validate uses pySHACL instead)."""


@dataclass(frozen=True)
class Check:
    """One constraint as a query: `?f` the focus node, `?v` the offending value (if any)."""

    shape: str  # the node shape's IRI
    path: str  # the property path's IRI, "" for a constraint on the node itself
    message: str
    sparql: str


@dataclass(frozen=True)
class Finding:
    check: Check
    focus: Node
    value: Node | None


def compile_shapes(shapes: Graph, ontology: Graph) -> list[Check]:
    """The checks of every node shape; Unsupported if a shape uses anything else."""
    subclasses = _subclasses(ontology)
    checks: list[Check] = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        checks += _node_checks(shapes, shape, subclasses)
    return checks


def run_checks(store: KGStore, checks: Iterable[Check]) -> Iterator[Finding]:
    """Each violation of each check, as the store finds it (over its union graph)."""
    for check in checks:
        _, rows = rdflib_rows(store, check.sparql)
        for row in rows:
            focus = row["f"]  # None also for an RDF 1.2 triple term, which no shape is about
            if focus is not None:
                yield Finding(check, focus, row.get("v"))


# ---------------------------------------------------------------------- compiling


def _node_checks(shapes: Graph, shape: Node, subclasses: dict[str, set[str]]) -> list[Check]:
    _only(shapes, shape, _NODE_KEYS, "node shape")
    if not isinstance(shape, URIRef):
        raise Unsupported(f"node shape {shape} is not named by an IRI")
    targets = [
        *(
            f"?f a ?t_ . VALUES ?t_ {{ {_classes(c, subclasses)} }}"
            for c in _iris(shapes, shape, SH.targetClass)
        ),
        *(f"?f <{p}> ?x_ ." for p in _iris(shapes, shape, SH.targetSubjectsOf)),
    ]
    if not targets:
        return []
    target = " UNION ".join(f"{{ {t} }}" for t in targets)
    message = _message(shapes, shape)
    checks = []
    for cls in _iris(shapes, shape, SH["class"]):
        where = f"{target} FILTER NOT EXISTS {{ ?f a ?c_ . VALUES ?c_ {{ {_classes(cls, subclasses)} }} }}"
        checks.append(
            Check(str(shape), "", message, f"SELECT DISTINCT ?f ?v WHERE {{ {where} BIND(?f AS ?v) }}")
        )
    for prop in shapes.objects(shape, SH.property):
        checks += _property_checks(shapes, str(shape), prop, target, subclasses)
    return checks


def _property_checks(
    shapes: Graph, shape: str, prop: Node, target: str, subclasses: dict[str, set[str]]
) -> list[Check]:
    _only(shapes, prop, _PROPERTY_KEYS, "property shape")
    paths = list(shapes.objects(prop, SH.path))
    if len(paths) != 1 or not isinstance(paths[0], URIRef):
        raise Unsupported(f"property shape of {shape}: only a single IRI sh:path is supported")
    path = str(paths[0])
    message = _message(shapes, prop)
    values = f"{{ {target} }} ?f <{path}> ?v ."
    checks: list[tuple[str, str]] = []  # (projection, where)
    for n in _numbers(shapes, prop, SH.minCount):
        count = (
            f"SELECT ?f (COUNT(DISTINCT ?v) AS ?n_) WHERE {{ {{ {target} }} OPTIONAL {{ ?f <{path}> ?v }} }}"
        )
        checks.append(("?f", f"{{ {count} GROUP BY ?f }} FILTER(?n_ < {n})"))
    for n in _numbers(shapes, prop, SH.maxCount):
        count = f"SELECT ?f (COUNT(DISTINCT ?v) AS ?n_) WHERE {{ {values} }}"
        checks.append(("?f", f"{{ {count} GROUP BY ?f }} FILTER(?n_ > {n})"))
    datatypes = [str(d) for d in shapes.objects(prop, SH.datatype)]
    for datatype in datatypes:
        checks.append(("?f ?v", f"{values} FILTER(!isLiteral(?v) || DATATYPE(?v) != <{datatype}>)"))
    for alternatives in shapes.objects(prop, SH["or"]):
        allowed = ", ".join(f"<{d}>" for d in _or_datatypes(shapes, alternatives, shape))
        checks.append(("?f ?v", f"{values} FILTER(!isLiteral(?v) || DATATYPE(?v) NOT IN ({allowed}))"))
    for kind in shapes.objects(prop, SH.nodeKind):
        if kind != SH.IRI:
            raise Unsupported(f"property shape of {shape}: sh:nodeKind {kind}")
        checks.append(("?f ?v", f"{values} FILTER(!isIRI(?v))"))
    for pattern in shapes.objects(prop, SH.pattern):
        regex = _literal(pattern)
        checks.append(("?f ?v", f"{values} FILTER(isBlank(?v) || !REGEX(STR(?v), {regex}))"))
    for bound, op in ((SH.minInclusive, ">="), (SH.maxInclusive, "<=")):
        for limit in shapes.objects(prop, bound):
            limit_term = _literal(limit)
            outside = f"COALESCE(!(?v {op} {limit_term}), true) || {_incomparable('?v', limit_term)}"
            checks.append(("?f ?v", f"{values} FILTER({outside})"))
    for other in _iris(shapes, prop, SH.lessThanOrEquals):
        outside = f"COALESCE(!(?v <= ?w_), true) || {_incomparable('?v', '?w_')}"
        checks.append(("?f ?v", f"{values} ?f <{other}> ?w_ FILTER({outside})"))
    for cls in _iris(shapes, prop, SH["class"]):
        within = _classes(cls, subclasses)
        checks.append(("?f ?v", f"{values} FILTER NOT EXISTS {{ ?v a ?c_ . VALUES ?c_ {{ {within} }} }}"))
    return [
        Check(shape, path, message, f"SELECT DISTINCT {head} WHERE {{ {where} }}") for head, where in checks
    ]


def _only(shapes: Graph, node: Node, allowed: frozenset[Node], what: str) -> None:
    unknown = sorted(str(p) for p in set(shapes.predicates(node)) - allowed)
    if unknown:
        raise Unsupported(f"{what} {node}: {', '.join(unknown)} not supported")


def _iris(shapes: Graph, node: Node, predicate: URIRef) -> list[str]:
    values = list(shapes.objects(node, predicate))
    if not all(isinstance(v, URIRef) for v in values):
        raise Unsupported(f"{node}: {predicate} must name IRIs")
    return sorted(str(v) for v in values)


def _numbers(shapes: Graph, node: Node, predicate: URIRef) -> list[int]:
    values = [v.toPython() for v in shapes.objects(node, predicate) if isinstance(v, Literal)]
    if not all(isinstance(v, int) for v in values):
        raise Unsupported(f"{node}: {predicate} must be an integer")
    return values


def _or_datatypes(shapes: Graph, alternatives: Node, shape: str) -> list[str]:
    datatypes = []
    for member in Collection(shapes, alternatives):
        if set(shapes.predicates(member)) != {SH.datatype}:
            raise Unsupported(f"property shape of {shape}: sh:or only of sh:datatype shapes is supported")
        datatypes += [str(d) for d in shapes.objects(member, SH.datatype)]
    return datatypes


def _message(shapes: Graph, node: Node) -> str:
    return "; ".join(sorted(str(m) for m in shapes.objects(node, SH.message)))


def _incomparable(a: str, b: str) -> str:
    """SPARQL true where `a` and `b` cannot be compared (a violation of sh:minInclusive and
    sh:lessThanOrEquals): SPARQL raises an error there, which COALESCE turns into a violation, but
    Virtuoso compares a number with a string (measured: 500 <= "102" was no violation there)."""
    same = f"isLiteral({a}) && isLiteral({b}) && DATATYPE({a}) = DATATYPE({b})"
    return f"!((isNumeric({a}) && isNumeric({b})) || ({same}))"


def _literal(value: Node) -> str:
    """A shape's literal as SPARQL (written by Oxigraph, so escaped)."""
    if not isinstance(value, Literal):
        raise Unsupported(f"expected a literal, got {value}")
    return sparql_literal(str(value), str(value.datatype) if value.datatype is not None else None)


def _subclasses(ontology: Graph) -> dict[str, set[str]]:
    """Each class with every class below it in the rdfs:subClassOf tree (itself included)."""
    children: dict[str, set[str]] = {}
    for child, parent in ontology.subject_objects(RDFS.subClassOf):
        children.setdefault(str(parent), set()).add(str(child))

    def below(cls: str, seen: set[str]) -> set[str]:
        if cls in seen:
            return set()
        seen.add(cls)
        found = {cls}
        for child in children.get(cls, ()):
            found |= below(child, seen)
        return found

    return {cls: below(cls, set()) for cls in {*children, *(c for cs in children.values() for c in cs)}}


def _classes(cls: str, subclasses: dict[str, set[str]]) -> str:
    return " ".join(f"<{c}>" for c in sorted(subclasses.get(cls, {cls})))
