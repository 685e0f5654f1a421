"""Tests of kg.extract.names: name normalisation and key slugs."""

from __future__ import annotations

import pytest

from kg.extract import names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("People's Liberation Army", "peoples-liberation-army"),
        ("US Central Command", "us-central-command"),
        ("Tikrīt", "tikrit"),
        ("Côte d'Ivoire", "cote-divoire"),
        ("Foreign & Commonwealth Office", "foreign-and-commonwealth-office"),
        ("  Middle   East ", "middle-east"),
    ],
)
def test_gazetteer_slug(text: str, expected: str) -> None:
    assert names.slug(text) == expected
