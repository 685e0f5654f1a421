"""Tests of the PETRARCH2 dictionary readers and converter (scripts/petrarch/) on inline snippets."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts" / "petrarch"
sys.path.insert(0, str(SCRIPTS))


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fmt = _module("petrarch_format")
convert = _module("phoenix_actors")
words = _module("phoenix_words")

ACTORS = """\
# a comment
RUTANIA_  [RUT]
+RUTANIAN_

JOHN_QUILLER_  # CountryInfo.txt
+PRESIDENT_JOHN_QUILLER_
+QUILLER_
+MR._QUILLER
\t[GBRELI 750101-011222]
\t[GBRGOV >011222]
\t[GBRELI]
MARIA_DE_LA_VEGA_ [ESPGOV 19990301-20040417] [ESPELI]
EXAMPLE_PARTY_
+EXAMPLE_PARTY_OF_RUTANIA
\t[GBRGOVLEG]
"""


def test_petrarch_parse_actor_records() -> None:
    records = fmt.parse_actors(ACTORS.splitlines(), "snippet.txt")
    assert [r.phrases[0] for r in records] == [
        "RUTANIA_",
        "JOHN_QUILLER_",
        "MARIA_DE_LA_VEGA_",
        "EXAMPLE_PARTY_",
    ]
    quiller = records[1]
    assert quiller.synonyms == ["PRESIDENT_JOHN_QUILLER_", "QUILLER_", "MR._QUILLER"]
    assert "CountryInfo" in quiller.comment
    assert [(c.code, c.start, c.end, c.default) for c in quiller.codes] == [
        ("GBRELI", datetime.date(1975, 1, 1), datetime.date(2001, 12, 22), False),
        ("GBRGOV", datetime.date(2001, 12, 22), None, False),
        ("GBRELI", None, None, True),
    ]
    vega = records[2]  # codes on the phrase's line, eight-digit dates
    assert [(c.code, c.start, c.end) for c in vega.codes] == [
        ("ESPGOV", datetime.date(1999, 3, 1), datetime.date(2004, 4, 17)),
        ("ESPELI", None, None),
    ]


def test_petrarch_phrase_without_code_shares_the_next_records_codes() -> None:
    records = fmt.parse_actors(["ALPHA_GROUP_", "BETA_GROUP_", "\t[GBRREB]", "GAMMA_ [FRAREB]"], "s.txt")
    assert [r.phrases for r in records] == [["ALPHA_GROUP_", "BETA_GROUP_"], ["GAMMA_"]]
    assert [c.code for c in records[0].codes] == ["GBRREB"]


@pytest.mark.parametrize(
    ("text", "year"),
    [("300101", 2030), ("310101", 1931), ("991231", 1999), ("19270101", 1927), ("20140608", 2014)],
)
def test_petrarch_dates_two_digit_years_pivot_at_30(text: str, year: int) -> None:
    assert fmt.parse_date(text).year == year


@pytest.mark.parametrize(
    ("lines", "line", "problem"),
    [
        (["JOHN_DOE_", "\t[GBRGOV 2004017-20061201]"], 2, "neither YYMMDD nor YYYYMMDD"),
        (["JOHN_DOE_", "\t[GBRGOV 20121207-20120802]"], 2, "ends before it starts"),
        (["JOHN_DOE_", "\t[GBRGOV 990231-000101]"], 2, "990231"),  # no 31 February
        (["JOHN_DOE_", "\t[GBRGOV 19820101]"], 2, "not <date, >date or date-date"),
        (["+JOHN_DOE_"], 1, "synonym before any actor"),
        (["\t[GBRGOV]"], 1, "code line before any actor"),
        (["JOHN_DOE_", "+DOE]_"], 2, "unbalanced brackets"),
        (["JOHN_DOE_", "\tGBRGOV"], 2, "without a \\[code\\]"),
        (["JOHN_DOE_ [gbrgov]"], 1, "not upper-case"),
    ],
)
def test_petrarch_malformed_actor_lines_name_file_and_line(lines: list[str], line: int, problem: str) -> None:
    with pytest.raises(fmt.PetrarchFormatError, match=rf"^bad\.txt:{line}: .*{problem}"):
        fmt.parse_actors(lines, "bad.txt")
    errors: list = []
    fmt.parse_actors(lines, "bad.txt", errors)  # collected instead, the rest still read
    assert [(e.path, e.line) for e in errors] == [("bad.txt", line)]


def test_petrarch_parse_agents_markers_and_plurals() -> None:
    text = """\
