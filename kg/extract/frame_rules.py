"""Verb and noun frame rules: the claims of a lexicon frame or of a CAMEO verb pattern.

The reviewed lexicon (`data/lexicon.yaml`) is an overlay on the CAMEO verb dictionary: a verb it
lists is read with its frames (`property: null` vetoes the verb), any other verb with its CAMEO
pattern (`kg.extract.cameo`). Either way a claim is made only when its clause states a fact, a
plan or a report (`kg.extract.modality`), and carries the CAMEO code of its trigger.
"""

from __future__ import annotations

import itertools

from spacy.tokens import Span, Token

from kg.extract import cameo
from kg.extract.arguments import COPULAS, slot, subjects
from kg.extract.cameo_codes import FAMILY_CODES, property_of
from kg.extract.claims import ACTORS, PLACES, RuleState
from kg.extract.doc_entities import entities_of
from kg.extract.lexicon import Frame, cameo_lone_vetoes, mutual_attack_verbs, reciprocal_verbs, topic_verbs
from kg.extract.modality import HYPOTHETICAL, NO_FACT, OCCURRED, PLANNED, cues, statement

#: Properties for which "A and B met" relates the conjoined subjects to each other.
SYMMETRIC = frozenset({"meetsWith", "cooperatesWith", "alliedWith"})
#: Properties whose target may be the owner of a non-actor object ("protested China's actions").
OWNED_TARGETS = frozenset({"opposes", "sanctions", "supports", "cooperatesWith"})
#: Prepositions a CAMEO root's pattern names its target with, beyond the property's own: "recalled
#: its ambassador FROM Egypt", "cut ties WITH Iran" (16), "sent troops TO East Timor" (06, 07).
ROOT_TARGET_PREPS: dict[str, frozenset[str]] = {
    "06": frozenset({"to"}),
    "07": frozenset({"to", "for"}),
    "16": frozenset({"from", "with"}),
}
#: Prepositions whose object is a relation's target ("sanctions on", "talks with", "fired at").
TARGET_PREPS: dict[str, frozenset[str]] = {
    "meetsWith": frozenset({"with"}),
    "cooperatesWith": frozenset({"with"}),
    "supports": frozenset({"to", "for"}),
    "opposes": frozenset({"against"}),
    "threatens": frozenset({"against"}),
    "sanctions": frozenset({"on", "against"}),
    "attacks": frozenset({"on", "against", "at"}),
    "visits": frozenset({"to", "in"}),  # "went to Japan", "arrived in Japan for a visit"
}
#: A verb no pattern matched states a relation only where its lone code is plain about its target
#: (CAMEO root -> the slots the target may be in: "obj" its object, else prepositions). Lone
#: cooperative codes are too vague ("lead", "serve", "give" are 060): only a pattern speaks for them.
LONE_TARGETS: dict[str, frozenset[str]] = {
    "04": frozenset({"with"}),  # "conferred with", not "left Afghanistan"
    "05": frozenset({"with"}),  # "collaborated with"
    "07": frozenset({"obj"}),  # "rescued", "defended", "helped"
    **dict.fromkeys(("11", "12", "13", "14"), frozenset({"obj", "against"})),
    "15": frozenset({"against"}),
    **dict.fromkeys(("16", "17"), frozenset({"obj", "on", "against"})),
    **dict.fromkeys(("18", "19", "20"), frozenset({"obj", "on", "against", "at"})),
}
#: The CAMEO code of a relation the lexicon states where no dictionary pattern gives one.
#: Relations a threat of them is a threat with (CAMEO 138 military force, 1312 sanctions).
THREATENED = {"attacks": "138", "sanctions": "1312"}
PROPERTY_CODES = {"visits": "042", "hosts": "043", "partyTo": "057", "sanctions": "163"}
CAMEO_CONFIDENCE = {True: 0.55, False: 0.5}  # a matched pattern, the lone verb's code


def apply_frame(state: RuleState, trigger: Token, frame: Frame, sent: Span, verb: bool) -> None:
    if frame.property is None:
        return
    status = statement(trigger)
    if frame.property in THREATENED and (status == HYPOTHETICAL or threatened(trigger)):
        targets = [t for s in frame.patient for t in slot(trigger, s, verb)]  # "threatened to attack Seoul"
        threat(state, trigger, targets, frame.property, f"threat:{frame.lemma}", sent)
        if threatened(trigger):
            return  # "vowed to retaliate": a threat, not yet an attack
    if status in NO_FACT:
        return
    kw = {"family": frame.family, "status": status, "cameo": frame_code(trigger, frame, verb)}
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
    actor_patients = any(state.class_of(p) in ACTORS for p in patients)
    if not actor_patients and verb and "obj" in frame.patient and frame.property in OWNED_TARGETS:
        patients = state.expand(o for o in slot(trigger, "obj", verb) for o in _owners(o))
    if not patients and verb and "obj" in frame.patient and frame.property == "attacks":
        patients = object_places(state, trigger)
    if not verb and frame.property in SYMMETRIC and _copular(trigger):
        agents += state.expand(slot(trigger, "gov", False))  # "France and Germany are allies"
    rule = f"{'verb' if verb else 'noun'}-frame:{frame.lemma}"
    everyone = None
    if verb and frame.property in SYMMETRIC and not patients:
        everyone = reciprocal(state, trigger)  # "Japan and China met"
    elif frame.symmetric or (not verb and frame.property in SYMMETRIC and _copular(trigger)):
        everyone = list(dict.fromkeys(agents + patients))
    if everyone is not None:
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


#: Verbs whose complement is a threat: "threatened to attack", "warned it would strike", "vowed
#: to retaliate against".
THREAT_VERBS = frozenset({"threaten", "warn", "vow"})


def threatened(trigger: Token) -> bool:
    """Whether an attack or sanctions are the complement of a threatening verb."""
    head = trigger.head
    lemma = head.lemma_.lower()
    return (trigger.dep_ in ("xcomp", "dobj") and lemma in ("threaten", "vow")) or (
        trigger.dep_ == "ccomp" and lemma in THREAT_VERBS
    )


def threat(state: RuleState, trigger: Token, targets: list[Token], prop: str, rule: str, sent: Span) -> None:
    """An attack or sanctions a threatening verb governs ("threatened to attack Seoul", "threatened
    sanctions against Iran", "warned it would strike Kyiv"): the threatener threatens the target
    (CAMEO's transformation of "A wants A to attack B" into 138)."""
    head = trigger.head
    if not threatened(trigger):
        return
    status = statement(head)
    if status in NO_FACT:
        return
    kw = {"family": "THREATEN", "status": status, "cameo": THREATENED[prop]}
    entities = entities_of(state.doc)
    threatened_keys = []
    for key in state.expand(targets):
        info = entities.get(key)
        if info is not None and info.cls == "City" and info.country:
            key = f"Country:{info.country}"  # "warned it would strike Seoul": a threat to the state
        threatened_keys.append(key)
    for a in state.expand(subjects(head)):
        for p in dict.fromkeys(threatened_keys):
            state.add(a, "threatens", p, sent, rule, 0.55, **kw)


def apply_cameo(state: RuleState, verb: Token, match: cameo.CameoMatch, sent: Span) -> None:
    """The claims of a verb the lexicon does not list, read with its CAMEO pattern: its subject
    (or passive agent) to the pattern's target ("imposed sanctions ON IRAN", "met WITH Putin",
    "protested CHINA's actions"); "A and B conferred" relates A and B."""
    prop = match.property
    if prop is None or match.code is None or verb.lemma_.lower() in cues().hypothetical:
        return  # "offered aid", "proposed talks": an offer is not a fact
    lone = frozenset() if match.pattern else LONE_TARGETS.get(match.code[:2])
    if lone is None or (not match.pattern and verb.lemma_.lower() in cameo_lone_vetoes()):
        return
    if match.pattern:  # "left Russia for Paris": a visit's place is where one goes, not one's object
        preps = TARGET_PREPS.get(prop, frozenset()) | ROOT_TARGET_PREPS.get(match.code[:2], frozenset())
        candidates = match.targets(preps, objects=prop != "visits")
    else:
        candidates = match.targets(lone & TARGET_PREPS.get(prop, frozenset()), objects="obj" in lone)
    status = statement(verb)
    if prop in THREATENED and (status == HYPOTHETICAL or threatened(verb)):  # "threatened to bombard Kyiv"
        threat(state, verb, candidates, prop, f"threat:{match.verb.replace(' ', '_')}", sent)
        if threatened(verb):
            return
    if status in NO_FACT:
        return
    if match.planned and status == OCCURRED:
        status = PLANNED
    kw = {"family": match.family, "status": status, "cameo": match.code}
    agents = state.expand(slot(verb, "subj", True))
    targets = [t for t in state.expand(candidates) if t not in agents]
    if not targets and prop in OWNED_TARGETS and (match.pattern or "obj" in lone):
        targets = [t for t in state.expand(match.owners) if t not in agents]
    if not targets and prop == "attacks" and (match.pattern or "obj" in lone):
        targets = [t for t in object_places(state, verb) if t not in agents]
    rule = f"cameo:{match.verb.replace(' ', '_')}"
    confidence = CAMEO_CONFIDENCE[match.pattern]
    if prop in SYMMETRIC and not targets:
        agents = reciprocal(state, verb)
        for a, b in itertools.combinations(agents, 2):
            state.add(a, prop, b, sent, rule, confidence, **kw)
        return
    if prop == "attacks" and not targets and verb.lemma_.lower() in mutual_attack_verbs():
        agents = conjoined_subjects(state, verb)  # "Pakistan and India exchanged fire"
        for a, b in itertools.permutations(agents, 2):
            state.add(a, prop, b, sent, rule, confidence, **kw)
        return
    for a in agents:
        for t in targets:
            state.add(a, prop, t, sent, rule, confidence, **kw)


