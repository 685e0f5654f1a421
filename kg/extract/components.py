"""spaCy components that turn NER and gazetteer spans into typed, keyed entity mentions.

Results live on the Doc: `doc.spans["kg"]` holds one span per entity mention (label = core
class, kb_id = entity key), `doc.spans["kg_demonyms"]` the nationality words ("South Korean"),
and `doc._.kg_entities` the entities those keys name (class, label, names, identifiers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract import cities, conflicts, curated, gazetteer, headlines, names, seats
from kg.extract.lexicon import event_nouns, load_data, titles
from kg.extract.offices import official_by_surname, person_by_name

SPAN_KEY = "kg"
DEMONYM_KEY = "kg_demonyms"
OUR_LABELS = frozenset(
    {
        "Country",
        "City",
        "Region",
        "Place",
        "InternationalOrganization",
        "Organization",
        "GovernmentBody",
        "MediaOrganization",
        "Person",
    }
)
_CREDIT_LINE = re.compile(
    r"^(?:[-—–(]+\s*)?(?:with (?:additional )?(?:assistance|reporting) (?:from|by)|"
    r"(?:additional )?reporting by|editing by|written by|writing by|photographer:|photo(?:graph)?:|"
    r"photo by|image:|compiled by|contact the)",
    re.I,
)
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


@dataclass
class EntityInfo:
    """What a document knows of one entity (mutable while the document is processed)."""

    key: str
    cls: str
    label: str
    names: set[str] = field(default_factory=set)
    iso3: str | None = None
    wikidata: str | None = None
    country: str | None = None  # alpha-3 of the country it belongs to (cities, bodies)
    part_of: str | None = None  # alpha-3 of the country the text itself names in the body's name


for _name, _default in (
    ("kg_entities", None),
    ("kg_claims", None),
    ("kg_events", None),
    ("kg_published", None),
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def entities_of(doc: Doc) -> dict[str, EntityInfo]:
    if doc._.kg_entities is None:
        doc._.kg_entities = {}
    entities: dict[str, EntityInfo] = doc._.kg_entities
    return entities


def register(
    doc: Doc, key: str, cls: str, label: str, name: str | None = None, **ids: str | None
) -> EntityInfo:
    """Record an entity for this document (first class and label win), adding `name` as an alias."""
    info = entities_of(doc).get(key)
    if info is None:
        info = EntityInfo(key=key, cls=cls, label=label)
        entities_of(doc)[key] = info
    info.names.add(label)
    if name:
        info.names.add(name)
    for attr, value in ids.items():
        if value and getattr(info, attr) is None:
            setattr(info, attr, value)
    return info


def register_entry(doc: Doc, entry: curated.GazetteerEntry, name: str | None = None) -> EntityInfo:
    return register(
        doc,
        entry.key,
        entry.cls,
        entry.label,
        name,
        iso3=entry.iso3,
        wikidata=entry.wikidata,
        country=entry.country,
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


def slug(text: str) -> str:
    return names.slug(text)


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
    return f"Person:{slug(label)}", label


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


@Language.component("kg_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A blank line ends a sentence (headlines, captions, datelines); runs before the parser."""
    for token in doc[:-1]:
        if (token.is_space and token.text.count("\n") >= 2) or token.text.endswith("\n\n"):
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.factory("kg_entities")
def make_entities(nlp: Language, name: str) -> KGEntities:
    return KGEntities()


