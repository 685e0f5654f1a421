"""Run the pipeline over Documents and turn what it leaves on each Doc into plain records."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.core.errors import ExtractionError
from kg.core.types import Document, DocumentExtraction, EntityRecord, Evidence, Mention, RelationClaim
from kg.extract import dates
from kg.extract.claims import Claim, EventNode
from kg.extract.confidence import calibrated
from kg.extract.doc_entities import SPAN_KEY, entities_of
from kg.extract.knowledge import using

log = logging.getLogger(__name__)


def extract(
    nlp: Language,
    documents: Iterable[Document],
    *,
    on_done: Callable[[Document], None] | None = None,
    batch_size: int = 16,
) -> Iterator[DocumentExtraction]:
    """One DocumentExtraction per document, in order (spaCy batches the work)."""
    docs = list(documents)
    texts = ((nlp.make_doc(d.text), d) for d in docs)

    def dated() -> Iterator[tuple[Doc, Document]]:
        for doc, document in texts:
            doc._.kg_published = document.published  # relative dates and offices resolve against it
            yield doc, document

    for doc, document in nlp.pipe(dated(), as_tuples=True, batch_size=batch_size):
        try:
            result = to_records(doc, document)
        except (KeyError, ValueError, IndexError) as e:
            raise ExtractionError(f"{document.source or document.id}: extraction failed: {e}") from e
        if on_done is not None:
            on_done(document)
        yield result


def to_records(doc: Doc, document: Document) -> DocumentExtraction:
    """The mentions, entities, events and claims the kg components left on `doc`."""
    with using(doc._.kg_knowledge):  # the rule confidences of the pipeline's own data
        return _records(doc, document)


def _records(doc: Doc, document: Document) -> DocumentExtraction:
    events: list[EventNode] = doc._.kg_events or []
    claims: list[Claim] = doc._.kg_claims or []
    renamed = {e.key: _event_key(e, claims, document) for e in events}
    used = {c.subject for c in claims} | {c.object for c in claims}
    mentions = tuple(
        Mention(document.id, s.kb_id_, s.text, s.start_char, s.end_char, s.label_)
        for s in doc.spans[SPAN_KEY]
    )
    mentioned = {m.key for m in mentions}
    records = [
        EntityRecord(
            key=i.key,
            cls=i.cls,
            label=i.label,
            names=tuple(sorted(i.names)),
            iso3=i.iso3,
            wikidata=i.wikidata,
        )
        for i in entities_of(doc).values()
        if i.key in mentioned or i.key in used
    ]
    for event in events:
        if event.key not in used and not event.named:
            continue
        when = _event_date(event, doc, document)
        records.append(
            EntityRecord(
                key=renamed[event.key],
                cls=event.cls,
                label=_event_label(event, doc, when),
                names=(),
                date=when,
                status=event.status,
            )
        )
    out_claims = []
    seen: set[tuple[str, str, str, int]] = set()
    for c in claims:
        s, o = renamed.get(c.subject, c.subject), renamed.get(c.object, c.object)
        ident = (s, c.predicate, o, c.sentence.start_char)
        if ident in seen:
            continue
        seen.add(ident)
        evidence = Evidence(
            doc_id=document.id,
            sentence=c.sentence.text.strip(),
            start=c.sentence.start_char,
            end=c.sentence.end_char,
            rule=c.rule,
            confidence=calibrated(c.rule, c.confidence),
            family=c.family,
            role=c.role,
            date=_sentence_date(c.sentence, document),
            cameo=c.cameo,
            status=c.status if c.status in ("planned", "reported") else None,
        )
        out_claims.append(RelationClaim(s, c.predicate, o, evidence))
    return DocumentExtraction(
        document, tuple(sorted(records, key=lambda r: r.key)), mentions, tuple(out_claims)
    )


def _event_key(event: EventNode, claims: list[Claim], document: Document) -> str:
    """Named events by name; others by type, date, location and sorted participants (plus the document
    when those say too little to tell two events apart)."""
    if event.named:
        return f"{event.cls}:{_slug(event.label)}"
    participants = sorted({c.subject for c in claims if c.object == event.key})
    parts = [
        event.cls,
        document.published.isoformat() if document.published else "",
        event.location or "",
        *participants,
    ]
    if len(participants) < 2 or not document.published:
        parts.append(document.id)
    digest = hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]
    return f"{event.cls}:{digest}"


def _slug(text: str) -> str:
    from kg.extract.names import slug

    return slug(text)


def _event_date(event: EventNode, doc: Doc, document: Document) -> str | None:
    sents = list(doc.sents)
    for index in event.sentences:
        found = _sentence_date(sents[index], document, future=event.status == "planned")
        if found:
            return found
    return None


def _sentence_date(sent: Span, document: Document, *, future: bool = False) -> str | None:
    """The date of what a sentence reports: of every date expression in it that resolves, the one
    nearest its main verb in the parse ("On Tuesday, X met Y to discuss the treaty signed in May":
    Tuesday), the first of those equally near."""
    found: list[tuple[int, int, str]] = []
    for ent in sent.ents:
        if ent.label_ == "DATE":
            when = dates.resolve(ent.text, document.published, future=future)
            if when:
                found.append((_depth(ent.root, sent), ent.start, when))
    return min(found)[2] if found else None


def _depth(token: Token, sent: Span) -> int:
    """Hops from `token` up to the root of its sentence."""
    hops = 0
    while token.head.i != token.i and sent.start <= token.head.i < sent.end and hops < len(sent):
        token, hops = token.head, hops + 1
    return hops


def _event_label(event: EventNode, doc: Doc, when: str | None) -> str:
    if event.named:
        return event.label
    where = entities_of(doc).get(event.location or "")
    label = {
        "Meeting": "Meeting",
        "MilitaryExercise": "Military exercise",
        "Agreement": "Agreement",
        "Election": "Election",
    }.get(event.cls, event.cls)
    if where is not None:
        label += f" in {where.label}"
    if when:
        label += f", {when}"
    return label
