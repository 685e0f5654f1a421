"""Typed records the stages hand each other (ingest -> extract -> resolve -> map -> store).

Every record is a frozen dataclass holding plain values, never a spaCy or rdflib object, so a
stage can run in another process and tests can build records by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Core classes of the ontology (local names), the only values `cls` fields take.
ENTITY_CLASSES = (
    "Country",
    "Person",
    "Organization",
    "InternationalOrganization",
    "GovernmentBody",
    "MediaOrganization",
    "Place",
    "City",
    "Region",
)
EVENT_CLASSES = ("Event", "Meeting", "MilitaryExercise", "Election", "Agreement")


@dataclass(frozen=True)
class Document:
    """One input text with its metadata; `id` names its graph (`.../id/doc/<id>`)."""

    id: str
    text: str
    published: date | None = None
    url: str | None = None
    title: str | None = None
    source: str | None = None  # the file it came from, for messages
    author: str | None = None
    language: str | None = None  # as the document declares it (an ISO 639 code), if it does

    @property
    def content_hash(self) -> str:
        import hashlib

        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Mention:
    """A stretch of a document's text that names an entity (after coreference)."""

    doc_id: str
    key: str  # canonical key of the entity within the corpus, e.g. "Country:USA"
    text: str
    start: int  # character offsets into Document.text
    end: int
    rule: str = "ner"  # what found it: gazetteer, ner, title, coref-surname, coref-pronoun, ...


@dataclass(frozen=True)
class EntityRecord:
    """What one document says an entity is: class, canonical label, names, identifiers."""

    key: str
    cls: str
    label: str
    names: tuple[str, ...] = ()
    iso3: str | None = None
    wikidata: str | None = None
    date: str | None = None  # ISO 8601, for events and agreements
    status: str | None = None  # occurred | planned | reported, for events


@dataclass(frozen=True)
class Evidence:
    """Where a relation was read: the sentence, its offsets, the rule and how sure it is."""

    doc_id: str
    sentence: str
    start: int  # character offsets of the sentence in the document
    end: int
    rule: str
    confidence: float
    family: str | None = None  # PLOVER event family, e.g. CONSULT
    role: str | None = None  # a title, e.g. "Defense Secretary", for officialOf/leaderOf
    date: str | None = None  # ISO 8601 date of the event the sentence reports
    cameo: str | None = None  # CAMEO event code of the trigger, e.g. "163" (impose sanctions)
    status: str | None = None  # planned | reported; None: stated as having happened


@dataclass(frozen=True)
class RelationClaim:
    """One relation as one sentence of one document states it."""

    subject: str  # entity key
    predicate: str  # core property local name, e.g. "officialOf"
    object: str  # entity key
    evidence: Evidence


@dataclass(frozen=True)
class DocumentExtraction:
    """Everything extraction found in one document."""

    document: Document
    entities: tuple[EntityRecord, ...]
    mentions: tuple[Mention, ...]
    claims: tuple[RelationClaim, ...]


@dataclass(frozen=True)
class Entity:
    """One real-world entity across the whole corpus, after alias merging."""

    key: str
    cls: str
    label: str
    alt_labels: tuple[str, ...] = ()
    iso3: str | None = None
    wikidata: str | None = None
    date: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Relation:
    """A relation with all the evidence that supports it, and its aggregated confidence."""

    subject: str
    predicate: str
    object: str
    evidence: tuple[Evidence, ...]
    confidence: float


@dataclass(frozen=True)
class Corpus:
    """The resolved corpus: one entity per real-world thing, relations with evidence, per document."""

    documents: tuple[Document, ...]
    entities: dict[str, Entity] = field(hash=False)
    relations: tuple[Relation, ...] = ()
    # document id -> keys of the entities it mentions
    doc_entities: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    # document id -> the relations it asserts, each with only that document's evidence
    doc_relations: dict[str, tuple[Relation, ...]] = field(default_factory=dict, hash=False)
