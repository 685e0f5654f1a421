"""Event rules: event nodes from event nouns, their locations and participants, and meeting officials."""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extract import gazetteer
from kg.extract.arguments import slot, verb_lemmas
from kg.extract.claims import PLACES, EventNode, RuleState
from kg.extract.coref import LOCATIVE_PREPS
from kg.extract.doc_entities import entities_of, register_entry
from kg.extract.lexicon import agreement_verbs, event_nouns
from kg.extract.modality import NO_FACT, PLANNED, statement


def event_mention(state: RuleState, token: Token, sent: Span) -> None:
    cls = event_nouns()[token.lemma_.lower()]
    if cls == "Meeting" and any(c.dep_ == "prep" and c.lower_ == "with" for c in token.children):
        return  # "talks with X" is a meetsWith between actors, not a separate event node
    status = statement(token)
    if status in NO_FACT:
        return  # "offered to host talks", "no talks": no event, no participants, no place
    name = event_name(state, token)
    definite = any(
        c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "these") for c in token.children
    )
    separate = any(c.lower_ in ("separate", "another", "new", "second") for c in token.children)
    location = location_of(state, token)
    event = None
    same = [e for e in state.events if e.cls == cls]
    sent_no = state.sent_index[sent.start]
    if name:
        event = next((e for e in same if e.label == name), None)
    elif token.dep_ == "pobj" and token.head.head._.kg_event is not None:
        event = state.event(token.head.head._.kg_event)  # "session of talks"
    elif not separate and same:
        if definite or same[-1].sentences[-1:] == [sent_no]:
            event = same[-1]
        elif location is not None:
            event = next((e for e in reversed(same) if e.location == location), None)
    if event is None:
        ordinal = len(state.events) + 1
        key = f"{cls}:{doc_id()}-{ordinal}"
        label = name or cls
        event = EventNode(key=key, cls=cls, label=label, named=bool(name), noun=token.lemma_.lower())
        state.events.append(event)
    if location and not event.location:
        event.location = location
        state.add(event.key, "locatedIn", location, sent, "event-location", 0.75, status=status)
    if status == PLANNED and event.status == "occurred" and len(event.sentences) == 0:
        event.status = PLANNED
    event.sentences.append(state.sent_index[sent.start])
    token._.kg_event = event.key
    event_participants(state, token, event, sent)


def doc_id() -> str:
    return "e"


def event_name(state: RuleState, token: Token) -> str | None:
    """A proper name before the noun: the "Vigilant Storm" drill."""
    heads = [t for t in token.lefts if t.pos_ == "PROPN" and t.dep_ in ("compound", "nmod", "amod")]
    words = [w for h in heads for w in h.subtree if w.pos_ == "PROPN" and not state.res.keys(w)]
    if not words:
        return None
    start, end = min(w.i for w in words), max(w.i for w in words) + 1
    return state.doc[start:end].text.strip('"“” ')


def location_of(state: RuleState, token: Token) -> str | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "at"):
            for pobj in child.children:
                for key in state.res.keys(pobj):
                    if entities_of(state.doc)[key].cls in PLACES:
                        return key
    return None


def event_participants(state: RuleState, token: Token, event: EventNode, sent: Span) -> None:
    prop = "partyTo" if event.cls == "Agreement" else "participatedIn"
    # "the Israel-Egypt treaty", "the US-China summit": the actors named in the noun phrase too
    slots: tuple[str, ...] = ("between", "among", "by", "compound")
    if event.cls != "Agreement":
        slots = ("gov", "between", "among", "by")
        if event.cls != "Election":  # "the US election" is where it is held, not who takes part
            slots += ("compound",)
    actors = state.expand(t for s in slots for t in slot(token, s, False))
    if event.cls == "Agreement":
        actors += state.expand(agreement_sides(token))
    if event.cls == "MilitaryExercise" and event.named:
        actors += sentence_countries(state, sent)
    for actor in dict.fromkeys(actors):
        if actor not in event.participants:
            event.participants.append(actor)
        state.add(actor, prop, event.key, sent, f"event-{prop}", 0.65, status=event.status)


def agreement_sides(token: Token) -> list[Token]:
    """The sides an agreement verb gives its object: "Peru and Chile signed a deal", "Ghana reached
    an agreement with the IMF", "agreed to a truce", "Egypt brokered a ceasefire"."""
    verb = token.head
    if token.dep_ == "pobj" and verb.dep_ == "prep" and verb.lower_ in ("to", "on"):
        verb = verb.head
    elif token.dep_ != "dobj":
        return []
    if verb.pos_ not in ("VERB", "AUX") or verb_lemmas(verb).isdisjoint(agreement_verbs()):
        return []
    sides = slot(verb, "subj", True)
    for holder in (token, verb):
        sides += [g for c in holder.children if c.dep_ == "prep" and c.lower_ == "with" for g in c.children]
    return sides


def sentence_countries(state: RuleState, sent: Span) -> list[str]:
    """Countries acting in a sentence (names, demonyms, the countries of bodies), not locations."""
    out = []
    for token in sent:
        for key in state.res.keys(token):
            info = entities_of(state.doc).get(key)
            if info is None or _in_locative(token):
                continue
            country = (
                key
                if info.cls == "Country"
                else (f"Country:{info.country}" if info.country and info.cls == "GovernmentBody" else None)
            )
            if country and country not in out:
                out.append(country)
    for c in out:
        entry = gazetteer.by_key(c)
        if entry is not None:
            register_entry(state.doc, entry, None)
    return out


def meeting_officials(state: RuleState) -> None:
    """Officials of a meeting's participant countries, quoted in a sentence about it, took part."""
    offices: dict[str, set[str]] = {}
    for c in state.claims:
        if c.predicate in ("officialOf", "leaderOf"):
            offices.setdefault(c.subject, set()).add(c.object)
    sents = list(state.doc.sents)
    meetings = [e for e in state.events if e.cls == "Meeting"]
    for event in meetings:
        for index in event.sentences:
            sent = sents[index]
            for m in state.res.mentions:
                if m.label_ != "Person" or not sent.start <= m.start < sent.end:
                    continue
                countries = offices.get(m.kb_id_, set())
                target = next((e for e in reversed(meetings) if countries & set(e.participants)), None)
                if target is not None:
                    state.add(m.kb_id_, "participatedIn", target.key, sent, "meeting-official", 0.5)


def _in_locative(token: Token) -> bool:
    head = token
    while head.dep_ in ("conj", "compound", "amod") and head.head is not head:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS
