"""Modality and polarity: whether a trigger's clause states a fact, a plan, a report, or nothing.

A relation rule asks `statement(trigger)` before it claims anything. The walk starts at the
trigger (a verb, or a noun such as "talks") and climbs the clauses that govern it ("talks" ->
"host" -> "offered"), reading the cues of `data/lexicon.yaml`:

- negated: "did not attack", "no talks", "refused to meet", "denied that it attacked";
- hypothetical: offers, proposals, wishes, demands, threats of it ("offered to host talks",
  "called for sanctions"), modals of possibility ("could strike", "would" outside reported
  speech), conditions ("if Iran attacks"), questions;
- planned: "will host", "plans to visit", "agreed to hold talks", "said it would visit";
- reported: the complement of a reporting verb ("officials said Russia attacked");
- occurred: everything else.

Negated and hypothetical statements give no relations and no event nodes; planned and reported
ones keep their status on the evidence (and a planned event's node has status planned).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.extract.knowledge import cached
from kg.extract.lexicon import load_data

OCCURRED, PLANNED, REPORTED = "occurred", "planned", "reported"
NEGATED, HYPOTHETICAL = "negated", "hypothetical"
#: Statuses that give no relation.
NO_FACT = frozenset({NEGATED, HYPOTHETICAL})
#: Dependencies the walk climbs from a word to the clause that governs it.
CLIMB = frozenset(
    {"xcomp", "ccomp", "conj", "dobj", "pobj", "prep", "pcomp", "attr", "oprd", "dative", "compound"}
    | {"appos", "acl", "npadvmod", "agent", "nsubjpass", "aux", "auxpass"}
)
#: Of those, the ones across which a governing clause's negation holds ("did not impose sanctions").
NEGATION_HOLDS = CLIMB - {"ccomp", "acl"}
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
#: Planned-cue verbs that make their object planned too ("planned attacks", "scheduled talks").
PLANS = frozenset({"plan", "schedule", "prepare", "arrange"})


@dataclass(frozen=True)
class Cues:
    planned: frozenset[str]  # governing words that make a clause planned ("plans to", "will")
    negation: frozenset[str]  # words that negate their clause ("not", "refused to")
    denial: frozenset[str]  # verbs that negate their complement ("denied that")
    hypothetical: frozenset[str]  # governing words that make a clause hypothetical ("offered to")
    modals: frozenset[str]  # auxiliaries of possibility ("could")
    reporting: frozenset[str]  # verbs whose complement is reported ("said that")


@cached
def cues() -> Cues:
    data = load_data("lexicon.yaml")
    return Cues(
        planned=frozenset(data["planned_cues"]),
        negation=frozenset(data["negation_cues"]),
        denial=frozenset(data["denial_verbs"]),
        hypothetical=frozenset(data["hypothetical_cues"]),
        modals=frozenset(data["hypothetical_modals"]),
        reporting=frozenset(data["reporting_verbs"]),
    )


def statement(trigger: Token) -> str:
    """What the trigger's clause states: occurred, planned, reported, negated or hypothetical."""
    c = cues()
    if trigger.sent.text.rstrip(" \"'”’").endswith("?"):
        return HYPOTHETICAL
    status, would, clause = OCCURRED, False, False
    node, via = trigger, None
    if trigger.pos_ in ("NOUN", "PROPN") and any(k.dep_ == "poss" for k in trigger.children):
        return _noun_phrase(trigger, c)  # "the SDF's fight against ISIL": presupposed, whatever governs it
    for _ in range(8):
        kids = list(node.children)
        lemma = node.lemma_.lower()
        if via is None or via in NEGATION_HOLDS:
            if any(k.dep_ == "neg" or (k.dep_ == "advmod" and k.lower_ in c.negation) for k in kids):
                return NEGATED
            if any(k.dep_ == "det" and k.lower_ == "no" for k in kids):
                return NEGATED
        if via is not None:
            clause = clause or via in ("ccomp", "xcomp", "pcomp", "acl")
            if lemma in c.denial and (via in ("ccomp", "xcomp", "pcomp") or (clause and via == "dobj")):
                return NEGATED  # "denied that it attacked", "dismissed reports that it attacked"
            if lemma in c.negation and via in ("xcomp", "dobj", "pcomp"):
                return NEGATED  # "refused to meet", "declined talks"
            if lemma in c.hypothetical and via not in ("conj", "appos", "compound"):
                return HYPOTHETICAL
            if lemma in c.planned and (
                via in ("xcomp", "acl", "auxpass") or (via == "dobj" and lemma in PLANS)
            ):
                status = PLANNED
            if lemma in c.reporting and via == "ccomp":
                status = PLANNED if would else (REPORTED if status == OCCURRED else status)
                return status  # what a reporting verb says is itself neither offered nor negated
        if any(k.dep_ == "amod" and k.lemma_.lower() in c.hypothetical for k in kids):
            return HYPOTHETICAL  # "possible sanctions", "a proposed summit"
        if any(k.dep_ == "amod" and k.lemma_.lower() in c.planned for k in kids):
            status = PLANNED  # "the planned visit"
        auxes = {k.lower_ for k in kids if k.dep_ in ("aux", "auxpass")}
        if auxes & c.modals:
            return HYPOTHETICAL
        if "would" in auxes or "'d" in auxes:
            would = True
        elif auxes & FUTURE_AUX:
            status = PLANNED
        if any(k.dep_ == "mark" and k.lower_ in CONDITIONAL_MARKS for k in kids):
            return HYPOTHETICAL  # "if Iran attacks"
        if any(k.dep_ == "advcl" and _conditional(k) for k in kids):
            return HYPOTHETICAL  # "..., the US would strike if Iran attacks"
        if node.dep_ not in CLIMB or node.head == node:
            break
        node, via = node.head, node.dep_
    return HYPOTHETICAL if would else status


def _noun_phrase(noun: Token, c: Cues) -> str:
    """The statement of a noun phrase on its own: "no talks", "Russia's possible attack"."""
    kids = list(noun.children)
    if any(k.dep_ == "neg" or (k.dep_ == "det" and k.lower_ == "no") for k in kids):
        return NEGATED
    if any(k.dep_ == "amod" and k.lemma_.lower() in c.hypothetical for k in kids):
        return HYPOTHETICAL
    if any(k.dep_ == "amod" and k.lemma_.lower() in c.planned for k in kids):
        return PLANNED
    return OCCURRED


def _conditional(clause: Token) -> bool:
    return any(k.dep_ == "mark" and k.lower_ in CONDITIONAL_MARKS for k in clause.children)
