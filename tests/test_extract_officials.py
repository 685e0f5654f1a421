"""Tests of kg.extract.officials: dated office holdings and the Person entries of officials."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from kg.extract import gazetteer as gz
from kg.extract import officials


def test_gazetteer_officials_dates_sane() -> None:
    rows = officials.curated_officials()
    assert len(rows) >= 200
    for row in rows:
        assert date(1950, 1, 1) <= row.start <= date.today(), row
        if row.end is not None:
            assert row.start < row.end, row
        assert gz.by_key(row.of) is not None, row.of
        assert isinstance(row.leader, bool)


def test_gazetteer_officials_successive_holders_do_not_overlap() -> None:
    """Holders of one office overlap by a month at most (approximate dates): catches typos."""
    by_office: dict[tuple[str, str], list[officials.Official]] = {}
    for row in officials.curated_officials():
        by_office.setdefault((row.of, row.role), []).append(row)
    for office, rows in by_office.items():
        rows.sort(key=lambda r: r.start)
        for before, after in itertools.pairwise(rows):
            assert before.end is not None, (office, before.name)
            assert before.end - after.start <= timedelta(days=31), (office, before.name, after.name)


@pytest.mark.parametrize(
    ("on", "name", "held"),
    [
        (date(2024, 7, 28), "Lloyd Austin", True),
        (date(2024, 7, 28), "Antony Blinken", True),
        (date(2024, 7, 28), "Joe Biden", True),
        (date(2024, 7, 28), "Minoru Kihara", True),
        (date(2024, 7, 28), "Shin Won-sik", True),
        (date(2024, 7, 28), "Kim Jong Un", True),
        (date(2024, 7, 28), "Barack Obama", False),
        (date(2024, 7, 28), "Donald Trump", False),
        (date(2016, 1, 1), "Barack Obama", True),
        (date(2016, 1, 1), "Ash Carter", True),
        (date(2017, 1, 20), "Barack Obama", False),  # the end date is the successor's first day
        (date(2017, 1, 20), "Donald Trump", True),
        (date(2025, 3, 1), "Donald Trump", True),
    ],
)
def test_gazetteer_officials_in_office(on: date, name: str, held: bool) -> None:
    names = {o.name for o in officials.officials_in_office(on)}
    assert (name in names) is held


def test_gazetteer_officials_examples() -> None:
    austin = [o for o in officials.curated_officials() if o.name == "Lloyd Austin"]
    assert [(o.role, o.of, o.start, o.end, o.leader) for o in austin] == [
        ("Secretary of Defense", "Country:USA", date(2021, 1, 22), date(2025, 1, 20), False)
    ]
    trump = [o for o in officials.curated_officials() if o.name == "Donald Trump" and o.role == "President"]
    assert [(o.start, o.end) for o in trump] == [
        (date(2017, 1, 20), date(2021, 1, 20)),
        (date(2025, 1, 20), None),
    ]
    assert all(o.leader for o in trump)
    assert {o.name for o in officials.officials_in_office(None)} >= {"Kim Jong Un", "Donald Trump"}
    assert "Barack Obama" not in {o.name for o in officials.officials_in_office(None)}
    nato = {
        o.name for o in officials.curated_officials() if o.of == "InternationalOrganization:nato" and o.leader
    }
    assert {"Jens Stoltenberg", "Mark Rutte"} <= nato


def test_gazetteer_korean_names_have_both_spellings() -> None:
    for row in officials.officials():
        if row.of in ("Country:KOR", "Country:PRK") and "-" in row.name:
            assert row.name.replace("-", "") in {a.replace(" ", "") for a in row.aliases} or any(
                "-" not in a for a in row.aliases
            ), row.name
    shin = gz.by_key("Person:shin-won-sik")
    assert shin is not None and {"Shin Won-sik", "Shin Wonsik"} <= set(shin.names) and shin.country == "KOR"
