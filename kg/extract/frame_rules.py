"""Verb and noun frame rules: a lexicon frame's claims, unless negated, with planned/reported status."""

from __future__ import annotations

import itertools

from spacy.tokens import Span, Token

from kg.extract.arguments import slot
from kg.extract.claims import RuleState
from kg.extract.lexicon import Frame, negation_cues, planned_cues

REPORTING = frozenset({"say", "report", "claim", "according", "tell", "announce", "add"})


def apply_frame(state: RuleState, trigger: Token, frame: Frame, sent: Span, verb: bool) -> None:
    if frame.property is None or negated(trigger):
        return
    status = trigger_status(trigger)
    kw = {"family": frame.family, "status": status}
    anchors = [trigger]
    if (
        not verb
        and trigger.dep_ == "pobj"
        and trigger.head.lower_ == "of"
        and trigger.head.head.pos_ == "NOUN"
    ):
        anchors.append(trigger.head.head)  # "acts of terror", "a campaign of strikes": the head noun's slots
    agents = state.expand(t for a in anchors for s in frame.agent for t in slot(a, s, verb))
    patients = state.expand(t for a in anchors for s in frame.patient for t in slot(a, s, verb))
    rule = f"{'verb' if verb else 'noun'}-frame:{frame.lemma}"
    if frame.symmetric:
        everyone = list(dict.fromkeys(agents + patients))
        for a, b in itertools.combinations(everyone, 2):
            state.add(a, frame.property, b, sent, rule, frame.confidence, **kw)
        return
    if frame.property == "memberOf" and frame.lemma in ("include", "comprise", "incorporate"):
        agents, patients = (
            patients,
            agents,
        )  # "the Quad group that includes Australia": members are objects
    for a in agents:
        for p in patients:
            if a not in patients or p not in agents:
                state.add(a, frame.property, p, sent, rule, frame.confidence, **kw)


def negated(trigger: Token) -> bool:
    cues = negation_cues()
    token: Token | None = trigger
    for _ in range(3):
        if token is None:
            break
        if any(c.dep_ == "neg" or (c.lower_ in cues and c.dep_ in ("neg", "advmod")) for c in token.children):
            return True
        if token is not trigger and token.lemma_.lower() in cues:
            return True
        token = token.head if token.dep_ in ("xcomp", "aux") and token.head is not token else None
    return any(c.dep_ == "det" and c.lower_ == "no" for c in trigger.children)


def trigger_status(trigger: Token) -> str:
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
