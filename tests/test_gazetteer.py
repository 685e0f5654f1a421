"""Tests of kg.extract.gazetteer: lookup, keys, demonyms and ruler patterns."""

from __future__ import annotations

import pytest

from kg.extract import cities, curated, knowledge, officials
from kg.extract import gazetteer as gz

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
        ("Pentagon", "GovernmentBody:us-department-of-defense"),
        ("Hizb Allah", "Organization:hezbollah"),  # a Phoenix spelling merged into the curated entry
        ("Taleban", "Organization:taliban"),
        ("Moro National Liberation Front", "Organization:moro-national-liberation-front"),  # Phoenix only
        ("MNLF", "Organization:moro-national-liberation-front"),
        ("Kofi Annan", "Person:kofi-annan"),  # a Phoenix person
        ("U.S. Central Command", "GovernmentBody:us-central-command"),
        ("CENTCOM", "GovernmentBody:us-central-command"),
        ("Royal Air Force", "GovernmentBody:royal-air-force"),
        ("Reuters", "MediaOrganization:reuters"),
        ("Kyodo", "MediaOrganization:kyodo-news"),
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
        ("popular mobilisation forces", "GovernmentBody:popular-mobilization-forces"),
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
    for entry in curated.countries():
        for word in (*entry.demonyms, *entry.nationals):
            assert word not in owners, (word, owners.get(word), entry.key)
            owners[word] = entry.key
    assert owners["American"] == "Country:USA"
    assert owners["French"] == "Country:FRA"  # not Réunion or Mayotte


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
    stop = cities.ruler_stoplist()
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
            "BAGHDAD - Hamid Karzai said ISIL fled Mosul and Ar Raqqah, Hizbullah said.",
            [
                ("BAGHDAD", "City", "City:baghdad"),
                ("Hamid Karzai", "Person", "Person:hamid-karzai"),
                ("ISIL", "Organization", "Organization:isil"),
                ("Mosul", "City", "City:mosul"),
                ("Ar Raqqah", "City", "City:raqqa"),
                ("Hizbullah", "Organization", "Organization:hezbollah"),
            ],
        ),
        (
            "Latin American envoys in New Mexico praised the Popular Mobilization Forces.",
            [
                ("Latin American", "Region", "Region:latin-america"),
                ("New Mexico", "Region", "Region:new-mexico"),
                (
                    "Popular Mobilization Forces",
                    "GovernmentBody",
                    "GovernmentBody:popular-mobilization-forces",
                ),
            ],
        ),
        (
            "Austin and Victoria flew from Washington to Reading with Kurdish fighters.",
            [],
        ),
        (
            "Kim Jong-un warned Japan's Maritime Self-Defense Force and Da'esh.",
            [
                ("Kim Jong-un", "Person", "Person:kim-jong-un"),
                ("Japan", "Country", "Country:JPN"),
                (
                    "Maritime Self-Defense Force",
                    "GovernmentBody",
                    "GovernmentBody:japan-maritime-self-defense-force",
                ),
                ("Da'esh", "Organization", "Organization:isil"),
            ],
        ),
    ],
)
def test_gazetteer_entity_ruler(ruler_nlp, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _ents(ruler_nlp, text) == expected


# --- helpers, caching, speed -----------------------------------------------------------------------


def test_gazetteer_tables_are_kept_per_knowledge() -> None:
    """A table is built once per Knowledge (`knowledge.cached`): the same Knowledge gives the same
    table, another Knowledge its own (here one without Phoenix: the curated office holdings only),
    and clearing one Knowledge's table leaves the other's."""
    shared = officials.officials()
    assert officials.officials() is shared
    curated_only = knowledge.load(dict(knowledge.default().files), phoenix=False)
    with knowledge.using(curated_only):
        own = officials.officials()
        assert own is officials.officials()
        assert own == officials.curated_officials()
        assert 0 < len(own) < len(shared)
        officials.officials.cache_clear()
        assert officials.officials() is not own
    assert officials.officials() is shared
