"""Title and office rules: who is an official or leader of what, from titles, appositives and offices."""

from __future__ import annotations

from spacy.tokens import Span, Token

from kg.extract.claims import RuleState
from kg.extract.lexicon import titles
from kg.extract.offices import offices_of, offices_on
from kg.extract.structural_rules import main_country


def person_titles(state: RuleState, sent: Span) -> None:
    t = titles()
    for span in (m for m in state.res.mentions if m.label_ == "Person" and sent.start <= m.start < sent.end):
        before = title_words(state, span)
        if before:
            phrase, orgs = before
            prop = "leaderOf" if _is_leader(phrase) else "officialOf"
            for org in orgs:
                state.add(span.kb_id_, prop, org, sent, "title", 0.9, role=phrase)
            if not orgs and not gazetteer_office(state, span, sent, phrase, None):
                main_country_office(state, span, sent, phrase)
        root = span.root
        if root.dep_ in ("poss", "compound") and root.head.lemma_.lower() in t.office_terms:
            # "Boris Yeltsin's administration", "the Obama administration", "the Noriega dictatorship"
            term = root.head.lemma_.lower()
            if not gazetteer_office(state, span, sent, None, term):
                main_country_office(state, span, sent, "leader")
        appositive(state, span, sent, t.leader)
    role_statements(state, sent)


#: Office terms that say their holder led: "X's administration", "the X regime" (not "X's tenure").
LEADER_TERMS = frozenset(
    {"presidency", "administration", "premiership", "reign", "regime", "dictatorship", "government"}
)
#: Titles of a head of state or government: the leader a country has one of at a time.
HEADS_OF_STATE = frozenset(
    {"president", "prime minister", "premier", "chancellor", "king", "queen", "emperor"}
)


def title_words(state: RuleState, span: Span) -> tuple[str, list[str]] | None:
    """ "US Defense Secretary Lloyd Austin", "Japan's Defense Minister Minoru Kihara"."""
    t = titles()
    i = span.start - 1
    words: list[Token] = []
    orgs: list[str] = []
    phrase_tokens = {t.i for t in span.root.subtree}
    of = span.root.head
    if of.lower_ == "of" and of.i < span.start and (of.head.lower_ in t.office or of.head.lower_ in t.leader):
        phrase_tokens |= {of.i} | {w.i for w in of.head.subtree if w.i <= of.i}  # "President of Pakistan X"
    before = state.doc[span.start - 1] if span.start > 0 else None
    if (
        before is not None
        and before.i not in phrase_tokens
        and (before.lower_ in t.office or before.lower_ in t.leader)
    ):
        # the title right before the name, however the parser attached them ("Prime Minister
        # Gulbuddin Hekmatyar" as an apposition, "Foreign Minister Andrii Sybiha" as a clause)
        phrase_tokens |= {t.i for t in before.subtree}
    while i >= max(0, span.start - 8):
        token = state.doc[i]
        if i not in phrase_tokens:
            break  # "In Turkey Minister Ellwood": Turkey is not part of the title
        if token.lower_ in ("'s", "’s") or (token.is_punct and token.text in ("-", "–")):
            i -= 1
            continue
        named = state.res.by_token.get(i) or state.res.demonyms.get(i)
        keys = [named.kb_id_] if named is not None else []
        if keys and token._.kg_event is None:
            if not token.text[0].isupper():
                break
            first = named.start if named is not None else i
            prep = state.doc[first - 1] if first > 0 else None
            if prep is not None and prep.tag_ == "IN" and prep.lower_ != "of" and span.root.head != prep:
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
        if token.lower_ in ("of", "for", "the") and (words or orgs) and i > 0:
            words.insert(
                0, token
            )  # "Secretary of State", "Minister for the Middle East", "President of Pakistan"
            i -= 1
            continue
        break
    while words and words[0].lower_ in ("of", "for", "the"):
        words.pop(0)
    while words and words[-1].lower_ in ("of", "for", "the"):
        words.pop()  # "President of" Pakistan
    phrase = " ".join(w.text for w in words)
    lowered = [w.lower_ for w in words]
    if not any(w in t.office or w in t.leader for w in lowered) and phrase.lower() not in t.leader:
        return None
    return phrase, orgs


