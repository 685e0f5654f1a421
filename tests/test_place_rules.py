"""locatedIn between places, as the text states it (the real model on sentences written for the test)."""

from __future__ import annotations

from datetime import date

import pytest

from kg.core.types import Document
from kg.extract.document import to_records

pytestmark = pytest.mark.model


def _located(nlp, text: str) -> set[tuple[str, str]]:
    x = to_records(nlp(text), Document(id="t", text=text, published=date(2024, 3, 1)))
    labels = {e.key: e.label for e in x.entities}
    return {
        (labels.get(c.subject, c.subject), labels.get(c.object, c.object))
        for c in x.claims
        if c.predicate == "locatedIn"
    }


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("ALEPPO, Syria (AP) - Shelling resumed overnight.", ("Aleppo", "Syria")),
        ("The convoy reached Kandahar, Afghanistan, before dawn.", ("Kandahar", "Afghanistan")),
        ("Floods hit Porto Alegre in southern Brazil last week.", ("Porto Alegre", "Brazil")),
        ("Lyon is a city in France known for its food.", ("Lyon", "France")),
        ("Aid reached the Ethiopian region of Tigray.", ("Tigray", "Ethiopia")),
        ("Fighting spread across Ethiopia's Tigray region.", ("Tigray", "Ethiopia")),
        ("Mombasa, a port city in Kenya, handles most of the trade.", ("Mombasa", "Kenya")),
        ("She was born in Bundaberg, Queensland, Australia, in 1950.", ("Bundaberg", "Queensland")),
        ("She was born in Bundaberg, Queensland, Australia, in 1950.", ("Queensland", "Australia")),
        ("Guayaquil is a city located in the province of Guayas.", ("Guayaquil", "Guayas")),
        ("Born in Brooklyn, New York, she studied law.", ("Brooklyn", "New York")),
        (
            "Drottningholm Palace is a royal palace in the province of Uppland, Sweden.",
            ("Drottningholm Palace", "Uppland"),
        ),
        (
            "Drottningholm Palace is a royal palace in the province of Uppland, Sweden.",
            ("Drottningholm Palace", "Sweden"),
        ),
        ("The general (1782 Havana, Cuba - 1836 Madrid) served in Spain.", ("Havana", "Cuba")),
    ],
)
def test_place_link_stated_by_the_text(nlp, text: str, pair: tuple[str, str]) -> None:
    assert pair in _located(nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "Talks moved from Paris, Berlin and Rome to Madrid.",  # a list of cities, not addresses
        "Officials from Lyon, France and Germany met.",  # Lyon is in France, never in Germany
        "Envoys from Paris, Berlin, Rome and Madrid met.",
    ],
)
def test_place_list_is_not_an_address(nlp, text: str) -> None:
    located = _located(nlp, text)
    assert ("Paris", "Berlin") not in located
    assert ("Lyon", "Germany") not in located


def test_place_in_a_region_in_a_country_lies_in_the_country(nlp) -> None:
    text = "Tulle is a town in Corrèze, a department of France."
    located = _located(nlp, text)
    assert ("Tulle", "Corrèze") in located or ("Tulle", "France") in located


def test_gazetteer_contradiction_blocks_a_link(nlp) -> None:
    # Osaka is a city of Japan, whatever the comma says
    assert ("Osaka", "China") not in _located(nlp, "Osaka, China and Korea signed the pact.")


def test_larger_place_never_lies_in_a_smaller_one(nlp) -> None:
    assert ("Kenya", "Nairobi") not in _located(nlp, "Kenya, Nairobi and Mombasa were named.")


def test_a_known_region_lies_in_its_country_named_anywhere_in_the_document(nlp) -> None:
    text = "Floods hit Queensland on Monday.\n\nAustralia sent troops to help."
    assert ("Queensland", "Australia") in _located(nlp, text)


def test_a_state_after_a_comma_is_the_state_not_the_city(nlp) -> None:
    text = "Born in Brooklyn, New York, she studied law."
    x = to_records(nlp(text), Document(id="t", text=text))
    assert {e.cls for e in x.entities if e.label == "New York"} == {"Region"}
