"""Each saved query of ontology/queries/, with exact rows, on a store loaded from TriG and on one
loaded from an rdflib Dataset (kg.store.quads.memory_store)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import rdflib

from kg.query import run as query
from kg.store.local import GraphStore
from kg.store.quads import memory_store

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample.trig"
ID = "https://w3id.org/kg-geo/id/"
KG = "https://w3id.org/kg-geo/ontology#"
WD = "http://www.wikidata.org/entity/"

# A third document: meetings both ways, a hosted meeting, an agreement, more conflicts.
GAMMA = (DATA / "gamma.trig").read_text(encoding="utf-8")


def c(code: str) -> str:
    return f"{ID}country/{code}"


USA, JPN, PRK, KOR = c("USA"), c("JPN"), c("PRK"), c("KOR")
AUSTIN, KIM = ID + "person/lloyd-austin", ID + "person/kim-jong-un"
TOKYO, SEOUL = ID + "city/tokyo", ID + "city/seoul"
MEETING, SUMMIT, GSOMIA = ID + "meeting/5d41402a", ID + "meeting/seoul", ID + "agreement/gsomia"
ALPHA, BETA = ID + "doc/alpha", ID + "doc/beta"
SENTENCE_A1 = "US Defense Secretary Lloyd Austin said the allies <b>agree</b>."
SENTENCE_A2 = "The US and its ally Japan met in Tokyo."
SENTENCE_B1 = "North Korean leader Kim Jong Un <img src=x onerror=alert(1)> spoke."
SENTENCE_B2 = "North Korea threatened Japan with missiles."


def _store(*trigs: str) -> GraphStore:
    store = GraphStore(None)
    for trig in trigs:
        store.replace_documents(trig)
    return store


def _dataset(*trigs: str) -> GraphStore:
    """The TriG read by rdflib, then loaded into a store in memory (as KnowledgeGraph does)."""
    dataset = rdflib.Dataset()
    for trig in trigs:
        dataset.parse(data=trig, format="trig")
    return memory_store(dataset)


@pytest.fixture(scope="module", params=["store", "rdflib"])
def sample(request: pytest.FixtureRequest) -> GraphStore:
    trig = SAMPLE.read_text(encoding="utf-8")
    return _store(trig) if request.param == "store" else _dataset(trig)


@pytest.fixture(scope="module", params=["store", "rdflib"])
def extended(request: pytest.FixtureRequest) -> GraphStore:
    trigs = (SAMPLE.read_text(encoding="utf-8"), GAMMA)
    return _store(*trigs) if request.param == "store" else _dataset(*trigs)


def rows(source: GraphStore, name: str, **params: str) -> tuple[list[str], list[list[object]]]:
    df = query.run(source, query.saved_query(name), params or None)
    cells = df.values.tolist()
    return list(df.columns), [
        [None if isinstance(x, float) and math.isnan(x) else x for x in row] for row in cells
    ]


# ---------------------------------------------------------------------- on sample.trig

CASES: list[tuple[str, dict[str, str], list[str], list[list[object]]]] = [
    (
        "allies-of",
        {},
        ["country", "countryLabel", "ally", "allyLabel"],
        [[JPN, "Japan", USA, "United States"], [USA, "United States", JPN, "Japan"]],
    ),
    ("allies-of", {"country": "Japan"}, [], [[JPN, "Japan", USA, "United States"]]),
    ("allies-of", {"country": "america"}, [], [[USA, "United States", JPN, "Japan"]]),
    ("allies-of", {"country": USA}, [], [[USA, "United States", JPN, "Japan"]]),
    ("allies-of", {"country": "North Korea"}, [], []),
    (
        "officials-of",
        {},
        ["official", "officialLabel", "property", "role", "country", "countryLabel"],
        [
            [KIM, "Kim Jong Un", "leaderOf", "leader", PRK, "North Korea"],
            [AUSTIN, "Lloyd Austin", "officialOf", "Defense Secretary", USA, "United States"],
        ],
    ),
    (
        "officials-of",
        {"country": "US"},
        [],
        [[AUSTIN, "Lloyd Austin", "officialOf", "Defense Secretary", USA, "United States"]],
    ),
    (
        "officials-of",
        {"country": "DPRK"},
        [],
        [[KIM, "Kim Jong Un", "leaderOf", "leader", PRK, "North Korea"]],
    ),
    ("officials-of", {"country": f"<{JPN}>"}, [], []),
    (
        "meetings",
        {},
        [
            "participant",
            "participantLabel",
            "counterpart",
            "counterpartLabel",
            "date",
            "meeting",
            "meetingLabel",
            "location",
            "locationLabel",
        ],
        [[USA, "United States", None, None, "2024-07-28", MEETING, "Meeting in Tokyo", TOKYO, "Tokyo"]],
    ),
    ("meetings", {"participant": "Japan"}, [], []),
    ("agreements", {}, ["agreement", "agreementLabel", "date", "party", "partyLabel"], []),
    (
        "relation-evidence",
        {},
        [
            "subject",
            "subjectLabel",
            "predicate",
            "object",
            "objectLabel",
            "sentence",
            "document",
            "confidence",
            "rule",
            "evidence",
        ],
        [
            [
                KIM,
                "Kim Jong Un",
                KG + "leaderOf",
                PRK,
                "North Korea",
                SENTENCE_B1,
                BETA,
                0.95,
                "title",
                ID + "evidence/b1",
            ],
            [
                AUSTIN,
                "Lloyd Austin",
                KG + "officialOf",
                USA,
                "United States",
                SENTENCE_A1,
                ALPHA,
                0.95,
                "title",
                ID + "evidence/a1",
            ],
            [
                PRK,
                "North Korea",
                KG + "threatens",
                JPN,
                "Japan",
                SENTENCE_B2,
                BETA,
                0.7,
                "verb-frame",
                ID + "evidence/b2",
            ],
            [
                TOKYO,
                "Tokyo",
                KG + "locatedIn",
                JPN,
                "Japan",
                SENTENCE_A2,
                ALPHA,
                0.99,
                "gazetteer-city",
                ID + "evidence/a4",
            ],
            [
                USA,
                "United States",
                KG + "alliedWith",
                JPN,
                "Japan",
                SENTENCE_A2,
                ALPHA,
                0.8,
                "alliance-noun",
                ID + "evidence/a2",
            ],
            [
                USA,
                "United States",
                KG + "participatedIn",
                MEETING,
                "Meeting in Tokyo",
                SENTENCE_A2,
                ALPHA,
                0.8,
                "meeting-participants",
                ID + "evidence/a3",
            ],
        ],
    ),
    (
        "relation-evidence",
        {"subject": "United States", "predicate": "ALLIEDWITH"},
        [],
        [
            [
                USA,
                "United States",
                KG + "alliedWith",
                JPN,
                "Japan",
                SENTENCE_A2,
                ALPHA,
                0.8,
                "alliance-noun",
                ID + "evidence/a2",
            ]
        ],
    ),
    (
        "relation-evidence",
        {"object": "japan", "predicate": KG + "threatens"},
        [],
        [
            [
                PRK,
                "North Korea",
                KG + "threatens",
                JPN,
                "Japan",
                SENTENCE_B2,
                BETA,
                0.7,
                "verb-frame",
                ID + "evidence/b2",
            ]
        ],
    ),
    ("relation-evidence", {"subject": "Japan"}, [], []),
    (
        "conflicts",
        {},
        ["subject", "subjectLabel", "relation", "object", "objectLabel", "evidenceCount", "lastDate"],
        [[PRK, "North Korea", "threatens", JPN, "Japan", 1, "2024-08-01"]],
    ),
    (
        "conflicts",
        {"object": "Japan"},
        [],
        [[PRK, "North Korea", "threatens", JPN, "Japan", 1, "2024-08-01"]],
    ),
    ("conflicts", {"subject": "Japan"}, [], []),
    (
        "entities",
        {},
        ["entity", "label", "class", "isoCode", "wikidata"],
        [
            [TOKYO, "Tokyo", KG + "City", None, None],
            [JPN, "Japan", KG + "Country", "JPN", WD + "Q17"],
            [PRK, "North Korea", KG + "Country", "PRK", WD + "Q423"],
            [USA, "United States", KG + "Country", "USA", WD + "Q30"],
            [MEETING, "Meeting in Tokyo", KG + "Meeting", None, None],
            [KIM, "Kim Jong Un", KG + "Person", None, None],
            [AUSTIN, "Lloyd Austin", KG + "Person", None, None],
        ],
    ),
    (
        "entities",
        {"class": "person"},
        [],
        [
            [KIM, "Kim Jong Un", KG + "Person", None, None],
            [AUSTIN, "Lloyd Austin", KG + "Person", None, None],
        ],
    ),
    ("entities", {"class": KG + "City"}, [], [[TOKYO, "Tokyo", KG + "City", None, None]]),
    ("entities", {"entity": "Kim"}, [], [[KIM, "Kim Jong Un", KG + "Person", None, None]]),
    (
        "entities",
        {"class": "Country", "entity": "dprk"},
        [],
        [[PRK, "North Korea", KG + "Country", "PRK", WD + "Q423"]],
    ),
    ("entities", {"class": "Actor"}, [], []),
    (
        "entities",
        {"class": "kg:country", "entity": "US"},
        [],
        [[USA, "United States", KG + "Country", "USA", WD + "Q30"]],
    ),
    (
        "relation-evidence",
        {"predicate": "kg:leaderOf"},
        [],
        [
            [
                KIM,
                "Kim Jong Un",
                KG + "leaderOf",
                PRK,
                "North Korea",
                SENTENCE_B1,
                BETA,
                0.95,
                "title",
                ID + "evidence/b1",
            ]
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "params", "columns", "expected"),
    CASES,
    ids=[
        f"{name}-{'-'.join(f'{k}={v}' for k, v in params.items()) or 'all'}" for name, params, _, _ in CASES
    ],
)
def test_queries_saved_saved_query_on_sample(
    sample: GraphStore,
    name: str,
    params: dict[str, str],
    columns: list[str],
    expected: list[list[object]],
) -> None:
    got_columns, got_rows = rows(sample, name, **params)
    if columns:
        assert got_columns == columns
    assert got_rows == expected


# ---------------------------------------------------------------------- with a third document

MEETING_ROWS = {
    "summit-jpn": [JPN, "Japan", None, None, None, SUMMIT, "Seoul summit", SEOUL, "Seoul"],
    "summit-kor": [KOR, "South Korea", None, None, None, SUMMIT, "Seoul summit", SEOUL, "Seoul"],
    "tokyo-usa": [
        USA,
        "United States",
        None,
        None,
        "2024-07-28",
        MEETING,
        "Meeting in Tokyo",
        TOKYO,
        "Tokyo",
    ],
    "jpn-kor-09": [JPN, "Japan", KOR, "South Korea", "2024-09-09", None, None, None, None],
    "kor-jpn-09": [KOR, "South Korea", JPN, "Japan", "2024-09-09", None, None, None, None],
    "jpn-kor-10": [JPN, "Japan", KOR, "South Korea", "2024-09-10", None, None, None, None],
    "kor-jpn-10": [KOR, "South Korea", JPN, "Japan", "2024-09-10", None, None, None, None],
}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, list(MEETING_ROWS)),
        ({"participant": "ROK"}, ["summit-kor", "kor-jpn-09", "kor-jpn-10"]),
        ({"participant": JPN}, ["summit-jpn", "jpn-kor-09", "jpn-kor-10"]),
        ({"participant": "united states"}, ["tokyo-usa"]),
    ],
)
def test_queries_saved_saved_meetings_both_kinds(
    extended: GraphStore, params: dict[str, str], expected: list[str]
) -> None:
    assert rows(extended, "meetings", **params)[1] == [MEETING_ROWS[key] for key in expected]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {},
            [
                [GSOMIA, "GSOMIA", "2016-11-23", JPN, "Japan"],
                [GSOMIA, "GSOMIA", "2016-11-23", KOR, "South Korea"],
            ],
        ),
        ({"party": "rok"}, [[GSOMIA, "GSOMIA", "2016-11-23", KOR, "South Korea"]]),
        ({"party": f"<{JPN}>"}, [[GSOMIA, "GSOMIA", "2016-11-23", JPN, "Japan"]]),
        ({"party": "North Korea"}, []),
    ],
)
def test_queries_saved_saved_agreements(
    extended: GraphStore, params: dict[str, str], expected: list[list[object]]
) -> None:
    assert rows(extended, "agreements", **params)[1] == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {},
            [
                [PRK, "North Korea", "threatens", JPN, "Japan", 2, "2024-09-05"],
                [JPN, "Japan", "opposes", PRK, "North Korea", 1, None],
                [USA, "United States", "sanctions", PRK, "North Korea", 1, "2024-09-01"],
            ],
        ),
        (
            {"object": "DPRK"},
            [
                [JPN, "Japan", "opposes", PRK, "North Korea", 1, None],
                [USA, "United States", "sanctions", PRK, "North Korea", 1, "2024-09-01"],
            ],
        ),
        (
            {"subject": "dprk", "object": "japan"},
            [[PRK, "North Korea", "threatens", JPN, "Japan", 2, "2024-09-05"]],
        ),
    ],
)
def test_queries_saved_saved_conflicts_ranked_by_evidence(
    extended: GraphStore, params: dict[str, str], expected: list[list[object]]
) -> None:
    assert rows(extended, "conflicts", **params)[1] == expected


# ---------------------------------------------------------------------- every query, every declared param


@pytest.mark.parametrize("name", sorted(query.saved_queries()))
def test_queries_saved_saved_query_declared_params_are_accepted(extended: GraphStore, name: str) -> None:
    text = query.saved_query(name)
    for param in query.declared_params(text):
        for value in ("Japan", JPN, '"} ; DROP ALL ; {'):
            df = query.run(extended, text, {param: value})
            assert not any(column.endswith("Name") for column in df.columns)


# ---------------------------------------------------------------------- names, aliases and ties

# An agreement with a party known only by an alias, and one with neither label nor alias; a
# meeting held in two places.
DELTA = (DATA / "delta.trig").read_text(encoding="utf-8")
ACCORD, ALIASED = ID + "agreement/accord", ID + "organization/aliased"


@pytest.fixture(scope="module", params=["store", "rdflib"])
def delta(request: pytest.FixtureRequest) -> GraphStore:
    return _store(DELTA) if request.param == "store" else _dataset(DELTA)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [[ACCORD, "Accord", None, ALIASED, None]]),  # a party needs a label or an alias
        ({"party": "aliased org"}, [[ACCORD, "Accord", None, ALIASED, None]]),
        ({"party": "unnamed"}, []),
    ],
)
def test_queries_saved_saved_agreements_party_names(
    delta: GraphStore, params: dict[str, str], expected: list[list[object]]
) -> None:
    assert rows(delta, "agreements", **params)[1] == expected


def test_queries_saved_saved_meetings_places_in_order(delta: GraphStore) -> None:
    zzz, tour = ID + "country/ZZZ", ID + "meeting/tour"
    assert rows(delta, "meetings")[1] == [
        [zzz, "Zedland", None, None, None, tour, "Tour", ID + "city/a", "A-town"],
        [zzz, "Zedland", None, None, None, tour, "Tour", ID + "city/b", "B-town"],
    ]


# ---------------------------------------------------------------------- relation-evidence's required parts

EPSILON = (DATA / "epsilon.trig").read_text(encoding="utf-8")
EVIDENCE_PARAMS: list[dict[str, str]] = [
    {},
    {"subject": ID + "country/AAA"},
    {"subject": ID + "country/CCC", "document": ID + "doc/eps1"},
    {"document": ID + "doc/eps2"},
    {"predicate": KG + "sanctions", "object": "bland"},
]


@pytest.fixture(scope="module", params=["store", "rdflib"])
def epsilon(request: pytest.FixtureRequest) -> GraphStore:
    return _store(EPSILON) if request.param == "store" else _dataset(EPSILON)


@pytest.mark.parametrize(
    ("params", "expected"),
    list(zip(EVIDENCE_PARAMS, [["e1", "e3"], ["e1"], [], ["e3"], ["e3"]], strict=True)),
)
def test_queries_saved_relation_evidence_needs_every_part(
    epsilon: GraphStore, params: dict[str, str], expected: list[str]
) -> None:
    """An evidence node without a sentence or a subject is not listed, and a bound parameter
    (declared or not) keeps only the evidence that has that value, though the query finds each
    part in an OPTIONAL."""
    columns, got = rows(epsilon, "relation-evidence", **params)
    evidence = [str(row[columns.index("evidence")]).removeprefix(ID + "evidence/") for row in got]
    assert evidence == expected


RDFLIB_QUERIES = Path(__file__).parents[1] / "benchmarks" / "rdflib-queries"


def test_queries_saved_rdflib_texts_are_saved_queries() -> None:
    names = sorted(path.stem for path in RDFLIB_QUERIES.glob("*.rq"))
    assert names and set(names) <= set(query.saved_queries())


@pytest.mark.parametrize("name", sorted(path.stem for path in RDFLIB_QUERIES.glob("*.rq")))
@pytest.mark.parametrize("params", [*EVIDENCE_PARAMS, {"subject": "DPRK"}, {"object": "japan"}])
def test_queries_saved_rdflib_text_gives_the_saved_rows(
    extended: GraphStore,
    epsilon: GraphStore,
    name: str,
    params: dict[str, str],
) -> None:
    """The benchmark's rdflib text of a saved query (benchmarks/rdflib-queries/) is the same query:
    same columns, same rows in the same order, on either engine."""
    text = (RDFLIB_QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    for source in (extended, epsilon):
        frame = query.run(source, text, params or None)
        assert (list(frame.columns), frame.values.tolist()) == rows(source, name, **params)
