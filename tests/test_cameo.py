"""kg.extract.cameo: CAMEO codes of verbs in hand-built parses, on a small dictionary and the real one."""

from __future__ import annotations

import re

import pytest
import spacy
from spacy.tokens import Doc

from kg.core.errors import ExtractionError
from kg.extract import cameo, knowledge
from kg.extract.cameo import Dictionary
from kg.extract.cameo_codes import family_of, property_of

VOCAB = spacy.blank("en").vocab  # with the lexical attributes (lower_) of English

#: A small dictionary in the converted format (see scripts/petrarch/convert_verbs.py).
SMALL = {
    "synsets": {"weapon": ["rocket", "cruise_missile"]},
    "verbs": {
        "impose": "IMPOSE",
        "slap": "IMPOSE",
        "levy": "IMPOSE=172",
        "meet": "MEET",
        "meet with": "MEET",
        "fire": "FIRE",
    },
    "blocks": {
        "IMPOSE": {
            "code": "170",
            "patterns": [
                "163 obj=sanction",
                "1621 obj=sanction mod=trade",
                "163 obj=sanction pp=on",
                "- obj=curfew",
            ],
        },
        "MEET": {"code": "040", "patterns": ["036:036 pp=for:talk", ":173 pp=before:court"]},
        "FIRE": {"code": "190", "patterns": ["194 obj=@weapon pp=at"]},
    },
}


def parse(spec: str) -> Doc:
    """A Doc from 'word/LEMMA/POS/dep/head ...' (head: the index of the head token, itself for ROOT)."""
    words, lemmas, pos, deps, heads = [], [], [], [], []
    for item in spec.split():
        word, lemma, tag, dep, head = item.split("/")
        words.append(word)
        lemmas.append(lemma)
        pos.append(tag)
        deps.append(dep)
        heads.append(int(head))
    return Doc(VOCAB, words=words, lemmas=lemmas, pos=pos, deps=deps, heads=heads)


IMPOSED = parse(
    "Canada/Canada/PROPN/nsubj/1 imposed/impose/VERB/ROOT/1 new/new/ADJ/amod/3 "
    "sanctions/sanction/NOUN/dobj/1 on/on/ADP/prep/3 Belarus/Belarus/PROPN/pobj/4 ././PUNCT/punct/1"
)
TRADE = parse(
    "Canada/Canada/PROPN/nsubj/1 slapped/slap/VERB/ROOT/1 trade/trade/NOUN/compound/3 "
    "sanctions/sanction/NOUN/dobj/1 on/on/ADP/prep/1 Belarus/Belarus/PROPN/pobj/4"
)
MET_WITH = parse(
    "Chile/Chile/PROPN/nsubj/1 met/meet/VERB/ROOT/1 with/with/ADP/prep/1 Peru/Peru/PROPN/pobj/2 "
    "for/for/ADP/prep/1 talks/talk/NOUN/pobj/4"
)
FIRED = parse(
    "Israel/Israel/PROPN/nsubj/1 fired/fire/VERB/ROOT/1 rockets/rocket/NOUN/dobj/1 at/at/ADP/prep/1 "
    "Gaza/Gaza/PROPN/pobj/3"
)


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> Dictionary:
    dictionary = Dictionary(SMALL)
    monkeypatch.setattr(cameo, "dictionary", lambda: dictionary)
    return dictionary


