"""Name normalisation for the gazetteer: accent folding, key slugs and the form lookup() compares."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable

_FOLD_TABLE = str.maketrans(
    {
        "ı": "i",
        "İ": "I",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "‘": "'",
        "’": "'",
        "ʼ": "'",
        "ʻ": "'",
        "ʿ": "'",
        "ʾ": "'",
        "`": "'",
        "´": "'",
        "–": "-",
        "—": "-",
        "‐": "-",
    }
)


_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """`text` without accents, with ASCII quotes and dashes: "Tikrīt" -> "Tikrit"."""
    if text.isascii() and "`" not in text:
        return text
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE)))


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, for keys: "People's Army" -> "peoples-army"."""
    folded = fold(text).lower().replace("'", "")
    if "&" in folded:
        folded = folded.replace("&", " and ")
    return _NON_ALNUM.sub("-", folded).strip("-")


_NORMALIZE_TABLE = str.maketrans(
    {**{ch: " " for ch in string.punctuation}, ".": None, "'": None, '"': None, "&": " and "}
)


_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")


def normalize(text: str) -> str:
    """The form lookup() compares: case, accents, dots, quotes and a leading "the" ignored."""
    normal = fold(text).lower()
    if _PUNCTUATION.search(normal):
        normal = normal.translate(_NORMALIZE_TABLE)
    normal = " ".join(normal.split())
    return normal[4:] if normal.startswith("the ") else normal


def squash(text: str) -> str:
    """normalize() without spaces: "Shin Won-sik" and "Shin Wonsik" both give "shinwonsik"."""
    return normalize(text).replace(" ", "")


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Non-empty stripped strings, first occurrence kept, order kept."""
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


def strip_the(name: str) -> str:
    return name[4:] if name[:4].lower() == "the " else name
