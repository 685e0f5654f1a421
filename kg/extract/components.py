"""spaCy components that turn NER and gazetteer spans into typed, keyed entity mentions.

`kg_paragraphs` ends a sentence at a blank line, before the parser. `kg_entities` types and keys
every entity span (`kg.extract.span_types` says what a name is, `kg.extract.bodies` finds state
bodies named with their country); what it finds lives on the Doc (`kg.extract.doc_entities`).

`kg_entities` owns the pipeline's data (`kg.extract.knowledge`): the tables of a data folder,
read in `initialize` (by default the package's `kg/extract/data`; without `initialize`, on first
use), saved with the pipeline by `to_disk`/`to_bytes` (in `<pipeline>/kg_entities/data/`) and
read back by `from_disk`/`from_bytes`, so a saved pipeline extracts with the tables it was
saved with. It hands them to the later kg components on the Doc (`doc._.kg_knowledge`).

Settings (`nlp.add_pipe(name, config={...})`):

- `kg_paragraphs`: `min_newlines` (2), the newlines in a row that end a sentence.
- `kg_entities`: `phoenix` (true), use the Phoenix dictionaries of people and organizations
  (`data/phoenix_*.yaml`) as well as the curated tables. The gazetteer ruler's patterns are
  made from the same tables (`kg.extract.pipeline.add_kg_components`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract import cities, conflicts, gazetteer, headlines, knowledge
from kg.extract.bodies import government_bodies
from kg.extract.doc_entities import DEMONYM_KEY, OUR_LABELS, SPAN_KEY, register, register_entry
from kg.extract.knowledge import Knowledge
from kg.extract.names import slug
from kg.extract.offices import official_by_surname
from kg.extract.span_types import (
    after_title,
    classify_organization,
    common_word,
    country_pair,
    is_title_part,
    label_by_head,
    locative,
    looks_like_name,
    not_an_entity,
    person_key,
    person_span,
    place_not_person,
    subdivision,
    titled_name,
    trim,
    without_overlaps,
)

_CREDIT_LINE = re.compile(
    r"^(?:[-—–(]+\s*)?(?:with (?:additional )?(?:assistance|reporting) (?:from|by)|"
    r"(?:additional )?reporting by|editing by|written by|writing by|photographer:|photo(?:graph)?:|"
    r"photo by|image:|compiled by|contact the)",
    re.I,
)

DATA_FOLDER = "data"  # the tables' folder inside the component's folder of a saved pipeline


@Language.factory("kg_paragraphs", default_config={"min_newlines": 2})
def make_paragraphs(nlp: Language, name: str, min_newlines: int) -> KGParagraphs:
    return KGParagraphs(nlp, name, min_newlines=min_newlines)


class KGParagraphs:
    """A blank line ends a sentence (headlines, captions, datelines); runs before the parser."""

    def __init__(self, nlp: Language, name: str = "kg_paragraphs", *, min_newlines: int = 2) -> None:
        if min_newlines < 1:
            raise ValueError(f"kg_paragraphs: min_newlines must be 1 or more, got {min_newlines}")
        self.name = name
        self.min_newlines = min_newlines

    def __call__(self, doc: Doc) -> Doc:
        n, run = self.min_newlines, "\n" * self.min_newlines
        for token in doc[:-1]:
            if (token.is_space and token.text.count("\n") >= n) or token.text.endswith(run):
                doc[token.i + 1].is_sent_start = True
        return doc


@Language.factory("kg_entities", default_config={"phoenix": True})
def make_entities(nlp: Language, name: str, phoenix: bool) -> KGEntities:
    return KGEntities(nlp, name, phoenix=phoenix)


class KGEntities:
    """Types and keys every entity span: gazetteer spans as they are, NER spans classified."""

    def __init__(self, nlp: Language, name: str = "kg_entities", *, phoenix: bool = True) -> None:
        self.name = name
        self.phoenix = phoenix
        self._knowledge: Knowledge | None = None

    @property
    def knowledge(self) -> Knowledge:
        """The tables this component extracts with (the package's, until initialized otherwise)."""
        if self._knowledge is None:
            self._knowledge = knowledge.from_folder(None, phoenix=self.phoenix)
        return self._knowledge

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        data_dir: str | Path | None = None,
    ) -> None:
        """Read the tables of `data_dir` (default: the package's `kg/extract/data`)."""
        self._knowledge = knowledge.from_folder(data_dir, phoenix=self.phoenix)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.knowledge.write(Path(path) / DATA_FOLDER)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> KGEntities:
        self._knowledge = knowledge.from_folder(Path(path) / DATA_FOLDER, phoenix=self.phoenix)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"files": dict(self.knowledge.files)})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> KGEntities:
        self._knowledge = knowledge.load(srsly.msgpack_loads(data)["files"], phoenix=self.phoenix)
        return self

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_knowledge = self.knowledge
        with knowledge.using(self.knowledge):
            return self._entities(doc)

    def _entities(self, doc: Doc) -> Doc:
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
            if not_an_entity(span):
                continue
            parts = country_pair(span) if label in ("GPE", "NORP", "ORG", "LOC") else None
            if parts:  # "U.S.-Iraq partnership": two countries
                for part, entry in parts:
                    register_entry(doc, entry, part.text)
                    mentions.append(Span(doc, part.start, part.end, label="Country", kb_id=entry.key))
                continue
            if label in ("PERSON", "ORG") and not ent.ent_id_ and locative(span):
                label = "GPE"  # "near Ayn Isa", "in Marea": a place the NER took for a name
            if not ent.ent_id_:
                label = label_by_head(span, label)
                if label in ("GPE", "LOC", "ORG") and after_title(span):
                    label = "PERSON"  # "President Bush", "Secretary Rumsfeld": a title names a person
                if label in ("GPE", "LOC", "ORG", "FAC", "WORK_OF_ART") and titled_name(span):
                    label = "PERSON"  # "King Louis XIV", "Marshal Villeroi" the NER took for a place
            mention = self._mention(doc, span, label, ent.ent_id_)
            if mention is not None:
                mentions.append(mention)
        mentions = self._surnames_in_context(doc, mentions, demonyms)
        mentions.extend(government_bodies(doc, mentions, demonyms))
        for span, label in conflicts.conflict_spans(doc):  # wars, battles, treaties the NER splits
            key = conflicts.conflict_key(label, span.label_)
            register(doc, key, span.label_, label, span.text)
            mentions.insert(0, Span(doc, span.start, span.end, label=span.label_, kb_id=key))  # wins ties
        doc.spans[SPAN_KEY] = without_overlaps(mentions)
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
            if entry is not None and place_not_person(entry) and not after_title(name):
                return self._mention(doc, name, "GPE", "")  # "Washington said", NER's mistake
            key, canonical = person_key(name.text, doc._.kg_published)
            register(doc, key, "Person", canonical, name.text)
            return Span(doc, name.start, name.end, label="Person", kb_id=key)
        if label in ("GPE", "LOC", "FAC", "ORG", "NORP"):
            entry = gazetteer.lookup(span.text)
            small_town = entry is not None and entry.cls == "City" and (entry.population or 0) < 500_000
            if (entry is None or small_town) and label in ("GPE", "LOC"):
                entry = subdivision(span.text) or entry  # "Virginia" the state, not a town of that name
            if entry is None and label in ("GPE", "LOC") and not common_word(span):
                entry = cities.city_index().get(span.text)
            if entry is not None:
                register_entry(doc, entry, span.text)
                return Span(doc, span.start, span.end, label=entry.cls, kb_id=entry.key)
        if label == "ORG":
            if not looks_like_name(span) or is_title_part(span):
                return None
            cls, country = classify_organization(span)
            key = f"{cls}:{slug(span.text)}"
            register(doc, key, cls, " ".join(span.text.split()), span.text, country=country, part_of=country)
            return Span(doc, span.start, span.end, label=cls, kb_id=key)
        if label in ("GPE", "LOC", "FAC"):
            if not looks_like_name(span):
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
