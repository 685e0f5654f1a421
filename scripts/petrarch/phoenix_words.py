"""Word lists and name shaping for reading the Phoenix actor dictionaries: titles, institution and
group words, and the surface forms of a name."""

from __future__ import annotations

import re
from collections.abc import Sequence

from petrarch_format import PARTICLES, display_name, words_of  # noqa: F401  (display_name: re-exported)

#: Phoenix country codes that are not ISO alpha-3.
COUNTRY_ALIASES = {"KSV": "XKX", "TMP": "TLS", "ROM": "ROU", "ZAR": "COD"}
#: Sector codes (the letters after the country) that say what part of a state an actor is in.
SECTORS = frozenset(
    """
    AGR BUS CHR COP CRM CVL DEV EDU ELI ENV GOV HLH HRI IMG INS JEW JUD LAB LEG MED MIL MUS NGO OCC OPP
    PPL PTY RAD REB REF REL SEP SPY UAF UNR
    """.split()  # noqa: SIM905  (a word list, one line of many words)
)
#: Words before a name that are titles or honorifics, not part of it.
HONORIFICS = frozenset(
    """
    ACTING ADM. ADMIRAL AMBASSADOR AMIR AND ARCHBISHOP AYATOLLAH BARON BISHOP CANDIDATE CAPT. CAPTAIN
    CARDINAL CHAIR CHAIRMAN CHAIRWOMAN CHANCELLOR CHIEF CLERIC COL COL. COLONEL COMMANDER COMMISSIONER
    CROWN DAME DEFENCE DEFENSE DEPUTY DIPLOMAT DR DR. EMIR EMPEROR ENVOY EU EX EX- EXCELLENCY FATHER
    FIELD FINANCE FOR FOREIGN FORMER GEN GEN. GENERAL GOVERNOR GRAND HEAD HER HIGH HIGHNESS HIS HON HON.
    HONORABLE IMAM INTERIM INTERIOR JUDGE JUSTICE KING LADY LEADER LIEUTENANT LORD LT. MAJ. MAJESTY
    MAJOR MARSHAL MAYOR MILITANT MINISTER MR MR. MRS MRS. MR_ MS MS. MULLAH NATIONS NATO OF OFFICIAL
    OPPOSITION POPE PREMIER PRESIDENT PRESIDENTIAL PRIME PRINCE PRINCESS QUEEN RAPPORTEUR REBEL REP.
    REPRESENTATIVE REV REV. REVEREND SECRETARY SECRETARY-GENERAL SEN. SENATOR SENIOR SERGEANT SGT. SHAH
    SHAIKH SHEIK SHEIKH SIR SPEAKER SPECIAL STATE SULTAN THE TOP U.N. UN UNITED VICE
    """.split()  # noqa: SIM905  (a word list, one line of many words)
)
#: Words that make a phrase an institution or a description, never a person's name.
NOT_NAME_WORDS = frozenset(
    """
    'S ADMINISTRATION AGENCY AIDE AIDES ALLIANCE AND ARMY ASSEMBLY ASSOCIATION AUTHORITY BANK BOARD
    BODIES BRIGADE BRIGADES BROTHER BUREAU CABINET CAMP CAMPAIGN CANYON CELL CELLS CENTER CENTRE CITY
    CLAN COMMAND COMMISSION COMMITTEE COMPANY CONGRESS CONTINGENT CORPORATION COUNCIL COURT DATABASE
    DAUGHTER DELEGATION DEPARTMENT DOCTRINE EMBASSY ENVOY ERA FACTION FALLS FAMILY FOLLOWERS FOR FORCE
    FORCES FOUNDATION FRONT FUND GOVERNMENT GROUP GUARD GUARDS HOUSE INITIATIVE INSTITUTE ISLAND ISLANDS
    JOURNAL JOURNALIST KINGDOM LEAGUE LOYALISTS MILITARY MILITIA MINISTRY MISSION MONITOR MONITORS
    MOUNTAINS MOVEMENT NAVY NETWORK NEWS OF OFFICE ORGANISATION ORGANIZATION PALACE PANEL PARLIAMENT
    PARTY PEACEKEEPER PEACEKEEPERS PLAN POLICE POST PRESS PROGRAM PROGRAMME PROJECT PROVINCE RADIO
    REBELS REGIME REGION REPORTER REPUBLIC RESIDENT RIVER S' SECRETARIAT SENATE SERVICE SOCIETY SOLDIERS
    SON SPOKESMAN SPOKESWOMAN SQUARE STATE STATES STREET SUMMIT SUPPORTERS THE TIMES TRIBE TRIBUNAL
    TROOPS TV UNION UNIVERSITY VALLEY WIFE WING YEARS
    """.split()  # noqa: SIM905  (a word list, one line of many words)
)
#: Head words of organization names (an alias with one of them is an organization name).
ORG_WORDS = NOT_NAME_WORDS - {"THE", "OF", "AND", "FOR", "'S", "S'", "SON", "WIFE", "DAUGHTER", "BROTHER"}
#: Qualifiers that may be added to or dropped from an institution's name without changing what it names.
#: Words of armed groups' names in transliteration ("Jaysh", "Harakat"): an alias with one is a group name.
GROUP_WORDS = frozenset(
    """
    ANSAR FEDAYEEN HARAKAT HIZB JABHA JABHAT JAISH JAYSH JIHAD KATAEB KATAIB LASHKAR MUJAHIDEEN
    MUJAHIDIN QA'IDA QAEDA QAIDA SIPAH TANZIM TEHREEK TEHRIK
    """.split()  # noqa: SIM905  (a word list, one line of many words)
)
QUALIFIERS = frozenset({"THE", "UN", "U.N.", "UNITED", "NATIONS", "US", "U.S.", "USA", "AMERICAN"})


