"""In-house coreference: surnames, pronouns, group nouns, metonymy and possessives.

`KGCoref` (the `kg_coref` component) rewrites mentions on the Doc: a later "Austin" or "Kim"
joins the full name; a capital used as an actor ("Moscow's war", "friction with Seoul") becomes
its country. `Resolver` answers, for any token, which entities it stands for (pronouns, "the
three nations", "its two allies"), for the relation rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.extract import gazetteer
from kg.extract.agents import agent
from kg.extract.doc_entities import DEMONYM_KEY, SPAN_KEY, entities_of, register_entry
from kg.extract.knowledge import using
from kg.extract.lexicon import frames, titles
from kg.extract.offices import offices_of
from kg.extract.seats import seats as seat_table

LOCATIVE_PREPS = frozenset(
    {
        "in",
        "at",
        "near",
        "outside",
        "to",
        "from",
        "into",
        "across",
        "around",
        "over",
        "inside",
        "within",
        "toward",
        "towards",
        "via",
        "through",
        "throughout",
        "beyond",
        "off",
        "north",
        "south",
        "east",
        "west",
    }
)
PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers", "himself", "herself"})
THING_PRONOUNS = frozenset({"it", "its", "itself"})
GROUP_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
GROUP_NOUNS = frozenset(
    {
        "nations",
        "countries",
        "allies",
        "states",
        "partners",
        "governments",
        "sides",
        "powers",
        "neighbours",
        "neighbors",
        "nation",
        "country",
        "ally",
        "partner",
        "side",
        "state",
    }
)
STATE_NOUNS = frozenset(
    {"nation", "country", "ally", "state", "government", "power", "neighbour", "neighbor"}
)
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "both": 2, "trilateral": 3, "bilateral": 2}
ACTOR_CLASSES = frozenset({"Country", "InternationalOrganization", "Organization", "GovernmentBody"})


@Language.factory("kg_coref", default_config={"metonymy": True})
def make_coref(nlp: Language, name: str, metonymy: bool) -> KGCoref:
    return KGCoref(nlp, name, metonymy=metonymy)


class KGCoref:
    """Attach surname mentions to full names and turn capitals used as actors into countries.

    `metonymy` (true): a seat of government used as an actor ("Moscow said") names its country;
    false keeps it the city.
    """

    def __init__(self, nlp: Language, name: str = "kg_coref", *, metonymy: bool = True) -> None:
        self.name = name
        self.metonymy = metonymy

    def __call__(self, doc: Doc) -> Doc:
        with using(doc._.kg_knowledge):
            spans = list(doc.spans[SPAN_KEY])
            if self.metonymy:
                spans = self._metonymy(doc, spans)
            spans = self._surnames(doc, spans)
            doc.spans[SPAN_KEY] = sorted(spans, key=lambda s: s.start)
        return doc

    def _metonymy(self, doc: Doc, spans: list[Span]) -> list[Span]:
        seats = seat_table()
        out = []
        for span in spans:
            iso3 = seats.get(span.text)
            if (
                span.label_ in ("City", "Place")
                and iso3
                and not _is_locative(span.root)
                and not _attacked(span.root)
                and not _addressed(span, iso3)
            ):
                country = gazetteer.by_key(f"Country:{iso3}")
                if country is not None:
                    register_entry(doc, country, None)
                    out.append(Span(doc, span.start, span.end, label="Country", kb_id=country.key))
                    continue
            out.append(span)
        # a city that only ever appeared as a metonym is not a node of this document
        used = {s.kb_id_ for s in out}
        for key in [k for k, v in entities_of(doc).items() if v.cls in ("City", "Place") and k not in used]:
            del entities_of(doc)[key]
        return out

    def _surnames(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """A one-word name that is part of a full name in this document refers to that person."""
        people = [s for s in spans if s.label_ == "Person" and len(s) > 1]
        parts: dict[str, str] = {}
        for person in people:
            words = [t.text for t in person if t.is_alpha or "-" in t.text]
            for word in (words[0], words[-1]) if len(words) > 1 else ():
                parts.setdefault(word, person.kb_id_)
        if not parts:
            return [s for s in spans if not _unexplained_single_name(s)]
        covered: dict[int, Span] = {i: s for s in spans for i in range(s.start, s.end)}
        out = [s for s in spans if not (len(s) == 1 and s.text in parts and s.kb_id_ != parts[s.text])]
        out_ids = {id(s) for s in out}
        for token in doc:
            key = parts.get(token.text)
            if key is None or token.pos_ not in ("PROPN", "NOUN", "VERB", "ADJ"):
                continue
            span = covered.get(token.i)
            if span is not None and (len(span) > 1 or span.label_ == "Person") and id(span) in out_ids:
                continue
            if span is not None and span.label_ == "Person" and len(span) > 1:
                continue
            out.append(Span(doc, token.i, token.i + 1, label="Person", kb_id=key))
            entities_of(doc)[key].names.add(token.text)
        # a lone first or last name the NER found, that no full name or list explains, is noise
        out = [s for s in out if not _unexplained_single_name(s)]
        # a single-word span that became a surname is no longer a place or an organization
        for key in [
            k for k, v in entities_of(doc).items() if v.cls != "Person" and k not in {s.kb_id_ for s in out}
        ]:
            del entities_of(doc)[key]
        return _dedupe(out)


def _unexplained_single_name(span: Span) -> bool:
    if span.label_ != "Person" or len(span) != 1:
        return False
    key = span.kb_id_
    before = span.doc[span.start - 1] if span.start > 0 else None
    t = titles()
    if before is not None and before.text[:1].isupper() and before.lower_ in t.royal_titles | t.leader:
        return False  # "Marshal Villeroi", "President Bush": the title says a person is named
    return gazetteer.by_key(key) is None and offices_of(key) == ()


def _dedupe(spans: list[Span]) -> list[Span]:
    seen: set[tuple[int, int]] = set()
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if (span.start, span.end) in seen or any(s.start <= span.start < s.end for s in out):
            continue
        seen.add((span.start, span.end))
        out.append(span)
    return out


def _relative_antecedent(token: Token) -> Token | None:
    """The noun a relative clause hangs on, for the relative pronoun `token`."""
    node = token
    for _ in range(4):
        if node.dep_ == "relcl":
            return node.head
        if node.head is node:
            return None
        node = node.head
    return None


def _addressed(span: Span, iso3: str) -> bool:
    """Whether a capital is written as an address, its country after a comma: "(1782 Havana, Cuba-"."""
    doc = span.doc
    if span.end + 1 >= len(doc) or doc[span.end].text != ",":
        return False
    start = span.end + 1
    for length in (3, 2, 1):
        entry = gazetteer.lookup(doc[start : min(len(doc), start + length)].text)
        if entry is not None and entry.key == f"Country:{iso3}":
            return True
    return False


def _attacked(token: Token) -> bool:
    """Whether a place name is the target of an attack ("missile strikes on Kyiv", "shelled
    Kharkiv"): the city itself is hit, not the state it is the seat of."""
    head = token
    while head.dep_ == "conj" and head.head is not head:
        head = head.head
    if head.dep_ == "pobj" and head.head.lower_ in ("on", "at", "against"):
        head = head.head
    elif head.dep_ != "dobj":
        return False
    trigger = head.head.lemma_.lower()
    verbs, nouns = frames()
    return any(f.property == "attacks" for f in (*verbs.get(trigger, ()), *nouns.get(trigger, ())))


def _is_locative(token: Token) -> bool:
    """Whether a place name is used as a location ("in Tokyo") rather than an actor ("Tokyo said")."""
    head = token
    while head.dep_ == "conj" and head.head is not head:
        head = head.head
    if head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS:
        return True
    if head.dep_ in ("compound", "nmod", "npadvmod") and head.head.pos_ in ("NOUN", "PROPN"):
        return head.head.dep_ == "pobj" and head.head.head.lower_ in LOCATIVE_PREPS
    return head.dep_ in ("appos",)


@dataclass(frozen=True)
class Group:
    """Actors named together ("The US, Japan and South Korea"), in order of appearance."""

    start: int  # token index of the first member
    keys: tuple[str, ...]
    countries: bool = True  # every member is a country ("the two allies" can only mean such a group)


class Resolver:
    """Which entities a token stands for, within one document."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.by_token: dict[int, Span] = {i: s for s in doc.spans[SPAN_KEY] for i in range(s.start, s.end)}
        self.demonyms: dict[int, Span] = {i: s for s in doc.spans[DEMONYM_KEY] for i in range(s.start, s.end)}
        self.mentions = list(doc.spans[SPAN_KEY])
        self.groups = self._groups()

    def _groups(self) -> list[Group]:
        groups = []
        for span in self.mentions:
            root = span.root
            if span.label_ not in ACTOR_CLASSES or root.dep_ == "conj":
                continue
            keys = [span.kb_id_]
            for conj in root.conjuncts:
                other = self.by_token.get(conj.i)
                if other is not None and other.label_ in ACTOR_CLASSES and other.kb_id_ not in keys:
                    keys.append(other.kb_id_)
            if len(keys) > 1:
                countries = all(k.startswith("Country:") for k in keys)
                groups.append(Group(span.start, tuple(keys), countries))
        return groups

    def mention(self, token: Token) -> Span | None:
        return self.by_token.get(token.i)

    def keys(self, token: Token) -> list[str]:
        """Entity keys the token stands for (empty if none)."""
        span = self.by_token.get(token.i) or self.demonyms.get(token.i)
        if span is not None:
            return [span.kb_id_]
        lower = token.lower_
        if lower in ("whose", "which", "who", "that") and token.tag_ in ("WP$", "WDT", "WP"):
            antecedent = _relative_antecedent(token)  # "ISIL, whose acts of terror ..."
            return self.keys(antecedent) if antecedent is not None else []
        is_title = lower in titles().office or lower in titles().leader
        if token.pos_ == "NOUN" or is_title:
            if token.dep_ == "appos" and token.lemma_.lower() in GROUP_NOUNS | {"member"}:
                return self.keys(token.head)  # "Japan, a US treaty ally": the ally is Japan
            named = [c for c in token.children if c.dep_ == "appos" and self.by_token.get(c.i) is not None]
            if named:  # "NATO members Finland and Sweden", "the Foreign Minister, Ibrahim al-Jaafari"
                return [
                    self.by_token[t.i].kb_id_
                    for c in named
                    for t in (c, *c.conjuncts)
                    if t.i in self.by_token
                ]
        if is_title and token.i + 1 < len(self.doc):
            named_after = self.by_token.get(token.i + 1)  # "met Foreign Minister Andrii Sybiha"
            if (
                named_after is not None
                and named_after.start == token.i + 1
                and named_after.label_ == "Person"
            ):
                return [named_after.kb_id_]
        if is_title and any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
            titled = self._titled_before(
                token
            )  # "the Foreign Secretary" after "Foreign Secretary Boris Johnson"
            if titled:
                return titled
        collective = self._collective(token)  # "Coalition nations", "Iraqi forces" before "the nations"
        if collective:
            return collective
        if lower in PERSON_PRONOUNS:
            return self._person(token)
        if lower in THING_PRONOUNS:
            return self._nearest(token, ACTOR_CLASSES)
        if lower in GROUP_PRONOUNS:
            group = self._group_before(token.i, None, None)
            return list(group.keys) if group else []
        if token.lemma_.lower() in GROUP_NOUNS or (lower in NUMBERS and token.pos_ in ("NUM", "ADJ")):
            return self._group_noun(token)
        return []

    def _titled_before(self, token: Token) -> list[str]:
        """The latest person introduced with this title word right before their name."""
        for span in reversed(self.mentions):
            if span.label_ != "Person" or span.start >= token.i:
                continue
            before = span.doc[max(0, span.start - 4) : span.start]
            if any(t.lower_ == token.lower_ for t in before):
                return [span.kb_id_]
        return []

    def _person(self, token: Token) -> list[str]:
        """ "he", "his": a person named earlier in this sentence, else the latest person who was the
        subject of a sentence before (the one a story or a biography is about), else the nearest."""
        sent_start = token.sent.start
        for span in reversed(self.mentions):
            if (
                span.label_ == "Person"
                and sent_start <= span.start < token.i
                and span.root.head != token.head
            ):
                return [span.kb_id_]
        for span in reversed(self.mentions):
            if (
                span.label_ == "Person"
                and span.start < sent_start
                and span.root.dep_ in ("nsubj", "nsubjpass")
            ):
                return [span.kb_id_]
        return self._nearest(token, {"Person"})

    def _nearest(self, token: Token, classes: frozenset[str] | set[str]) -> list[str]:
        """The closest preceding mention of those classes (this sentence first, then earlier)."""
        for span in reversed(self.mentions):
            if span.start < token.i and span.label_ in classes:
                return [span.kb_id_]
        return []

    def _group_before(
        self, index: int, size: int | None, owner: str | None, countries: bool = False
    ) -> Group | None:
        for group in reversed(self.groups):
            if group.start >= index or (countries and not group.countries):
                continue
            members = [k for k in group.keys if k != owner]
            if owner and owner not in group.keys:
                continue
            if size is None or len(members) == size:
                return Group(group.start, tuple(members))
        return None

    def _group_noun(self, token: Token) -> list[str]:
        """ "the three nations", "its two allies", "the two", "the country"."""
        size = None
        owner = None
        for child in token.children:
            if child.lower_ in NUMBERS:
                size = NUMBERS[child.lower_]
            elif child.dep_ == "poss":
                owned = self.keys(child)
                owner = owned[0] if len(owned) == 1 else None
        if token.lower_ in NUMBERS:
            size = NUMBERS[token.lower_]
        if size is None and token.tag_ in ("NN", "NNP"):  # "the country": the latest country named
            return self._nearest(token, {"Country"})
        states = token.lemma_.lower() in STATE_NOUNS  # "allies", "nations": a group of countries
        if size is None and owner is None:
            group = self._group_before(token.i, None, None, states)
            return list(group.keys) if group else []
        group = self._group_before(token.i, size, owner, states)
        return list(group.keys) if group else []

    def _collective(self, token: Token) -> list[str]:
        """The named actor behind a collective noun: "Iraqi forces", "the Quad group", "the US delegation"."""
        t = titles()
        heads = t.collective_heads
        # an unnamed official acts for the state named beside the title: "Iran's foreign minister"
        titled = token.lower_ in t.office or token.lower_ in t.leader
        role = agent(token.text) or agent(token.lemma_)  # Phoenix's agent nouns: "police", "rebels"
        state_agent = role is None or role.official or role.sector in ("ELI", "MED", "IGO")
        listed = token.lemma_.lower() in heads or token.lower_ in heads or titled
        if not listed and not (role is not None and role.official):
            return []
        modifiers = [
            c for c in token.children if c.dep_ in ("compound", "amod", "nmod", "poss") and c.i < token.i
        ]
        # "his Ugandan counterpart": the country word speaks for the collective, not the pronoun
        for child in sorted(modifiers, key=lambda c: c.pos_ == "PRON"):
            keys = self.keys(child)
            if keys and not state_agent and all(k.startswith("Country:") for k in keys):
                return []  # "Iraqi militants", "Afghan rebels" do not act for the state
            if keys:
                return keys
        return []


WORD = re.compile(r"\w")
