"""Relation rules: verb and noun frames from the lexicon, titles, appositives, events, locations.

The `kg_relations` component reads the typed mentions of `kg_entities`/`kg_coref` and leaves
`Claim`s on `doc._.kg_claims` and event nodes on `doc._.kg_events`. Frames are data
(`data/lexicon.yaml`); this module only knows how to find a frame's slots in a parse.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.extract import gazetteer
from kg.extract.components import entities_of, register, register_entry
from kg.extract.coref import LOCATIVE_PREPS, Resolver
from kg.extract.lexicon import (
    Frame,
    event_nouns,
    frames,
    light_verbs,
    negation_cues,
    non_participation_verbs,
    planned_cues,
    titles,
)
from kg.extract.offices import offices_of

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
GOV_PREPS = frozenset({"at", "during", "in", "for", "to", "on", "into", "as"})
REPORTING = frozenset({"say", "report", "claim", "according", "tell", "announce", "add"})


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


@dataclass
class EventNode:
    key: str
    cls: str
    label: str
    location: str | None = None
    named: bool = False
    status: str = "occurred"
    date_tokens: list[Span] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)


if not Token.has_extension("kg_event"):
    Token.set_extension("kg_event", default=None)


@Language.factory("kg_relations")
def make_relations(nlp: Language, name: str) -> KGRelations:
    return KGRelations()


class KGRelations:
    """Dependency rules over one document; see the module docstring."""

    def __call__(self, doc: Doc) -> Doc:
        rules = _DocRules(doc)
        rules.run()
        doc._.kg_claims = rules.claims
        doc._.kg_events = rules.events
        return doc


class _DocRules:
    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.res = Resolver(doc)
        self.claims: list[Claim] = []
        self.events: list[EventNode] = []
        self.sent_index = {s.start: i for i, s in enumerate(doc.sents)}
        self.published: date | None = doc._.kg_published

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        verb_frames, noun_frames = frames()
        for sent in self.doc.sents:
            for token in sent:
                if token.pos_ == "NOUN" and token.lemma_.lower() in event_nouns():
                    self.event_mention(token, sent)
            for token in sent:
                lemma = token.lemma_.lower()
                if token.pos_ in ("VERB", "AUX") and lemma in verb_frames:
                    for frame in verb_frames[lemma]:
                        self.apply_frame(token, frame, sent, verb=True)
                elif token.pos_ in ("NOUN", "PROPN") and lemma in noun_frames:
                    for frame in noun_frames[lemma]:
                        self.apply_frame(token, frame, sent, verb=False)
            self.titles(sent)
            self.located(sent)
        self.structural()
        self.meeting_officials()

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
        classes = {k: v.cls for k, v in entities_of(self.doc).items()}
        classes.update({e.key: e.cls for e in self.events})
        subj_ok, obj_ok = SIGNATURES[predicate]
        if classes.get(subject) not in subj_ok or classes.get(obj) not in obj_ok:
            return
        self.claims.append(Claim(subject, predicate, obj, sent, rule, confidence, **kw))  # type: ignore[arg-type,unused-ignore]

    # ------------------------------------------------------------------ slots
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

    def subjects(self, verb: Token, depth: int = 0) -> list[Token]:
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
        if subj:
            if subj[0].lower_ in ("that", "which", "who") and verb.dep_ == "relcl":
                return [verb.head]
            return subj
        if depth > 4:
            return []
        if verb.dep_ in ("xcomp", "conj", "advcl", "ccomp", "pcomp") and verb.head is not verb:
            head = verb.head
            if head.dep_ == "prep" and head.head is not head:
                head = head.head
            return self.subjects(head, depth + 1)
        if verb.dep_ in ("relcl", "acl"):
            return [verb.head]
        return []

    def slot(self, trigger: Token, name: str, verb: bool) -> list[Token]:
        kids = list(trigger.children)
        if name == "subj":
            if any(c.dep_ == "nsubjpass" for c in kids):  # passive: the agent is in "by"
                return [g for c in kids if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            return self.subjects(trigger)
        if name == "obj":
            objs = [c for c in kids if c.dep_ in ("dobj", "attr", "oprd", "nsubjpass")]
            return objs
        if name == "self":
            return [trigger]
        if name == "poss":
            return [c for c in kids if c.dep_ == "poss"]
        if name == "compound":
            return [
                t
                for c in trigger.lefts
                if c.dep_ in ("compound", "amod", "nmod", "npadvmod")
                for t in c.subtree
            ]
        if name == "clause":  # "to enable the defeat of ISIL": whoever the clause is about
            node = trigger.head
            for _ in range(6):
                if node.pos_ in ("VERB", "AUX"):
                    return self.subjects(node)
                if node.head is node:
                    break
                node = node.head
            return []
        if name == "light":  # "conducted strikes", "held talks", "imposed sanctions": a light verb's subject
            if trigger.dep_ == "dobj" and trigger.head.lemma_.lower() in light_verbs():
                return self.subjects(trigger.head)
            return []
        if name == "gov":  # the subject of the verb the noun is the object of ("met at a summit")
            head = trigger.head
            if trigger.dep_ == "pobj" and head.dep_ == "prep":
                if head.lower_ not in GOV_PREPS:
                    return []
                head = head.head
            if trigger.dep_ in ("dobj", "pobj") and head.pos_ in ("VERB", "AUX"):
                if not verb and head.lemma_.lower() in non_participation_verbs():
                    return []
                return self.subjects(head)
            return []
        out: list[Token] = []
        for child in kids:
            if child.dep_ in ("prep", "agent", "dative") and child.lower_ == name:
                out.extend(g for g in child.children if g.dep_ == "pobj")
            elif name == "by" and child.dep_ == "acl":  # "threats posed by North Korea"
                out.extend(
                    g for c in child.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"
                )
        if verb and name == "with":  # "held talks with X": the preposition hangs on the object
            for obj in kids:
                if obj.dep_ == "dobj":
                    out.extend(self.slot(obj, "with", False))
        return out

    # ------------------------------------------------------------------ frames
    def apply_frame(self, trigger: Token, frame: Frame, sent: Span, verb: bool) -> None:
        if frame.property is None or self.negated(trigger):
            return
        status = self.status(trigger)
        kw = {"family": frame.family, "status": status}
        anchors = [trigger]
        if (
            not verb
            and trigger.dep_ == "pobj"
            and trigger.head.lower_ == "of"
            and trigger.head.head.pos_ == "NOUN"
        ):
            anchors.append(
                trigger.head.head
            )  # "acts of terror", "a campaign of strikes": the head noun's slots
        agents = self.expand(t for a in anchors for s in frame.agent for t in self.slot(a, s, verb))
        patients = self.expand(t for a in anchors for s in frame.patient for t in self.slot(a, s, verb))
        rule = f"{'verb' if verb else 'noun'}-frame:{frame.lemma}"
        if frame.symmetric:
            everyone = list(dict.fromkeys(agents + patients))
            for a, b in itertools.combinations(everyone, 2):
                self.add(a, frame.property, b, sent, rule, frame.confidence, **kw)
            return
        if frame.property == "memberOf" and frame.lemma in ("include", "comprise", "incorporate"):
            agents, patients = (
                patients,
                agents,
            )  # "the Quad group that includes Australia": members are objects
        for a in agents:
            for p in patients:
                if a not in patients or p not in agents:
                    self.add(a, frame.property, p, sent, rule, frame.confidence, **kw)

    def negated(self, trigger: Token) -> bool:
        cues = negation_cues()
        token: Token | None = trigger
        for _ in range(3):
            if token is None:
                break
            if any(
                c.dep_ == "neg" or (c.lower_ in cues and c.dep_ in ("neg", "advmod")) for c in token.children
            ):
                return True
            if token is not trigger and token.lemma_.lower() in cues:
                return True
            token = token.head if token.dep_ in ("xcomp", "aux") and token.head is not token else None
        return any(c.dep_ == "det" and c.lower_ == "no" for c in trigger.children)

    def status(self, trigger: Token) -> str:
        cues = planned_cues()
        token = trigger
        for _ in range(3):
            if any(c.dep_ in ("aux", "auxpass") and c.lower_ in cues for c in token.children):
                return "planned"
            if token.dep_ == "xcomp" and token.head.lemma_.lower() in cues:
                return "planned"
            if token.dep_ in ("ccomp",) and token.head.lemma_.lower() in REPORTING:
                return "reported"
            if token.head is token:
                break
            token = token.head
        return "occurred"

    # ------------------------------------------------------------------ events
    def event_mention(self, token: Token, sent: Span) -> None:
        cls = event_nouns()[token.lemma_.lower()]
        if cls == "Meeting" and any(c.dep_ == "prep" and c.lower_ == "with" for c in token.children):
            return  # "talks with X" is a meetsWith between actors, not a separate event node
        name = self.event_name(token)
        definite = any(
            c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "these") for c in token.children
        )
        separate = any(c.lower_ in ("separate", "another", "new", "second") for c in token.children)
        location = self.location_of(token)
        event = None
        same = [e for e in self.events if e.cls == cls]
        sent_no = self.sent_index[sent.start]
        if name:
            event = next((e for e in same if e.label == name), None)
        elif token.dep_ == "pobj" and token.head.head._.kg_event is not None:
            event = next(
                (e for e in self.events if e.key == token.head.head._.kg_event), None
            )  # "session of talks"
        elif not separate and same:
            if definite or same[-1].sentences[-1:] == [sent_no]:
                event = same[-1]
            elif location is not None:
                event = next((e for e in reversed(same) if e.location == location), None)
        if event is None:
            ordinal = len(self.events) + 1
            key = f"{cls}:{self.doc_id()}-{ordinal}"
            label = name or cls
            event = EventNode(key=key, cls=cls, label=label, named=bool(name))
            self.events.append(event)
        if location and not event.location:
            event.location = location
            self.add(event.key, "locatedIn", location, sent, "event-location", 0.75)
        status = self.status(token.head if token.dep_ in ("dobj", "pobj") else token)
        if status == "planned" and event.status == "occurred" and len(event.sentences) == 0:
            event.status = "planned"
        event.sentences.append(self.sent_index[sent.start])
        token._.kg_event = event.key
        self.event_participants(token, event, sent)

    def doc_id(self) -> str:
        return "e"

    def event_name(self, token: Token) -> str | None:
        """A proper name before the noun: the "Vigilant Storm" drill."""
        heads = [t for t in token.lefts if t.pos_ == "PROPN" and t.dep_ in ("compound", "nmod", "amod")]
        words = [w for h in heads for w in h.subtree if w.pos_ == "PROPN" and not self.res.keys(w)]
        if not words:
            return None
        start, end = min(w.i for w in words), max(w.i for w in words) + 1
        return self.doc[start:end].text.strip('"“” ')

    def location_of(self, token: Token) -> str | None:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                for pobj in child.children:
                    for key in self.res.keys(pobj):
                        if entities_of(self.doc)[key].cls in PLACES:
                            return key
        return None

    def event_participants(self, token: Token, event: EventNode, sent: Span) -> None:
        prop = "partyTo" if event.cls == "Agreement" else "participatedIn"
        slots = ("between", "among", "by") if event.cls == "Agreement" else ("gov", "between", "among", "by")
        actors = self.expand(t for s in slots for t in self.slot(token, s, False))
        if event.cls == "MilitaryExercise" and event.named:
            actors += self.sentence_countries(sent)
        for actor in dict.fromkeys(actors):
            if actor not in event.participants:
                event.participants.append(actor)
            self.add(actor, prop, event.key, sent, f"event-{prop}", 0.65, status=event.status)

    def sentence_countries(self, sent: Span) -> list[str]:
        """Countries acting in a sentence (names, demonyms, the countries of bodies), not locations."""
        out = []
        for token in sent:
            for key in self.res.keys(token):
                info = entities_of(self.doc).get(key)
                if info is None or _in_locative(token):
                    continue
                country = (
                    key
                    if info.cls == "Country"
                    else (
                        f"Country:{info.country}" if info.country and info.cls == "GovernmentBody" else None
                    )
                )
                if country and country not in out:
                    out.append(country)
        for c in out:
            entry = gazetteer.by_key(c)
            if entry is not None:
                register_entry(self.doc, entry, None)
        return out

    # ------------------------------------------------------------------ titles and offices
    def titles(self, sent: Span) -> None:
        t = titles()
        for span in (
            m for m in self.res.mentions if m.label_ == "Person" and sent.start <= m.start < sent.end
        ):
            before = self.title_words(span)
            if before:
                phrase, orgs = before
                prop = "leaderOf" if _is_leader(phrase) else "officialOf"
                for org in orgs:
                    self.add(span.kb_id_, prop, org, sent, "title", 0.9, role=phrase)
                if not orgs:
                    self.gazetteer_office(span, sent, phrase, None)
            root = span.root
            if root.dep_ == "poss" and root.head.lemma_.lower() in t.office_terms:
                self.gazetteer_office(span, sent, None, root.head.lemma_.lower())
            self.appositive(span, sent, t.leader)

    def title_words(self, span: Span) -> tuple[str, list[str]] | None:
        """ "US Defense Secretary Lloyd Austin", "Japan's Defense Minister Minoru Kihara"."""
        t = titles()
        i = span.start - 1
        words: list[Token] = []
        orgs: list[str] = []
        phrase_tokens = {t.i for t in span.root.subtree}
        while i >= max(0, span.start - 8):
            token = self.doc[i]
            if i not in phrase_tokens:
                break  # "In Turkey Minister Ellwood": Turkey is not part of the title
            if token.lower_ in ("'s", "’s") or (token.is_punct and token.text in ("-", "–")):
                i -= 1
                continue
            named = self.res.by_token.get(i) or self.res.demonyms.get(i)
            keys = [named.kb_id_] if named is not None else []
            if keys and token._.kg_event is None:
                if not token.text[0].isupper():
                    break
                first = named.start if named is not None else i
                prep = self.doc[first - 1] if first > 0 else None
                if prep is not None and prep.tag_ == "IN" and span.root.head != prep:
                    break  # "In Turkey Minister Ellwood met": the country is where, not whose
                orgs = [k for k in keys if k not in orgs] + orgs
                i -= 1
                continue
            if (
                (token.text[:1].isupper() and token.is_alpha)
                or token.lower_ in t.office
                or token.lower_ in t.leader
            ):
                words.insert(0, token)
                i -= 1
                continue
            if token.lower_ in ("of", "for", "the") and words and i > 0:
                words.insert(0, token)  # "Secretary of State", "Minister for the Middle East"
                i -= 1
                continue
            break
        while words and words[0].lower_ in ("of", "for", "the"):
            words.pop(0)
        phrase = " ".join(w.text for w in words)
        lowered = [w.lower_ for w in words]
        if not any(w in t.office or w in t.leader for w in lowered) and phrase.lower() not in t.leader:
            return None
        return phrase, orgs

    def appositive(self, span: Span, sent: Span, leaders: frozenset[str]) -> None:
        """ "Gen. Joseph Votel, commander of U.S. Central Command" / "Y, X's foreign minister"."""
        t = titles()
        for child in span.root.children:
            if child.dep_ != "appos" or not (child.lower_ in t.office or child.lower_ in t.leader):
                continue
            orgs = self.expand(
                g for c in child.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
            )
            orgs += self.expand(c for c in child.children if c.dep_ in ("poss", "compound", "amod", "appos"))
            siblings = [c for c in span.root.children if c.dep_ == "appos" and c.i > child.i]
            orgs += self.expand(
                s for s in siblings[:1] if self.res.mention(s) is not None
            )  # "commander, CENTCOM"
            role = " ".join(
                w.text for w in child.subtree if w.i <= child.i and not self.res.keys(w) and w.dep_ != "det"
            )
            prop = "leaderOf" if child.lower_ in leaders else "officialOf"
            for org in dict.fromkeys(orgs):
                self.add(span.kb_id_, prop, org, sent, "appositive", 0.85, role=role or child.text)

    # ------------------------------------------------------------------ locations
    def located(self, sent: Span) -> None:
        """An organization "in" a place: "ISIL in Iraq and Syria", "In Syria, the SDF has made progress"."""
        for mention in (m for m in self.res.mentions if sent.start <= m.start < sent.end):
            if mention.label_ not in ORGS:
                continue
            root = head = mention.root
            while head.dep_ in ("compound", "nmod", "amod") and head.head.pos_ in ("NOUN", "PROPN"):
                head = head.head  # "ISIL terrorists in Syria", "ISIL targets in Iraq"
            places = self.expand(
                g for c in head.children if c.dep_ == "prep" and c.lower_ == "in" for g in c.children
            )
            if root.dep_ in ("nsubj", "nsubjpass"):
                verb = root.head
                places += self.expand(
                    g for c in verb.children if c.dep_ == "prep" and c.lower_ == "in" for g in c.children
                )
            for place in dict.fromkeys(places):
                self.add(mention.kb_id_, "locatedIn", place, sent, "in-place", 0.6)

    # ------------------------------------------------------------------ document-level facts
    def structural(self) -> None:
        """Facts the text states by naming things together: a city beside its country in one
        sentence, a body named with its country ("South Korean Defense Ministry", "Japan's SDF")."""
        entities = entities_of(self.doc)
        for m in self.res.mentions:
            info = entities.get(m.kb_id_)
            if info is None:
                continue
            sent = m.sent
            if info.cls == "City" and info.country:
                country = f"Country:{info.country}"
                if country in self.linked_places(m.root):
                    self.add(m.kb_id_, "locatedIn", country, sent, "city-country", 0.9)
            elif info.cls in ORGS - {"MediaOrganization"}:
                owner = f"Country:{info.part_of}" if info.part_of else None
                owners = [owner] if owner else self.expand(c for c in m.root.children if c.dep_ == "poss")
                for key in owners:
                    if self.res_class(key) == "Country":
                        self.add(m.kb_id_, "partOf", key, sent, "government-body", 0.9)

    def linked_places(self, token: Token) -> list[str]:
        """Places the parse ties to a place name: "Mosul, Iraq" (apposition), "Mosul in Iraq"."""
        linked = [c for c in token.children if c.dep_ == "appos"]
        linked += [g for c in token.children if c.dep_ == "prep" and c.lower_ == "in" for g in c.children]
        if token.dep_ == "appos":
            linked.append(token.head)
        return self.expand(linked)

    def res_class(self, key: str) -> str | None:
        info = entities_of(self.doc).get(key)
        if info is None and (entry := gazetteer.by_key(key)) is not None:
            return entry.cls
        return info.cls if info else None

    def gazetteer_office(self, span: Span, sent: Span, title: str | None, term: str | None) -> None:
        """A curated office the text refers to without naming its country: "Secretary of State Antony
        Blinken" (the title is the office's title) or "Donald Trump's presidency" (an office term)."""
        offices = offices_of(span.kb_id_)
        if title:
            wanted = _title_forms(title)
            offices = tuple(o for o in offices if _title_forms(o.role) & wanted)
        elif term:
            offices = tuple(o for o in offices if o.leader)
        else:
            return
        published = self.published
        if published is not None and len(offices) > 1:
            current = tuple(o for o in offices if o.in_office(published))
            offices = current or offices
        mentioned = {m.kb_id_ for m in self.res.mentions}
        for official in offices[:1]:
            if official.of not in mentioned:
                continue  # the list knows the office, but the text never names the country
            prop = "leaderOf" if official.leader else "officialOf"
            rule = "title+officials-list" if title else "office-term+officials-list"
            self.add(span.kb_id_, prop, official.of, sent, rule, 0.75, role=official.role)

    def meeting_officials(self) -> None:
        """Officials of a meeting's participant countries, quoted in a sentence about it, took part."""
        offices: dict[str, set[str]] = {}
        for c in self.claims:
            if c.predicate in ("officialOf", "leaderOf"):
                offices.setdefault(c.subject, set()).add(c.object)
        sents = list(self.doc.sents)
        meetings = [e for e in self.events if e.cls == "Meeting"]
        for event in meetings:
            for index in event.sentences:
                sent = sents[index]
                for m in self.res.mentions:
                    if m.label_ != "Person" or not sent.start <= m.start < sent.end:
                        continue
                    countries = offices.get(m.kb_id_, set())
                    target = next((e for e in reversed(meetings) if countries & set(e.participants)), None)
                    if target is not None:
                        self.add(m.kb_id_, "participatedIn", target.key, sent, "meeting-official", 0.5)


def _title_forms(title: str) -> set[str]:
    """A title and its reordering: "Defense Secretary" = "Secretary of Defense"."""
    words = [w for w in title.lower().replace("defence", "defense").split() if w != "the"]
    forms = {" ".join(words)}
    if len(words) == 2:
        forms.add(f"{words[1]} of {words[0]}")
    if len(words) == 3 and words[1] in ("of", "for"):
        forms.add(f"{words[2]} {words[0]}")
    return forms


def _in_locative(token: Token) -> bool:
    head = token
    while head.dep_ in ("conj", "compound", "amod") and head.head is not head:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS


def _is_leader(phrase: str) -> bool:
    lowered = phrase.lower()
    leaders = titles().leader
    words = lowered.split()
    if not words:
        return False
    # the head of a title is its last word ("Defense Minister" is a minister, "Prime Minister" a leader)
    return lowered in leaders or words[-1] in leaders or " ".join(words[-2:]) in leaders


__all__ = ["Claim", "EventNode", "KGRelations", "register"]
