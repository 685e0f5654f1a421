"""Merge per-document extractions into one corpus: one entity per real-world thing, relations
with all their evidence, and each document's own entities and relations."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from kg.types import Corpus, Document, DocumentExtraction, Entity, EntityRecord, Evidence, Relation
from kg.vocab import SYMMETRIC_PROPERTIES


def resolve(extractions: Iterable[DocumentExtraction], *, min_confidence: float = 0.0) -> Corpus:
    """The corpus graph's records; relations below `min_confidence` (after aggregation) are dropped."""
    extractions = list(extractions)
    alias = _surname_aliases(r for x in extractions for r in x.entities)
    records: dict[str, list[EntityRecord]] = defaultdict(list)
    for x in extractions:
        for record in x.entities:
            records[alias.get(record.key, record.key)].append(record)
    entities = {key: _merge(key, recs) for key, recs in records.items()}

    by_doc: dict[str, dict[tuple[str, str, str], list[Evidence]]] = {}
    corpus_evidence: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    for x in extractions:
        doc_rel = by_doc.setdefault(x.document.id, defaultdict(list))
        for claim in x.claims:
            s, o = alias.get(claim.subject, claim.subject), alias.get(claim.object, claim.object)
            if s == o:
                continue
            if claim.predicate in SYMMETRIC_PROPERTIES and o < s:
                s, o = o, s
            triple = (s, claim.predicate, o)
            doc_rel[triple].append(claim.evidence)
            corpus_evidence[triple].append(claim.evidence)

    keep = {t for t, ev in corpus_evidence.items() if aggregate(ev) >= min_confidence}
    relations = tuple(_relation(t, corpus_evidence[t]) for t in sorted(keep))
    doc_relations = {
        doc_id: tuple(_relation(t, ev) for t, ev in sorted(rels.items()) if t in keep)
        for doc_id, rels in by_doc.items()
    }
    doc_entities: dict[str, tuple[str, ...]] = {}
    for x in extractions:
        keys = {alias.get(r.key, r.key) for r in x.entities}
        for rel in doc_relations[x.document.id]:
            keys.update((rel.subject, rel.object))
        doc_entities[x.document.id] = tuple(sorted(k for k in keys if k in entities))
    documents: tuple[Document, ...] = tuple(x.document for x in extractions)
    return Corpus(documents, entities, relations, doc_entities, doc_relations)


def aggregate(evidence: Iterable[Evidence]) -> float:
    """Noisy-or of the evidence confidences: several independent sentences raise it."""
    miss = math.prod(1.0 - min(max(e.confidence, 0.0), 1.0) for e in evidence)
    return round(1.0 - miss, 4)


def _relation(triple: tuple[str, str, str], evidence: list[Evidence]) -> Relation:
    return Relation(triple[0], triple[1], triple[2], tuple(evidence), aggregate(evidence))


def _merge(key: str, records: list[EntityRecord]) -> Entity:
    classes = Counter(r.cls for r in records)
    cls = classes.most_common(1)[0][0]
    label = Counter(r.label for r in records if r.cls == cls).most_common(1)[0][0]
    names = sorted({n for r in records for n in (r.label, *r.names)} - {label})
    first = records[0]
    return Entity(
        key=key,
        cls=cls,
        label=label,
        alt_labels=tuple(names),
        iso3=next((r.iso3 for r in records if r.iso3), None),
        wikidata=next((r.wikidata for r in records if r.wikidata), None),
        date=next((r.date for r in records if r.date), first.date),
        status=next((r.status for r in records if r.status), None),
    )


def _surname_aliases(records: Iterable[EntityRecord]) -> dict[str, str]:
    """A one-word person ("Person:austin") whose word ends exactly one full name in the corpus joins it."""
    people = {r.key: r.label for r in records if r.cls == "Person"}
    parts: dict[str, set[str]] = defaultdict(set)
    for key, label in people.items():
        words = label.split()
        if len(words) > 1:
            parts[words[-1].lower()].add(key)
            parts[words[0].lower()].add(key)
    alias = {}
    for key, label in people.items():
        words = label.split()
        if len(words) == 1 and len(parts.get(words[0].lower(), ())) == 1:
            alias[key] = next(iter(parts[words[0].lower()]))
    return alias
