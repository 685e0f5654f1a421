"""What a record of the Phoenix actor dictionaries names: a person with dated roles, or organizations."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from petrarch_format import PARTICLES, ActorCode, ActorRecord, display_name
from phoenix_words import (
    CONNECTOR_WORDS,
    COUNTRY_ALIASES,
    DESCRIPTORS,
    GROUP_WORDS,
    HONORIFICS,
    OFFICE_WORDS,
    ORG_WORDS,
    QUALIFIERS,
    SECTORS,
    _acronym,
    _clean,
    _initials,
    _person_words_ok,
    _strip_titles,
)

# --- people ---------------------------------------------------------------------------------------------


@dataclass
class Person:
    label: str
    names: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    titled: set[str] = field(default_factory=set)  # name keys only written after a title


def _date(d: object) -> str:
    return str(d) if d is not None else ".."


def role_string(code: ActorCode, countries: frozenset[str]) -> str | None:
    """ "AFG GOV 2001-12-22/..", "IGOUNO 1997-01-01/2006-12-31", "AFG ELI" (default); None if unusable."""
    raw = code.code
    country = COUNTRY_ALIASES.get(raw[:3], raw[:3])
    if raw.startswith(("IGO", "NGO")):
        head = raw
    elif country in countries and (len(raw) == 3 or raw[3:6] in SECTORS):
        head = f"{country} {raw[3:] or 'GEN'}"
    else:
        return None
    return head if code.default else f"{head} {_date(code.start)}/{_date(code.end)}"


def person_of(record: ActorRecord, country_words: frozenset[str]) -> Person | None:
    """The person a record names, with the variants of its name that are safe surface names."""
    names: list[str] = []
    first_words: set[str] | None = None
    titled: set[str] = set()
    for phrase in [*record.phrases, *record.synonyms]:
        words, stripped = _strip_titles(_clean(phrase), country_words)
        if not _person_words_ok(words):
            continue
        tokens = {p for w in words for p in w.replace(".", "").split("-") if len(p) > 1}
        if first_words is None:
            first_words = tokens
        elif not tokens & first_words:
            continue  # a synonym naming someone else ("+TWIN_FALLS_" under a president)
        names.append(display_name(words))
        if stripped:
            titled.add(_name_key(names[-1]))
    if not names:
        return None
    # the label: the primary name, hyphenated where a variant is ("Bashar al-Assad", not "al Assad")
    label = next((n for n in names if "-" in n and _name_key(n) == _name_key(names[0])), names[0])
    plain = {_name_key(n) for n in names if _name_key(n) not in titled} | {_name_key(label)}
    return Person(label=label, names=list(dict.fromkeys([label, *names])), titled=titled - plain)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").replace(".", " ").split())


def merge_people(people: Iterable[Person]) -> list[Person]:
    """One person for records that share a name ("KOFI_ANNAN_" and "K._ANNAN_" + "KOFI_ATTA_ANNAN_"),
    except a name one record writes only after a title and another has as its own: "President George
    Bush" under GEORGE_W._BUSH_ is the father's name, and is dropped there."""
    people = list(people)
    labels = {_name_key(p.label) for p in people}
    merged: list[Person] = []
    by_name: dict[str, Person] = {}
    for person in people:
        # a name written only after a title that is another record's own name ("President George
        # Bush" under George W. Bush) names two people: it neither merges nor stays a variant
        ambiguous = {k for k in person.titled if k in labels and k != _name_key(person.label)}
        names = [n for n in person.names if _name_key(n) not in ambiguous]
        keys = [_name_key(n) for n in names]
        target = next((by_name[k] for k in keys if k in by_name), None)
        if target is None:
            target = Person(person.label)
            merged.append(target)
        target.names = list(dict.fromkeys([*target.names, *names]))
        target.roles = list(dict.fromkeys([*target.roles, *person.roles]))
        for key in keys:
            by_name.setdefault(key, target)
    return merged


def _given_names(records: Iterable[ActorRecord], country_words: frozenset[str]) -> frozenset[str]:
    """First words of two or more dated people's names: given names ("OSAMA", "ABU", "MOHAMMED")."""
    counts: dict[str, int] = {}
    for record in records:
        if any(not c.default for c in record.codes):
            words, _ = _strip_titles(_clean(record.phrases[0]), country_words)
            if len(words) >= 2:
                counts[words[0]] = counts.get(words[0], 0) + 1
    return frozenset(w for w, n in counts.items() if n >= 2)


def _kunya(record: ActorRecord) -> bool:
    words = _clean(record.phrases[0])
    return len(words) == 2 and words[0] in ("ABU", "UMM") and words[1] not in ORG_WORDS | GROUP_WORDS


def _individual(record: ActorRecord, given: frozenset[str], country_words: frozenset[str]) -> bool:
    """A person listed among armed groups: a name of 2-5 words starting with a given name, no group word."""
    words, _ = _strip_titles(_clean(re.sub(r"\([^)]*\)", " ", record.phrases[0])), country_words)
    parts = {p for w in words for p in w.split("-")}
    return (
        _person_words_ok(words)
        and (words[0] in given or bool(parts & {"BIN", "IBN", "BINT"}))
        and not parts & (ORG_WORDS | GROUP_WORDS)
        and not any(w in country_words for w in words)
    )


def is_person_record(record: ActorRecord, country_words: frozenset[str]) -> bool:
    words, _ = _strip_titles(_clean(record.phrases[0]), country_words)
    if not _person_words_ok(words) or any(w in country_words for w in words):
        return False
    dated = any(not c.default for c in record.codes)
    return dated or "CountryInfo" in record.comment or record.codes[0].code[3:6] in ("GOV", "ELI", "MIL")