@pytest.mark.parametrize(
    ("code", "prop", "family"),
    [
        ("010", None, None),
        ("020", None, "REQUEST"),
        ("030", "cooperatesWith", "COOPERATE"),
        ("0331", "supports", "AID"),
        ("036", "meetsWith", "CONSULT"),
        ("040", "meetsWith", "CONSULT"),
        ("042", "visits", "CONSULT"),
        ("043", "hosts", "CONSULT"),
        ("051", "supports", "SUPPORT"),
        ("057", "partyTo", "AGREE"),
        ("061", "cooperatesWith", "COOPERATE"),
        ("073", "supports", "AID"),
        ("080", None, "CONCEDE"),
        ("090", None, "INVESTIGATE"),
        ("100", "opposes", "DEMAND"),
        ("112", "opposes", "ACCUSE"),
        ("120", "opposes", "REJECT"),
        ("138", "threatens", "THREATEN"),
        ("141", "opposes", "PROTEST"),
        ("150", "threatens", "MOBILIZE"),
        ("160", "opposes", "SANCTION"),
        ("163", "sanctions", "SANCTION"),
        ("170", "opposes", "COERCE"),
        ("1721", "sanctions", "SANCTION"),
        ("183", "attacks", "ASSAULT"),
        ("190", "attacks", "FIGHT"),
        ("202", "attacks", "ASSAULT"),
        (None, None, None),
    ],
)
def test_cameo_code_states_property_and_family(
    code: str | None, prop: str | None, family: str | None
) -> None:
    assert property_of(code) == prop
    assert family_of(code) == family


def test_cameo_object_pattern_beats_the_block_default(small: Dictionary) -> None:
    match = cameo.lookup(IMPOSED[1])
    assert match is not None
    assert (match.code, match.property, match.family, match.pattern) == ("163", "sanctions", "SANCTION", True)
    assert match.noun == IMPOSED[3]
    assert match.targets(["on"]) == [IMPOSED[5]]  # "sanctions on Belarus": the preposition on the noun
    assert match.objects == ()  # the object was the pattern's noun, not a target


def test_cameo_most_specific_pattern_wins(small: Dictionary) -> None:
    match = cameo.lookup(TRADE[1])  # "slapped trade sanctions on": obj+mod beats obj, obj+pp
    assert match is not None and match.code == "1621"
    assert match.targets(["on"]) == [TRADE[5]]  # the preposition on the verb counts too


def test_cameo_lone_verb_takes_its_own_code_else_its_block(small: Dictionary) -> None:
    levied = parse("Peru/Peru/PROPN/nsubj/1 levied/levy/VERB/ROOT/1 taxes/tax/NOUN/dobj/1")
    match = cameo.lookup(levied[1])
    assert match is not None and (match.code, match.pattern) == ("172", False)
    assert match.objects == (levied[2],)
    imposed = parse("Peru/Peru/PROPN/nsubj/1 imposed/impose/VERB/ROOT/1 limits/limit/NOUN/dobj/1")
    match = cameo.lookup(imposed[1])
    assert match is not None and (match.code, match.property) == ("170", "opposes")


def test_cameo_pattern_with_null_code_means_no_event(small: Dictionary) -> None:
    doc = parse("Peru/Peru/PROPN/nsubj/1 imposed/impose/VERB/ROOT/1 a/a/DET/det/3 curfew/curfew/NOUN/dobj/1")
    match = cameo.lookup(doc[1])
    assert match is not None and match.pattern
    assert (match.code, match.property, match.family) == (None, None, None)


def test_cameo_multi_word_verb_and_source_side_of_a_code_pair(small: Dictionary) -> None:
    match = cameo.lookup(MET_WITH[1])
    assert match is not None
    assert match.verb == "meet with"
    assert (match.code, match.property) == ("036", "meetsWith")  # "036:036": the source side
    assert match.targets(["with"]) == [MET_WITH[3]]  # "talks" was the pattern's noun: not a target
    court = parse(
        "Peru/Peru/PROPN/nsubj/1 met/meet/VERB/ROOT/1 before/before/ADP/prep/1 court/court/NOUN/pobj/2"
    )
    match = cameo.lookup(court[1])
    assert match is not None and match.pattern and match.code is None  # ":173": target side only


def test_cameo_synonym_sets_expand_and_open_prepositions_give_targets(small: Dictionary) -> None:
    match = cameo.lookup(FIRED[1])
    assert match is not None and match.code == "194"
    assert match.open == (FIRED[4],)  # "(AT)" without a noun: its object is the target
    assert match.targets([]) == [FIRED[4]]


