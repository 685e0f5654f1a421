"""What extraction finds in one Doc: its entity mentions and the entities they name.

Results live on the Doc: `doc.spans["kg"]` holds one span per entity mention (label = core
class, kb_id = entity key), `doc.spans["kg_demonyms"]` the nationality words ("South Korean"),
and `doc._.kg_entities` the entities those keys name (class, label, names, identifiers).
`doc._.kg_knowledge` is the data the `kg_entities` component extracted with, for the later ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.extract import curated

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
    ("kg_knowledge", None),  # the kg.extract.knowledge.Knowledge the kg components extract with
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
