"""Named conflicts and agreements: wars, battles and campaigns as Event entities, treaties,
conventions and accords as Agreement entities.

`conflict_spans` finds the names ("the First World War", "War of 1812", "Napoleonic Wars",
"Battle of Carpi"; "Chemical Weapons Convention", "Treaty of The Hague") in the tokens
themselves, because the statistical NER splits them ("the Battle of" as a law) and the gazetteer
breaks them on demonyms ("Japanese Malayan Campaign"). Who took part in them is
`kg.extract.conflict_rules`' work.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from kg.extract.knowledge import cached
from kg.extract.lexicon import load_data
from kg.extract.names import slug

CLASS = "Event"


AGREEMENT = "Agreement"


@cached
def _words() -> tuple[frozenset[str], frozenset[str], dict[str, str], frozenset[str], frozenset[str]]:
    data = load_data("conflicts.yaml")
    numbers = {str(k).lower(): str(v) for k, v in data["world_war_numbers"].items()}
    return (
        frozenset(data["heads"]),
        frozenset(data["of_heads"]),
        numbers,
        frozenset(data["agreement_heads"]),
        frozenset(data["agreement_of_heads"]),
    )


def _capital(token: Token) -> bool:
    return token.text[:1].isupper() and (token.is_alpha or "-" in token.text or "–" in token.text)


def conflict_spans(doc: Doc) -> list[tuple[Span, str]]:
    """Each conflict or agreement name in the document with its canonical label ("World War II");
    the span's label is its class (Event or Agreement)."""
    heads, of_heads, numbers, deal_heads, deal_of_heads = _words()
    found: list[tuple[Span, str]] = []
    i = 0
    while i < len(doc):
        span_label = _world_war(doc, i, numbers) or _of_name(doc, i, of_heads) or _headed(doc, i, heads)
        if span_label is None:
            deal = _of_name(doc, i, deal_of_heads) or _headed(doc, i, deal_heads)
            span_label = (Span(doc, deal[0].start, deal[0].end, label=AGREEMENT), deal[1]) if deal else None
        if span_label is None:
            i += 1
            continue
        found.append(span_label)
        i = span_label[0].end
    return found


def _world_war(doc: Doc, i: int, numbers: dict[str, str]) -> tuple[Span, str] | None:
    """ "World War II", "World War Two", "the Second World War"."""
    words = [t.text for t in doc[i : i + 3]]
    if len(words) == 3 and words[:2] == ["World", "War"] and doc[i + 2].lower_.rstrip(".") in numbers:
        return Span(doc, i, i + 3, label=CLASS), f"World War {numbers[doc[i + 2].lower_.rstrip('.')]}"
    if len(words) == 3 and words[1:] == ["World", "War"] and words[0] in ("First", "Second"):
        return Span(doc, i, i + 3, label=CLASS), f"World War {numbers[words[0].lower()]}"
    return None


def _of_name(doc: Doc, i: int, of_heads: frozenset[str]) -> tuple[Span, str] | None:
    """ "Battle of Carpi", "War of 1812", "War of the Spanish Succession"."""
    token = doc[i]
    if token.lower_ not in of_heads or not token.text[0].isupper() or i + 2 >= len(doc):
        return None
    if doc[i + 1].lower_ != "of":
        return None
    end = i + 2
    if doc[end].lower_ == "the" and end + 1 < len(doc) and _capital(doc[end + 1]):
        end += 1
    start_name = end
    while end < len(doc) and (_capital(doc[end]) or (doc[end].like_num and end == start_name)):
        end += 1
    if end == start_name:
        return None
    span = Span(doc, i, end, label=CLASS)
    return span, span.text


def _headed(doc: Doc, i: int, heads: frozenset[str]) -> tuple[Span, str] | None:
    """ "Napoleonic Wars", "Japanese Malayan Campaign": capitalised words ending in a head word."""
    token = doc[i]
    if not _capital(token) or token.lower_ in heads or (token.is_sent_start and token.is_stop):
        return None
    end = i
    while end < len(doc) and _capital(doc[end]) and doc[end].lower_ not in heads:
        end += 1
    if end >= len(doc) or end == i or doc[end].lower_ not in heads or not doc[end].text[0].isupper():
        return None
    if end + 1 < len(doc) and _capital(doc[end + 1]):
        return None  # "International Crisis Group": the name goes on, and is no conflict
    span = Span(doc, i, end + 1, label=CLASS)
    return span, span.text


def conflict_key(label: str, cls: str = CLASS) -> str:
    return f"{cls}:{slug(label)}"
