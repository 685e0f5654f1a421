"""Headlines in title case: the statistical NER reads "Chirac Sees Opportunity" as one person.

A headline is a short line of a document, ended by a blank line and by no full stop, most of
whose words are capitalised. Inside one, a name the NER found counts only as far as the body confirms it: the
longest start of it that the body also writes ("Chirac" of "Chirac Sees Opportunity").
Gazetteer names need no confirmation: the ruler matched them exactly.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

MAX_WORDS = 20
#: Small words a title-case headline leaves in lower case.
_MINOR = frozenset(
    {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "by", "with", "as"}
)


def headline_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges (start, end) of the title-case lines of `doc`."""
    ranges = []
    start = 0
    for i, token in enumerate(doc):
        if "\n" in token.text or i == len(doc) - 1:
            end = i if "\n" in token.text else i + 1
            if _title_case(doc[start:end]) and _line_ends_paragraph(doc, i):
                ranges.append((start, end))
            start = i + 1
    return ranges


def _line_ends_paragraph(doc: Doc, i: int) -> bool:
    return i == len(doc) - 1 or doc[i].text.count("\n") >= 2 or doc[i].text.endswith("\n\n")


def _title_case(line: Span) -> bool:
    text = line.text.strip()
    if not text or text[-1] in ".;:":
        return False  # a headline has no full stop: "Booker was assigned to 2nd Battalion." is a sentence
    words = [t for t in line if t.is_alpha]
    if not 2 <= len(words) <= MAX_WORDS:
        return False
    content = [t for t in words if t.lower_ not in _MINOR]
    capitalised = sum(1 for t in content if t.text[0].isupper())
    return len(content) >= 2 and capitalised >= 0.7 * len(content)


def confirmed(span: Span, body: str) -> Span | None:
    """The longest start of a headline name that the body writes too, or None."""
    for end in range(span.end, span.start, -1):
        part = span.doc[span.start : end]
        if part[-1].is_alpha and re.search(rf"(?<!\w){re.escape(part.text)}(?!\w)", body):
            return Span(span.doc, part.start, part.end, label=span.label, kb_id=span.kb_id)
    return None


def body_text(doc: Doc, ranges: list[tuple[int, int]]) -> str:
    """The document's text outside its headlines."""
    if not ranges:
        return doc.text
    pieces = []
    at = 0
    for start, end in ranges:
        pieces.append(doc[at:start].text if start > at else "")
        at = end
    pieces.append(doc[at:].text if at < len(doc) else "")
    return "\n".join(pieces)
