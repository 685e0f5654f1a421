"""Finding a trigger's argument slots (subject, object, possessor, prepositions) in a dependency parse."""

from __future__ import annotations

from spacy.tokens import Token

from kg.extract.lexicon import light_verbs, non_participation_verbs

GOV_PREPS = frozenset({"at", "during", "in", "for", "to", "on", "into", "as"})
COPULAS = frozenset({"be", "become", "remain"})


def subjects(verb: Token, depth: int = 0) -> list[Token]:
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
        return subjects(head, depth + 1)
    if verb.dep_ in ("relcl", "acl"):
        return [verb.head]
    return []


def slot(trigger: Token, name: str, verb: bool) -> list[Token]:
    kids = list(trigger.children)
    if name == "subj":
        if any(c.dep_ == "nsubjpass" for c in kids):  # passive: the agent is in "by"
            return [g for c in kids if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        return subjects(trigger)
    if name == "obj":
        objs = [c for c in kids if c.dep_ in ("dobj", "attr", "oprd", "nsubjpass")]
        return objs
    if name == "self":
        return [trigger]
    if name == "poss":
        return [c for c in kids if c.dep_ == "poss"]
    if name == "poss_with":  # "his meeting with Allawi", not "NATO's summit" (whose host it names)
        with_ = any(c.dep_ == "prep" and c.lower_ == "with" for c in kids)
        return [c for c in kids if c.dep_ == "poss"] if with_ else []
    if name == "compound":
        return [
            t for c in trigger.lefts if c.dep_ in ("compound", "amod", "nmod", "npadvmod") for t in c.subtree
        ]
    if name == "clause":  # "to enable the defeat of ISIL": whoever the clause is about
        node = trigger.head
        for _ in range(6):
            if node.pos_ in ("VERB", "AUX"):
                return subjects(node)
            if node.head is node:
                break
            node = node.head
        return []
    if name == "light":  # "conducted strikes", "held talks", "imposed sanctions": a light verb's subject
        if _light(trigger):
            return subjects(trigger.head)
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
            return subjects(head)
        if trigger.dep_ in ("attr", "oprd") and head.lemma_.lower() in COPULAS:
            return subjects(head)  # "Finland became a member of NATO"
        return []
    out: list[Token] = []
    for child in kids:
        if child.dep_ in ("prep", "agent", "dative") and child.lower_ == name:
            out.extend(g for g in child.children if g.dep_ == "pobj")
        elif name == "by" and child.dep_ == "acl":  # "threats posed by North Korea"
            out.extend(g for c in child.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj")
    if verb and name == "with":  # "held talks with X": the preposition hangs on the object
        for obj in kids:
            if obj.dep_ == "dobj":
                out.extend(slot(obj, "with", False))
    if not verb and _light(trigger):  # "launched strikes yesterday on Kyiv": on the light verb
        out.extend(
            g for c in trigger.head.children if c.dep_ == "prep" and c.lower_ == name for g in c.children
        )
    return out


def _light(noun: Token) -> bool:
    """Whether a noun is the object of a light verb ("conducted strikes", "imposed sanctions")."""
    return noun.dep_ == "dobj" and not light_verbs().isdisjoint(verb_lemmas(noun.head))


def verb_lemmas(verb: Token) -> set[str]:
    """A verb's lemma, and the stems of its form where the model's lemma may be wrong ("waged": "wag")."""
    form = verb.lower_
    out = {verb.lemma_.lower()}
    if form.endswith("ed"):
        out |= {form[:-1], form[:-2]}
    elif form.endswith(("es", "s")):
        out |= {form[:-1]}
    return out