def appositive(state: RuleState, span: Span, sent: Span, leaders: frozenset[str]) -> None:
    """ "Gen. Joseph Votel, commander of U.S. Central Command" / "Y, X's foreign minister"."""
    t = titles()
    root = span.root
    titled = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos" and root.head.i < span.start:
        head = root.head  # "the Kenyan foreign minister, Amina Mohamed,"
        if head.dep_ == "pobj" and head.head.dep_ == "prep" and head.head.head.i < head.i:
            head = (
                head.head.head
            )  # "Nepal's ambassador to Qatar, Somananda Suman,": the parser's appos of Qatar
        titled.append(head)
    for child in titled:
        if not (child.lower_ in t.office or child.lower_ in t.leader):
            continue
        orgs = state.expand(
            g for c in child.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
        )
        orgs += state.expand(
            c
            for c in child.children
            if c.dep_ in ("poss", "compound", "amod", "appos") and c.i not in range(span.start, span.end)
        )
        siblings = [c for c in span.root.children if c.dep_ == "appos" and c.i > child.i]
        orgs += state.expand(
            s for s in siblings[:1] if state.res.mention(s) is not None
        )  # "commander, CENTCOM"
        role = " ".join(
            w.text for w in child.subtree if w.i <= child.i and not state.res.keys(w) and w.dep_ != "det"
        )
        prop = "leaderOf" if child.lower_ in leaders else "officialOf"
        for org in dict.fromkeys(orgs):
            state.add(span.kb_id_, prop, org, sent, "appositive", 0.85, role=role or child.text)


