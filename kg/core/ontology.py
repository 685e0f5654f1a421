"""Where the ontology files are: inside the installed package, or beside it in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph

from kg.core.errors import OntologyError

_PACKAGE = Path(__file__).resolve().parent.parent  # the kg package


def ontology_dir() -> Path:
    """The folder holding kg.ttl, shapes.ttl and queries/ (wheel: kg/ontology; checkout: ontology/)."""
    for candidate in (_PACKAGE / "ontology", _PACKAGE.parent / "ontology"):
        if (candidate / "kg.ttl").is_file():
            return candidate
    raise OntologyError(f"ontology not found: no kg.ttl in {_PACKAGE / 'ontology'} or {_PACKAGE.parent}")


def ontology_path() -> Path:
    return ontology_dir() / "kg.ttl"


def shapes_path() -> Path:
    return ontology_dir() / "shapes.ttl"


def queries_dir() -> Path:
    return ontology_dir() / "queries"


@cache
def _load(path: Path) -> Graph:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as e:
        raise OntologyError(f"{path}: cannot parse: {e}") from e
    return graph


def ontology_graph() -> Graph:
    """The OWL ontology as an rdflib graph (parsed once; do not mutate)."""
    return _load(ontology_path())


def shapes_graph() -> Graph:
    """The SHACL shapes as an rdflib graph (parsed once; do not mutate)."""
    return _load(shapes_path())
