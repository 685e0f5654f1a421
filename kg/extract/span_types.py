"""What kind of entity a name the statistical NER found is: trimming, persons' names, head words,
titles, and the names that are no actors at all."""

from __future__ import annotations

import re
from datetime import date

from spacy.tokens import Span

from kg.extract import curated, gazetteer, names, seats
from kg.extract.knowledge import cached
from kg.extract.lexicon import event_nouns, load_data, titles
from kg.extract.offices import official_by_surname, person_by_name

_NAME_PARTICLES = frozenset(
    {"al", "el", "bin", "ibn", "abu", "de", "da", "di", "du", "van", "von", "der", "la", "le"}
)
_TRIM_START = frozenset({"the", "a", "an", "’s", "'s", "-", "—", "“", '"', "‘", "'"})
_TRIM_END = frozenset(
    {
        "’s",
        "'s",
        "’",
        "'",
        ".",
        ",",
        "-",
        "—",
        "”",
        '"',
        ":",
        ";",
        "(",
        ")",
        "of",
        "and",
        "the",
        "in",
        "for",
        "on",
    }
)


def trim(span: Span) -> Span | None:
    """The span without leading articles, trailing possessives and punctuation; None if nothing is left."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].lower_ in _TRIM_START:
        start += 1
    while end > start and (doc[end - 1].text in _TRIM_END or doc[end - 1].is_space):
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label, kb_id=span.kb_id)


def person_span(span: Span) -> Span | None:
    """A person's name without honorifics and ranks ("Gen. Joseph Votel" -> "Joseph Votel")."""
    honorifics = titles().honorifics
    start = span.start
    doc = span.doc
    while start < span.end - 1 and doc[start].lower_ in honorifics:
        start += 1
    name = Span(doc, start, span.end, label="Person")
    # A byline or caption run-on ("Nohara/Bloomberg", names across a line break) is not one person.
    if "\n" in name.text or "/" in name.text or ":" in name.text or any(c.isdigit() for c in name.text):
        return None  # digits: a passcode or a phone number, not a name
    if not any(t.is_alpha and t.text[0].isupper() for t in name):
        return None
    if any(t.is_alpha and t.text[0].islower() and t.lower_ not in _NAME_PARTICLES for t in name):
        return None  # "near", "reserve airmen": not a name
    return name


def person_key(name: str, on: date | None = None) -> tuple[str, str]:
    """(key, canonical label) of a person: a known person's (official or Phoenix) where the name
    matches; for a lone surname, the one known official of that name in office on `on`."""
    entry = person_by_name(name)
    if entry is None and " " not in name.strip():
        key = official_by_surname(name, on)
        entry = gazetteer.by_key(key) if key else None
    if entry is not None:
        return entry.key, entry.label
    label = " ".join(name.split())
    return f"Person:{names.slug(label)}", label


def classify_organization(span: Span) -> tuple[str, str | None]:
    """(class, country alpha-3 or None) of an ORG span the gazetteer does not know."""
    words = [t.lower_ for t in span]
    last = words[-1]
    head = words[words.index("of") - 1] if "of" in words[1:-1] else last  # "Circuit Court of Cook County"
    country = _leading_country(span)
    t = titles()
    if last in t.media_heads:
        return "MediaOrganization", None
    if last in t.international_heads and country is None:
        return "InternationalOrganization", None
    if (
        last in t.government_heads
        or head in t.government_heads
        or "ministry" in words
        or "department" in words
        or words[:2] == ["house", "of"]
    ):
        return "GovernmentBody", country
    return "Organization", None


def _leading_country(span: Span) -> str | None:
    """Alpha-3 of a country named (or demonym) at the start of the span ("US Air Force" -> USA)."""
    for length in range(min(4, len(span)), 0, -1):
        text = span[:length].text
        entry = gazetteer.demonym(text) or gazetteer.lookup(text)
        if entry is not None and entry.cls == "Country":
            return entry.iso3
    return None


def place_not_person(entry: curated.GazetteerEntry) -> bool:
    """Whether a name the NER took for a person is rather this gazetteer entry: a country, region or
    organization, a capital or a city of a million ("Washington said"), not any town ("Bush")."""
    if entry.cls == "Person":
        return False
    if entry.cls != "City":
        return True
    return (entry.population or 0) >= 1_000_000 or entry.label in seats.seats()


def titled_name(span: Span) -> bool:
    """A royal, noble, clerical or military title, then a capitalised name: "Pope Paul VI"."""
    first = span[0]
    return (
        len(span) >= 2
        and first.lower_ in titles().royal_titles
        and first.text[:1].isupper()
        and all(t.text[:1].isupper() for t in span[1:])
        and gazetteer.lookup(span.text) is None
    )


def after_title(span: Span) -> bool:
    """Whether a short name follows a capitalised title word: "President Bush"."""
    if span.start == 0 or len(span) > 3 or (gazetteer.lookup(span.text) is not None and len(span) > 1):
        return False
    before = span.doc[span.start - 1]
    t = titles()
    return before.text[:1].isupper() and (before.lower_ in t.office or before.lower_ in t.leader)