def conjoined_subjects(state: RuleState, verb: Token) -> list[str]:
    """The actors of "A and B <verb>": each conjoined subject that stands for one actor."""
    found = subjects(verb)
    if len(found) != 1 or not found[0].conjuncts:
        return []
    keys = [state.keys(t) for t in (found[0], *found[0].conjuncts)]
    return list(dict.fromkeys(k for ks in keys if len(ks) == 1 for k in ks))


def reciprocal(state: RuleState, verb: Token) -> list[str]:
    """The actors of "A and B met" (conjoined subjects of a verb with no object or complement),
    each of which the verb relates to the others; else none."""
    blocking = ("xcomp", "ccomp") if verb.lemma_.lower() in topic_verbs() else ("dobj", "xcomp", "ccomp")
    if any(c.dep_ in blocking for c in verb.children):
        return []  # "A and B discussed Iraq": a topic does not block; "A and B met C" an object does
    together = any(c.dep_ == "advmod" and c.lower_ in ("together", "jointly") for c in verb.children)
    if not together and verb.lemma_.lower() not in reciprocal_verbs():
        return []
    found = subjects(verb)  # "A and B agreed to cooperate": the raised subject
    if len(found) != 1 or not found[0].conjuncts:
        return []
    keys = [state.keys(t) for t in (found[0], *found[0].conjuncts)]
    return list(dict.fromkeys(k for ks in keys if len(ks) == 1 for k in ks))


def frame_code(trigger: Token, frame: Frame, verb: bool) -> str | None:
    """The CAMEO code of a lexicon frame's claim: the dictionary's code for the verb (for a noun,
    for the verb it is the object of: "imposed SANCTIONS") when it states the frame's property,
    else the code of the frame's family or property."""
    prop = "cooperatesWith" if frame.property == "alliedWith" else frame.property
    if verb:
        match = cameo.lookup(trigger)
    elif trigger.dep_ in ("dobj", "nsubjpass") and trigger.head.pos_ == "VERB":
        match = cameo.lookup(trigger.head, trigger)
        match = match if match is not None and match.noun == trigger else None
    else:
        match = None
    if match is not None and match.property == prop:
        return match.code
    for code in (PROPERTY_CODES.get(prop or ""), FAMILY_CODES.get(frame.family)):
        if code is not None and property_of(code) == prop:
            return code
    return None


def _owners(token: Token) -> list[Token]:
    return [c for c in token.children if c.dep_ in cameo.OWNER_DEPS and c.i < token.i]


def _copular(noun: Token) -> bool:
    """ "are allies", "became partners": the noun is what the clause's subjects are."""
    return noun.dep_ in ("attr", "oprd") and noun.head.lemma_.lower() in COPULAS


def object_places(state: RuleState, trigger: Token) -> list[str]:
    """Where the unnamed objects of an attack are: "bombed targets in Gaza", "shelled a Gaza
    warehouse"."""
    objects = [o for o in slot(trigger, "obj", True) if not state.keys(o)]
    if not objects:
        return []
    holders = [*objects, trigger]  # "targets in Gaza", or "bombed targets in Gaza" as the parser hangs it
    places = [
        g
        for o in holders
        for c in o.children
        if c.dep_ == "prep" and c.lower_ in ("in", "at", "near")
        for g in c.children
    ]
    places += [c for o in objects for c in o.children if c.dep_ == "compound" and c.i < o.i]
    return [k for k in state.expand(places) if state.class_of(k) in PLACES]
