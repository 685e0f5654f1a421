"""Offices stated by a clause, and state bodies named in lower case (the real model, own sentences)."""

from __future__ import annotations

from datetime import date

import pytest

from kg.core.types import Document
from kg.extract.document import to_records

pytestmark = pytest.mark.model


def _facts(nlp, text: str) -> set[tuple[str, str, str]]:
    x = to_records(nlp(text), Document(id="t", text=text, published=date(2021, 6, 1)))
    labels = {e.key: e.label for e in x.entities}
    return {(labels.get(c.subject, c.subject), c.predicate, labels.get(c.object, c.object)) for c in x.claims}


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        (
            "Juan Ortega was the President of Uruguay from 1990 to 1995.",
            ("Juan Ortega", "leaderOf", "Uruguay"),
        ),
        ("Lena Holm served as Prime Minister of Sweden.", ("Lena Holm", "leaderOf", "Sweden")),
        ("Omar Haddad became Jordan's foreign minister in 2001.", ("Omar Haddad", "officialOf", "Jordan")),
        (
            "Petra Novak was a lawyer. She was later named defence minister of Slovakia.",
            ("Petra Novak", "officialOf", "Slovakia"),
        ),
        (
            "Aisha Bello is an economist. The president appointed her Finance Minister of Nigeria.",
            ("Aisha Bello", "officialOf", "Nigeria"),
        ),
        ("He met former Kenyan Prime Minister David Mwangi.", ("David Mwangi", "leaderOf", "Kenya")),
    ],
)
def test_office_stated_by_a_clause(nlp, text: str, fact: tuple[str, str, str]) -> None:
    assert fact in _facts(nlp, text)


def test_the_appointer_does_not_get_the_office(nlp) -> None:
    facts = _facts(nlp, "Carlos Mendes appointed him Attorney General of Angola.")
    assert ("Carlos Mendes", "officialOf", "Angola") not in facts


@pytest.mark.parametrize(
    ("text", "body", "country"),
    [
        ("The Peruvian army said the road was open.", "Peruvian army", "Peru"),
        ("Kenya's parliament passed the budget.", "Kenya's parliament", "Kenya"),
        ("The Turkish foreign ministry summoned the envoy.", "Turkish foreign ministry", "Turkey"),
    ],
)
def test_body_named_in_lower_case_is_part_of_its_country(nlp, text: str, body: str, country: str) -> None:
    assert (body, "partOf", country) in _facts(nlp, text)


@pytest.mark.parametrize(
    "text", ["Peruvian troops crossed the river.", "Peruvian army officers crossed the river."]
)
def test_troops_and_modifiers_are_no_body(nlp, text: str) -> None:
    assert not [f for f in _facts(nlp, text) if f[1] == "partOf"]


def test_known_body_is_part_of_the_country_named_beside_it(nlp) -> None:
    facts = _facts(nlp, "The State Department said the United States would send aid.")
    assert ("US Department of State", "partOf", "United States") in facts
    alone = _facts(nlp, "The State Department said nothing.\n\nThe United States sent aid.")
    assert not [f for f in alone if f[1] == "partOf"]


@pytest.mark.parametrize(
    "text",
    [
        "Elena Ruiz met Ukrainian Foreign Minister Andrii Sybiha on the sidelines of the summit in Brussels.",
        "US Secretary of State Marco Rubio met Ukrainian Foreign Minister Andrii Sybiha on the sidelines of "
        "the NATO summit in The Hague.",
    ],
)
def test_title_before_a_name_holds_whatever_the_parse(nlp, text: str) -> None:
    facts = _facts(nlp, text)
    assert ("Andrii Sybiha", "officialOf", "Ukraine") in facts


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        (
            "The Kenyan foreign minister, Amina Mohamed, flew to Paris.",
            ("Amina Mohamed", "officialOf", "Kenya"),
        ),
        (
            "Nepal's ambassador to Qatar, Ram Thapa, said the workers were safe.",
            ("Ram Thapa", "officialOf", "Nepal"),
        ),
    ],
)
def test_title_phrase_before_an_apposed_name(nlp, text: str, fact: tuple[str, str, str]) -> None:
    facts = _facts(nlp, text)
    assert fact in facts
    assert (fact[0], "officialOf", "Qatar") not in facts


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        (
            "Kenya and Uganda held joint military drills near the border.",
            ("Kenya", "cooperatesWith", "Uganda"),
        ),
        ("Kenya and Uganda signed a trade agreement on Monday.", ("Kenya", "cooperatesWith", "Uganda")),
    ],
)
def test_co_participants_are_related_to_each_other(nlp, text: str, fact: tuple[str, str, str]) -> None:
    facts = _facts(nlp, text)
    assert fact in facts or (fact[2], fact[1], fact[0]) in facts


def test_co_participants_of_a_planned_event_are_not_yet_related(nlp) -> None:
    facts = _facts(nlp, "Kenya and Uganda will hold joint drills next year.")
    assert not [f for f in facts if f[1] == "cooperatesWith"]


def test_head_of_state_titled_without_country_leads_the_country_the_story_is_about(nlp) -> None:
    text = (
        "Hollis Brandt was a judge in the United States. In 1880 President Wendell Marsh named him to "
        "a federal court of the United States."
    )
    assert ("Wendell Marsh", "leaderOf", "United States") in _facts(nlp, text)


def test_no_main_country_no_guess(nlp) -> None:
    text = "Hollis Brandt worked in France and Spain. President Wendell Marsh named him to a court."
    assert not [f for f in _facts(nlp, text) if f[1] == "leaderOf"]


@pytest.mark.parametrize(
    ("text", "body", "country"),
    [
        (
            "She sat in the Parliament of the United Kingdom for ten years.",
            "Parliament of United Kingdom",
            "United Kingdom",
        ),
    ],
)
def test_body_of_a_country_across_the(nlp, text: str, body: str, country: str) -> None:
    assert (body, "partOf", country) in _facts(nlp, text)


def test_a_house_of_a_legislature_is_a_body(nlp) -> None:
    from kg.extract.document import to_records as records

    text = "The bill passed the House of Delegates on Monday."
    x = records(nlp(text), Document(id="t", text=text))
    assert [e.cls for e in x.entities if e.label == "House of Delegates"] == ["GovernmentBody"]


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        (
            "The memo was drafted at the behest of President of Pakistan Asif Ali Zardari.",
            ("Asif Ali Zardari", "leaderOf", "Pakistan"),
        ),
        (
            "He was a member of Boris Yeltsin's administration in Russia in the 1990s.",
            ("Boris Yeltsin", "leaderOf", "Russia"),
        ),
    ],
)
def test_title_of_a_country_and_office_terms_of_history(nlp, text: str, fact: tuple[str, str, str]) -> None:
    from kg.extract.document import to_records as records

    x = records(nlp(text), Document(id="t", text=text))  # undated: the text tells history
    labels = {e.key: e.label for e in x.entities}
    facts = {
        (labels.get(c.subject, c.subject), c.predicate, labels.get(c.object, c.object)) for c in x.claims
    }
    assert fact in facts
