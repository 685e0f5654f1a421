"""Named conflicts as Event entities, their participants, and names typed by their head word."""

from __future__ import annotations

from datetime import date

import pytest
import spacy

from kg.core.types import Document
from kg.extract.conflicts import conflict_spans
from kg.extract.document import to_records


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("She nursed soldiers in World War Two and after.", [("World War Two", "World War II")]),
        ("He fought in the Second World War.", [("Second World War", "World War II")]),
        ("They won the Battle of Tannenberg in 1914.", [("Battle of Tannenberg", "Battle of Tannenberg")]),
        ("It began the War of 1812 at sea.", [("War of 1812", "War of 1812")]),
        ("Troops left after the Gulf War ended.", [("Gulf War", "Gulf War")]),
        (
            "The Siege of the Alcazar and the Crimean War were long.",
            [("Siege of the Alcazar", "Siege of the Alcazar"), ("Crimean War", "Crimean War")],
        ),
    ],
)
def test_conflict_names_are_found_in_tokens(blank, text: str, names: list[tuple[str, str]]) -> None:
    assert [(span.text, label) for span, label in conflict_spans(blank(text))] == names


@pytest.mark.parametrize(
    "text",
    [
        "The International Crisis Group published a report.",  # the name goes on after the head
        "War broke out in the north.",  # a head word alone names nothing
        "The war of words went on.",  # lower case: no name
    ],
)
def test_conflict_names_need_a_proper_name(blank, text: str) -> None:
    assert conflict_spans(blank(text)) == []


def _facts(nlp, text: str) -> set[tuple[str, str, str]]:
    x = to_records(nlp(text), Document(id="t", text=text, published=date(2020, 1, 1)))
    labels = {e.key: e.label for e in x.entities}
    return {(labels.get(c.subject, c.subject), c.predicate, labels.get(c.object, c.object)) for c in x.claims}


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Maria Lopez served in the Korean War as a nurse.", ("Maria Lopez", "participatedIn", "Korean War")),
        (
            "Colonel Hans Berg commanded a brigade during World War II.",
            ("Hans Berg", "participatedIn", "World War II"),
        ),
        (
            "The Crimean War between Russia and France lasted three years.",
            ("France", "participatedIn", "Crimean War"),
        ),
        (
            "Pedro Alves fought in the Boer War and the Crimean War.",
            ("Pedro Alves", "participatedIn", "Crimean War"),
        ),
    ],
)
def test_conflict_participants(nlp, text: str, fact: tuple[str, str, str]) -> None:
    assert fact in _facts(nlp, text)


@pytest.mark.model
def test_a_conflict_named_in_passing_has_no_participants(nlp) -> None:
    facts = _facts(nlp, "Maria Lopez wrote a book. It was published after the Korean War.")
    assert not [f for f in facts if f[1] == "participatedIn"]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "label", "cls"),
    [
        ("Officers of the Bolivian Army met on Monday.", "Bolivian Army", "GovernmentBody"),
        ("Snow closed roads across Tver Oblast.", "Tver Oblast", "Region"),
        ("Floods hit Guayas Province again.", "Guayas Province", "Region"),
        ("Soldiers trained at Camp Redwood before the war.", "Camp Redwood", "Place"),
        ("Water was released from the Karun Dam on Monday.", "Karun Dam", "Place"),
        ("He served on the Supreme Court of Ghana until 2001.", "Supreme Court of Ghana", "GovernmentBody"),
        ("The Circuit Court ruled on Friday.", "Circuit Court", "GovernmentBody"),
        # a country word inside an organization's name does not cut it in two
        ("He joined the French Foreign Legion in 1918.", "French Foreign Legion", "Organization"),
        ("She studied at the Norwegian Military Academy.", "Norwegian Military Academy", "Organization"),
        ("The Royal Swedish Opera staged the work.", "Royal Swedish Opera", "Organization"),
    ],
)
def test_names_are_typed_by_their_head_word(nlp, text: str, label: str, cls: str) -> None:
    x = to_records(nlp(text), Document(id="t", text=text))
    assert any(label in e.names and e.cls == cls for e in x.entities), [(e.label, e.cls) for e in x.entities]
    if cls == "Organization":
        assert not [e for e in x.entities if e.cls == "Country"]