class KGEntities:
    """Types and keys every entity span: gazetteer spans as they are, NER spans classified."""

    def __call__(self, doc: Doc) -> Doc:
        mentions: list[Span] = []
        demonyms: list[Span] = []
        credits = [s for s in doc.sents if _CREDIT_LINE.match(s.text.strip())]
        heads = headlines.headline_ranges(doc)
        body = headlines.body_text(doc, heads) if heads else doc.text
        for ent in doc.ents:
            if any(c.start <= ent.start < c.end for c in credits):
                continue  # bylines, photo credits and "with assistance from" lines name no actors
            span = trim(ent)
            if span is not None and not ent.ent_id_ and any(a <= span.start < b for a, b in heads):
                span = headlines.confirmed(span, body)  # "Chirac Sees Opportunity" -> "Chirac"
            if span is None:
                continue
            label = ent.label_
            if label == "Demonym" or label == "NORP":
                entry = gazetteer.demonym(span.text)
                if entry is not None:
                    demonyms.append(Span(doc, span.start, span.end, label="Country", kb_id=entry.key))
                continue
            if _not_an_entity(span):
                continue
            parts = _country_pair(span) if label in ("GPE", "NORP", "ORG", "LOC") else None
            if parts:  # "U.S.-Iraq partnership": two countries
                for part, entry in parts:
                    register_entry(doc, entry, part.text)
                    mentions.append(Span(doc, part.start, part.end, label="Country", kb_id=entry.key))
                continue
            if label in ("PERSON", "ORG") and not ent.ent_id_ and _locative(span):
                label = "GPE"  # "near Ayn Isa", "in Marea": a place the NER took for a name
            if not ent.ent_id_:
                label = _label_by_head(span, label)
                if label in ("GPE", "LOC", "ORG") and _after_title(span):
                    label = "PERSON"  # "President Bush", "Secretary Rumsfeld": a title names a person
                if label in ("GPE", "LOC", "ORG", "FAC", "WORK_OF_ART") and _titled_name(span):
                    label = "PERSON"  # "King Louis XIV", "Marshal Villeroi" the NER took for a place
            mention = self._mention(doc, span, label, ent.ent_id_)
            if mention is not None:
                mentions.append(mention)
        mentions = self._surnames_in_context(doc, mentions, demonyms)
        mentions.extend(self._government_bodies(doc, mentions, demonyms))
        for span, label in conflicts.conflict_spans(doc):  # wars, battles, treaties the NER splits
            key = conflicts.conflict_key(label, span.label_)
            register(doc, key, span.label_, label, span.text)
            mentions.insert(0, Span(doc, span.start, span.end, label=span.label_, kb_id=key))  # wins ties
        doc.spans[SPAN_KEY] = _without_overlaps(mentions)
        doc.spans[DEMONYM_KEY] = [
            d for d in demonyms if not any(m.start <= d.start < m.end for m in doc.spans[SPAN_KEY])
        ]
        return doc

    def _mention(self, doc: Doc, span: Span, label: str, ent_id: str) -> Span | None:
        if label in OUR_LABELS and ent_id:
            entry = gazetteer.by_key(ent_id)
            if entry is not None:
                register_entry(doc, entry, span.text)
                return Span(doc, span.start, span.end, label=entry.cls, kb_id=entry.key)
            if label == "Person":
                key, canonical = person_key(span.text)
                register(doc, key, "Person", canonical, span.text)
                return Span(doc, span.start, span.end, label="Person", kb_id=key)
            return None
        if label == "PERSON":
            name = person_span(span)
            if name is None:
                return None
            entry = gazetteer.lookup(name.text)
            if entry is not None and _place_not_person(entry) and not _after_title(name):
                return self._mention(doc, name, "GPE", "")  # "Washington said", NER's mistake
            key, canonical = person_key(name.text, doc._.kg_published)
            register(doc, key, "Person", canonical, name.text)
            return Span(doc, name.start, name.end, label="Person", kb_id=key)
        if label in ("GPE", "LOC", "FAC", "ORG", "NORP"):
            entry = gazetteer.lookup(span.text)
            small_town = entry is not None and entry.cls == "City" and (entry.population or 0) < 500_000
            if (entry is None or small_town) and label in ("GPE", "LOC"):
                entry = subdivision(span.text) or entry  # "Virginia" the state, not a town of that name
            if entry is None and label in ("GPE", "LOC") and not _common_word(span):
                entry = cities.city_index().get(span.text)
            if entry is not None:
                register_entry(doc, entry, span.text)
                return Span(doc, span.start, span.end, label=entry.cls, kb_id=entry.key)
        if label == "ORG":
            if not _looks_like_name(span) or _is_title_part(span):
                return None
            cls, country = classify_organization(span)
            key = f"{cls}:{slug(span.text)}"
            register(doc, key, cls, " ".join(span.text.split()), span.text, country=country, part_of=country)
            return Span(doc, span.start, span.end, label=cls, kb_id=key)
        if label in ("GPE", "LOC", "FAC"):
            if not _looks_like_name(span):
                return None
            cls = "Region" if label == "LOC" else "Place"
            key = f"{cls}:{slug(span.text)}"
            register(doc, key, cls, " ".join(span.text.split()), span.text)
            return Span(doc, span.start, span.end, label=cls, kb_id=key)
        return None

    def _surnames_in_context(self, doc: Doc, mentions: list[Span], demonyms: list[Span]) -> list[Span]:
        """A lone surname several known officials share is the one whose office is of a country
        the document names: "Blair" in a story that names Britain is Tony Blair."""
        countries = frozenset(m.kb_id_ for m in (*mentions, *demonyms) if m.label_ == "Country")
        out = []
        for m in mentions:
            if m.label_ == "Person" and len(m) == 1 and gazetteer.by_key(m.kb_id_) is None and countries:
                key = official_by_surname(m.text, doc._.kg_published, countries)
                entry = gazetteer.by_key(key) if key else None
                if entry is not None:
                    register(doc, entry.key, "Person", entry.label, m.text)
                    m = Span(doc, m.start, m.end, label="Person", kb_id=entry.key)
            out.append(m)
        return out

    def _government_bodies(self, doc: Doc, mentions: list[Span], demonyms: list[Span]) -> list[Span]:
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
            while end < len(doc) and end - i < 5 and end not in taken and _name_word(doc[end].text):
                end += 1
                if doc[end - 1].lower_ in heads and (end >= len(doc) or not _name_word(doc[end].text)):
                    break
            lowercase = False
            if end == i or doc[end - 1].lower_ not in heads:
                common = _common_body_end(doc, i, taken)  # "the Israeli army", "Somalia's parliament"
                if common is None:
                    continue
                end, lowercase = common, True
            if end + 1 < len(doc) and doc[end].lower_ == "of" and _name_word(doc[end + 1].text):
                end += 1  # "Ministry of Defense", "Department of State"
                while end < len(doc) and end not in taken and _name_word(doc[end].text):
                    end += 1
            country = gazetteer.by_key(anchor.kb_id_)
            if country is None:
                continue
            start = anchor.start if lowercase else _name_start(doc, anchor.start, taken)
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
        found.extend(self._bodies_of_countries(doc, mentions))
        found.extend(self._organizations_of_countries(doc, mentions, demonyms, taken, found))
        return found

    def _organizations_of_countries(
        self, doc: Doc, mentions: list[Span], demonyms: list[Span], taken: set[int], bodies: list[Span]
    ) -> list[Span]:
        """ "Norwegian Military Academy", "Royal Swedish Opera", "French Foreign Legion": a name that a
        country word sits in and an organization's head word ends, which the gazetteer's country
        word would otherwise cut in two."""
        heads = titles().organization_heads
        covered = {i for b in bodies for i in range(b.start, b.end)}
        found: list[Span] = []
        for anchor in [m for m in mentions if m.label_ == "Country"] + demonyms:
            end = anchor.end
            while end < len(doc) and end - anchor.end < 4 and end not in taken and _name_word(doc[end].text):
                end += 1
            if (
                end == anchor.end
                or doc[end - 1].lower_ not in heads
                or covered & set(range(anchor.start, end))
            ):
                continue
            start = _name_start(doc, anchor.start, taken)
            span = Span(doc, start, end)
            cls, _ = classify_organization(span)
            key = f"{cls}:{slug(span.text)}"
            register(doc, key, cls, " ".join(span.text.split()), span.text)
            found.append(Span(doc, start, end, label=cls, kb_id=key))
        return found

    def _bodies_of_countries(self, doc: Doc, mentions: list[Span]) -> list[Span]:
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
            while start > 0 and _name_word(doc[start - 1].text) and start > of - 5:
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


