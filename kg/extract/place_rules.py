"""Where places are: `locatedIn` between places, as the text states it and the gazetteer allows it.

A place is tied to a larger one by the way encyclopaedias and news write it:

- apposition or a dateline: "Mosul, Iraq", "KHARTOUM, Sudan (Reuters) -";
- a preposition: "Hanover in northern Germany";
- a description: "Durán is a city in Guayas", "Rockhampton, a city in Queensland", "X, the capital
  of Y", "X is located in Y";
- a place noun with its owner: "the Sudanese region of Darfur", "Sudan's Darfur region",
  "Russia's Katyn Forest".

A link is kept only when it runs from a smaller kind of place to a larger one (a place or city in a
region or country, a region in a country) and the gazetteer does not contradict it (a city it
knows lies in another country). A city the gazetteer knows, named in the same sentence as its
country, lies in it too; and what lies in a region that lies in a country lies in that country.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extract import gazetteer
from kg.extract.claims import RuleState
from kg.extract.doc_entities import SPAN_KEY, entities_of, register_entry
from kg.extract.knowledge import cached
from kg.extract.lexicon import load_data
from kg.extract.span_types import subdivision

#: How large a kind of place is: a link runs from a lower rank to a higher one.
RANK = {"Place": 0, "City": 1, "Region": 2, "Country": 3}
#: What each way of stating a link is worth before calibration.
PRIORS = {"place-apposition": 0.8, "place-in": 0.7, "place-description": 0.8, "place-owner": 0.75}


@cached
def place_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(place nouns, region heads, location verbs) of data/places.yaml."""
    data = load_data("places.yaml")
    return (
        frozenset(data["place_nouns"]),
        frozenset(data["region_heads"]),
        frozenset(data["location_verbs"]),
    )


def place_links(state: RuleState, sent: Span) -> None:
    """Every locatedIn the sentence states between two places."""
    _regions_by_noun(state, sent)
    for mention in _places_in(state, sent):
        for rule, tokens in _linked(state, mention):
            for key in state.expand(tokens):
                _link(state, mention.kb_id_, key, sent, rule)


def _regions_by_noun(state: RuleState, sent: Span) -> None:
    """ "the province of Uppland", "the Lazio region": a place a region noun names is a region."""
    region_nouns = place_words()[1] | {"state", "county", "department", "territory", "district"}
    entities = entities_of(state.doc)
    for mention in _places_in(state, sent):
        info = entities.get(mention.kb_id_)
        if info is None or info.cls != "Place":
            continue
        root = mention.root
        noun = root.head.head if root.dep_ == "pobj" and root.head.lower_ == "of" else root.head
        if noun.lemma_.lower() in region_nouns and (root.dep_ == "pobj" or root.dep_ == "compound"):
            info.cls = "Region"


def gazetteer_links(state: RuleState) -> None:
    """Known cities and regions in the countries named beside them, and links through regions."""
    entities = entities_of(state.doc)
    for sent in state.doc.sents:
        named = {m.kb_id_ for m in state.res.mentions if sent.start <= m.start < sent.end}
        for key in sorted(named):
            info = entities.get(key)
            if info is None or info.cls not in ("City", "Region") or not info.country:
                continue
            country = f"Country:{info.country}"
            if country in named:
                state.add(key, "locatedIn", country, sent, "place-gazetteer", 0.7)
    in_document = {m.kb_id_ for m in state.res.mentions}
    for m in state.res.mentions:
        info = entities.get(m.kb_id_)
        if (
            info is not None
            and info.cls == "Region"
            and info.country
            and f"Country:{info.country}" in in_document
        ):
            state.add(m.kb_id_, "locatedIn", f"Country:{info.country}", m.sent, "region-gazetteer", 0.6)
    _through_regions(state)


def _places_in(state: RuleState, sent: Span) -> list[Span]:
    return [
        m
        for m in state.res.mentions
        if sent.start <= m.start < sent.end
        and (m.label_ in RANK or m.label_ == "Event")
        and m.label_ != "Country"
    ]


def _linked(state: RuleState, mention: Span) -> list[tuple[str, list[Token]]]:
    nouns, _, verbs = place_words()
    root = mention.root
    out: list[tuple[str, list[Token]]] = []
    appos = [c for c in root.children if c.dep_ == "appos"]
    out.append(("place-apposition", [a for a in appos if state.res.mention(a) is not None]))
    out.append(("place-apposition", _comma_follower(state, mention)))
    out.append(("place-in", _objects(root, ("in",))))
    # "Rockhampton, a city in Queensland", "X, the capital of Y"
    for noun in appos:
        if noun.lemma_.lower() in nouns:
            out.append(("place-description", _described(noun) + _owners(noun)))
    # "Durán is a city in Guayas", "X is located in Y"
    if root.dep_ in ("nsubj", "nsubjpass"):
        verb = root.head
        for attr in (c for c in verb.children if c.dep_ == "attr" and c.lemma_.lower() in nouns):
            out.append(("place-description", _described(attr) + _owners(attr)))
        if verb.lemma_.lower() in verbs:
            out.append(("place-description", _objects(verb, ("in", "near", "on"))))
    # "the Sudanese region of Darfur": the noun the name is "of"
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lemma_.lower() in nouns:
        out.append(("place-owner", _owners(root.head.head)))
    # "Sudan's Darfur region", "Russia's Katyn Forest"
    head = root.head if root.dep_ == "compound" and root.head.lemma_.lower() in nouns else root
    out.append(("place-owner", [c for c in head.children if c.dep_ == "poss"]))
    return [(rule, tokens) for rule, tokens in out if tokens]


