"""kg.extract.modality: what a trigger's clause states, on sentences parsed by the real model."""

from __future__ import annotations

import pytest

from kg.extract.modality import HYPOTHETICAL, NEGATED, OCCURRED, PLANNED, REPORTED, statement

pytestmark = pytest.mark.model


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("Peru attacked Chile.", "attacked", OCCURRED),
        ("Peru did not attack Chile.", "attack", NEGATED),
        ("Peru never attacked Chile.", "attacked", NEGATED),
        ("Peru refused to attack Chile.", "attack", NEGATED),
        ("Serbia denied that it attacked Kosovo.", "attacked", NEGATED),
        ("Serbia dismissed reports that it attacked Kosovo.", "attacked", NEGATED),
        ("There were no talks between Chile and Peru.", "talks", NEGATED),
        ("Egypt offered to host new talks between Israel and Hamas.", "talks", HYPOTHETICAL),
        ("Egypt offered to host new talks between Israel and Hamas.", "host", HYPOTHETICAL),
        ("Canada called for sanctions on Belarus.", "sanctions", HYPOTHETICAL),
        ("Spain wants to join the alliance.", "join", HYPOTHETICAL),
        ("Peru could attack Chile.", "attack", HYPOTHETICAL),
        ("If Peru invades Chile, Bolivia will respond.", "invades", HYPOTHETICAL),
        ("If Iran attacks, Israel will strike Iran.", "strike", HYPOTHETICAL),
        ("Peru would attack Chile.", "attack", HYPOTHETICAL),
        ("Will Peru attack Chile?", "attack", HYPOTHETICAL),
        ("Chile warned of possible sanctions.", "sanctions", HYPOTHETICAL),
        ("Kenya will host the summit.", "host", PLANNED),
        ("Kenya plans to host the summit.", "host", PLANNED),
        ("Kenya agreed to host the summit.", "host", PLANNED),
        ("Officials said Kenya would host the summit.", "host", PLANNED),
        ("Officials said Kenya hosted the summit.", "hosted", REPORTED),
        ("The planned visit to Chile was short.", "visit", PLANNED),
        ("Rebels seeking to join the SDF's fight against ISIL arrived.", "fight", OCCURRED),
    ],
)
def test_modality_statement(nlp, text: str, trigger: str, expected: str) -> None:
    doc = nlp(text)
    (token,) = [t for t in doc if t.text == trigger]
    assert statement(token) == expected