def _place_not_person(entry: curated.GazetteerEntry) -> bool:
    """Whether a name the NER took for a person is rather this gazetteer entry: a country, region or
    organization, a capital or a city of a million ("Washington said"), not any town ("Bush")."""
    if entry.cls == "Person":
        return False
    if entry.cls != "City":
        return True
    return (entry.population or 0) >= 1_000_000 or entry.label in seats.seats()


def _titled_name(span: Span) -> bool:
    """A royal, noble, clerical or military title, then a capitalised name: "Pope Paul VI"."""
    first = span[0]
    return (
        len(span) >= 2
        and first.lower_ in titles().royal_titles
        and first.text[:1].isupper()
        and all(t.text[:1].isupper() for t in span[1:])
        and gazetteer.lookup(span.text) is None
    )


def _after_title(span: Span) -> bool:
    """Whether a short name follows a capitalised title word: "President Bush"."""
    if span.start == 0 or len(span) > 3 or (gazetteer.lookup(span.text) is not None and len(span) > 1):
        return False
    before = span.doc[span.start - 1]
    t = titles()
    return before.text[:1].isupper() and (before.lower_ in t.office or before.lower_ in t.leader)


def _name_start(doc: Doc, start: int, taken: set[int]) -> int:
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


def _common_body_end(doc: Doc, i: int, taken: set[int]) -> int | None:
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


