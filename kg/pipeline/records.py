"""Extraction records kept in the store: what the pipeline found in each document (entities and
relation claims, not the mentions), as JSON in the internal records graph (`kg.store.names.RECORDS_GRAPH`),
with each document's place in the corpus and the --min-confidence the corpus was resolved with.
`kg.pipeline.incremental` re-resolves the corpus from them on every append and removal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from kg.core.errors import StoreError
from kg.core.types import Document, DocumentExtraction, EntityRecord, Evidence, RelationClaim
from kg.core.vocab import DEFAULT_PREFIXES, ID
from kg.store.base import KGStore
from kg.store.names import RECORDS_GRAPH

_RECORD = ox.NamedNode(f"{ID}internal/extraction")  # <doc> _RECORD "json"
_ORDER = ox.NamedNode(f"{ID}internal/order")  # <doc> _ORDER n: when it was first added
_MIN_CONFIDENCE = ox.NamedNode(f"{ID}internal/minConfidence")  # <RECORDS_GRAPH> _MIN_CONFIDENCE x
_KEY = ox.NamedNode(f"{ID}internal/extractionKey")  # <doc> _KEY "hash": what the records were made of
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Stored:
    """A document's extraction records as the store keeps them, with its position in the corpus."""

    order: int
    extraction: DocumentExtraction
    key: str | None = None  # extraction_key of the document and pipeline the records came from


def read_records(store: KGStore) -> dict[str, Stored]:
    """The stored extraction records, by document IRI."""
    orders = record_orders(store)
    keys = record_keys(store)
    records = {}
    for quad in store.quads_for_pattern(None, _RECORD, None, RECORDS_GRAPH):
        iri = str(quad.subject.value)  # type: ignore[union-attr]
        try:
            extraction = extraction_from_json(quad.object.value)  # type: ignore[union-attr]
        except (KeyError, TypeError, ValueError) as e:
            raise StoreError(f"{store.location}: corrupt extraction records of {iri}: {e}") from e
        records[iri] = Stored(orders.get(iri, 0), extraction, keys.get(iri))
    return records


def record_keys(store: KGStore) -> dict[str, str]:
    """The extraction key of each document whose records carry one, by document IRI."""
    return {
        str(q.subject.value): str(q.object.value)  # type: ignore[union-attr]
        for q in store.quads_for_pattern(None, _KEY, None, RECORDS_GRAPH)
    }


def record_orders(store: KGStore) -> dict[str, int]:
    """Each recorded document's place in the corpus, by document IRI."""
    return {
        str(q.subject.value): int(q.object.value)  # type: ignore[union-attr]
        for q in store.quads_for_pattern(None, _ORDER, None, RECORDS_GRAPH)
    }


def iter_records(store: KGStore, iris: Iterable[str]) -> Iterator[DocumentExtraction]:
    """The records of the documents `iris`, in that order, read one document at a time (a corpus's
    records are never all in memory)."""
    for iri in iris:
        for quad in store.quads_for_pattern(ox.NamedNode(iri), _RECORD, None, RECORDS_GRAPH):
            try:
                yield extraction_from_json(quad.object.value)  # type: ignore[union-attr]
            except (KeyError, TypeError, ValueError) as e:
                raise StoreError(f"{store.location}: corrupt extraction records of {iri}: {e}") from e


