"""State bodies and organizations named with their country: "South Korean Defense Ministry", "the
Israeli army", "the Government of Iraq", "Norwegian Military Academy"."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.extract import gazetteer
from kg.extract.doc_entities import OUR_LABELS, entities_of, register
from kg.extract.lexicon import titles
from kg.extract.names import slug
from kg.extract.span_types import classify_organization, name_word


def government_bodies(doc: Doc, mentions: list[Span], demonyms: list[Span]) -> list[Span]:
    """ "South Korean Defense Ministry", "US Air Force": a country word, capitalised words, a head."""
    heads = titles().government_heads
    # NER's own ORG spans may be swallowed ("South Korean" + "Defense Ministry"); gazetteer spans may not
    taken = {
        i
        for m in mentions
        if m.label_ in OUR_LABELS - {"Organization", "GovernmentBody"}
        or (m.kb_id_ and gazetteer.by_key(m.kb_id_))
        for i in range(m.start, m.end)
    }
    found: list[Span] = []
    anchors = [m for m in mentions if m.label_ == "Country"] + demonyms
    for anchor in anchors:
        i = anchor.end
        if i < len(doc) and doc[i].lower_ in ("'s", "’s"):
            i += 1
        end = i
        while end < len(doc) and end - i < 5 and end not in taken and name_word(doc[end].text):
            end += 1
            if doc[end - 1].lower_ in heads and (end >= len(doc) or not name_word(doc[end].text)):
                break
        lowercase = False
        if end == i or doc[end - 1].lower_ not in heads:
            common = common_body_end(doc, i, taken)  # "the Israeli army", "Somalia's parliament"
            if common is None:
                continue
            end, lowercase = common, True
        if end + 1 < len(doc) and doc[end].lower_ == "of" and name_word(doc[end + 1].text):
            end += 1  # "Ministry of Defense", "Department of State"
            while end < len(doc) and end not in taken and name_word(doc[end].text):
                end += 1
        country = gazetteer.by_key(anchor.kb_id_)
        if country is None:
            continue
        start = anchor.start if lowercase else name_start(doc, anchor.start, taken)
        lead = doc[start : anchor.start].text  # "Imperial" of "Imperial Japanese Army"
        rest = " ".join(w for w in (lead, doc[i:end].text) if w)
        surface = doc[start:end].text
        label = f"{anchor.text} {rest}" if anchor in demonyms else f"{country.label} {rest}"
        if lowercase or lead:
            label = " ".join(surface.split())
        key = f"GovernmentBody:{(country.iso3 or '').lower()}-{slug(rest)}"
        register(doc, key, "GovernmentBody", label, surface, country=country.iso3, part_of=country.iso3)
        entities_of(doc)[key].names.add(doc[i:end].text if lead else rest)
        found.append(Span(doc, start, end, label="GovernmentBody", kb_id=key))
    found.extend(bodies_of_countries(doc, mentions))
    found.extend(organizations_of_countries(doc, mentions, demonyms, taken, found))
    return found


def organizations_of_countries(
    doc: Doc, mentions: list[Span], demonyms: list[Span], taken: set[int], bodies: list[Span]
) -> list[Span]:
    """ "Norwegian Military Academy", "Royal Swedish Opera", "French Foreign Legion": a name that a
    country word sits in and an organization's head word ends, which the gazetteer's country
    word would otherwise cut in two."""
    heads = titles().organization_heads
    covered = {i for b in bodies for i in range(b.start, b.end)}
    found: list[Span] = []
    for anchor in [m for m in mentions if m.label_ == "Country"] + demonyms:
        end = anchor.end
        while end < len(doc) and end - anchor.end < 4 and end not in taken and name_word(doc[end].text):
            end += 1
        if end == anchor.end or doc[end - 1].lower_ not in heads or covered & set(range(anchor.start, end)):
            continue
        start = name_start(doc, anchor.start, taken)
        span = Span(doc, start, end)
        cls, _ = classify_organization(span)
        key = f"{cls}:{slug(span.text)}"
        register(doc, key, cls, " ".join(span.text.split()), span.text)
        found.append(Span(doc, start, end, label=cls, kb_id=key))
    return found


def bodies_of_countries(doc: Doc, mentions: list[Span]) -> list[Span]:
    """ "the Government of Iraq", "the Ministry of Defence of Ukraine": a head, "of", a country."""
    heads = titles().government_heads
    found = []
    for anchor in (m for m in mentions if m.label_ == "Country"):
        of = anchor.start - 1
        if of >= 1 and doc[of].lower_ == "the":
            of -= 1  # "the Parliament of the United Kingdom"
        if of < 1 or doc[of].lower_ != "of" or doc[of - 1].lower_ not in heads:
            continue
        start = of - 1
        while start > 0 and name_word(doc[start - 1].text) and start > of - 5:
            start -= 1
        if not doc[start].text[:1].isupper():
            continue
        country = gazetteer.by_key(anchor.kb_id_)
        if country is None or country.iso3 is None:
            continue
        name = doc[start:of].text
        key = f"GovernmentBody:{country.iso3.lower()}-{slug(name)}"
        label = f"{name} of {country.label}"
        register(doc, key, "GovernmentBody", label, doc[start : anchor.end].text, country=country.iso3)
        entities_of(doc)[key].part_of = country.iso3
        found.append(Span(doc, start, anchor.end, label="GovernmentBody", kb_id=key))
    return found


def name_start(doc: Doc, start: int, taken: set[int]) -> int:
    """The start of a name that runs on to the left of a country word: up to two capitalised words
    ("Imperial Japanese Army", "Royal Swedish Opera"), not a sentence's first function word."""
    for _ in range(2):
        before = start - 1
        if before < 0 or before in taken:
            break
        token = doc[before]
        if not (token.is_alpha and token.text[:1].isupper()) or token.is_stop:
            break
        start = before
    return start


def common_body_end(doc: Doc, i: int, taken: set[int]) -> int | None:
    """The end of a body named in lower case after its country: "army", "foreign ministry"."""
    heads = titles().common_body_heads
    for length in (1, 2):
        end = i + length
        words = doc[i:end]
        if end > len(doc) or any(t.i in taken or not t.is_alpha or not t.is_lower for t in words):
            return None
        if words[-1].lower_ in heads and not (end < len(doc) and doc[end].pos_ in ("NOUN", "PROPN")):
            return end  # not "army officers": there the body only modifies a noun
        if words[-1].pos_ not in ("ADJ", "NOUN"):
            return None
    return None