DESCRIPTORS = frozenset(
    """
    AFFILIATE AFFILIATED CELL CHIEF COMMANDER FIGHTERS LEADER LEADERS LINKED LOYALISTS MEMBERS MILITANTS
    OFFSHOOT OPERATIVES SUPPORTERS SYMPATHIZERS
    """.split()  # noqa: SIM905  (a word list, one line of many words)
)
#: Office titles: a phrase with one (and no organization word) names a post, not a body.
OFFICE_WORDS = frozenset(
    """
    ADVISER ADVISOR AMBASSADOR ATTORNEY CHAIRMAN CHANCELLOR DIRECTOR EMIR GOVERNOR KING MINISTER PREMIER
    PRESIDENT QUEEN REPRESENTATIVE SECRETARY SPOKESMAN
    """.split()  # noqa: SIM905  (a word list, one line of many words)
)
CONNECTOR_WORDS = frozenset({"THE", "OF", "AND", "FOR", "IN", "ON", "TO", "DE", "LA", "DEL", "DES"})

# --- name shaping -------------------------------------------------------------------------------------


def _clean(phrase: str) -> list[str]:
    words = words_of(phrase.replace("’", "'"))
    return [w for w in words if w not in ("-", "--")]


def _strip_titles(words: list[str], country_words: frozenset[str]) -> tuple[list[str], bool]:
    """The words without leading titles, honorifics and country words; and whether any were dropped."""
    i = 0
    while i < len(words) - 1 and (words[i] in HONORIFICS or words[i] in country_words or words[i] == "-"):
        i += 1
    return words[i:], i > 0


#: Single-word agent nouns of Phoenix.agents.txt (set by convert()): a name of only these and
#: honorifics is a title ("ATTORNEY_GENERAL"), not a person.
AGENT_WORDS: set[str] = set()


def _person_words_ok(words: list[str]) -> bool:
    return (
        not all(w in AGENT_WORDS or w in HONORIFICS for w in words)
        and 2 <= len(words) <= 6
        and not any(w in NOT_NAME_WORDS or any(ch.isdigit() for ch in w) for w in words)
        and not any(ch in w for w in words for ch in '()/,&"')
        and not any(w.endswith("'S") for w in words)
        # two words besides initials, particles and kunyas: "Al Assad" is a surname, "Abu Musab" a kunya
        and sum(1 for w in words if len(w.strip(".")) > 1 and w.lower() not in PARTICLES | {"abu", "umm"})
        >= 2
    )


def name_variants(name: str) -> list[str]:
    """Surface forms of a display name: hyphenated parts both ways ("Ki-Moon", "Ki-moon"),
    particles both ways ("al-Assad", "Al-Assad") and an accent-free twin."""
    from kg.extract.names import fold

    forms = [name]
    words = name.split(" ")
    for i, word in enumerate(words):
        if "-" not in word:
            continue
        head, _, rest = word.partition("-")
        alternates = []
        if head in ("al", "el"):
            alternates.append(head.capitalize() + "-" + rest)
        elif rest[:1].isupper() and "-" not in rest and head[:1].isupper():
            alternates.append(head + "-" + rest.lower())
        for alternate in alternates:
            forms += [" ".join([*f.split(" ")[:i], alternate, *f.split(" ")[i + 1 :]]) for f in list(forms)]
    forms += [fold(f) for f in forms if not f.isascii()]
    return list(dict.fromkeys(forms))


def _acronym(words: Sequence[str]) -> bool:
    return len(words) == 1 and (
        (words[0].replace(".", "").isalpha() and 2 <= len(words[0].replace(".", "")) <= 6)
        or bool(re.fullmatch(r"(?:[A-Z]\.){2,}", words[0]))
    )


def _initials(words: Sequence[str]) -> str:
    return "".join(w[0] for w in words if w not in ("OF", "THE", "AND", "FOR", "IN", "ON", "DE", "LA", "DU"))
