"""Title-case headlines: names in them count as far as the body confirms them."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

from kg.core.types import Document
from kg.extract.document import to_records
from kg.extract.headlines import body_text, confirmed, headline_ranges

TEXT = "Mayor Visits Flood Zone, Promises Aid\n\nLIMA (AP) - Mayor Rosa Quispe toured the area on Monday."


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def test_headline_is_a_title_case_line_before_a_blank_line(blank) -> None:
    doc = blank(TEXT)
    (start, end), *rest = headline_ranges(doc)
    assert not rest
    assert doc[start:end].text == "Mayor Visits Flood Zone, Promises Aid"
    assert "Flood Zone" not in body_text(doc, [(start, end)])


@pytest.mark.parametrize(
    "text",
    [
        "Booker was assigned to 2nd Battalion, Fort Bragg, North Carolina.\n\nHe served two tours.",
        "the talks resumed on monday\n\nBoth sides spoke.",
        "Rain\n\nIt rained.",  # one word: no headline to speak of
    ],
)
def test_sentences_and_lower_case_lines_are_no_headlines(blank, text: str) -> None:
    assert headline_ranges(blank(text)) == []


def test_confirmed_keeps_the_longest_start_the_body_writes(blank) -> None:
    doc = blank("Quispe Visits Zone\n\nMayor Quispe spoke.")
    assert confirmed(Span(doc, 0, 3, label="PERSON"), "Mayor Quispe spoke.").text == "Quispe"  # type: ignore[union-attr]
    assert confirmed(Span(doc, 0, 3, label="PERSON"), "Nobody spoke.") is None


@pytest.mark.model
def test_headline_run_on_names_are_not_entities(nlp) -> None:
    text = (
        "Chavez Slams Opponents Over Oil Plan\n\nCARACAS (Reuters) - President Hugo Chavez spoke on Sunday."
    )
    x = to_records(nlp(text), Document(id="t", text=text))
    labels = {e.label for e in x.entities if e.cls in ("Person", "Organization")}
    assert not any("Slams" in label or "Opponents" in label for label in labels), labels


@pytest.mark.model
@pytest.mark.parametrize("text", ["Reporters asked President Bush about the plan.", "Minister Bush spoke."])
def test_a_name_after_a_title_is_no_town(nlp, text: str) -> None:
    # geonames knows a town called Bush; after a title the name is a person's
    x = to_records(nlp(text), Document(id="t", text=text))
    assert not [e for e in x.entities if e.cls == "City"]


@pytest.mark.model
def test_a_capital_the_ner_took_for_a_person_is_still_a_place(nlp) -> None:
    text = "Washington said the talks would go on."
    x = to_records(nlp(text), Document(id="t", text=text))
    assert not [e for e in x.entities if e.cls == "Person"]


def test_seats_are_big_capitals_and_the_overlay() -> None:
    from kg.extract.seats import seats

    table = seats()
    assert table["Kampala"] == "UGA"  # a capital of geonames, not in the reviewed overlay
    assert table["Tel Aviv"] == "ISR"  # the overlay: a seat that is not the capital
    assert "Victoria" not in table  # a small capital whose name other places share


@pytest.mark.model
def test_a_capital_acting_is_its_state(nlp) -> None:
    text = "The ruling angered Kampala."
    x = to_records(nlp(text), Document(id="t", text=text))
    assert [e.key for e in x.entities] == ["Country:UGA"]


@pytest.mark.parametrize(("text", "kept"), [("Passcode 3080897", False), ("Gen. Ana Ruiz", True)])
def test_a_person_name_has_no_digits(blank, text: str, kept: bool) -> None:
    from kg.extract.span_types import person_span

    doc = blank(text)
    name = person_span(Span(doc, 0, len(doc), label="PERSON"))
    assert (name is not None) is kept
    if name is not None:
        assert name.text == "Ana Ruiz"


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("The war ended when King Louis XIV signed the treaty.", "Louis XIV"),
        ("Pope Paul VI approved the text.", "Paul VI"),
        ("Prince Eugene defeated the French at Chiari.", "Eugene"),
    ],
)
def test_a_royal_or_clerical_title_names_a_person(nlp, text: str, person: str) -> None:
    x = to_records(nlp(text), Document(id="t", text=text))
    assert [(e.label, e.cls) for e in x.entities if person in e.names] == [(person, "Person")]
