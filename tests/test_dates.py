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
