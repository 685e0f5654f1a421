"""scripts/petrarch/convert_verbs.py: reading PETRARCH2's CAMEO verb dictionary format, on small
inline dictionaries written for these tests, and the converted file kg commits."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location(
    "convert_verbs", ROOT / "scripts" / "petrarch" / "convert_verbs.py"
)
assert _SPEC is not None and _SPEC.loader is not None
cv = importlib.util.module_from_spec(_SPEC)
sys.modules["convert_verbs"] = cv
_SPEC.loader.exec_module(cv)

SAMPLE = """\
# a header comment
####### SYNONYM SETS #######
&WEAPON
+ROCKET
+CRUISE_MISSILES
+ARTILLERY_

&TREATY
+PACT
+ACCORD

####### VERB PATTERNS #######
---  IMPOSE   [170]  ---
IMPOSE
SLAP {SLAPS SLAPPED SLAPPING }  # a comment
LEVY [172] ;old comment
- * SANCTIONS                                [163]     # IMPOSE
- * SANCTIONS (ON &WEAPON)                   [1623]    # IMPOSE
- * {TRADE SANCTIONS}                        [1621]
- ARMIES * CURFEW                           [1724]

---  MEET_PEOPLE   [040]  ---
+MEET_WITH {+MET_WITH +MEETS_WITH +MEETING_WITH }
MEET {MEETS MET MEETING}
- * (FOR TALKS)                              [036:036]
- * (AT)                                     [036:036]
- * (BEFORE COURT)                           [:173]
- * RUN-OFF                                  [---]
- * OFF (FOR/TO $)                           [042:043]
- * &TREATY AGAINST +                        [057]

---  ALERT   ---
ALERT
- * (IN AIR ATTACK/BOMBING)                  [195]

