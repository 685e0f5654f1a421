"""Long documents in bounded pieces: extraction's cost grows faster than a document's length (on
the examples' text, 0.5 s for 10k characters, 1.1 s for 20k, 3.3 s for 40k; 14.5 s and 635 MB for
100k, over 15 minutes for 950k), and spaCy refuses texts over 1,000,000 characters (E088). So a
document longer than `CHUNK_CHARS` is cut into pieces of at most that many characters, at a
paragraph break where there is one (else a line break, a sentence's end, a space), each piece is
extracted as the same document, and the pieces' records are joined with their offsets moved back
into the whole text. Time and memory then grow linearly with the length.

What a cut loses: a pronoun or surname at the start of a piece cannot be resolved against a name in
an earlier one, and a sentence that a piece cannot end within (a run of over `CHUNK_CHARS / 2`
characters without a sentence's end) is read in two parts. Documents of news length (a few
thousand characters) are never cut. The longest document kg reads is `kg.ingest.readers.MAX_DOCUMENT_CHARS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from kg.core.types import Document, DocumentExtraction, EntityRecord, Mention, RelationClaim

if TYPE_CHECKING:
    from spacy.language import Language

#: The most characters one piece of a document has (see the module docstring).
CHUNK_CHARS = 10_000
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s")


def split_text(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pairs that join up to `text`, each piece at most `size` characters, cut at
    the best boundary in the second half of each window."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > size:
        cut = _boundary(text, start + size // 2, start + size)
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def _boundary(text: str, low: int, high: int) -> int:
    """Where to cut text[low:high]: after its last paragraph break, line break, sentence end or
    space, else at `high`."""
    for mark in ("\n\n", "\n"):
        found = text.rfind(mark, low, high)
        if found >= 0:
            return found + len(mark)
    ends = [match.end() for match in _SENTENCE_END.finditer(text, low, high)]
    if ends:
        return ends[-1]
    found = max(text.rfind(" ", low, high), text.rfind("\t", low, high))
    return found + 1 if found >= 0 else high


def extract_bounded(
    nlp: Language,
    documents: Iterable[Document],
    *,
    on_done: Callable[[Document], None] | None = None,
    size: int = CHUNK_CHARS,
) -> Iterator[DocumentExtraction]:
    """kg.extract.document.extract, one DocumentExtraction per document in order, with documents
    longer than `size` extracted in pieces (see the module docstring)."""
    from kg.extract.document import extract

    docs = list(documents)
    pieces: list[tuple[int, int, Document]] = []  # (which document, offset, piece)
    for index, document in enumerate(docs):
        parts = split_text(document.text, size)
        kept = [(offset, text) for offset, text in parts if text.strip()] or parts[:1]
        pieces += [(index, offset, replace(document, text=text)) for offset, text in kept]
    done: dict[int, list[tuple[int, DocumentExtraction]]] = {}
    remaining = {index: 0 for index in range(len(docs))}
    for index, _, _ in pieces:
        remaining[index] += 1
    extracted = extract(nlp, (piece for _, _, piece in pieces))
    for (index, offset, _), extraction in zip(pieces, extracted, strict=True):
        done.setdefault(index, []).append((offset, extraction))
        remaining[index] -= 1
        if remaining[index] == 0:
            document = docs[index]
            if on_done is not None:
                on_done(document)
            yield join(document, done.pop(index))


def join(document: Document, parts: Sequence[tuple[int, DocumentExtraction]]) -> DocumentExtraction:
    """The extraction of `document` from those of its pieces (each with its offset in the text)."""
    if len(parts) == 1 and parts[0][0] == 0 and parts[0][1].document == document:
        return parts[0][1]
    entities: dict[str, EntityRecord] = {}
    mentions: list[Mention] = []
    claims: list[RelationClaim] = []
    for offset, part in parts:
        for record in part.entities:
            known = entities.get(record.key)
            entities[record.key] = record if known is None else _merged(known, record)
        mentions += [replace(m, start=m.start + offset, end=m.end + offset) for m in part.mentions]
        claims += [
            replace(
                c, evidence=replace(c.evidence, start=c.evidence.start + offset, end=c.evidence.end + offset)
            )
            for c in part.claims
        ]
    return DocumentExtraction(
        document, tuple(sorted(entities.values(), key=lambda r: r.key)), tuple(mentions), tuple(claims)
    )


def _merged(first: EntityRecord, other: EntityRecord) -> EntityRecord:
    """One entity record of two pieces: the first's, with the names of both."""
    return replace(
        first,
        names=tuple(sorted({*first.names, *other.names})),
        iso3=first.iso3 or other.iso3,
        wikidata=first.wikidata or other.wikidata,
        date=first.date or other.date,
        status=first.status or other.status,
    )