def test_cameo_owners_of_the_object_and_support_verb_noun(small: Dictionary) -> None:
    doc = parse(
        "Peru/Peru/PROPN/nsubj/1 imposed/impose/VERB/ROOT/1 Chile/Chile/PROPN/poss/3 "
        "sanctions/sanction/NOUN/xcomp/1"
    )
    assert cameo.lookup(doc[1]).code == "170"  # type: ignore[union-attr]  # not an object: no pattern
    match = cameo.lookup(doc[1], doc[3])  # the caller names the noun of the construction
    assert match is not None and match.code == "163" and match.noun == doc[3]
    assert match.owners == (doc[2],)


def test_cameo_unknown_verb_is_none(small: Dictionary) -> None:
    doc = parse("Peru/Peru/PROPN/nsubj/1 sang/sing/VERB/ROOT/1")
    assert cameo.lookup(doc[1]) is None
    assert cameo.entry_for(doc[1]) is None


def test_cameo_malformed_dictionary_is_an_extraction_error() -> None:
    broken = {**SMALL, "verbs": {"impose": "NOBLOCK"}}
    with pytest.raises(ExtractionError, match=re.escape("cameo_verbs.yaml: malformed CAMEO dictionary")):
        Dictionary(broken)
    bad_field = {**SMALL, "blocks": {**SMALL["blocks"], "FIRE": {"code": "190", "patterns": ["194 xyz=1"]}}}
    with pytest.raises(ExtractionError, match="unknown pattern field"):
        Dictionary(bad_field)


@pytest.mark.parametrize(
    ("spec", "code", "prop"),
    [
        (IMPOSED, "163", "sanctions"),
        (
            parse(
                "Britain/Britain/PROPN/nsubj/1 announced/announce/VERB/ROOT/1 new/new/ADJ/amod/3 "
                "sanctions/sanction/NOUN/dobj/1"
            ),
            "163",
            "sanctions",
        ),
        (
            parse(
                "Norway/Norway/PROPN/nsubj/1 announced/announce/VERB/ROOT/1 "
                "humanitarian/humanitarian/ADJ/amod/3 aid/aid/NOUN/dobj/1"
            ),
            "0331",
            "supports",
        ),
        (
            parse("Chile/Chile/PROPN/nsubj/1 lifted/lift/VERB/ROOT/1 sanctions/sanction/NOUN/dobj/1"),
            "0351",
            None,
        ),
        (
            parse("Chile/Chile/PROPN/nsubj/1 invaded/invade/VERB/ROOT/1 Peru/Peru/PROPN/dobj/1"),
            "192",
            "attacks",
        ),
    ],
)
def test_cameo_real_dictionary(spec: Doc, code: str, prop: str | None) -> None:
    match = cameo.lookup(spec[1])
    assert match is not None
    assert (match.code, match.property) == (code, prop)


def test_cameo_real_dictionary_loads_once_and_quickly() -> None:
    cameo.dictionary.cache_clear()
    first = cameo.dictionary()
    assert cameo.dictionary() is first
    assert len(first.verbs) > 1500


def test_cameo_missing_or_malformed_data_file_is_an_extraction_error(monkeypatch: pytest.MonkeyPatch) -> None:
    cameo.dictionary.cache_clear()
    monkeypatch.setattr(cameo, "DATA_FILE", "no-such-file.yaml")
    with pytest.raises(ExtractionError, match=re.escape("kg/extract/data/no-such-file.yaml: cannot load")):
        cameo.dictionary()
    monkeypatch.undo()
    empty = knowledge.load({cameo.DATA_FILE: ""})  # not a mapping
    with knowledge.using(empty), pytest.raises(ExtractionError, match="expected a mapping"):
        cameo.dictionary()
    cameo.dictionary.cache_clear()
