"""Who took part in a named conflict: the actors of the clauses set in it.

"He served in the First World War", "During World War II he joined the army" (the clause's
subject and objects), "served with the Royal Canadian Air Force during World War II", "the War
of 1812 between Britain and the United States", "X fought the Kargil War".
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extract.arguments import subjects
from kg.extract.claims import RuleState
from kg.extract.conflicts import AGREEMENT, CLASS
from kg.extract.event_rules import agreement_sides

#: Prepositions that set a clause in a conflict: "in the war", "during the war".
SETTING_PREPS = frozenset({"in", "during", "throughout", "at"})


def conflict_participants(state: RuleState, sent: Span) -> None:
    """participatedIn for the actors of clauses set in a named conflict."""
    for mention in (m for m in state.res.mentions if m.label_ == CLASS and sent.start <= m.start < sent.end):
        root = mention.root
        while root.dep_ == "conj" and root.head is not root:
            root = root.head  # "during the French Revolutionary Wars and the Napoleonic Wars"
        actors: list[Token] = _between(mention.root) + _between(root)
        if root.dep_ == "pobj" and root.head.lower_ in SETTING_PREPS:
            verb = _clause_verb(root.head.head)
            if verb is not None:
                actors += subjects(verb)
                actors += [
                    g
                    for c in verb.children
                    if c.dep_ in ("prep", "dobj", "dative") and c is not root.head
                    for g in (c.children if c.dep_ == "prep" else (c,))
                    if g.dep_ in ("pobj", "dobj", "dative")
                ]
        elif root.dep_ == "dobj":  # "fought the Kargil War"
            actors += subjects(root.head)
        elif root.dep_ in ("nsubj", "nsubjpass"):  # "the war was fought between A and B"
            actors += _between(root.head)
        for key in state.expand(actors):
            state.add(key, "participatedIn", mention.kb_id_, sent, "conflict-clause", 0.6)


def _between(token: Token) -> list[Token]:
    return [g for c in token.children if c.dep_ == "prep" and c.lower_ == "between" for g in c.children]


def _clause_verb(token: Token) -> Token | None:
    """The verb a phrase hangs on: "saw service in the war" -> "saw"."""
    node = token
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX"):
            return node
        if node.head is node:
            return None
        node = node.head
    return None


def agreement_parties(state: RuleState, sent: Span) -> None:
    """partyTo for the sides of a named agreement: "Libya joined the Chemical Weapons Convention",
    "the Treaty of Paris between France and Spain"."""
    for mention in (
        m for m in state.res.mentions if m.label_ == AGREEMENT and sent.start <= m.start < sent.end
    ):
        root = mention.root
        sides = agreement_sides(root) + _between(root)
        for key in state.expand(sides):
            state.add(
                key, "partyTo", mention.kb_id_, sent, "named-agreement", 0.6, family="AGREE", cameo="057"
            )