def label_by_head(span: Span, label: str) -> str:
    """The NER label a name's head word calls for: "Soviet Army", "Department of Labor" are bodies
    (ORG), "Tver Oblast", "Guayas Province" regions (LOC), whatever the NER said."""
    if label not in ("PERSON", "GPE", "LOC", "FAC", "ORG", "NORP"):
        return label
    words = [t.lower_ for t in span]
    if words[:2] == ["house", "of"] and len(words) > 2:
        return "ORG"  # "House of Commons", "House of Representatives": a chamber
    head = words[words.index("of") - 1] if "of" in words[1:-1] else words[-1]
    lemma = span[words.index(head)].lemma_.lower() if head in words else head
    if head in titles().government_heads or lemma in titles().government_heads:
        return "ORG"
    if label != "ORG" and (head in region_heads() or lemma in region_heads()):
        return "LOC"
    heads, leads = facility_words()
    if label in ("ORG", "PERSON", "GPE") and len(words) > 1 and (head in heads or words[0] in leads):
        return "FAC"  # "Camp Caves", "Tabqa Dam", "St. Joseph's Cemetery": a place
    return label


@cached
def facility_words() -> tuple[frozenset[str], frozenset[str]]:
    """(head words, leading words) of named buildings and features (data/places.yaml)."""
    data = load_data("places.yaml")
    return frozenset(data["facility_heads"]), frozenset(data["facility_leads"])


@cached
def region_heads() -> frozenset[str]:
    """Last words of administrative regions' names (data/places.yaml)."""
    return frozenset(load_data("places.yaml")["region_heads"])


def is_title_part(span: Span) -> bool:
    """ "Defense" in "US Defense Secretary Lloyd Austin" is part of a title, not an organization."""
    t = titles()
    doc = span.doc
    if span[-1].lower_ in t.government_heads or len(span) > 3:
        return False
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and (after.lower_ in t.office or after.lower_ in t.leader):
        return True
    # "Secretary of State", "Minister of Defence": the ORG is the rest of a title
    return (
        span.start >= 2
        and doc[span.start - 1].lower_ == "of"
        and doc[span.start - 2].lower_ in t.office | t.leader
    )


def name_word(text: str) -> bool:
    return bool(re.match(r"^[A-Z][\w.-]*$", text)) and text.lower() not in ("and", "the", "of")


def looks_like_name(span: Span) -> bool:
    """Reject NER spans that are descriptions or fragments, not names."""
    text = span.text
    if "\n" in text or len(text) < 2 or not any(c.isupper() for c in text):
        return False
    return not all(t.is_stop or t.is_punct for t in span)


def without_overlaps(spans: list[Span]) -> list[Span]:
    """Longest first; a span overlapping a kept one is dropped."""
    kept: list[Span] = []
    used: set[int] = set()
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if used.isdisjoint(range(span.start, span.end)):
            kept.append(span)
            used.update(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start)


@cached
def _not_entities() -> tuple[frozenset[str], frozenset[str]]:
    data = load_data("not_entities.yaml")
    return frozenset(data["acronyms"]), frozenset(data["ship_prefixes"])


def not_an_entity(span: Span) -> bool:
    """Equipment, weapons and doctrine ("UAV", "VBIED"), and ships ("USS Mahan"), are not actors."""
    words, ships = _not_entities()
    return span.text in words or span[0].text in ships


def country_pair(span: Span) -> list[tuple[Span, curated.GazetteerEntry]] | None:
    """ "U.S.-Iraq", "US-Japan": a hyphenated pair (or more) of countries, else None."""
    text = span.text
    if "-" not in text:
        return None
    out = []
    start = span.start
    doc = span.doc
    for i in range(span.start, span.end + 1):
        if i == span.end or doc[i].text == "-":
            if i == start:
                return None
            part = Span(doc, start, i)
            entry = gazetteer.lookup(part.text)
            if entry is None or entry.cls != "Country":
                return None
            out.append((part, entry))
            start = i + 1
    return out if len(out) > 1 else None


_LOCATIVE = frozenset({"in", "near", "outside", "around", "into", "toward", "towards", "across", "inside"})


def locative(span: Span) -> bool:
    root = span.root
    return root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE


def common_word(span: Span) -> bool:
    """A one-word span that is also a word of the lexicons ("Summit", "Command") is no town."""
    if len(span) > 1:
        return False
    word = span[0].lower_
    t = titles()
    return word in event_nouns() or word in t.government_heads or word in t.office or word in t.leader


@cached
def _subdivisions() -> dict[str, curated.GazetteerEntry]:
    """ISO 3166-2 subdivisions (states, provinces, governorates) as Regions, by name."""
    import pycountry

    table: dict[str, curated.GazetteerEntry] = {}
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for sub in pycountry.subdivisions:
        name = sub.name
        if sub.type not in (
            "State",
            "Province",
            "Governorate",
            "Region",
            "Prefecture",
            "Oblast",
            "Territory",
        ):
            continue
        country = alpha3.get(sub.country_code)
        entry = curated.GazetteerEntry(
            key=f"Region:{names.slug(name)}-{(country or '').lower()}",
            cls="Region",
            label=name,
            names=(name,),
            country=country,
        )
        table.setdefault(name, entry)
    return table


def subdivision(name: str) -> curated.GazetteerEntry | None:
    return _subdivisions().get(name)
