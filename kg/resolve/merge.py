"""Merge per-document extractions into one corpus: one entity per real-world thing, relations
with all their evidence, and each document's own entities and relations."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator

from kg.core.types import Corpus, Document, DocumentExtraction, Entity, EntityRecord, Evidence, Relation
from kg.core.vocab import SYMMETRIC_PROPERTIES


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
        for triple, evidence in _triples(x, alias):
            doc_rel[triple].append(evidence)
            corpus_evidence[triple].append(evidence)

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


def _triples(x: DocumentExtraction, alias: dict[str, str]) -> Iterator[tuple[tuple[str, str, str], Evidence]]:
    """Each claim of `x` as the corpus states it: its entities under their merged keys, a symmetric
    relation's in key order, and a claim of an entity about itself left out."""
    for claim in x.claims:
        s, o = alias.get(claim.subject, claim.subject), alias.get(claim.object, claim.object)
        if s == o:
            continue
        if claim.predicate in SYMMETRIC_PROPERTIES and o < s:
            s, o = o, s
        yield (s, claim.predicate, o), claim.evidence


def aggregate(evidence: Iterable[Evidence]) -> float:
    """Noisy-or of the evidence confidences: several independent sentences raise it."""
    return round(1.0 - math.prod(_doubt(e) for e in evidence), 4)


def _doubt(evidence: Evidence) -> float:
    """The chance that one piece of evidence is wrong (its confidence kept within 0 and 1)."""
    return 1.0 - min(max(evidence.confidence, 0.0), 1.0)


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


# ---------------------------------------------------------------------- streaming


class _Summary:
    """What `_merge` reads of one entity key's records, kept as counts and first occurrences (by
    the records' running number) instead of the records."""

    __slots__ = ("classes", "first", "labels", "names")

    def __init__(self) -> None:
        self.classes: dict[str, list[int]] = {}  # cls -> [count, first seen]
        self.labels: dict[str, dict[str, list[int]]] = {}  # cls -> label -> [count, first seen]
        self.names: set[str] = set()
        self.first: dict[str, tuple[int, str | None]] = {}  # field -> (seen, first value set)

    def add(self, record: EntityRecord, seen: int) -> None:
        _count(self.classes, record.cls, seen)
        _count(self.labels.setdefault(record.cls, {}), record.label, seen)
        self.names.update((record.label, *record.names))
        for name in ("iso3", "wikidata", "date", "status"):
            value = getattr(record, name)
            if value and name not in self.first:
                self.first[name] = (seen, value)

    def merge(self, other: _Summary) -> None:
        for cls, (n, seen) in other.classes.items():
            _count(self.classes, cls, seen, n)
        for cls, labels in other.labels.items():
            for label, (n, seen) in labels.items():
                _count(self.labels.setdefault(cls, {}), label, seen, n)
        self.names |= other.names
        for name, (seen, value) in other.first.items():
            if name not in self.first or seen < self.first[name][0]:
                self.first[name] = (seen, value)

    def entity(self, key: str) -> Entity:
        cls = _most_common(self.classes)
        label = _most_common(self.labels[cls])
        value = {name: found[1] for name, found in self.first.items()}
        return Entity(
            key=key,
            cls=cls,
            label=label,
            alt_labels=tuple(sorted(self.names - {label})),
            iso3=value.get("iso3"),
            wikidata=value.get("wikidata"),
            date=value.get("date"),
            status=value.get("status"),
        )


def _count(counts: dict[str, list[int]], value: str, seen: int, n: int = 1) -> None:
    found = counts.get(value)
    if found is None:
        counts[value] = [n, seen]
    else:
        found[0] += n
        found[1] = min(found[1], seen)


def _most_common(counts: dict[str, list[int]]) -> str:
    """Counter.most_common(1) of the values counted: the most frequent, the first seen of a tie."""
    return min(counts.items(), key=lambda item: (-item[1][0], item[1][1]))[0]


def resolve_stream(
    read: Callable[[], Iterable[DocumentExtraction]], *, min_confidence: float = 0.0
) -> Iterator[Corpus]:
    """`resolve` for a corpus too large to hold: `read()` gives the extractions in corpus order, and is
    called two or three times (entities; relations' confidence if `min_confidence` > 0; then each
    document). Yields each document's part of the corpus `resolve` gives: a Corpus of that one
    document, its entities (merged over the whole corpus) and relations. Memory grows with the
    distinct entities and relations, not with the documents."""
    summaries: dict[str, _Summary] = {}
    people: dict[str, str] = {}
    seen = 0
    for x in read():
        for record in x.entities:
            summaries.setdefault(record.key, _Summary()).add(record, seen)
            if record.cls == "Person":
                people[record.key] = record.label
            seen += 1
    alias = _aliases(people)
    merged: dict[str, _Summary] = {}
    for key, summary in summaries.items():
        target = alias.get(key, key)
        if target in merged:
            merged[target].merge(summary)
        else:
            merged[target] = copy = _Summary()
            copy.merge(summary)
    entities = {key: summary.entity(key) for key, summary in merged.items()}
    del summaries, merged

    miss: dict[tuple[str, str, str], float] = {}
    if min_confidence > 0:
        for x in read():
            for triple, evidence in _triples(x, alias):
                miss[triple] = miss.get(triple, 1.0) * _doubt(evidence)

    def kept(triple: tuple[str, str, str]) -> bool:
        return min_confidence <= 0 or round(1.0 - miss[triple], 4) >= min_confidence

    for x in read():
        rels: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
        for triple, evidence in _triples(x, alias):
            rels[triple].append(evidence)
        doc_relations = tuple(_relation(t, ev) for t, ev in sorted(rels.items()) if kept(t))
        keys = {alias.get(r.key, r.key) for r in x.entities}
        for rel in doc_relations:
            keys.update((rel.subject, rel.object))
        own = tuple(sorted(k for k in keys if k in entities))
        yield Corpus(
            (x.document,),
            {k: entities[k] for k in own},
            doc_relations,
            {x.document.id: own},
            {x.document.id: doc_relations},
        )


def _aliases(people: dict[str, str]) -> dict[str, str]:
    """`_surname_aliases` of the people's labels (key -> the label of its last record)."""
    return _surname_aliases(EntityRecord(key, "Person", label) for key, label in people.items())