# --- organizations --------------------------------------------------------------------------------------


@dataclass
class Organization:
    label: str
    cls: str
    names: list[str]
    country: str | None = None
    code: str | None = None
    ruler: bool = True


def _org_class(code: str, source: str) -> str | None:
    if code.startswith("IGO"):
        return "InternationalOrganization"
    if code.startswith("MED") or code[3:6] == "MED":
        return "MediaOrganization"
    if code.startswith(("NGO", "IMG")) or source == "MilNonState":
        return "Organization"
    if code[3:6] in ("GOV", "MIL", "LEG", "JUD", "SPY", "COP"):
        return "GovernmentBody"
    if code[3:6] in ("REB", "OPP", "INS", "PTY", "IMG", "UAF", "SEP", "RAD", "MUS"):
        return "Organization"
    return None


def _same_name(a: list[str], b: list[str]) -> bool:
    """Two spellings of one name: equal without qualifiers ("US", "THE"), hyphens or word order."""

    def core(words: list[str]) -> frozenset[str]:
        return frozenset(p for w in words for p in w.split("-") if p not in QUALIFIERS and p != "AL")

    return core(a) == core(b) and bool(core(a))


def _group_alias(label: list[str], words: list[str]) -> bool:
    """An alias of an armed group: shares a distinctive word with its label or names a group."""

    def distinctive(ws: list[str]) -> set[str]:
        return {
            p for w in ws for p in w.split("-") if p.lower() not in PARTICLES and p not in CONNECTOR_WORDS
        }

    if any(w in DESCRIPTORS for w in words):
        return False
    similar = difflib.SequenceMatcher(None, " ".join(label), " ".join(words)).ratio() >= 0.7
    return (
        similar
        or bool(distinctive(label) & distinctive(words))
        or any(p in ORG_WORDS or p in GROUP_WORDS for w in words for p in w.split("-"))
    )


#: Words that make an alias a description of members or links ("Al Qaeda Operatives"), not a name.


def _org_label_words(phrase: str) -> tuple[list[str], str | None]:
    """Words of an organization phrase and the acronym it carries in parentheses ("(ETA)")."""
    acronym = None
    found = re.search(r"\(([A-Z0-9.\-]{2,8})\)", phrase)
    if found:
        acronym = found.group(1)
    phrase = re.sub(r"\([^)]*\)", " ", phrase)
    return [w for w in _clean(phrase) if w not in ("(", ")")], acronym


def organizations_of(
    record: ActorRecord, source: str, person_names: frozenset[str], country_words: frozenset[str]
) -> list[Organization]:
    """The organizations a record names: a primary name with its spellings and acronyms; other
    organization names among the synonyms (Phoenix groups them by code) become entries of their own."""
    code = record.codes[0].code
    cls = _org_class(code, source)
    first_words = _org_label_words(record.phrases[0])[0]
    if source == "Countries" and (
        not any(w in ORG_WORDS or w in country_words for w in first_words)
        or (any(w in OFFICE_WORDS for w in first_words) and not any(w in ORG_WORDS for w in first_words))
    ):
        return []  # a person the record lists without a date ("M._A._MATIN_ [BGDGOV]"), or a place
    if cls is None or code.startswith("MNC"):
        return []
    country = None
    if cls in ("GovernmentBody", "Organization", "MediaOrganization") and len(code) >= 3:
        country = COUNTRY_ALIASES.get(code[:3], code[:3])
    groups: list[tuple[list[str], list[str]]] = []  # (words of the first name, display names)
    acronyms: list[str] = []
    for n, phrase in enumerate([*record.phrases, *record.synonyms]):
        words, acronym = _org_label_words(phrase)
        if acronym:
            acronyms.append(acronym)
        if not words or any(w.endswith("'S") for w in words[:-1]):
            continue
        if words[0] in HONORIFICS - {"THE", "UNITED", "NATIONS", "UN", "U.N.", "NATO", "EU"}:
            continue  # "SHEIKH_NASRALLAH" under Hezbollah: a person, not the group
        if _acronym(words):
            acronyms.append(words[0])
            continue
        if display_name(words) in person_names or (
            len(words) <= 3 and not any(w in ORG_WORDS for w in words) and n > 0 and source != "MilNonState"
        ):
            continue
        if any(w in ("JOURNALIST", "REPORTER", "PEACEKEEPER", "MONITOR", "RESIDENT", "ENVOY") for w in words):
            continue
        if any(ch.isdigit() for w in words for ch in w) and not any(w in ORG_WORDS for w in words):
            continue  # "MAY_15": a date in running text
        if n > 0 and groups and source == "MilNonState" and not _group_alias(groups[0][0], words):
            continue  # a leader's name or another group listed under this one
        name = display_name(words, person=False)
        for first, names in groups:
            if _same_name(first, words) or source == "MilNonState":
                names.append(name)
                break
        else:
            if n > 0 and source != "MilNonState" and not any(w in ORG_WORDS for w in words):
                continue
            groups.append((words, [name]))
    if not groups:
        return []
    for acronym in acronyms:
        target = next((g for g in groups if _initials(g[0]) == acronym.replace(".", "")), None)
        if target is None and len(groups) == 1:
            target = groups[0]
        if target is not None and acronym not in target[1]:
            target[1].append(acronym)
    out = []
    for i, (words, names) in enumerate(groups):
        generic = cls == "GovernmentBody" and not any(w in country_words for w in words)
        out.append(
            Organization(
                label=names[0],
                cls=cls,
                names=list(dict.fromkeys(names)),
                country=country if cls != "InternationalOrganization" else None,
                code=code if i == 0 and not record.phrases[0].startswith("+") else None,
                ruler=not generic,
            )
        )
    return out
