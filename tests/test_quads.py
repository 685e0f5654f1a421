"""Mapped RDF into Oxigraph's quads (kg.store.quads): the quads the rdflib Dataset holds, each once."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
from test_incremental import doc, fake_extraction

from kg.core.types import EntityRecord
from kg.resolve.mapping import to_dataset
from kg.resolve.merge import resolve
from kg.store.quads import dataset_quads, to_quads


def test_quads_to_quads_are_the_mapped_dataset() -> None:
    """Mapping straight into Oxigraph's terms gives the quads of the rdflib Dataset, each once."""
    event = EntityRecord("Meeting:tokyo-talks", "Meeting", "Tokyo talks", ("Tokyo talks",), date="2024-07")
    extractions = [fake_extraction(doc(d)) for d in "abc"]
    extractions[0] = replace(extractions[0], entities=(*extractions[0].entities, event))
    corpus = resolve(extractions, min_confidence=0.0)
    data = to_dataset(corpus).serialize(format="nquads", encoding="utf-8")
    expected = set(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    got = to_quads(corpus)
    assert len(got) == len(expected)
    assert set(got) == expected
    gyear_month = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")
    assert any(isinstance(q.object, ox.Literal) and q.object.datatype == gyear_month for q in got)


def test_quads_dataset_quads_are_its_nquads() -> None:
    corpus = resolve([fake_extraction(doc(d)) for d in "abc"], min_confidence=0.0)
    dataset = to_dataset(corpus)
    expected = set(
        ox.parse(dataset.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    )
    got = dataset_quads(dataset)
    assert len(got) == len(expected) and set(got) == expected
