"""RDF files kg reads: their syntax (from the suffix) and a full parse that names the file when it
is missing or bad, or writes into one of the store's internal graphs."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.core.errors import InputError
from kg.store.names import INTERNAL_GRAPHS, GraphName, in_graph

#: RDF syntaxes kg reads, by file suffix.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its suffix; InputError if unknown."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = " ".join(sorted(FORMATS))
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r} (known: {known})") from None


def check_rdf_file(path: Path) -> ox.RdfFormat:
    """The file's RDF format, once it parsed in full and writes into no internal graph; else InputError."""
    return parsed(path, lambda quads: deque(quads, maxlen=0))


def prepare(path: Path, out: Path) -> tuple[Path, ox.RdfFormat, Path | None]:
    """Check a file as `check_rdf_file` does, writing its triples (whatever their graph) to `out`
    as N-Triples on the way; `out` is None in the result if the file has blank nodes."""
    blank = False

    def without_blank(quad: ox.Quad) -> bool:
        nonlocal blank
        blank = blank or isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
        return not blank

    def triples(quads: Iterator[ox.Quad]) -> Iterator[ox.Triple]:
        return (quad.triple for quad in quads if without_blank(quad))

    fmt = parsed(path, lambda quads: ox.serialize(triples(quads), out, format=ox.RdfFormat.N_TRIPLES))
    return path, fmt, None if blank else out


def retarget(quads: Iterable[ox.Quad], target: GraphName) -> Iterator[ox.Quad]:
    """The quads, those of the default graph moved to `target`."""
    return (in_graph(q, target) if isinstance(q.graph_name, ox.DefaultGraph) else q for q in quads)


def parsed(path: Path, consume: Callable[[Iterator[ox.Quad]], object]) -> ox.RdfFormat:
    """Parse a whole file into `consume`; InputError naming the file if it is missing or bad, or if
    it writes into an internal graph."""

    def checked(quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
        for quad in quads:
            if quad.graph_name in INTERNAL_GRAPHS:
                raise InputError(f"{path}: writes into {quad.graph_name}, an internal graph of the kg store")
            yield quad

    fmt = rdf_format(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        consume(checked(ox.parse(path=os.fspath(path), format=fmt)))
    except (SyntaxError, ValueError) as e:
        raise InputError(f"{path}: cannot parse {fmt}: {e}") from e
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e}") from e
    return fmt