def _label_by_head(span: Span, label: str) -> str:
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


@cache
def facility_words() -> tuple[frozenset[str], frozenset[str]]:
    """(head words, leading words) of named buildings and features (data/places.yaml)."""
    data = load_data("places.yaml")
    return frozenset(data["facility_heads"]), frozenset(data["facility_leads"])


@cache
def region_heads() -> frozenset[str]:
    """Last words of administrative regions' names (data/places.yaml)."""
    return frozenset(load_data("places.yaml")["region_heads"])


def _is_title_part(span: Span) -> bool:
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


def _name_word(text: str) -> bool:
    return bool(re.match(r"^[A-Z][\w.-]*$", text)) and text.lower() not in ("and", "the", "of")


def _looks_like_name(span: Span) -> bool:
    """Reject NER spans that are descriptions or fragments, not names."""
    text = span.text
    if "\n" in text or len(text) < 2 or not any(c.isupper() for c in text):
        return False
    return not all(t.is_stop or t.is_punct for t in span)


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Longest first; a span overlapping a kept one is dropped."""
    kept: list[Span] = []
    used: set[int] = set()
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if used.isdisjoint(range(span.start, span.end)):
            kept.append(span)
            used.update(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start)


@cache
def _not_entities() -> tuple[frozenset[str], frozenset[str]]:
    data = load_data("not_entities.yaml")
    return frozenset(data["acronyms"]), frozenset(data["ship_prefixes"])


def _not_an_entity(span: Span) -> bool:
    """Equipment, weapons and doctrine ("UAV", "VBIED"), and ships ("USS Mahan"), are not actors."""
    words, ships = _not_entities()
    return span.text in words or span[0].text in ships


def _country_pair(span: Span) -> list[tuple[Span, curated.GazetteerEntry]] | None:
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


def _locative(span: Span) -> bool:
    root = span.root
    return root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE


def _common_word(span: Span) -> bool:
    """A one-word span that is also a word of the lexicons ("Summit", "Command") is no town."""
    if len(span) > 1:
        return False
    word = span[0].lower_
    t = titles()
    return word in event_nouns() or word in t.government_heads or word in t.office or word in t.leader


@cache
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
