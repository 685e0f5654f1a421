"""SHACL validation of built graphs against `ontology/shapes.ttl`.

pySHACL slows down on large graphs, so only the triples the shapes can look at (the predicates
their paths and targets name, plus rdf:type) are validated, together with the ontology's
rdfs:subClassOf tree so that `sh:class kg:Event` accepts a kg:Meeting.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import rdflib
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, SH, Graph
from rdflib.term import Node

from kg.core.errors import OntologyError, ValidationError
from kg.core.ontology import ontology_graph, shapes_graph
from kg.quality.shacl import Finding, Unsupported, compile_shapes, run_checks
from kg.store.base import constructed

if TYPE_CHECKING:
    from kg.store.base import KGStore

log = logging.getLogger(__name__)

#: Shape predicates whose objects are data properties the shapes read.
_PROPERTY_LINKS = (
    SH.path,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
)
_SHORT = (
    ("https://w3id.org/kg-geo/id/", "id:"),
    ("https://w3id.org/kg-geo/ontology#", "kg:"),
    ("https://w3id.org/kg-geo/shapes#", "ks:"),
    (str(RDF), "rdf:"),
    (str(RDFS), "rdfs:"),
    ("http://www.w3.org/ns/prov#", "prov:"),
    ("http://www.w3.org/2001/XMLSchema#", "xsd:"),
)


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node, the property path (empty for node shapes), what is wrong."""

    focus: str
    path: str
    message: str
    severity: str
    shape: str
    value: str = ""

    def line(self) -> str:
        value = f" (value {short(self.value)})" if self.value and self.value != self.focus else ""
        return f"{short(self.focus)}  {short(self.path) or '(node)'}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]
    text: str


def short(term: str) -> str:
    """An IRI (or a literal's datatype) in a well-known namespace as a prefixed name, for messages."""
    lexical, sep, datatype = term.rpartition("^^<")
    if sep and term.startswith('"') and datatype.endswith(">"):
        shortened = short(datatype[:-1])
        return f"{lexical}^^{shortened}" if shortened != datatype[:-1] else term
    for namespace, prefix in _SHORT:
        if term.startswith(namespace):
            return prefix + term[len(namespace) :]
    return term


def validate(store: KGStore, *, shapes: Graph | None = None) -> ValidationReport:
    """Check a store's union graph against the shapes (an rdflib graph: validate
    `kg.store.quads.memory_store(graph)`): as SPARQL queries the store answers (kg.quality.shacl),
    or with pySHACL on the triples the shapes read if they use more of SHACL."""
    shapes = shapes if shapes is not None else shapes_graph()
    try:
        checks = compile_shapes(shapes, ontology_graph())
    except Unsupported as e:
        log.info("validating with pySHACL: %s", e)
        return _validate(shape_subgraph(store, shapes), shapes)
    found = {_violation(finding) for finding in run_checks(store, checks)}
    return _report(found, conforms=not found)


def shape_subgraph(store: KGStore, shapes: Graph) -> Graph:
    """The triples of the store's union graph whose predicate a shape can read."""
    predicates = " ".join(f"<{p}>" for p in sorted({RDF.type, *_shape_properties(shapes)}))
    return constructed(store, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o }}")


def _violation(finding: Finding) -> Violation:
    check = finding.check
    return Violation(
        focus=_text(finding.focus),
        path=check.path,
        message=check.message,
        severity="Violation",
        shape=check.shape,
        value=_text(finding.value),
    )


def _report(unique: set[Violation], *, conforms: bool) -> ValidationReport:
    violations = tuple(sorted(unique, key=lambda v: (v.focus, v.path, v.message, v.value, v.shape)))
    text = "\n".join(v.line() for v in violations) if violations else "conforms"
    return ValidationReport(conforms=conforms, violations=violations, text=text)


def _validate(data: Graph, shapes: Graph) -> ValidationReport:
    for triple in ontology_graph().triples((None, RDFS.subClassOf, None)):
        data.add(triple)
    log.debug("validating %d triples", len(data))
    try:
        conforms, results, _ = shacl_validate(data, shacl_graph=shapes, inference="none", inplace=True)
    except Exception as e:  # pySHACL raises its own errors for broken shapes
        raise OntologyError(f"cannot validate against the SHACL shapes: {e}") from e
    assert isinstance(results, Graph)
    # one value can fail several constraints of a property shape that share a message: report it once
    return _report(set(_violations(results)), conforms=bool(conforms))


def check(store: KGStore) -> None:
    """Raise ValidationError, one line per violation, unless the store's union graph conforms."""
    report = validate(store)
    if not report.conforms:
        count = len(report.violations)
        raise ValidationError(
            f"the graph violates the SHACL shapes ({count} result{'s' * (count != 1)}):\n{report.text}"
        )


def _shape_properties(shapes: Graph) -> Iterator[rdflib.URIRef]:
    for link in _PROPERTY_LINKS:
        for value in shapes.objects(None, link):
            yield from _iris(shapes, value, set())


def _iris(shapes: Graph, node: Node, seen: set[Node]) -> Iterator[rdflib.URIRef]:
    """Every IRI in a (possibly complex) SHACL path, except SHACL's own terms and rdf:nil."""
    if node in seen:
        return
    seen.add(node)
    if isinstance(node, rdflib.URIRef):
        if not str(node).startswith(str(SH)) and node != RDF.nil:
            yield node
    elif isinstance(node, rdflib.BNode):
        for _, value in shapes.predicate_objects(node):
            yield from _iris(shapes, value, seen)


def _violations(results: Graph) -> Iterator[Violation]:
    for result in results.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        yield Violation(
            focus=_text(results.value(result, SH.focusNode)),
            path=_text(results.value(result, SH.resultPath)),
            message="; ".join(messages),
            severity=_text(results.value(result, SH.resultSeverity)).rpartition("#")[2],
            shape=_text(results.value(result, SH.sourceShape)),
            value=_text(results.value(result, SH.value)),
        )


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, rdflib.Literal):
        return node.n3()
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    return str(node)
