"""CAMEO event codes: the core property each states and the PLOVER family it belongs to.

The property of each CAMEO root, as the resources README that came with the dictionary has it:
01, 02, 08, 09 state none; 03 (intent) what is intended, planned; 04 meetsWith, 042 visits,
043 hosts; 05 cooperatesWith, 051/052 (praise, defend verbally: diplomatic support) supports,
057 partyTo; 06 cooperatesWith; 07 supports; 10, 11, 12, 14
opposes; 13, 15 threatens; 16 opposes, 163 sanctions; 17 opposes, 172 sanctions; 18-20 attacks.
"""

from __future__ import annotations

#: PLOVER event family of each two-digit CAMEO root (03x: by the kind of intent, see `family_of`).
_FAMILIES = {
    "02": "REQUEST",
    "04": "CONSULT",
    "05": "COOPERATE",
    "06": "COOPERATE",
    "07": "AID",
    "08": "CONCEDE",
    "09": "INVESTIGATE",
    "10": "DEMAND",
    "11": "DISAPPROVE",
    "12": "REJECT",
    "13": "THREATEN",
    "14": "PROTEST",
    "15": "MOBILIZE",
    "16": "SANCTION",
    "17": "COERCE",
    "18": "ASSAULT",
    "19": "FIGHT",
    "20": "ASSAULT",
}
#: 03x "express intent to ...": the family of what is intended (031 material cooperation, 033 aid...).
_INTENT_FAMILIES = {
    "030": "COOPERATE",
    "031": "COOPERATE",
    "032": "COOPERATE",
    "033": "AID",
    "034": "CONCEDE",
    "035": "CONCEDE",
    "036": "CONSULT",
    "037": "AGREE",
    "038": "AGREE",
    "039": "AGREE",
}
#: The CAMEO code a lexicon family stands for, for relations the overlay lexicon states on its own.
FAMILY_CODES = {
    "CONSULT": "040",
    "AGREE": "057",
    "COOPERATE": "050",
    "SUPPORT": "050",
    "AID": "070",
    "CONCEDE": "080",
    "INVESTIGATE": "090",
    "DEMAND": "100",
    "DISAPPROVE": "111",
    "ACCUSE": "112",
    "REJECT": "120",
    "THREATEN": "130",
    "PROTEST": "140",
    "MOBILIZE": "150",
    "SANCTION": "163",
    "COERCE": "170",
    "ASSAULT": "180",
    "FIGHT": "190",
    "REQUEST": "020",
}


def property_of(code: str | None) -> str | None:
    """The core property a (source-side) CAMEO code states, or None."""
    if not code:
        return None
    root = code[:2]
    if root == "03":  # intent: what is intended, planned
        return {"033": "supports", "036": "meetsWith", "034": None, "035": None}.get(
            code[:3], "cooperatesWith"
        )
    if root == "04":
        return {"042": "visits", "043": "hosts"}.get(code[:3], "meetsWith")
    if root == "05":
        if code[:3] in ("051", "052"):  # praise or endorse, defend verbally: diplomatic support
            return "supports"
        return "partyTo" if code.startswith("057") else "cooperatesWith"
    if root == "06":
        return "cooperatesWith"
    if root == "07":
        return "supports"
    if root in ("10", "11", "12", "14"):
        return "opposes"
    if root in ("13", "15"):
        return "threatens"
    if root == "16":
        return "sanctions" if code.startswith("163") else "opposes"
    if root == "17":
        return "sanctions" if code.startswith("172") else "opposes"
    if root in ("18", "19", "20"):
        return "attacks"
    return None


def family_of(code: str | None) -> str | None:
    """The PLOVER event family of a CAMEO code."""
    if not code:
        return None
    if code.startswith("03"):
        return _INTENT_FAMILIES.get(code[:3], "COOPERATE")
    if code.startswith("057"):
        return "AGREE"
    if code[:3] in ("051", "052", "053", "054"):
        return "SUPPORT"
    if code.startswith("112"):
        return "ACCUSE"
    if code.startswith("172"):
        return "SANCTION"
    return _FAMILIES.get(code[:2])
