"""SHACL validation: the sample conforms, each kind of broken graph gives the expected violation."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef

from kg.core.errors import ValidationError
from kg.core.ontology import ontology_graph, shapes_graph
from kg.quality import validate as validating
from kg.quality.shacl import Unsupported, compile_shapes
from kg.quality.validate import ValidationReport, Violation, _validate
from kg.store.quads import memory_store

SAMPLE = Path(__file__).parent / "data" / "sample.trig"


def validate(graph: rdflib.Graph) -> ValidationReport:
    """The report on an rdflib graph (a Dataset: its union), validated in a store in memory."""
    with memory_store(graph) as store:
        return validating.validate(store)


def check(graph: rdflib.Graph) -> None:
    with memory_store(graph) as store:
        validating.check(store)


def shape_subgraph(graph: rdflib.Graph, shapes: rdflib.Graph) -> rdflib.Graph:
    with memory_store(graph) as store:
        return validating.shape_subgraph(store, shapes)


ID = "https://w3id.org/kg-geo/id/"
KGNS = rdflib.Namespace("https://w3id.org/kg-geo/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
USA, JPN = URIRef(ID + "country/USA"), URIRef(ID + "country/JPN")
TOKYO, MEETING = URIRef(ID + "city/tokyo"), URIRef(ID + "meeting/5d41402a")
AUSTIN = URIRef(ID + "person/lloyd-austin")
A2 = URIRef(ID + "evidence/a2")
ALPHA = URIRef(ID + "doc/alpha")
KS = "https://w3id.org/kg-geo/shapes#"
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


@pytest.fixture(scope="module")
def sample_dataset() -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    dataset.parse(SAMPLE, format="trig")
    return dataset


@pytest.fixture
def union(sample_dataset: rdflib.Dataset) -> rdflib.Graph:
    graph = rdflib.Graph()
    for s, p, o, _ in sample_dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def test_validate_sample_union_conforms(union: rdflib.Graph) -> None:
    report = validate(union)
    assert report == ValidationReport(conforms=True, violations=(), text="conforms")
    check(union)  # no exception


def test_validate_dataset_is_validated_as_its_union(sample_dataset: rdflib.Dataset) -> None:
    """Each graph may be fine alone and the union not: a second document naming the US otherwise
    gives it two labels."""
    assert validate(sample_dataset).conforms
    dataset = rdflib.Dataset()
    for quad in sample_dataset.quads((None, None, None, None)):
        dataset.add(quad)
    dataset.graph(URIRef(ID + "doc/other")).add((USA, RDFS.label, Literal("America")))
    report = validate(dataset)
    assert not report.conforms
    assert [(v.focus, v.path) for v in report.violations] == [(str(USA), str(RDFS.label))]


Mutation = Callable[[rdflib.Graph], None]


def _set(subject: URIRef, predicate: URIRef, value: rdflib.term.Node) -> Mutation:
    def mutate(graph: rdflib.Graph) -> None:
        graph.set((subject, predicate, value))

    return mutate


def _remove(subject: URIRef, predicate: URIRef) -> Mutation:
    def mutate(graph: rdflib.Graph) -> None:
        graph.remove((subject, predicate, None))

    return mutate


def _add(*triples: tuple[URIRef, URIRef, rdflib.term.Node]) -> Mutation:
    def mutate(graph: rdflib.Graph) -> None:
        for triple in triples:
            graph.add(triple)

    return mutate


ORG, IO, AGREEMENT = URIRef(ID + "org/x"), URIRef(ID + "org/nato"), URIRef(ID + "agreement/x")
BROKEN: list[tuple[str, Mutation, str, str, str]] = [
    ("missing label", _remove(USA, RDFS.label), str(USA), str(RDFS.label), "exactly one rdfs:label"),
    ("two labels", _add((TOKYO, RDFS.label, Literal("Tōkyō"))), str(TOKYO), str(RDFS.label), "exactly one"),
    ("label not a string", _set(TOKYO, RDFS.label, Literal(3)), str(TOKYO), str(RDFS.label), "a string"),
    ("bad iso code", _set(USA, KGNS.isoCode, Literal("usa")), str(USA), str(KGNS.isoCode), "three capital"),
    ("iso code of two letters", _set(JPN, KGNS.isoCode, Literal("JP")), str(JPN), str(KGNS.isoCode), "ISO"),
    ("missing iso code", _remove(JPN, KGNS.isoCode), str(JPN), str(KGNS.isoCode), "exactly one kg:isoCode"),
    ("evidence missing sentence", _remove(A2, KGNS.sentence), str(A2), str(KGNS.sentence), "kg:sentence"),
    ("evidence missing rule", _remove(A2, KGNS.rule), str(A2), str(KGNS.rule), "kg:rule"),
    ("evidence missing subject", _remove(A2, RDF.subject), str(A2), str(RDF.subject), "rdf:subject"),
    ("evidence missing object", _remove(A2, RDF.object), str(A2), str(RDF.object), "rdf:object"),
    (
        "predicate outside kg",
        _set(A2, RDF.predicate, URIRef("http://example.org/likes")),
        str(A2),
        str(RDF.predicate),
        "property of the kg ontology",
    ),
    (
        "confidence 1.5",
        _set(A2, KGNS.confidence, Literal(Decimal("1.5"))),
        str(A2),
        str(KGNS.confidence),
        "between 0",
    ),
    ("confidence -0.1", _set(A2, KGNS.confidence, Literal(-0.1)), str(A2), str(KGNS.confidence), "between 0"),
    (
        "confidence a string",
        _set(A2, KGNS.confidence, Literal("high")),
        str(A2),
        str(KGNS.confidence),
        "decimal",
    ),
    (
        "cameo code a word",
        _set(A2, KGNS.cameoCode, Literal("sanctions")),
        str(A2),
        str(KGNS.cameoCode),
        "CAMEO",
    ),
    (
        "two cameo codes",
        _add((A2, KGNS.cameoCode, Literal("163")), (A2, KGNS.cameoCode, Literal("1721"))),
        str(A2),
        str(KGNS.cameoCode),
        "at most one kg:cameoCode",
    ),
    (
        "evidence status unknown",
        _set(A2, KGNS.status, Literal("rumoured")),
        str(A2),
        str(KGNS.status),
        "planned",
    ),
    ("negative start", _set(A2, KGNS.charStart, Literal(-1)), str(A2), str(KGNS.charStart), ">= 0"),
    (
        "start after end",
        _set(A2, KGNS.charStart, Literal(500)),
        str(A2),
        str(KGNS.charStart),
        "<= kg:charEnd",
    ),
    ("end a string", _set(A2, KGNS.charEnd, Literal("102")), str(A2), str(KGNS.charEnd), "an integer"),
    (
        "derived from a non-document",
        _set(A2, PROV.wasDerivedFrom, URIRef("https://example.org/page")),
        str(A2),
        str(PROV.wasDerivedFrom),
        "a kg:Document",
    ),
    (
        "document without hash",
        _remove(ALPHA, KGNS.contentHash),
        str(ALPHA),
        str(KGNS.contentHash),
        "contentHash",
    ),
    ("officialOf from a Country", _add((USA, KGNS.officialOf, JPN)), str(USA), "", "must be a kg:Person"),
    ("leaderOf from a City", _add((TOKYO, KGNS.leaderOf, JPN)), str(TOKYO), "", "must be a kg:Person"),
    (
        "memberOf a Country",
        _add((USA, KGNS.memberOf, JPN)),
        str(USA),
        str(KGNS.memberOf),
        "InternationalOrganization",
    ),
    ("partyTo a Country", _add((USA, KGNS.partyTo, JPN)), str(USA), str(KGNS.partyTo), "kg:Agreement"),
    (
        "participatedIn a City",
        _add((USA, KGNS.participatedIn, TOKYO)),
        str(USA),
        str(KGNS.participatedIn),
        "Event",
    ),
    ("hosts an untyped node", _add((JPN, KGNS.hosts, ORG)), str(JPN), str(KGNS.hosts), "kg:Event"),
    ("partOf from a Country", _add((USA, KGNS.partOf, JPN)), str(USA), "", "must be a kg:Organization"),
]


@pytest.mark.parametrize(("case", "mutate", "focus", "path", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_validate_broken_graph(
    union: rdflib.Graph, case: str, mutate: Mutation, focus: str, path: str, message: str
) -> None:
    mutate(union)
    report = validate(union)
    assert not report.conforms
    matching = [v for v in report.violations if v.focus == focus and v.path == path and message in v.message]
    assert matching, report.text
    assert all(v.severity == "Violation" for v in report.violations)
    assert {v.focus for v in report.violations} == {focus}, report.text
    with pytest.raises(ValidationError) as info:
        check(union)
    assert matching[0].line() in str(info.value)
    assert info.value.exit_code == 4


ACCEPTED: list[tuple[str, Mutation]] = [
    ("language-tagged label", _set(TOKYO, RDFS.label, Literal("Tokyo", lang="en"))),
    ("confidence as a double", _set(A2, KGNS.confidence, Literal(0.5))),
    ("confidence 0 and 1", _add((A2, KGNS.confidence, Literal(0.0)))),
    ("participatedIn a Meeting subclass of Event", _add((JPN, KGNS.participatedIn, MEETING))),
    (
        "memberOf an international organization",
        _add(
            (IO, RDF.type, KGNS.InternationalOrganization),
            (IO, RDFS.label, Literal("NATO")),
            (USA, KGNS.memberOf, IO),
        ),
    ),
    (
        "partOf from a government body",
        _add(
            (ORG, RDF.type, KGNS.GovernmentBody),
            (ORG, RDFS.label, Literal("Pentagon")),
            (ORG, KGNS.partOf, USA),
        ),
    ),
    (
        "partyTo an agreement",
        _add(
            (AGREEMENT, RDF.type, KGNS.Agreement),
            (AGREEMENT, RDFS.label, Literal("Pact")),
            (USA, KGNS.partyTo, AGREEMENT),
        ),
    ),
    (
        "evidence with a four-digit cameo code and status planned",
        _add((A2, KGNS.cameoCode, Literal("1721")), (A2, KGNS.status, Literal("planned"))),
    ),
    (
        "a second alias is fine",
        _add((USA, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("USA"))),
    ),
]


@pytest.mark.parametrize(("case", "mutate"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_validate_accepts(union: rdflib.Graph, case: str, mutate: Mutation) -> None:
    if case == "confidence 0 and 1":
        union.set((A2, KGNS.confidence, Literal(Decimal("0"))))
        union.set((URIRef(ID + "evidence/a3"), KGNS.confidence, Literal(Decimal("1"))))
    else:
        mutate(union)
    report = validate(union)
    assert report.conforms, report.text


def test_validate_several_violations_one_line_each(union: rdflib.Graph) -> None:
    _remove(USA, RDFS.label)(union)
    _set(A2, KGNS.confidence, Literal(Decimal("1.5")))(union)
    _add((USA, KGNS.officialOf, JPN))(union)
    report = validate(union)
    assert len(report.violations) == 3
    assert report.text.splitlines() == [v.line() for v in report.violations]
    assert "id:country/USA  rdfs:label: an entity needs exactly one rdfs:label" in report.text
    assert "id:evidence/a2  kg:confidence: " in report.text and '(value "1.5"^^xsd:decimal)' in report.text
    assert (
        "id:country/USA  (node): the subject of kg:officialOf or kg:leaderOf must be a kg:Person"
        in report.text
    )
    with pytest.raises(ValidationError, match=r"violates the SHACL shapes \(3 results\):\n"):
        check(union)


def test_validate_violation_line_format() -> None:
    violation = Violation(
        focus=ID + "country/USA",
        path=str(KGNS.isoCode),
        message="bad code",
        severity="Violation",
        shape="_:b0",
        value='"usa"',
    )
    assert violation.line() == 'id:country/USA  kg:isoCode: bad code (value "usa")'


def test_validate_shape_subgraph_keeps_only_what_shapes_read(union: rdflib.Graph) -> None:
    sub = shape_subgraph(union, shapes_graph())
    predicates = set(sub.predicates())
    assert {
        RDF.type,
        RDFS.label,
        KGNS.isoCode,
        KGNS.sentence,
        KGNS.charEnd,
        PROV.wasDerivedFrom,
    } <= predicates
    assert KGNS.officialOf in predicates and KGNS.alliedWith not in predicates
    assert URIRef("http://www.w3.org/2004/02/skos/core#altLabel") not in predicates
    assert len(sub) < len(union)


def test_validate_larger_graph_conforms() -> None:
    graph = rdflib.Graph()
    doc = URIRef(ID + "doc/big")
    graph.add((doc, RDF.type, KGNS.Document))
    graph.add((doc, KGNS.contentHash, Literal("ab")))
    for i in range(1500):
        person, country, evidence = (
            URIRef(f"{ID}person/p{i}"),
            URIRef(f"{ID}country/C{i}"),
            URIRef(f"{ID}evidence/e{i}"),
        )
        graph.add((person, RDF.type, KGNS.Person))
        graph.add((person, RDFS.label, Literal(f"Person {i}")))
        graph.add((country, RDF.type, KGNS.Country))
        graph.add((country, RDFS.label, Literal(f"Country {i}")))
        graph.add((country, KGNS.isoCode, Literal("ABC")))
        graph.add((person, KGNS.officialOf, country))
        graph.add((evidence, RDF.type, KGNS.Evidence))
        for p, o in (
            (RDF.subject, person),
            (RDF.predicate, KGNS.officialOf),
            (RDF.object, country),
            (KGNS.sentence, Literal(f"Sentence {i}.")),
            (KGNS.charStart, Literal(i * 10, datatype=XSD_INTEGER)),
            (KGNS.charEnd, Literal(i * 10 + 9, datatype=XSD_INTEGER)),
            (KGNS.confidence, Literal(0.9)),
            (KGNS.rule, Literal("title")),
            (PROV.wasDerivedFrom, doc),
        ):
            graph.add((evidence, p, o))
    assert len(graph) > 20_000
    report = validate(graph)
    assert report.conforms, report.text
    graph.remove((URIRef(f"{ID}evidence/e7"), KGNS.sentence, None))
    assert [v.focus for v in validate(graph).violations] == [f"{ID}evidence/e7"]


# ---------------------------------------------------------------------- the SPARQL engine (kg.quality.shacl)


def _pyshacl(graph: rdflib.Graph) -> set[tuple[str, str, str, str]]:
    shapes = shapes_graph()
    report = _validate(shape_subgraph(graph, shapes), shapes)
    return {(v.focus, v.path, v.message, v.value) for v in report.violations}


@pytest.mark.parametrize(
    "mutate",
    [b[1] for b in BROKEN] + [a[1] for a in ACCEPTED],
    ids=[b[0] for b in BROKEN] + [a[0] for a in ACCEPTED],
)
def test_validate_sparql_engine_agrees_with_pyshacl(union: rdflib.Graph, mutate: Mutation) -> None:
    mutate(union)
    report = validate(union)
    assert {(v.focus, v.path, v.message, v.value) for v in report.violations} == _pyshacl(union)


def test_validate_sparql_engine_compiles_every_shape() -> None:
    checks = compile_shapes(shapes_graph(), ontology_graph())
    shapes = {c.shape for c in checks}
    assert {KS + "EntityShape", KS + "EvidenceShape", KS + "OfficialShape", KS + "PartOfShape"} <= shapes
    assert len(checks) >= 30


UNSUPPORTED = [
    ("a sequence path", "sh:property [ sh:path ( kg:memberOf rdfs:label ) ; sh:minCount 1 ]"),
    (
        "a qualified shape",
        "sh:property [ sh:path kg:memberOf ; sh:qualifiedValueShape [ sh:class kg:Country ] ;"
        " sh:qualifiedMinCount 1 ]",
    ),
    ("a closed shape", "sh:closed true"),
    ("sh:or of classes", "sh:property [ sh:path kg:memberOf ; sh:or ( [ sh:class kg:Country ] ) ]"),
]


@pytest.mark.parametrize(("case", "constraint"), UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
def test_validate_unsupported_shapes_fall_back_to_pyshacl(
    union: rdflib.Graph, monkeypatch: pytest.MonkeyPatch, case: str, constraint: str
) -> None:
    extra = f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kg: <{KGNS}> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://example.org/NewShape> a sh:NodeShape ; sh:targetClass kg:Country ; {constraint} .
    """
    shapes = shapes_graph() + rdflib.Graph().parse(data=extra, format="turtle")
    with pytest.raises(Unsupported):
        compile_shapes(shapes, ontology_graph())
    monkeypatch.setattr("kg.quality.validate.shapes_graph", lambda: shapes)
    _remove(USA, RDFS.label)(union)
    report = validate(union)  # pySHACL, which knows the whole of SHACL
    assert any(v.focus == str(USA) and v.path == str(RDFS.label) for v in report.violations)
