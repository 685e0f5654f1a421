"""Claims, event nodes, class signatures and the per-document state every relation rule shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span, Token

from kg.extract import gazetteer
from kg.extract.coref import Resolver
from kg.extract.doc_entities import entities_of, register_entry

ACTORS = frozenset(
    {"Country", "Person", "Organization", "InternationalOrganization", "GovernmentBody", "MediaOrganization"}
)
PLACES = frozenset({"Country", "City", "Region", "Place"})
EVENTS = frozenset({"Meeting", "MilitaryExercise", "Election", "Event"})
ORGS = frozenset({"Organization", "InternationalOrganization", "GovernmentBody", "MediaOrganization"})
#: property -> (allowed subject classes, allowed object classes)
SIGNATURES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "officialOf": (frozenset({"Person"}), ACTORS - {"Person"}),
    "leaderOf": (frozenset({"Person"}), ACTORS - {"Person"}),
    "cooperatesWith": (ACTORS, ACTORS),
    "alliedWith": (ACTORS - {"Person"}, ACTORS - {"Person"}),
    "memberOf": (ACTORS, frozenset({"InternationalOrganization"})),
    "partyTo": (ACTORS, frozenset({"Agreement"})),
    "participatedIn": (ACTORS, EVENTS),
    "hosts": (ACTORS, EVENTS),
    "locatedIn": (PLACES | ORGS | EVENTS - {"Country"}, PLACES),
    "meetsWith": (ACTORS, ACTORS),
    "visits": (ACTORS, PLACES),
    "threatens": (ACTORS, ACTORS),
    "opposes": (ACTORS, ACTORS),
    "attacks": (ACTORS, ACTORS | PLACES),
    "sanctions": (ACTORS, ACTORS),
    "supports": (ACTORS, ACTORS),
    "partOf": (ORGS, ACTORS - {"Person"}),
}


@dataclass(frozen=True)
class Claim:
    subject: str
    predicate: str
    object: str
    sentence: Span
    rule: str
    confidence: float
    family: str | None = None
    role: str | None = None
    status: str | None = None
    cameo: str | None = None  # CAMEO event code of the trigger, e.g. "163"


@dataclass
class EventNode:
    key: str
    cls: str
    label: str
    location: str | None = None
    named: bool = False
    noun: str = ""  # the lemma of the noun that first named it: "summit", "truce"
    status: str = "occurred"
    date_tokens: list[Span] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)


if not Token.has_extension("kg_event"):
    Token.set_extension("kg_event", default=None)


class RuleState:
    """One document under the relation rules: its mentions, and the claims and events found so far."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.res = Resolver(doc)
        self.claims: list[Claim] = []
        self.events: list[EventNode] = []
        self.sent_index = {s.start: i for i, s in enumerate(doc.sents)}
        self.published: date | None = doc._.kg_published

    def add(
        self,
        subject: str,
        predicate: str,
        obj: str,
        sent: Span,
        rule: str,
        confidence: float,
        **kw: str | None,
    ) -> None:
        if subject == obj or not subject or not obj:
            return
        for key in (subject, obj):  # a demonym's country becomes a node when a relation needs it
            if key not in entities_of(self.doc) and (entry := gazetteer.by_key(key)) is not None:
                register_entry(self.doc, entry, None)
        subj_ok, obj_ok = SIGNATURES[predicate]
        if self.class_of(subject) not in subj_ok or self.class_of(obj) not in obj_ok:
            return
        self.claims.append(Claim(subject, predicate, obj, sent, rule, confidence, **kw))  # type: ignore[arg-type,unused-ignore]

    def event(self, key: str) -> EventNode | None:
        """The event node found so far with that key (keys are unique: they carry an ordinal)."""
        return next((e for e in self.events if e.key == key), None)

    def class_of(self, key: str) -> str | None:
        """The class of the event node or entity with that key."""
        node = self.event(key) or entities_of(self.doc).get(key)
        return node.cls if node is not None else None

    def keys(self, token: Token) -> list[str]:
        if token._.kg_event is not None:
            return [token._.kg_event]
        return self.res.keys(token)

    def expand(self, tokens: Iterable[Token]) -> list[str]:
        out: list[str] = []
        for token in tokens:
            for t in (token, *token.conjuncts):
                for key in self.keys(t):
                    if key not in out:
                        out.append(key)
        return out
