"""News as it arrives: HTML articles (the main text and metadata by trafilatura, without navigation,
tables, scripts, asides or footers), RSS and Atom feeds (feedparser; one document an entry), and
the language check (kg's model is English).

`kg.ingest.readers` reads files and dispatches here by suffix; these functions take text, not paths.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kg.core.errors import InputError

log = logging.getLogger(__name__)

FEED_SUFFIXES = (".rss", ".atom", ".xml")


@dataclass(frozen=True)
class Article:
    """The text of a page or an entry, and what it says about itself."""

    text: str
    title: str | None = None
    published: date | None = None
    author: str | None = None
    url: str | None = None
    language: str | None = None


# ---------------------------------------------------------------------- HTML


_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)


def html_article(html: str) -> Article | None:
    """The main text of a news page and its metadata (title, date, author, canonical URL, declared
    language), by trafilatura; paragraphs are separated by blank lines. None when trafilatura finds
    no main text (a fragment, a page of links)."""
    import trafilatura

    found: Any = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=False,
        include_images=False,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if found is None or not (found.text or "").strip():
        return None
    lang = _HTML_LANG.search(html[:4096])
    return Article(
        text=paragraphs(found.text),
        title=_line(found.title),
        published=_iso_date(found.date),
        author=_line(found.author),
        url=_line(found.url),
        language=lang[1].lower() if lang else None,
    )


def paragraphs(text: str) -> str:
    """Lines as paragraphs (a blank line between): kg ends a sentence at a blank line, so a headline
    or caption on its own line does not run into the next."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _line(value: object) -> str | None:
    return " ".join(str(value).split()) or None if value else None


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


# ---------------------------------------------------------------------- feeds


@dataclass(frozen=True)
class Entry:
    """One entry of a feed: its article (summary or content as text) and the page it links to."""

    key: str  # stable within the feed: the entry's id, else its link, else its title
    article: Article

    @property
    def link(self) -> str | None:
        return self.article.url


def feed_entries(data: bytes, where: str) -> list[Entry]:
    """The entries of an RSS or Atom feed, in the feed's order; InputError if it is no feed."""
    import feedparser

    parsed: Any = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise InputError(f"{where}: not an RSS or Atom feed{f' ({problem})' if problem else ''}")
    language = (parsed.feed.get("language") or "").split("-")[0].lower() or None
    entries = []
    for entry in parsed.entries:
        summary = entry.get("summary") or ""
        contents = [c.get("value") or "" for c in entry.get("content") or ()]
        body = max([summary, *contents], key=len)
        from kg.ingest.readers import html_to_text

        _, text = html_to_text(body) if "<" in body else (None, body)
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        link = entry.get("link") or None
        article = Article(
            text=paragraphs(text),
            title=_line(entry.get("title")),
            published=date(when.tm_year, when.tm_mon, when.tm_mday) if when else None,
            author=_line(entry.get("author")),
            url=link,
            language=language,
        )
        key = entry.get("id") or link or entry.get("title") or ""
        if not key and not text.strip():
            continue
        entries.append(Entry(str(key), article))
    if not entries:
        raise InputError(f"{where}: feed with no entries (none has an id, a link, a title or text)")
    return entries


def entry_id(entry: Entry, feed_stem: str) -> str:
    """A document id for an entry without a page in the input: the last segment of its link when
    that is a usable id, else the feed's name and a hash of the entry's key."""
    if entry.link:
        stem = link_stem(entry.link)
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,150}", stem):
            return stem
    return f"{feed_stem}-{hashlib.sha1(entry.key.encode()).hexdigest()[:12]}"


def normal_url(url: str) -> str:
    """A URL as pages and feeds are matched by: no fragment, no trailing slash, lower-case host."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, ""))


def link_stem(url: str) -> str:
    """The last segment of a URL's path without an .html-like suffix: how a page saved from that
    URL is usually named."""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"\.(s?html?|php|aspx?)$", "", segment, flags=re.I)


# ---------------------------------------------------------------------- language

#: English function words: news English has about one in three of its words among them, other
#: languages written in Latin letters few (a German text of 20 words: "in" at most)
_FUNCTION_WORDS = (
    "the of and to in a is that for on with was as by at from it his her he she they said has have had "
    "be are were will would an not this which but its their who after over"
)
_ENGLISH = frozenset(_FUNCTION_WORDS.split())
#: The commonest function words of the other languages most written in Latin letters (German,
#: French, Spanish, Portuguese, Italian, Dutch, Polish, Turkish, Indonesian), none an English word
_OTHER_WORDS = (
    "der die und das ist nicht ein eine mit sich den dem des von zu auf für de le la les et est une du "
    "dans pour que qui pas sur au avec el los las es en y por con para del se al lo como o os um uma "
    "não da do em il che di per non sono het van een zijn niet ook voor w na się nie jest z do i ve "
    "bir bu ile için da yang dan di dari ini itu dengan untuk"
)
_OTHER = frozenset(_OTHER_WORDS.split()) - _ENGLISH
_WORD = re.compile(r"[^\W\d_]+")
#: A text shorter than this many words is not judged (a headline names too few words to tell)
MIN_WORDS = 12
#: How sure the language identifier must be that a text is not English to skip it
MIN_CONFIDENCE = 0.75


def non_english(text: str) -> str | None:
    """Why `text` is not read, if it is not English: 'language de (0.99)'; None for English text, or
    text too short to tell. Function words decide most texts at once: English ones in one word of
    eight, or more of them than of other languages' in a text of Latin letters; the others go to
    py3langid (its model, 2 s to load, is loaded only then)."""
    sample = text[:5000]
    words = _WORD.findall(sample.lower())
    if len(words) < MIN_WORDS:
        return None
    english = sum(w in _ENGLISH for w in words)
    if english / len(words) >= 0.12:
        return None
    letters = "".join(words)
    latin = sum(c.isascii() for c in letters) / len(letters)
    if latin >= 0.9 and english > sum(w in _OTHER for w in words):
        return None
    language, confidence = _identifier().classify(sample)
    if language == "en" or confidence < MIN_CONFIDENCE:
        return None
    return f"language {language} ({confidence:.2f}); kg's model reads English only"


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def words(text: str) -> int:
    return len(text.split())