!PERSON! = MAN, WOMAN
!MINIST! = MINISTER, MINISTRY
FOREIGN_MINISTER [~GOVFRM]
POLICE {} [~COP]
MILITIA [~UAF]
BUSH [~REB]
CHAMBER_OF_COMMERCE {CHAMBERS_OF_COMMERCE} [~BUS]
CONGRESS!PERSON! [~LEG]
!MINIST!_OF_INTERIOR [~GOV]
HUMAN_RIGHTS_BODY  [NGO~]
"""
    entries = {(e.phrase, e.code, e.prefix) for e in fmt.parse_agents(text.splitlines(), "agents.txt")}
    assert {
        ("FOREIGN MINISTER", "GOVFRM", False),
        ("FOREIGN MINISTERS", "GOVFRM", False),
        ("POLICE", "COP", False),
        ("MILITIA", "UAF", False),
        ("MILITIAS", "UAF", False),
        ("BUSHES", "REB", False),
        ("CHAMBERS OF COMMERCE", "BUS", False),
        ("CONGRESSMAN", "LEG", False),
        ("CONGRESSWOMAN", "LEG", False),
        ("MINISTRY OF INTERIOR", "GOV", False),
        ("HUMAN RIGHTS BODY", "NGO", True),
    } <= entries
    assert ("POLICES", "COP", False) not in entries  # {} = no plural


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("DEPARMENT_OF_ENVIRONMENT [~ENV}", "not `PHRASE"),
        ("REBEL [REB]", "not ~CODE"),
        ("!X!_BOSS [~BUS]", "!X!"),
    ],
)
def test_petrarch_malformed_agent_lines_name_file_and_line(line: str, problem: str) -> None:
    with pytest.raises(fmt.PetrarchFormatError, match=rf"^agents\.txt:2: .*{problem}"):
        fmt.parse_agents(["OFFICIAL [~GOV]", line], "agents.txt")


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("HAMID_KARZAI_", "Hamid Karzai"),
        ("BASHAR_AL-ASSAD", "Bashar al-Assad"),
        ("JOHN_MCCAIN_", "John McCain"),
        ("WILLIAM_A._O'NEIL_", "William A. O'Neil"),
        ("LLOYD_AUSTIN_III", "Lloyd Austin III"),
        ("RECEP_TAYYIP_ERDOĞAN", "Recep Tayyip Erdoğan"),
    ],
)
def test_petrarch_display_name(phrase: str, name: str) -> None:
    assert fmt.display_name(phrase) == name


def test_petrarch_org_names_keep_connectors_and_abbreviations_lower_or_upper() -> None:
    assert fmt.display_name("ORGANIZATION_OF_THE_ISLAMIC_CONFERENCE", person=False) == (
        "Organization of the Islamic Conference"
    )
    assert fmt.display_name("US_HOUSE_OF_REPRESENTATIVES_", person=False) == "US House of Representatives"


def test_petrarch_person_of_strips_titles_and_drops_surnames_and_strangers() -> None:
    record = fmt.parse_actors(
        [
            "JOHN_QUILLER_",
            "+PRESIDENT_JOHN_QUILLER_",
            "+QUILLER_",
            "+MR._QUILLER",
            "+TWIN_FALLS_",
            "\t[GBRGOV]",
        ],
        "s.txt",
    )[0]
    person = convert.person_of(record, frozenset({"BRITISH"}))
    assert person is not None
    assert person.label == "John Quiller"
    assert person.names == ["John Quiller"]  # title stripped (a duplicate), surname and "Twin Falls" dropped


def test_petrarch_name_variants_both_hyphen_styles_and_accents() -> None:
    assert set(words.name_variants("Ban Ki-Moon")) == {"Ban Ki-Moon", "Ban Ki-moon"}
    assert set(words.name_variants("Bashar al-Assad")) == {"Bashar al-Assad", "Bashar Al-Assad"}
    assert "Recep Tayyip Erdogan" in words.name_variants("Recep Tayyip Erdoğan")


def test_petrarch_role_strings() -> None:
    countries = frozenset({"AFG", "XKX"})
    code = fmt.ActorCode
    assert (
        convert.role_string(code("AFGGOV", datetime.date(2001, 12, 22)), countries) == "AFG GOV 2001-12-22/.."
    )
    assert convert.role_string(code("AFGELI"), countries) == "AFG ELI"
    assert (
        convert.role_string(code("KSVGOV", None, datetime.date(2010, 1, 1)), countries)
        == "XKX GOV ../2010-01-01"
    )
    assert convert.role_string(code("IGOUNO"), countries) == "IGOUNO"
    assert convert.role_string(code("SUNGOV"), countries) is None  # a state that is gone


def test_petrarch_armed_group_aliases_drop_leaders_and_descriptions() -> None:
    record = fmt.parse_actors(
        [
            "RUTANIAN_LIBERATION_FRONT_ [RUTREB]",
            "+RLF",
            "+JABHAT_TAHRIR_RUTANIA",
            "+RUTANIAN_LIBERATION_FRONT_FIGHTERS",
            "+ABDUL_EXAMPLE",
        ],
        "s.txt",
    )[0]
    (org,) = convert.organizations_of(record, "MilNonState", frozenset(), frozenset())
    assert org.cls == "Organization"
    assert org.names == ["Rutanian Liberation Front", "Jabhat Tahrir Rutania", "RLF"]


def test_petrarch_merge_keeps_apart_two_people_one_titled_name_joins() -> None:
    records = fmt.parse_actors(
        [
            "JOHN_QUILLER_",
            "+JOHN_HENRY_QUILLER",
            "\t[GBRGOV 900101-951231]",
            "JOHN_Q._QUILLER_",
            "+PRESIDENT_JOHN_QUILLER_",  # the son, written as his father's name after a title
            "\t[GBRGOV 20010101-20081231]",
            "JOHN_H._QUILLER_",
            "+JOHN_HENRY_QUILLER",  # the father again, under another record
            "\t[GBRELI]",
        ],
        "s.txt",
    )
    people = convert.merge_people(p for r in records if (p := convert.person_of(r, frozenset())) is not None)
    by_label = {p.label: p for p in people}
    assert set(by_label) == {"John Quiller", "John Q. Quiller"}
    assert "John Quiller" not in by_label["John Q. Quiller"].names
    assert "John H. Quiller" in by_label["John Quiller"].names  # a plain shared name still merges
