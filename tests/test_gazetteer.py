"""Tests of kg.extract.gazetteer: names, keys, demonyms, cities, officials and ruler patterns."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest

from kg.extract import gazetteer as gz
from kg.types import ENTITY_CLASSES

RULER_LABELS = {*gz.CLASS_PRIORITY, gz.DEMONYM_LABEL}


@pytest.fixture(scope="module")
def ruler_nlp():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(gz.ruler_patterns())
    return nlp


def _ents(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents]


# --- lookup --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("U.S.", "Country:USA"),
        ("US", "Country:USA"),
        ("USA", "Country:USA"),
        ("America", "Country:USA"),
        ("United States of America", "Country:USA"),
        ("UK", "Country:GBR"),
        ("Britain", "Country:GBR"),
        ("Great Britain", "Country:GBR"),
        ("Russian Federation", "Country:RUS"),
        ("DPRK", "Country:PRK"),
        ("Democratic People's Republic of Korea", "Country:PRK"),
        ("ROK", "Country:KOR"),
        ("Republic of Korea", "Country:KOR"),
        ("Türkiye", "Country:TUR"),
        ("Syrian Arab Republic", "Country:SYR"),
        ("Czech Republic", "Country:CZE"),
        ("Ivory Coast", "Country:CIV"),
        ("Kosovo", "Country:XKX"),
        ("Korea, Republic of", "Country:KOR"),  # pycountry's inverted form: lookup only
        ("Daesh", "Organization:isil"),
        ("Da'esh", "Organization:isil"),
        ("ISIS", "Organization:isil"),
        ("Islamic State of Iraq and the Levant", "Organization:isil"),
        ("al-Qaida", "Organization:al-qaeda"),
        ("Ansar Allah", "Organization:houthis"),
        ("NATO", "InternationalOrganization:nato"),
        ("North Atlantic Treaty Organization", "InternationalOrganization:nato"),
        ("U.N.", "InternationalOrganization:united-nations"),
        ("G-7", "InternationalOrganization:g7"),
        ("the Coalition", "InternationalOrganization:global-coalition"),
        ("Counter-Daesh Coalition", "InternationalOrganization:global-coalition"),
        ("Pentagon", "GovernmentBody:us-department-of-defense"),
        ("U.S. Central Command", "GovernmentBody:us-central-command"),
        ("CENTCOM", "GovernmentBody:us-central-command"),
        ("RAF", "GovernmentBody:royal-air-force"),
        ("Bloomberg News", "MediaOrganization:bloomberg"),
        ("Yomiuri", "MediaOrganization:yomiuri-shimbun"),
        ("Middle East", "Region:middle-east"),
        ("Gaza", "Region:gaza-strip"),
        ("Tokyo", "City:tokyo"),
        ("Washington", "City:washington"),
        ("Tripoli", "City:tripoli-lby"),
        ("Kiev", "City:kyiv"),
        ("Lloyd J. Austin", "Person:lloyd-austin"),
        ("Shin Wonsik", "Person:shin-won-sik"),
    ],
)
def test_gazetteer_lookup_alias(name: str, key: str) -> None:
    entry = gz.lookup(name)
    assert entry is not None, name
    assert entry.key == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("u.s.", "Country:USA"),
        ("THE NETHERLANDS", "Country:NLD"),
        ("the United Kingdom", "Country:GBR"),
        ("iraqi security forces", "GovernmentBody:iraqi-security-forces"),
        ("DAESH", "Organization:isil"),
        ("shin won-sik", "Person:shin-won-sik"),
        ("Kim Jong-Un", "Person:kim-jong-un"),
        ("al mawsil", "City:mosul"),
    ],
)
def test_gazetteer_lookup_normalized(name: str, key: str) -> None:
    entry = gz.lookup(name)
    assert entry is not None, name
    assert entry.key == key


@pytest.mark.parametrize("name", ["", "   ", "Xyzzyland", "Holland Zyxw"])
def test_gazetteer_lookup_unknown(name: str) -> None:
    assert gz.lookup(name) is None


def test_gazetteer_lookup_countries_win_over_cities() -> None:
    # "Kuwait", "Singapore", "Djibouti" are also city names in geonames.
    for name in ("Kuwait", "Singapore", "Djibouti", "Mexico"):
        entry = gz.lookup(name)
        assert entry is not None and entry.cls == "Country", name
    washington = gz.lookup("Washington")
    assert washington is not None and washington.cls == "City" and washington.country == "USA"


# --- cities --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Mosul", "IRQ"),
        ("Al Mawsil", "IRQ"),
        ("Raqqa", "SYR"),
        ("Ar Raqqah", "SYR"),
        ("Kobane", "SYR"),
        ("Dayr az Zawr", "SYR"),
        ("Kiev", "UKR"),
        ("Tokyo", "JPN"),
        ("Sousse", "TUN"),  # neither a capital nor a millionaire city: index only
    ],
)
def test_gazetteer_city_index(name: str, country: str) -> None:
    entry = gz.city_index().get(name)
    assert entry is not None, name
    assert entry.cls == "City"
    assert entry.country == country
    assert entry.key.startswith("City:")


def test_gazetteer_city_index_alternates_share_entry() -> None:
    index = gz.city_index()
    assert index["Mosul"] is index["Al Mawsil"]
    assert index["Raqqa"] is index["Ar Raqqah"]
    assert index["Mosul"].population and index["Mosul"].population > 1_000_000
    assert len(index) > 50_000


def test_gazetteer_cities_for_ruler() -> None:
    ruler_cities = gz.cities()
    keys = [c.key for c in ruler_cities]
    assert len(keys) == len(set(keys))
    assert all(c.cls == "City" and c.wikidata is None for c in ruler_cities)
    assert all(c.country and re.fullmatch(r"[A-Z]{3}", c.country) for c in ruler_cities)
    by_key = {c.key: c for c in ruler_cities}
    for key, country in [
        ("City:tokyo", "JPN"),
        ("City:seoul", "KOR"),
        ("City:pyongyang", "PRK"),
        ("City:baghdad", "IRQ"),
        ("City:damascus", "SYR"),
        ("City:kyiv", "UKR"),
        ("City:washington", "USA"),
        ("City:tripoli-lby", "LBY"),
        ("City:raqqa", "SYR"),
        ("City:tal-afar", "IRQ"),
    ]:
        assert by_key[key].country == country, key


def test_gazetteer_city_keys_disambiguate_same_names() -> None:
    lebanon = [e for e in gz.city_index().values() if e.key == "City:tripoli-lbn"]
    assert lebanon and lebanon[0].country == "LBN"
    assert gz.lookup("Tripoli") is not None and gz.lookup("Tripoli").country == "LBY"  # type: ignore[union-attr]


# --- countries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "label"),
    [
        ("USA", "United States"),
        ("GBR", "United Kingdom"),
        ("KOR", "South Korea"),
        ("PRK", "North Korea"),
        ("RUS", "Russia"),
        ("IRN", "Iran"),
        ("SYR", "Syria"),
        ("TUR", "Turkey"),
        ("VNM", "Vietnam"),
        ("LAO", "Laos"),
        ("TWN", "Taiwan"),
        ("BOL", "Bolivia"),
        ("VEN", "Venezuela"),
        ("TZA", "Tanzania"),
        ("MDA", "Moldova"),
        ("JPN", "Japan"),
    ],
)
def test_gazetteer_country_labels_are_common_names(iso3: str, label: str) -> None:
    entry = gz.by_key("Country:" + iso3)
    assert entry is not None
    assert entry.label == label
    assert label in entry.names


def test_gazetteer_country_labels_never_inverted() -> None:
    for entry in gz.countries():
        assert not re.search(r", (the )?(Republic|Democratic|Islamic|Province|State)", entry.label), (
            entry.label
        )
        assert entry.label in entry.names


def test_gazetteer_country_identifiers() -> None:
    from rigour.territories import get_territory

    entries = gz.countries()
    assert len(entries) >= 249
    for entry in entries:
        assert entry.cls == "Country"
        assert entry.iso3 and re.fullmatch(r"[A-Z]{3}", entry.iso3)
        assert entry.key == "Country:" + entry.iso3
    import pycountry

    for country in pycountry.countries:
        territory = get_territory(country.alpha_2.lower())
        if territory is not None and territory.qid:
            assert gz.by_key("Country:" + country.alpha_3).wikidata == territory.qid  # type: ignore[union-attr]


@pytest.mark.parametrize(("iso3", "qid"), [("USA", "Q30"), ("JPN", "Q17"), ("KOR", "Q884"), ("PRK", "Q423")])
def test_gazetteer_country_qids(iso3: str, qid: str) -> None:
    entry = gz.by_key("Country:" + iso3)
    assert entry is not None and entry.wikidata == qid


def test_gazetteer_country_codes_as_names() -> None:
    names = {name: entry.iso3 for entry in gz.countries() for name in entry.names}
    for code in ("AND", "CAN", "ARE", "ISR", "IND", "FRA"):  # English words and acronym clashes
        assert code not in names, code
    for code in ("USA", "PRK", "IRQ", "SYR"):
        assert names[code] == code
    two_letter = {name for name in names if re.fullmatch(r"[A-Z]{2}", name)}
    assert two_letter == {"US", "UK"}
    assert "Holland" not in names
    assert "Congo" not in names  # ambiguous between the two Congos


# --- demonyms --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "iso3"),
    [
        ("American", "USA"),
        ("Americans", "USA"),
        ("British", "GBR"),
        ("Britons", "GBR"),
        ("South Korean", "KOR"),
        ("North Korean", "PRK"),
        ("Russian", "RUS"),
        ("Chinese", "CHN"),
        ("Japanese", "JPN"),
        ("Iraqi", "IRQ"),
        ("Iraqis", "IRQ"),
        ("Syrian", "SYR"),
        ("Emirati", "ARE"),
        ("Saudi", "SAU"),
        ("Turks", "TUR"),
        ("French", "FRA"),
        ("Palestinian", "PSE"),
        ("south korean", "KOR"),
    ],
)
def test_gazetteer_demonym(word: str, iso3: str) -> None:
    entry = gz.demonym(word)
    assert entry is not None, word
    assert entry.key == "Country:" + iso3


@pytest.mark.parametrize("word", ["Kurdish", "Kurds", "Korean", "Koreans", "Arab", "Welsh", "Iraq", ""])
def test_gazetteer_demonym_never_for_stateless_or_ambiguous_words(word: str) -> None:
    assert gz.demonym(word) is None


def test_gazetteer_demonyms_only_on_countries() -> None:
    owners: dict[str, str] = {}
    for entry in gz.countries():
        for word in (*entry.demonyms, *entry.nationals):
            assert word not in owners, (word, owners.get(word), entry.key)
            owners[word] = entry.key
    assert owners["American"] == "Country:USA"
    assert owners["French"] == "Country:FRA"  # not Réunion or Mayotte


# --- organizations and regions -----------------------------------------------------------------------


def test_gazetteer_curated_entries() -> None:
    orgs = gz.organizations()
    regions = gz.regions()
    assert len(orgs) >= 150
    assert len(regions) >= 30
    for entry in (*orgs, *regions):
        assert entry.cls in ENTITY_CLASSES
        assert entry.key == f"{entry.cls}:{gz.slug(entry.label)}"
        assert entry.names or entry.lookup_names
        if entry.country is not None:
            assert gz.by_key("Country:" + entry.country) is not None, entry.key
    for entry in orgs:
        if entry.cls == "GovernmentBody":
            assert entry.country, entry.key
    keys = [e.key for e in gz.entries()]
    assert len(keys) == len(set(keys))


def test_gazetteer_us_name_variants() -> None:
    centcom = gz.by_key("GovernmentBody:us-central-command")
    assert centcom is not None
    assert {"US Central Command", "U.S. Central Command", "CENTCOM", "Central Command"} <= set(centcom.names)
    isf = gz.by_key("GovernmentBody:iraqi-security-forces")
    assert isf is not None and "Iraqi security forces" in isf.names and isf.country == "IRQ"


# --- officials -------------------------------------------------------------------------------------


def test_gazetteer_officials_dates_sane() -> None:
    rows = gz.officials()
    assert len(rows) >= 200
    for row in rows:
        assert date(1950, 1, 1) <= row.start <= date.today(), row
        if row.end is not None:
            assert row.start < row.end, row
        assert gz.by_key(row.of) is not None, row.of
        assert isinstance(row.leader, bool)


def test_gazetteer_officials_successive_holders_do_not_overlap() -> None:
    """Holders of one office overlap by a month at most (approximate dates): catches typos."""
    by_office: dict[tuple[str, str], list[gz.Official]] = {}
    for row in gz.officials():
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
    names = {o.name for o in gz.officials_in_office(on)}
    assert (name in names) is held


def test_gazetteer_officials_examples() -> None:
    austin = [o for o in gz.officials() if o.name == "Lloyd Austin"]
    assert [(o.role, o.of, o.start, o.end, o.leader) for o in austin] == [
        ("Secretary of Defense", "Country:USA", date(2021, 1, 22), date(2025, 1, 20), False)
    ]
    trump = [o for o in gz.officials() if o.name == "Donald Trump" and o.role == "President"]
    assert [(o.start, o.end) for o in trump] == [
        (date(2017, 1, 20), date(2021, 1, 20)),
        (date(2025, 1, 20), None),
    ]
    assert all(o.leader for o in trump)
    assert {o.name for o in gz.officials_in_office(None)} >= {"Kim Jong Un", "Donald Trump"}
    assert "Barack Obama" not in {o.name for o in gz.officials_in_office(None)}
    nato = {o.name for o in gz.officials() if o.of == "InternationalOrganization:nato" and o.leader}
    assert {"Jens Stoltenberg", "Mark Rutte"} <= nato


def test_gazetteer_korean_names_have_both_spellings() -> None:
    for row in gz.officials():
        if row.of in ("Country:KOR", "Country:PRK") and "-" in row.name:
            assert row.name.replace("-", "") in {a.replace(" ", "") for a in row.aliases} or any(
                "-" not in a for a in row.aliases
            ), row.name
    shin = gz.by_key("Person:shin-won-sik")
    assert shin is not None and {"Shin Won-sik", "Shin Wonsik"} <= set(shin.names) and shin.country == "KOR"


# --- entity ruler ------------------------------------------------------------------------------------


def test_gazetteer_ruler_patterns_shape() -> None:
    patterns = gz.ruler_patterns()
    assert len(patterns) > 2000
    seen: set[str] = set()
    for pattern in patterns:
        assert set(pattern) == {"label", "pattern", "id"}
        text, label, key = pattern["pattern"], pattern["label"], pattern["id"]
        assert isinstance(text, str) and len(text) >= 2
        assert text not in seen, text
        seen.add(text)
        assert not (text.islower() and " " not in text and "-" not in text), text
        assert label in RULER_LABELS
        entry = gz.by_key(key)
        assert entry is not None, key
        assert entry.cls == ("Country" if label == gz.DEMONYM_LABEL else label), pattern
    assert gz.ruler_patterns() is not gz.ruler_patterns()  # fresh lists: callers may mutate them


def test_gazetteer_no_pattern_is_a_stoplisted_word() -> None:
    stop = gz.ruler_stoplist()
    assert {"austin", "victoria", "washington", "nice", "reading", "mobile", "jackson"} <= stop
    texts = {p["pattern"].casefold() for p in gz.ruler_patterns()}
    assert not texts & stop
    assert {"kurdish", "korean", "congo", "holland"}.isdisjoint(texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "US Defense Secretary Lloyd Austin met South Korean officials in Tokyo and at NATO.",
            [
                ("US", "Country", "Country:USA"),
                ("Lloyd Austin", "Person", "Person:lloyd-austin"),
                ("South Korean", "Demonym", "Country:KOR"),
                ("Tokyo", "City", "City:tokyo"),
                ("NATO", "InternationalOrganization", "InternationalOrganization:nato"),
            ],
        ),
        (
            "BAGHDAD - Coalition aircraft struck ISIL near Mosul and Ar Raqqah, CJTF-OIR said.",
            [
                ("BAGHDAD", "City", "City:baghdad"),
                ("Coalition", "InternationalOrganization", "InternationalOrganization:global-coalition"),
                ("ISIL", "Organization", "Organization:isil"),
                ("Mosul", "City", "City:mosul"),
                ("Ar Raqqah", "City", "City:raqqa"),
                ("CJTF-OIR", "GovernmentBody", "GovernmentBody:cjtf-oir"),
            ],
        ),
        (
            "Latin American envoys in New Mexico praised the Iraqi Security Forces.",
            [
                ("Latin American", "Region", "Region:latin-america"),
                ("New Mexico", "Region", "Region:new-mexico"),
                ("Iraqi Security Forces", "GovernmentBody", "GovernmentBody:iraqi-security-forces"),
            ],
        ),
        (
            "Austin and Victoria flew from Washington to Reading with Kurdish fighters.",
            [],
        ),
        (
            "Kim Jong-un warned Japan's Self-Defense Forces and Da'esh.",
            [
                ("Kim Jong-un", "Person", "Person:kim-jong-un"),
                ("Japan", "Country", "Country:JPN"),
                ("Self-Defense Forces", "GovernmentBody", "GovernmentBody:japan-self-defense-forces"),
                ("Da'esh", "Organization", "Organization:isil"),
            ],
        ),
    ],
)
def test_gazetteer_entity_ruler(ruler_nlp, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _ents(ruler_nlp, text) == expected


# --- helpers, caching, speed -----------------------------------------------------------------------


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
    assert gz.slug(text) == expected


def test_gazetteer_results_are_cached() -> None:
    assert gz.countries() is gz.countries()
    assert gz.cities() is gz.cities()
    assert gz.city_index() is gz.city_index()
    assert gz.officials() is gz.officials()
    entry = gz.countries()[0]
    with pytest.raises(AttributeError):
        entry.label = "changed"  # type: ignore[misc]
