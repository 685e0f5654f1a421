"""Readers of the PETRARCH2 dictionary formats (actors and agents), as documented in
petrarch2's `dictionaries.rst`, and the name shaping the converters share.

Actor file: a record is a primary phrase line, `+` synonym lines, and tab-indented code lines
`[AFGGOV 011222-050101]`; codes may also follow the phrase on its line. A date restriction is
`<date` (until), `>date` (from) or `date-date`; dates are YYMMDD (YY 00-30 = 20YY, else 19YY) or
YYYYMMDD, both ends included. A primary phrase with no code shares the codes of the record that
follows it (as PETRARCH reads it). `#` starts a comment.

Agent file: `PHRASE {plural} [~CODE]` lines and `!MARKER! = A, B` substitution sets.

Malformed input raises PetrarchFormatError naming the file and line; pass an `errors` list to
collect the problems and skip what they concern instead.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "ActorCode",
    "ActorRecord",
    "AgentEntry",
    "PetrarchFormatError",
    "display_name",
    "parse_actors",
    "parse_agents",
    "parse_date",
    "words_of",
]


class PetrarchFormatError(ValueError):
    """A line the reader cannot interpret: `file:line: problem`."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path, self.line, self.problem = path, line, problem


@dataclass(frozen=True)
class ActorCode:
    """One code of an actor with its date restriction; both None = the default code."""

    code: str  # "AFGGOV", "IGOUNO"
    start: datetime.date | None = None
    end: datetime.date | None = None  # included

    @property
    def default(self) -> bool:
        return self.start is None and self.end is None


@dataclass
class ActorRecord:
    """One actor entry: its phrases (the primary first) and codes."""

    phrases: list[str]
    line: int
    codes: list[ActorCode] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    comment: str = ""


@dataclass(frozen=True)
class AgentEntry:
    phrase: str  # "FOREIGN MINISTER" (words joined by spaces)
    code: str  # "GOVFRM" (without the ~)
    prefix: bool  # the code goes before the actor's ("NGO~"), not after ("~GOV")
    line: int


_BRACKET = re.compile(r"\[([^\[\]]*)\]")


def parse_date(text: str) -> datetime.date:
    """YYMMDD (00-30 = 20YY) or YYYYMMDD; ValueError otherwise."""
    if not text.isdigit() or len(text) not in (6, 8):
        raise ValueError(f"date {text!r} is neither YYMMDD nor YYYYMMDD")
    if len(text) == 6:
        yy = int(text[:2])
        text = ("20" if yy <= 30 else "19") + text
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as e:
        raise ValueError(f"date {text!r}: {e}") from None


def _code(content: str) -> ActorCode | None:
    """`AFGGOV 011222-050101` -> ActorCode; `---` (the null code) -> None; ValueError if malformed."""
    parts = content.split(None, 1)
    if not parts:
        raise ValueError("empty code []")
    code, rest = parts[0], (parts[1].strip() if len(parts) > 1 else "")
    if not re.fullmatch(r"[A-Z0-9]+|-+", code):
        raise ValueError(f"code {code!r} is not upper-case letters")
    if set(code) == {"-"}:
        return None
    if not rest:
        return ActorCode(code)
    compact = rest.replace(" ", "")
    if compact[0] in "<>":
        date = parse_date(compact[1:])
        return ActorCode(code, end=date) if compact[0] == "<" else ActorCode(code, start=date)
    if compact.count("-") == 1:
        first, last = compact.split("-")
        start, end = parse_date(first), parse_date(last)
        if end < start:
            raise ValueError(f"restriction {rest!r} ends before it starts")
        return ActorCode(code, start, end)
    raise ValueError(f"date restriction {rest!r} is not <date, >date or date-date")


def _codes(text: str, path: str, number: int, errors: list[PetrarchFormatError] | None) -> list[ActorCode]:
    if text.count("[") != text.count("]"):
        _problem(PetrarchFormatError(path, number, f"unbalanced brackets in {text.strip()!r}"), errors)
        return []
    out = []
    for match in _BRACKET.finditer(text):
        try:
            code = _code(match.group(1))
        except ValueError as e:
            _problem(PetrarchFormatError(path, number, str(e)), errors)
            continue
        if code is not None:
            out.append(code)
    return out


def _problem(error: PetrarchFormatError, errors: list[PetrarchFormatError] | None) -> None:
    if errors is None:
        raise error
    errors.append(error)


def _phrase(text: str) -> str:
    return _BRACKET.sub(" ", text).strip().rstrip(";").strip()


def parse_actors(
    lines: Iterable[str], path: str, errors: list[PetrarchFormatError] | None = None
) -> list[ActorRecord]:
    """The records of an actor dictionary (see the module docstring)."""
    records: list[ActorRecord] = []
    current: ActorRecord | None = None
    for number, raw in enumerate(lines, start=1):
        text, _, comment = raw.rstrip("\r\n").partition("#")
        if not text.strip():
            continue
        if text[0] in " \t":  # a code line
            if current is None:
                _problem(PetrarchFormatError(path, number, "a code line before any actor"), errors)
                continue
            if "[" not in text:
                _problem(
                    PetrarchFormatError(path, number, f"code line without a [code]: {text.strip()!r}"), errors
                )
                continue
            current.codes.extend(_codes(text, path, number, errors))
        elif text[0] == "+":
            if current is None:
                _problem(PetrarchFormatError(path, number, "a synonym before any actor"), errors)
                continue
            phrase = _phrase(text[1:])
            if phrase:
                current.synonyms.append(phrase)
            current.codes.extend(_codes(text, path, number, errors))
        else:
            phrase = _phrase(text)
            codes = _codes(text, path, number, errors)
            if not phrase:
                _problem(PetrarchFormatError(path, number, f"no actor phrase in {text.strip()!r}"), errors)
                continue
            if current is not None and not current.codes:
                current.phrases.append(phrase)  # a phrase without codes shares the next record's
            else:
                current = ActorRecord([phrase], number, comment=comment.strip())
                records.append(current)
            current.codes.extend(codes)
    return records