def role_statements(state: RuleState, sent: Span) -> None:
    """An office a clause gives a person: "X was the President of Y", "X served as Prime Minister of
    Y", "X was elected President of Y", "X became Y's foreign minister", "Y appointed him Attorney
    General of Z"."""
    t = titles()
    for verb in (tok for tok in sent if tok.lemma_.lower() in t.role_verbs):
        roles = [c for c in verb.children if c.dep_ in ("attr", "oprd") and _is_role(c)]
        roles += [
            g
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ == "as"
            for g in c.children
            if _is_role(g)
        ]
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        for obj in (o for o in objects if _is_role(o) and verb.lemma_.lower() != "be"):
            # "appointed her Finance Minister", which the parser reads as "her Finance Minister"
            pronouns = [c for c in obj.children if c.dep_ == "poss" and c.lower_ == "her"]
            if pronouns:
                roles.append(obj)
                objects = pronouns
        if not roles:
            continue
        subjects = state.expand(c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass"))
        # "Karzai appointed him Attorney General": the object holds the office, and is not the subject
        holders = [k for k in state.expand(objects) if k not in subjects] if objects else subjects
        people = [k for k in holders if state.class_of(k) == "Person"]
        for role in roles:
            orgs = state.expand(
                [
                    g
                    for c in role.children
                    if c.dep_ == "prep" and c.lower_ in ("of", "for")
                    for g in c.children
                ]
                + [
                    c
                    for c in role.children
                    if c.dep_ in ("poss", "compound", "amod", "nmod") and c not in objects
                ]
            )
            phrase = " ".join(
                w.text
                for w in role.subtree
                if w.i <= role.i and not state.res.keys(w) and w.dep_ not in ("det", "poss", "case")
            )
            prop = "leaderOf" if _is_leader(phrase) else "officialOf"
            for person in people:
                for org in orgs:
                    state.add(person, prop, org, sent, "role-statement", 0.8, role=phrase)


def _is_role(token: Token) -> bool:
    t = titles()
    return token.pos_ in ("NOUN", "PROPN") and (token.lower_ in t.office or token.lower_ in t.leader)


def gazetteer_office(state: RuleState, span: Span, sent: Span, title: str | None, term: str | None) -> bool:
    """An office the officials lists know, held on the document's date (the latest, undated), that
    the text refers to without naming its country: "Secretary of State Antony Blinken" (a curated
    office of that title), "President Hamid Karzai" (a Phoenix government role in Afghanistan: a
    leader title gives leaderOf, another officialOf) or "Donald Trump's presidency" (an office
    term: curated leaders only). The text must name the country or organization somewhere."""
    offices = offices_on(span.kb_id_, state.published)
    if title:
        wanted = _title_forms(title)
        titled = tuple(o for o in offices if o.curated and _title_forms(o.role) & wanted)
        offices = titled or tuple(o for o in offices if not o.curated)
    elif term:  # a curated leader's office, or a Phoenix government role (heads and ministers alike)
        if state.published is None:  # an undated text tells history: any office the person held
            offices = offices_of(span.kb_id_)
        offices = tuple(o for o in offices if o.leader or (not o.curated and o.sector == "GOV"))
    else:
        return False
    mentioned = {m.kb_id_ for m in state.res.mentions}
    for official in offices:
        if official.of not in mentioned:
            continue  # the list knows the office, but the text never names the country
        if official.curated:
            prop = "leaderOf" if official.leader else "officialOf"
        elif term:  # "Yeltsin's administration", "the Noriega regime": the person led it
            prop = "leaderOf" if term in LEADER_TERMS else "officialOf"
        else:
            # "President General Pervez Musharraf": the first title is the office held
            prop = (
                "leaderOf" if title and (_is_leader(title) or _is_leader(title.split()[0])) else "officialOf"
            )
        rule = "title+officials-list" if title else "office-term+officials-list"
        state.add(span.kb_id_, prop, official.of, sent, rule, 0.75, role=title or official.role)
        return True
    return False


def main_country_office(state: RuleState, span: Span, sent: Span, title: str) -> None:
    """ "President Chester A. Arthur" in a story about the United States: a head of state or
    government nobody's list knows, titled without a country, leads the one country the document
    is about (named at least twice, and more often than any other)."""
    if not (_is_head_of_state(title) or title == "leader") or offices_on(span.kb_id_, state.published):
        return
    main = main_country(state)
    if main is not None:
        state.add(span.kb_id_, "leaderOf", main, sent, "title+main-country", 0.5, role=title)


def _is_head_of_state(title: str) -> bool:
    words = title.lower().split()
    return bool(words) and (words[-1] in HEADS_OF_STATE or " ".join(words[-2:]) in HEADS_OF_STATE)


def _title_forms(title: str) -> set[str]:
    """A title and its reordering: "Defense Secretary" = "Secretary of Defense"."""
    words = [w for w in title.lower().replace("defence", "defense").split() if w != "the"]
    forms = {" ".join(words)}
    if len(words) == 2:
        forms.add(f"{words[1]} of {words[0]}")
    if len(words) == 3 and words[1] in ("of", "for"):
        forms.add(f"{words[2]} {words[0]}")
    return forms


def _is_leader(phrase: str) -> bool:
    lowered = phrase.lower()
    leaders = titles().leader
    words = lowered.split()
    if not words:
        return False
    # the head of a title is its last word ("Defense Minister" is a minister, "Prime Minister" a
    # leader), but a military rank after it is the leader's own: "President General Musharraf"
    ranks = {"general", "gen.", "admiral", "adm.", "marshal", "field", "colonel", "col."}
    while len(words) > 1 and words[-1] in ranks and words[0] in leaders:
        words = words[:-1]
    lowered = " ".join(words)
    return lowered in leaders or words[-1] in leaders or " ".join(words[-2:]) in leaders
