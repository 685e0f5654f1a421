"""How wire news states relations: agreements, unnamed officials, copular alliances, attacks on
places, owners of objects (the real model, on sentences written for these tests)."""

from __future__ import annotations

from datetime import date

import pytest

from kg.core.types import Document
from kg.extract.document import to_records

pytestmark = pytest.mark.model


def _facts(nlp, text: str) -> set[tuple[str, str, str]]:
    x = to_records(nlp(text), Document(id="t", text=text, published=date(2022, 3, 1)))
    labels = {e.key: e.label for e in x.entities}
    return {(labels.get(c.subject, c.subject), c.predicate, labels.get(c.object, c.object)) for c in x.claims}


def _has(facts: set[tuple[str, str, str]], fact: tuple[str, str, str], symmetric: bool = False) -> bool:
    return fact in facts or (symmetric and (fact[2], fact[1], fact[0]) in facts)


@pytest.mark.parametrize(
    ("text", "fact", "symmetric"),
    [
        (
            "Brazil and Argentina agreed to a ceasefire along the border.",
            ("Brazil", "partyTo", "Agreement"),
            False,
        ),
        (
            "Ghana reached an agreement with the IMF on a loan.",
            ("International Monetary Fund", "partyTo", "Agreement"),
            False,
        ),
        ("Egypt brokered a truce between Israel and Hamas.", ("Egypt", "partyTo", "Agreement"), False),
        (
            "Iran's foreign minister spoke by telephone with his Turkish counterpart.",
            ("Iran", "meetsWith", "Turkey"),
            True,
        ),
        (
            "The Chinese foreign minister met Japanese officials in Beijing.",
            ("China", "meetsWith", "Japan"),
            True,
        ),
        (
            "President William Ruto met his Ugandan counterpart in Nairobi.",
            ("William Ruto", "meetsWith", "Uganda"),
            False,
        ),
        ("France and Germany are allies.", ("France", "alliedWith", "Germany"), True),
        ("Israeli aircraft bombed targets in Gaza.", ("Israel", "attacks", "Gaza Strip"), False),
        ("Russia condemned the NATO exercise.", ("Russia", "opposes", "NATO"), False),
        ("Venezuela expelled the US ambassador.", ("Venezuela", "sanctions", "United States"), False),
        ("Thai troops clashed with Cambodian soldiers.", ("Thailand", "attacks", "Cambodia"), False),
        ("The US Army said two soldiers died.", ("US Army", "partOf", "United States"), False),
        ("Japan pledged support for the Philippines.", ("Japan", "supports", "Philippines"), False),
        ("Kenya hosted the Somali president for talks.", ("Kenya", "meetsWith", "Somalia"), True),
        ("Qatar withdrew its ambassador from Egypt.", ("Qatar", "opposes", "Egypt"), False),
        ("Qatar recalled its ambassador from Egypt.", ("Qatar", "opposes", "Egypt"), False),
        ("Saudi Arabia cut diplomatic ties with Iran.", ("Saudi Arabia", "opposes", "Iran"), False),
        ("Pakistan and India exchanged fire across the border.", ("India", "attacks", "Pakistan"), False),
        ("Pakistan and India exchanged fire across the border.", ("Pakistan", "attacks", "India"), False),
        ("The United States welcomed Colombia's decision.", ("United States", "supports", "Colombia"), False),
        (
            "Pakistani President General Pervez Musharraf arrived in London.",
            ("Pervez Musharraf", "leaderOf", "Pakistan"),
            False,
        ),
    ],
)
def test_wire_phrasing(nlp, text: str, fact: tuple[str, str, str], symmetric: bool) -> None:
    facts = _facts(nlp, text)
    assert _has(facts, fact, symmetric), facts


def test_a_truce_makes_parties_not_partners(nlp) -> None:
    facts = _facts(nlp, "Egypt brokered a truce between Israel and Hamas.")
    assert not [f for f in facts if f[1] == "cooperatesWith"]


def test_a_trade_deal_makes_partners(nlp) -> None:
    facts = _facts(nlp, "Peru and Chile signed a free trade deal on Monday.")
    assert _has(facts, ("Peru", "cooperatesWith", "Chile"), symmetric=True)


def test_a_vetoed_verb_alone_says_nothing(nlp) -> None:
    assert _facts(nlp, "Egypt withdrew from the talks on Monday.") == set()


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Russia launched missile strikes on Kyiv.", ("Russia", "attacks", "Kyiv")),
        ("The EU imposed sanctions on Moscow.", ("European Union", "sanctions", "Russia")),
    ],
)
def test_an_attacked_capital_is_the_city_a_sanctioned_one_the_state(
    nlp, text: str, fact: tuple[str, str, str]
) -> None:
    assert fact in _facts(nlp, text)


@pytest.mark.parametrize(
    ("text", "fact", "absent"),
    [
        (
            "Iran vowed to retaliate against Israel.",
            ("Iran", "threatens", "Israel"),
            ("Iran", "attacks", "Israel"),
        ),
        (
            "North Korea warned it would strike Seoul.",
            ("North Korea", "threatens", "South Korea"),
            ("North Korea", "attacks", "Seoul"),
        ),
    ],
)
def test_a_vowed_or_warned_attack_is_a_threat(
    nlp, text: str, fact: tuple[str, str, str], absent: tuple[str, str, str]
) -> None:
    facts = _facts(nlp, text)
    assert fact in facts
    assert absent not in facts


def test_agent_nouns_say_who_acts_for_the_state(nlp) -> None:
    assert _has(
        _facts(nlp, "Syrian diplomats met Turkish officials in Ankara."),
        ("Syria", "meetsWith", "Turkey"),
        True,
    )
    militants = _facts(nlp, "Iraqi militants attacked the Turkish embassy.")
    assert not [f for f in militants if f[0] == "Iraq"]  # militants do not act for the state


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        (
            "Libya joined the Chemical Weapons Convention.",
            ("Libya", "partyTo", "Chemical Weapons Convention"),
        ),
        (
            "France and Spain signed the Treaty of the Pyrenees in 1659.",
            ("Spain", "partyTo", "Treaty of the Pyrenees"),
        ),
        ("The US-China summit ended without a deal.", ("China", "participatedIn", "Meeting")),
    ],
)
def test_named_agreements_and_pairs_named_in_the_noun(nlp, text: str, fact: tuple[str, str, str]) -> None:
    facts = _facts(nlp, text)
    assert any(f[0] == fact[0] and f[1] == fact[1] and f[2].startswith(fact[2]) for f in facts), facts


def test_a_country_named_before_an_election_holds_it_rather_than_takes_part(nlp) -> None:
    assert not [
        f for f in _facts(nlp, "The Lithuanian election was held on Sunday.") if f[1] == "participatedIn"
    ]


def test_a_topic_does_not_block_a_reciprocal_verb(nlp) -> None:
    facts = _facts(nlp, "Tony Blair and Jacques Chirac discussed Iraq in Paris.")
    assert _has(facts, ("Tony Blair", "meetsWith", "Jacques Chirac"), symmetric=True)