def extraction_key(document: Document, pipeline: str) -> str:
    """What a document's records depend on, hashed: its text and metadata, and the pipeline
    (`kg.pipeline.corpus.fingerprint`). Records with the same key need not be extracted again."""
    parts = [
        pipeline,
        document.content_hash,
        document.published.isoformat() if document.published else "",
        *(value or "" for value in (document.url, document.title, document.author, document.language)),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def one_record_quads(iri: str, record: Stored) -> list[ox.Quad]:
    """The quads that keep one document's records (its JSON, order and key)."""
    node = ox.NamedNode(iri)
    quads = [
        ox.Quad(node, _RECORD, ox.Literal(extraction_to_json(record.extraction)), RECORDS_GRAPH),
        ox.Quad(node, _ORDER, ox.Literal(str(record.order), datatype=_XSD_INTEGER), RECORDS_GRAPH),
    ]
    if record.key is not None:
        quads.append(ox.Quad(node, _KEY, ox.Literal(record.key), RECORDS_GRAPH))
    return quads


def json_record_quads(iri: str, record_json: str, order: int, key: str) -> list[ox.Quad]:
    """`one_record_quads` of records already written as JSON (by a worker)."""
    node = ox.NamedNode(iri)
    return [
        ox.Quad(node, _RECORD, ox.Literal(record_json), RECORDS_GRAPH),
        ox.Quad(node, _ORDER, ox.Literal(str(order), datatype=_XSD_INTEGER), RECORDS_GRAPH),
        ox.Quad(node, _KEY, ox.Literal(key), RECORDS_GRAPH),
    ]


def min_confidence_quad(min_confidence: float) -> ox.Quad:
    return ox.Quad(
        RECORDS_GRAPH,
        _MIN_CONFIDENCE,
        ox.Literal(str(Decimal(str(min_confidence))), datatype=_XSD_DECIMAL),
        RECORDS_GRAPH,
    )


def stored_min_confidence(store: KGStore) -> float | None:
    """The --min-confidence the store's corpus was resolved with, if it was recorded."""
    for quad in store.quads_for_pattern(RECORDS_GRAPH, _MIN_CONFIDENCE, None, RECORDS_GRAPH):
        return float(quad.object.value)  # type: ignore[union-attr]
    return None


def content_hashes(store: KGStore) -> dict[str, str]:
    """kg:contentHash of every document node, by document IRI (as stated in its own graph)."""
    result = store.query("SELECT ?doc ?hash WHERE { GRAPH ?doc { ?doc kg:contentHash ?hash } }")
    if not isinstance(result, ox.QuerySolutions):
        raise StoreError(f"{store.location}: a SELECT of the content hashes gave no rows")
    return {str(s["doc"].value): str(s["hash"].value) for s in result}


def extraction_to_json(extraction: DocumentExtraction) -> str:
    """What re-resolution needs of an extraction (not the mentions), as JSON."""
    document = asdict(extraction.document)
    document["published"] = extraction.document.published and extraction.document.published.isoformat()
    data = {
        "version": _FORMAT_VERSION,
        "document": document,
        "entities": [asdict(e) for e in extraction.entities],
        "claims": [asdict(c) for c in extraction.claims],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def extraction_from_json(text: str) -> DocumentExtraction:
    data: dict[str, Any] = json.loads(text)
    if data.get("version") != _FORMAT_VERSION:
        raise ValueError(f"unknown records version {data.get('version')!r}")
    doc = dict(data["document"])
    doc["published"] = date.fromisoformat(doc["published"]) if doc["published"] else None
    entities = tuple(EntityRecord(**{**e, "names": tuple(e["names"])}) for e in data["entities"])
    claims = tuple(
        RelationClaim(c["subject"], c["predicate"], c["object"], Evidence(**c["evidence"]))
        for c in data["claims"]
    )
    return DocumentExtraction(Document(**doc), entities, (), claims)


def record_quads(records: Mapping[str, Stored], min_confidence: float) -> list[ox.Quad]:
    """The quads that keep `records` and the corpus's --min-confidence in the records graph."""
    quads = [min_confidence_quad(min_confidence)]
    for iri, record in records.items():
        quads += one_record_quads(iri, record)
    return quads


_XSD_INTEGER = ox.NamedNode(DEFAULT_PREFIXES["xsd"] + "integer")
_XSD_DECIMAL = ox.NamedNode(DEFAULT_PREFIXES["xsd"] + "decimal")


def stored_record_quads(store: KGStore, iris: Iterable[str]) -> list[ox.Quad]:
    """The records graph's quads about the documents `iris`, and the stored --min-confidence."""
    quads = [q for iri in iris for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, RECORDS_GRAPH)]
    return quads + store.quads_for_pattern(RECORDS_GRAPH, _MIN_CONFIDENCE, None, RECORDS_GRAPH)
