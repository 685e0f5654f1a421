from __future__ import annotations

from datetime import date

import pytest

from kg.extract.dates import resolve

PUBLISHED = date(2024, 7, 28)  # a Sunday


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("Sunday", False, "2024-07-28"),
        ("Monday", True, "2024-07-29"),
        ("on Friday", False, "2024-07-26"),
        ("July 28", False, "2024-07-28"),
        ("28 July 2023", False, "2023-07-28"),
        ("Sept. 3, 2019", False, "2019-09-03"),
        ("last month", False, "2024-06"),
        ("next month", True, "2024-08"),
        ("in 2010", False, "2010"),
        ("2022-02-24", False, "2022-02-24"),
        ("yesterday", False, "2024-07-27"),
        ("November", True, "2024-11"),
        ("March", False, "2024-03"),
        ("last year", False, "2023"),
    ],
)
def test_dates_resolve_against_publication(text: str, future: bool, expected: str) -> None:
    assert resolve(text, PUBLISHED, future=future) == expected


@pytest.mark.parametrize("text", ["recent decades", "the past year or so", "February 30"])
def test_dates_unresolvable_gives_none(text: str) -> None:
    assert resolve(text, PUBLISHED) is None


def test_dates_relative_needs_publication_date() -> None:
    assert resolve("Sunday", None) is None
    assert resolve("in 2010", None) == "2010"


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("last week", False, "2024-07"),  # July 15-21: its Thursday is in July
        ("two weeks ago", False, "2024-07"),
        ("earlier this month", False, "2024-07"),
        ("in May", False, "2024-05"),
        ("May", False, "2024-05"),
        ("May", True, "2025-05"),
        ("Tuesday", False, "2024-07-23"),
        ("Tuesday", True, "2024-07-30"),
        ("late last year", False, "2023"),
        ("mid-June", False, "2024-06"),
        ("three days ago", False, "2024-07-25"),
        ("Sunday night", False, "2024-07-28"),
    ],
)
def test_dates_relative_expressions_resolve_against_publication(
    text: str, future: bool, expected: str
) -> None:
    assert resolve(text, PUBLISHED, future=future) == expected


def test_dates_a_week_is_the_month_of_its_thursday() -> None:
    assert resolve("last week", date(2024, 7, 3)) == "2024-06"  # June 24-30
    assert resolve("last week", date(2024, 8, 7)) == "2024-08"  # July 29 - August 4: Thursday August 1


@pytest.mark.parametrize("text", ["the 1990s", "now", "earlier", "the same day"])
def test_dates_relative_without_a_day_gives_none(text: str) -> None:
    assert resolve(text, PUBLISHED) is None


@pytest.mark.model
def test_dates_every_date_of_a_sentence_is_considered(nlp) -> None:
    """The date nearest the sentence's verb is the event's, not the first one written."""
    from kg.core.types import Document
    from kg.extract.document import _sentence_date

    text = "After the treaty of May 2010, Japan and China held talks in Tokyo on Tuesday."
    document = Document("d", text, published=PUBLISHED)
    doc = nlp(text)
    sent = next(iter(doc.sents))
    assert [e.text for e in sent.ents if e.label_ == "DATE"] == ["May 2010", "Tuesday"]
    assert _sentence_date(sent, document) == "2024-07-23"