def parse_agents(
    lines: Iterable[str], path: str, errors: list[PetrarchFormatError] | None = None
) -> list[AgentEntry]:
    """Every agent phrase of an agents file, substitution markers and plurals expanded."""
    markers: dict[str, list[str]] = {}
    out: list[AgentEntry] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n").partition("#")[0].strip()
        if not text or text.startswith("<!--"):
            continue
        marker = re.fullmatch(r"!(\w+)!\s*=\s*(.+)", text)
        if marker:
            markers[marker.group(1)] = [w.strip() for w in marker.group(2).split(",") if w.strip()]
            continue
        found = re.fullmatch(r"(.+?)\s*(?:\{([^{}]*)\})?\s*\[([^\[\]]*)\]", text)
        if found is None:
            _problem(PetrarchFormatError(path, number, f"not `PHRASE {{plural}} [~CODE]`: {text!r}"), errors)
            continue
        phrase, plural, raw_code = found.group(1).strip(), found.group(2), found.group(3).strip()
        if "~" not in raw_code or not re.fullmatch(r"~?[A-Z0-9]+~?", raw_code):
            _problem(
                PetrarchFormatError(path, number, f"agent code {raw_code!r} is not ~CODE or CODE~"), errors
            )
            continue
        prefix, code = raw_code.endswith("~"), raw_code.strip("~")
        forms: list[str] = []
        used = re.search(r"!(\w+)!", phrase)
        if used:
            if used.group(1) not in markers:
                _problem(PetrarchFormatError(path, number, f"undefined marker !{used.group(1)}!"), errors)
                continue
            forms = [phrase.replace(used.group(0), sub) for sub in markers[used.group(1)]]
        else:
            forms = [phrase]
            if plural is None:
                forms.append(_plural(phrase))
            elif plural.strip():
                forms.append(plural.strip())
        for form in forms:
            words = " ".join(form.replace("_", " ").split())
            if words:
                out.append(AgentEntry(words, code, prefix, number))
    return out


def _plural(phrase: str) -> str:
    if phrase.endswith("Y") and not phrase.endswith(("AY", "EY", "OY")):
        return phrase[:-1] + "IES"
    if phrase.endswith(("S", "SH", "CH", "X")):
        return phrase + "ES"
    return phrase + "S"


# --- names -------------------------------------------------------------------------------------------

#: Lower-case inside names ("Bashar al-Assad", "Organization of the Islamic Conference").
PARTICLES = frozenset(
    {
        "al",
        "el",
        "bin",
        "ibn",
        "bint",
        "de",
        "da",
        "di",
        "du",
        "del",
        "della",
        "dos",
        "das",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "y",
        "e",
    }
)
CONNECTORS = frozenset(
    {"of", "the", "and", "for", "in", "on", "to", "against", "at", "de", "des", "du", "la"}
)
#: Abbreviations kept upper-case inside organization names ("US House of Representatives").
KEPT_UPPER = frozenset({"US", "UK", "UN", "EU", "UAE", "USA", "PLA", "NATO", "AU", "OSCE", "ICC", "IMF"})
ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)$")


def words_of(phrase: str) -> list[str]:
    """The words of a dictionary phrase: `HAMID_KARZAI_` -> ["HAMID", "KARZAI"]."""
    return [w for w in re.split(r"[_\s]+", phrase) if w]


def _cap(word: str) -> str:
    """One word in name case: "KARZAI" -> "Karzai", "MCCAIN" -> "McCain", "O'NEIL" -> "O'Neil"."""
    if not word:
        return word
    lowered = word.lower()
    if lowered.startswith("mc") and len(word) > 3:
        return "Mc" + lowered[2:].capitalize()
    if len(word) > 2 and word[1] == "'" and word[0].isalpha():
        return word[0].upper() + "'" + lowered[2:].capitalize()
    return lowered.capitalize()


def _name_word(word: str, first: bool, person: bool) -> str:
    if ROMAN.match(word) or (word.endswith(".") and len(word) <= 3 and word[:-1].isalpha()):
        return word if word.isupper() or "." not in word else word.upper()  # "III", "H."
    if "." in word.strip("."):
        return word  # "U.N.", "U.S."
    if not person and word in KEPT_UPPER:
        return word
    if word.upper() == "JR.":
        return "Jr."
    parts = word.split("-")
    out = []
    for i, part in enumerate(parts):
        lowered = part.lower()
        if (lowered in PARTICLES and (i > 0 or not first) and (i < len(parts) - 1 or len(parts) == 1)) or (
            not person and lowered in CONNECTORS and not first and len(parts) == 1
        ):
            out.append(lowered)
        else:
            out.append(_cap(part))
    return "-".join(out)


def display_name(phrase: str | list[str], person: bool = True) -> str:
    """Name case for an upper-case phrase: "BASHAR_AL-ASSAD" -> "Bashar al-Assad"."""
    words = words_of(phrase) if isinstance(phrase, str) else phrase
    return " ".join(_name_word(w, i == 0, person) for i, w in enumerate(words))