######## TRANSFORMATIONS ##########
~ a (a b ATTACK) SAY = a b 015
"""


@pytest.fixture(scope="module")
def sample() -> cv.Dictionary:
    return cv.parse(SAMPLE, "sample.txt")


def test_petrarch_synonym_sets_are_lower_case_singular_words(sample: cv.Dictionary) -> None:
    assert sample.synsets["WEAPON"] == ["rocket", "cruise missile", "artillery"]
    assert sample.synsets["TREATY"] == ["pact", "accord"]


def test_petrarch_blocks_keep_their_default_code_and_patterns(sample: cv.Dictionary) -> None:
    assert [(b.name, b.code, len(b.patterns)) for b in sample.blocks] == [
        ("IMPOSE", "170", 4),
        ("MEET_PEOPLE", "040", 6),
        ("ALERT", None, 1),
    ]


def test_petrarch_verbs_own_codes_and_multi_word_verbs(sample: cv.Dictionary) -> None:
    assert sample.verbs["impose"] == [("IMPOSE", None)]
    assert sample.verbs["slap"] == [("IMPOSE", None)]
    assert sample.verbs["levy"] == [("IMPOSE", "172")]  # its own code; ';' starts a comment
    assert sample.verbs["meet with"] == [("MEET_PEOPLE", None)]
    assert "met" not in sample.verbs and "meets" not in sample.verbs  # irregular forms are not verbs


@pytest.mark.parametrize(
    ("block", "index", "expected"),
    [
        ("IMPOSE", 0, {"code": "163", "obj": ["sanction"]}),
        ("IMPOSE", 1, {"code": "1623", "obj": ["sanction"], "pp": [{"prep": ["on"], "noun": ["@weapon"]}]}),
        ("IMPOSE", 2, {"code": "1621", "obj": ["sanction"], "mods": [["trade"]]}),
        ("IMPOSE", 3, {"code": "1724", "src": ["army"], "obj": ["curfew"]}),
        ("MEET_PEOPLE", 0, {"code": "036:036", "pp": [{"prep": ["for"], "noun": ["talk"]}]}),
        ("MEET_PEOPLE", 1, {"code": "036:036", "pp": [{"prep": ["at"]}]}),
        ("MEET_PEOPLE", 2, {"code": ":173", "pp": [{"prep": ["before"], "noun": ["court"]}]}),
        ("MEET_PEOPLE", 3, {"code": None, "obj": ["run-off"]}),
        ("MEET_PEOPLE", 4, {"code": "042:043", "prt": ["off"], "pp": [{"prep": ["for", "to"]}]}),
        ("MEET_PEOPLE", 5, {"code": "057", "obj": ["@treaty"], "pp": [{"prep": ["against"]}]}),
        (
            "ALERT",
            0,
            {"code": "195", "pp": [{"prep": ["in"], "noun": ["attack", "bombing"], "mods": [["air"]]}]},
        ),
    ],
)
def test_petrarch_pattern_parts(sample: cv.Dictionary, block: str, index: int, expected: dict) -> None:
    (found,) = [b for b in sample.blocks if b.name == block]
    assert found.patterns[index] == expected


@pytest.mark.parametrize(
    ("word", "singular"),
    [
        ("sanctions", "sanction"),
        ("talks", "talk"),
        ("rallies", "rally"),
        ("crosses", "cross"),
        ("news", "news"),
        ("crisis", "crisis"),
        ("press", "press"),
        ("aid", "aid"),
    ],
)
def test_petrarch_singular(word: str, singular: str) -> None:
    assert cv.singular(word) == singular


def test_petrarch_encode_is_one_line_per_pattern(sample: cv.Dictionary) -> None:
    impose, meet, alert = sample.blocks
    assert [cv.encode(p) for p in impose.patterns] == [
        "163 obj=sanction",
        "1623 obj=sanction pp=on:@weapon",
        "1621 obj=sanction mod=trade",
        "1724 src=army obj=curfew",
    ]
    assert cv.encode(meet.patterns[3]) == "- obj=run-off"
    assert cv.encode(meet.patterns[4]) == "042:043 prt=off pp=for|to"
    assert cv.encode(alert.patterns[0]) == "195 pp=in:attack|bombing:air"


def test_petrarch_yaml_loads_into_the_runtime_dictionary(sample: cv.Dictionary) -> None:
    """What the converter writes is what kg.extract.cameo reads: synonym sets expand to words."""
    from kg.extract.cameo import Dictionary

    text = cv.to_yaml(sample, source="a test")
    assert text.startswith("# CAMEO verb patterns")
    assert "Source: a test" in text and "MIT" in text
    runtime = Dictionary(yaml.safe_load(text))
    (levy,) = runtime.verbs["levy"]
    assert [(b.name, code) for b, code in levy.blocks] == [("IMPOSE", "172")]
    (with_,) = [e for e in runtime.verbs["meet"] if e.after]
    assert with_.after == ("with",)
    impose = levy.blocks[0][0]
    (on_weapons,) = [p for p in impose.index["obj:sanction"] if p.pps]
    phrase = on_weapons.pps[0][1]
    assert phrase is not None and "cruise missile" in phrase.heads


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---  X  [010]  ---\nX\n- * SANCTIONS\n", "sample.txt:3: pattern without a [code]"),
        ("---  X  [010]  ---\nX\n- * SANCTIONS [16x]\n", "sample.txt:3: bad CAMEO code [16x]"),
        ("---  X  [010]  ---\nX\n- * (ON IRAN [163]\n", "sample.txt:3: unbalanced brackets"),
        ("---  X  [010]  ---\nX\n- * &NOPE [163]\n", "sample.txt:3: undefined synonym set &NOPE"),
        ("---  X  [010]  ---\nX\n- * SANCTIONS * [163]\n", "sample.txt:3: a pattern needs exactly one '*'"),
        ("# header\n- * SANCTIONS [163]\n", "sample.txt:2: pattern outside a verb block"),
        ("---  X  [010\n", "sample.txt:1: bad verb block header"),
        ("---  X  [ABC]  ---\n", "sample.txt:1: bad CAMEO code [ABC]"),
        ("STRAY WORDS\n", "sample.txt:1: line outside any synonym set or verb block"),
        ("&SET\nNOPLUS\n", "sample.txt:2: a synonym set member must be one +WORD"),
        ("---  X  [010]  ---\nCALL_OFF\n", "sample.txt:2: a multi-word verb needs one '+'"),
        ("---  X  [010]  ---\nTWO WORDS\n", "sample.txt:2: bad verb line"),
    ],
)
def test_petrarch_malformed_lines_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(cv.DictionaryError, match="^" + re.escape(message)):
        cv.parse(text, "sample.txt")


def test_petrarch_lenient_parse_skips_bad_patterns_and_reports_them(caplog: pytest.LogCaptureFixture) -> None:
    text = "---  X  [010]  ---\nX\n- * SANCTIONS [163]\n- * (ON IRAN)   IRAN) [163]\n- * TALKS [040]\n"
    with pytest.raises(cv.DictionaryError):
        cv.parse(text, "d.txt")
    parsed = cv.parse(text, "d.txt", lenient=True)
    assert [cv.encode(p) for p in parsed.blocks[0].patterns] == ["163 obj=sanction", "040 obj=talk"]
    assert parsed.skipped == ["d.txt:4: unbalanced brackets in pattern '* (ON IRAN)   IRAN)'"]
    assert "d.txt:4" in caplog.text
    with pytest.raises(cv.DictionaryError, match=re.escape("d.txt:1: bad verb block header")):
        cv.parse("---  X  [010\n", "d.txt", lenient=True)  # a broken structure is never skipped


def test_petrarch_verb_table_puts_the_lone_verbs_block_first() -> None:
    text = (
        "---  EVACUATE  ---\nABANDON\n---  ABANDON  [080]  ---\nABANDON\n---  DESPATCH  ---\nDISMISS [110]\n"
    )
    text += "---  DISPEL  ---\nDISMISS\n"
    table = cv.verb_table(cv.parse(text, "d.txt"))
    assert table["abandon"] == [["ABANDON", None], ["EVACUATE", None]]  # the block named after it
    assert table["dismiss"] == [["DESPATCH", "110"], ["DISPEL", None]]  # the block giving it a code


def test_petrarch_command_line_converts_a_folder(tmp_path: Path) -> None:
    source = tmp_path / "petrarch2"
    source.mkdir()
    (source / cv.DICTIONARY).write_text(SAMPLE, encoding="utf-8")
    (source / "LICENSE").write_text("The MIT License (MIT)\n", encoding="utf-8")
    out = tmp_path / "data"
    assert cv.main([str(source), str(out)]) == 0
    data = yaml.safe_load((out / cv.OUTPUT).read_text(encoding="utf-8"))
    assert data["verbs"]["levy"] == "IMPOSE=172"
    assert data["blocks"]["IMPOSE"]["patterns"][0] == "163 obj=sanction"
    assert (out / cv.LICENSE_COPY).read_text(encoding="utf-8") == "The MIT License (MIT)\n"
    (source / cv.DICTIONARY).write_text("- * X [163]\n", encoding="utf-8")
    assert cv.main([str(source), str(out), "--strict"]) == 1
    assert cv.main([str(tmp_path / "nowhere"), str(out)]) == 1


def test_petrarch_committed_file_names_its_source_and_licence() -> None:
    data_dir = ROOT / "kg" / "extract" / "data"
    text = (data_dir / cv.OUTPUT).read_text(encoding="utf-8")
    header = text[: text.index("source:")]
    assert "github.com/openeventdata/petrarch2 @ 676801c" in header
    assert "MIT" in header and cv.LICENSE_COPY in header
    assert (data_dir / cv.LICENSE_COPY).read_text(encoding="utf-8").startswith("The MIT License")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert len(data["verbs"]) > 1500 and len(data["blocks"]) > 350
    assert data["verbs"]["impose"] == "IMPOSE"
    assert "163 obj=sanction" in data["blocks"]["IMPOSE"]["patterns"]
