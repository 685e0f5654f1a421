"""kg.extract.lexicon: the reviewed trigger lexicon and its lists, as data."""

from __future__ import annotations

import re

import pytest

from kg.core.errors import ExtractionError
from kg.extract.lexicon import cameo_lone_vetoes, frames, parse_frames, reciprocal_verbs


def test_lexicon_frames_read_prepositions_as_words() -> None:
    verbs, nouns = frames()
    (sanction,) = nouns["sanction"]
    assert sanction.patient == ("on", "against")  # YAML would read a bare `on` as true
    assert all(
        isinstance(slot, str) for fs in (*verbs.values(), *nouns.values()) for f in fs for slot in f.patient
    )


def test_lexicon_a_slot_yaml_reads_as_a_boolean_is_refused() -> None:
    data = {
        "verbs": {"ASSAULT": [{"lemmas": ["attack"], "property": "attacks", "patient": [True]}]},
        "nouns": {},
    }
    with pytest.raises(
        ExtractionError, match=re.escape("lexicon.yaml: verbs ASSAULT: True is not a word; quote it")
    ):
        parse_frames(data)


def test_lexicon_vetoes_and_reciprocal_verbs() -> None:
    assert {"leave", "take", "fire", "deal"} <= cameo_lone_vetoes()
    assert "attack" not in cameo_lone_vetoes()
    assert {"meet", "cooperate"} <= reciprocal_verbs()
    assert "work" not in reciprocal_verbs()  # "worked together" is reciprocal by its adverb


def test_word_lists_are_lists_of_words(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.core.errors import ExtractionError
    from kg.extract import lexicon

    assert "hold" in lexicon.word_list("light_verbs")
    monkeypatch.setattr(lexicon, "load_data", lambda name: {"broken_list": "hold, conduct"})
    with pytest.raises(ExtractionError, match="'broken_list' must be a list of words"):
        lexicon.word_list("broken_list")
