"""Structural rules: organizations in places, cities in their countries, bodies part of countries."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Span

from kg.extract import gazetteer
from kg.extract.claims import ORGS, RuleState
from kg.extract.doc_entities import entities_of


def located(state: RuleState, sent: Span) -> None:
    """An organization "in" a place: "ISIL in Iraq and Syria", "In Syria, the SDF has made progress"."""
    for mention in (m for m in state.res.mentions if sent.start <= m.start < sent.end):
        if mention.label_ not in ORGS:
            continue
        root = head = mention.root
        while head.dep_ in ("compound", "nmod", "amod") and head.head.pos_ in ("NOUN", "PROPN"):
            head = head.head  # "ISIL terrorists in Syria", "ISIL targets in Iraq"
        places = state.expand(
            g for c in head.children if c.dep_ == "prep" and c.lower_ == "in" for g in c.children
        )
        if root.dep_ in ("nsubj", "nsubjpass"):
            verb = root.head
            places += state.expand(
                g for c in verb.children if c.dep_ == "prep" and c.lower_ == "in" for g in c.children
            )
        for place in dict.fromkeys(places):
            state.add(mention.kb_id_, "locatedIn", place, sent, "in-place", 0.6)


def structural(state: RuleState) -> None:
    """Facts the text states by naming things together: a body named with its country ("South
    Korean Defense Ministry", "Japan's SDF")."""
    entities = entities_of(state.doc)
    for m in state.res.mentions:
        info = entities.get(m.kb_id_)
        if info is None:
            continue
        sent = m.sent
        if info.cls in ORGS - {"MediaOrganization"}:
            owner = f"Country:{info.part_of}" if info.part_of else None
            owners = [owner] if owner else state.expand(c for c in m.root.children if c.dep_ == "poss")
            for key in owners:
                if res_class(state, key) == "Country":
                    state.add(m.kb_id_, "partOf", key, sent, "government-body", 0.9)
            known = f"Country:{info.country}" if info.country else None
            if info.cls == "GovernmentBody" and not owners and known and names_country(m, info.country):
                # "US Army", "British Army": the name itself says whose
                state.add(m.kb_id_, "partOf", known, sent, "government-body", 0.9)
            elif info.cls == "GovernmentBody" and not owners and known in named_in(state, sent):
                # "the State Department" in a story that names the United States
                state.add(m.kb_id_, "partOf", known, sent, "government-body-gazetteer", 0.7)


def main_country(state: RuleState) -> str | None:
    """The one country a document is about: named at least twice (itself, or in the name of one of
    its bodies: "the United States District Court"), and more often than any other."""
    entities = entities_of(state.doc)
    counts: Counter[str] = Counter()
    for m in state.res.mentions:
        info = entities.get(m.kb_id_)
        if m.label_ == "Country":
            counts[m.kb_id_] += 1
        elif info is not None and info.cls == "GovernmentBody" and info.part_of:
            counts[f"Country:{info.part_of}"] += 1
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def names_country(mention: Span, iso3: str | None) -> bool:
    """Whether a body's name starts with a name or demonym of its own country ("US Army")."""
    entry = gazetteer.by_key(f"Country:{iso3}")
    if entry is None:
        return False
    words = mention.text.split()
    return any(
        " ".join(words[:n]) in (*entry.names, *entry.demonyms)
        or " ".join(words[:n]).replace(".", "") in entry.names
        for n in (1, 2, 3)
    )


def named_in(state: RuleState, sent: Span) -> set[str]:
    return {m.kb_id_ for m in state.res.mentions if sent.start <= m.start < sent.end}


def res_class(state: RuleState, key: str) -> str | None:
    info = entities_of(state.doc).get(key)
    if info is None and (entry := gazetteer.by_key(key)) is not None:
        return entry.cls
    return info.cls if info else None