def _described(noun: Token) -> list[Token]:
    """Where a place noun puts its place: "a town in Y", "the capital of Y", "a city located in Y"."""
    verbs = place_words()[2]
    located = [c for c in noun.children if c.dep_ == "acl" and c.lemma_.lower() in verbs]
    return _objects(noun, ("in", "of")) + [t for v in located for t in _objects(v, ("in", "near", "on"))]


def _objects(token: Token, preps: tuple[str, ...]) -> list[Token]:
    """The objects of the token's prepositions `preps`, through place nouns: "in the province of
    Guayas", "in the Lazio region", "in the northern part of Rieti"."""
    out: list[Token] = []
    for c in token.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            out.extend(_named(g) for g in c.children if g.dep_ == "pobj")
    return out


def _named(token: Token, depth: int = 0) -> Token:
    """The name a place noun stands for: "the province of Guayas" -> Guayas, "the Lazio region" ->
    Lazio, "part of X" -> X; any other token is itself."""
    nouns = place_words()[0]
    if (
        depth > 2
        or token.pos_ not in ("NOUN",)
        or not (token.lemma_.lower() in nouns or token.lemma_.lower() == "part")
    ):
        return token
    of = [
        g
        for c in token.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for g in c.children
        if g.dep_ == "pobj"
    ]
    if of:
        return _named(of[0], depth + 1)
    names = [c for c in token.children if c.dep_ in ("compound", "appos") and c.pos_ == "PROPN"]
    return names[0] if names else token


def _owners(noun: Token) -> list[Token]:
    """Possessors and modifiers of a place noun: "Sudan's", "Sudanese", "Iraqi"."""
    return [c for c in noun.children if c.dep_ in ("poss", "amod", "compound", "nmod")]


def _comma_follower(state: RuleState, mention: Span) -> list[Token]:
    """ "KHARTOUM, Sudan": a place right after a comma, when it does not start a list."""
    doc = state.doc
    after = mention.end
    if after + 1 >= len(doc) or doc[after].text != ",":
        return []
    follower = state.res.mention(doc[after + 1])
    if follower is not None and follower.start == after + 1 and follower.label_ == "City":
        region = subdivision(follower.text)  # "Brooklyn, New York": the state, not the city
        if region is not None and mention.label_ in ("City", "Place"):
            register_entry(doc, region, follower.text)
            _restate(state, Span(doc, follower.start, follower.end, label="Region", kb_id=region.key))
            return [doc[follower.start]]
    if follower is None or follower.start != after + 1 or follower.label_ not in ("Country", "Region"):
        return []
    nxt = doc[follower.end] if follower.end < len(doc) else None
    if nxt is not None and nxt.lower_ in ("and", "or"):
        return []  # "Mosul, Raqqa and Aleppo": a list, not an address
    if nxt is not None and nxt.text == ",":
        third = _place_at(state, follower.end + 1)
        if third is not None and RANK[third.label_] <= RANK[follower.label_]:
            return []  # "Iraq, Syria, Lebanon": a list; "Rockhampton, Queensland, Australia" an address
    return [doc[follower.start]]


def _restate(state: RuleState, span: Span) -> None:
    """A name is what its place in an address says it is, for the resolver and the mentions."""
    for i in range(span.start, span.end):
        state.res.by_token[i] = span
    doc = state.doc
    doc.spans[SPAN_KEY] = [
        span if (s.start, s.end) == (span.start, span.end) else s for s in doc.spans[SPAN_KEY]
    ]
    state.res.mentions = [
        span if (s.start, s.end) == (span.start, span.end) else s for s in state.res.mentions
    ]


def _place_at(state: RuleState, i: int) -> Span | None:
    if i >= len(state.doc):
        return None
    span = state.res.mention(state.doc[i])
    return span if span is not None and span.start == i and span.label_ in RANK else None


def _link(state: RuleState, subject: str, obj: str, sent: Span, rule: str) -> None:
    inner = entities_of(state.doc).get(subject)
    entry = gazetteer.by_key(obj)
    outer = state.class_of(obj) or (entry.cls if entry is not None else None)
    if inner is None or outer not in RANK:
        return
    if inner.cls != "Event" and (inner.cls not in RANK or RANK[inner.cls] >= RANK[outer]):
        return  # a place lies in a larger kind of place; a battle in any
    if outer == "Country" and inner.country and f"Country:{inner.country}" != obj:
        return  # the gazetteer places this city or region in another country
    state.add(subject, "locatedIn", obj, sent, rule, PRIORS[rule])


def _through_regions(state: RuleState) -> None:
    """A place in a region that lies in a country lies in that country (stated once, by the region)."""
    located = [c for c in state.claims if c.predicate == "locatedIn"]
    regions = {c.subject: c for c in located if state.class_of(c.subject) == "Region"}
    for claim in located:
        via = regions.get(claim.object)
        if via is None or state.class_of(via.object) != "Country":
            continue
        inner = entities_of(state.doc).get(claim.subject)
        if inner is not None and inner.country and f"Country:{inner.country}" != via.object:
            continue
        state.add(claim.subject, "locatedIn", via.object, claim.sentence, "place-through-region", 0.6)
