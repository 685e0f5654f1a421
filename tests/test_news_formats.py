"""News as it arrives (issue #25): HTML articles with their boilerplate, RSS and Atom feeds, gzip,
front matter and JSON lines with metadata, and non-English documents skipped with the reason."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from kg.ingest.readers import Skipped, read_inputs

ARTICLE = (
    "Japan and China held talks in Tokyo on Tuesday, the foreign ministry said. The two countries "
    "agreed to resume regular high-level dialogue after a pause of three years."
)
SECOND = "South Korea welcomed the talks and said it would host a trilateral summit in May."


def page(body: str = "", *, canonical: str = "https://news.example.org/world/japan-china-talks") -> str:
    """A news page as sites write them: navigation, a cookie banner, a script, the article with a
    table in it, an aside of other headlines and a footer."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><title>Japan and China hold talks | World News</title>
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-07-03T08:00:00Z">
<link rel="canonical" href="{canonical}">
<script>var headline = "Pyongyang threatened Seoul";</script>
<style>.x {{ color: red }}</style>
</head><body>
<header><nav><a href="/">Home</a><a href="/world">World</a><a href="/politics">Politics</a></nav></header>
<div class="cookie-banner">We use cookies. Accept all cookies.</div>
<article>
<h1>Japan and China hold talks in Tokyo</h1>
<p>{ARTICLE}</p>
<table><tr><td>Russia</td><td>Ukraine</td></tr><tr><td>Sanctions</td><td>2024</td></tr></table>
<p>{SECOND}</p>{body}
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Iran attacked Israel</a></li>
<li><a href="/b">France sanctioned Mali</a></li></ul></aside>
<footer><p>Copyright 2024 World News. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def test_news_formats_html_page_yields_the_article_and_its_metadata(tmp_path: Path) -> None:
    (tmp_path / "talks.html").write_text(page(), encoding="utf-8")
    result = read_inputs([tmp_path])
    assert result.errors == ()
    (doc,) = result.documents
    assert doc.text == f"Japan and China hold talks in Tokyo\n\n{ARTICLE}\n\n{SECOND}"
    dropped = ("Home", "World News", "cookies", "Russia", "Sanctions", "Pyongyang", "Iran", "Copyright")
    for boilerplate in dropped:
        assert boilerplate not in doc.text
    assert (doc.id, doc.title, doc.author, doc.published, doc.language) == (
        "talks",
        "Japan and China hold talks in Tokyo",
        "Jane Doe",
        date(2024, 7, 3),
        "en",
    )
    assert doc.url == "https://news.example.org/world/japan-china-talks"


def test_news_formats_html_fragment_without_an_article_keeps_its_text(tmp_path: Path) -> None:
    (tmp_path / "note.html").write_text("<div>One</div><div>Two</div>", encoding="utf-8")
    (doc,) = read_inputs([tmp_path]).documents
    assert doc.text == "One\n\nTwo"


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>World News</title><link>https://news.example.org/</link>
<language>en-gb</language>
<item><title>Japan and China hold talks</title>
<link>https://news.example.org/world/japan-china-talks</link>
<guid>https://news.example.org/world/japan-china-talks</guid>
<pubDate>Wed, 03 Jul 2024 08:00:00 GMT</pubDate><author>desk@example.org (Jane Doe)</author>
<description>Short summary of the talks.</description></item>
<item><title>India and France sign a defence pact</title>
<link>https://news.example.org/world/india-france-pact.html</link>
<pubDate>Tue, 02 Jul 2024 10:00:00 GMT</pubDate>
<description><![CDATA[<p>India and France signed a defence agreement in New Delhi.</p>
<p>The deal covers <b>submarines</b>.</p>]]></description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:wire</id>
<updated>2024-07-05T00:00:00Z</updated>
<entry><title>Russia attacks Ukraine</title><id>urn:wire:1</id>
<updated>2024-07-05T06:00:00Z</updated><author><name>Wire Desk</name></author>
<summary>Russia attacked Ukraine overnight. Poland condemned the attack.</summary></entry>
</feed>"""


def test_news_formats_feed_entries_take_their_page_or_their_summary(tmp_path: Path) -> None:
    (tmp_path / "feed.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "saved-page.html").write_text(page(), encoding="utf-8")  # the first entry's page
    (tmp_path / "wire.atom").write_text(ATOM, encoding="utf-8")
    result = read_inputs([tmp_path])
    assert result.errors == ()
    docs = {d.id: d for d in result.documents}
    talks = docs.pop("saved-page")  # the page, matched by its canonical URL, is the entry's document
    assert ARTICLE in talks.text and "summary" not in talks.text
    assert (talks.title, talks.published, talks.author) == (
        "Japan and China hold talks",
        date(2024, 7, 3),
        "desk@example.org (Jane Doe)",
    )
    pact = docs.pop("india-france-pact")  # no page: the summary, as text
    assert pact.text == (
        "India and France signed a defence agreement in New Delhi.\n\nThe deal covers submarines."
    )
    assert (pact.published, pact.url, pact.language) == (
        date(2024, 7, 2),
        "https://news.example.org/world/india-france-pact.html",
        "en",
    )
    ((wire_id, wire),) = docs.items()
    assert wire_id.startswith("wire-")
    assert wire.text == "Russia attacked Ukraine overnight. Poland condemned the attack."
    assert (wire.title, wire.author) == ("Russia attacks Ukraine", "Wire Desk")
    assert wire.published == date(2024, 7, 5)
    assert len(result.documents) == 3  # the page is not a document of its own too


def test_news_formats_feed_page_matched_by_file_name(tmp_path: Path) -> None:
    (tmp_path / "feed.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "india-france-pact.html").write_text(
        page(canonical="https://mirror.example.net/x"), encoding="utf-8"
    )
    docs = {d.id: d for d in read_inputs([tmp_path]).documents}
    assert ARTICLE in docs["india-france-pact"].text  # the saved page, not the summary
    assert docs["india-france-pact"].title == "India and France sign a defence pact"


def test_news_formats_gzipped_files_and_folders_of_any_mix(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "talks.html.gz", "wt", encoding="utf-8") as handle:
        handle.write(page())
    with gzip.open(tmp_path / "wire.atom.gz", "wt", encoding="utf-8") as handle:
        handle.write(ATOM)
    rows = [{"id": "one", "text": "Japan met China.", "author": "A. Writer", "language": "en"}]
    with gzip.open(tmp_path / "corpus.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "note.md").write_text(
        "---\ntitle: A note\nauthor: B. Writer\npublished: 2024-07-01\nlanguage: en\n---\n"
        "# Head\n\nIndia met France.",
        encoding="utf-8",
    )
    result = read_inputs([tmp_path])
    assert result.errors == ()
    docs = {d.id: d for d in result.documents}
    assert {"talks", "one", "note"} <= set(docs) and len(docs) == 4
    assert ARTICLE in docs["talks"].text
    assert (docs["one"].author, docs["one"].language) == ("A. Writer", "en")
    assert (docs["note"].author, docs["note"].title, docs["note"].text) == (
        "B. Writer",
        "A note",
        "Head\n\nIndia met France.",
    )


def test_news_formats_non_english_documents_are_skipped_with_the_reason(tmp_path: Path) -> None:
    german = (
        "Die Bundesregierung hat am Dienstag neue Sanktionen gegen Russland beschlossen, teilte das "
        "Auswärtige Amt in Berlin mit. Die Maßnahmen treten sofort in Kraft."
    )
    rows = [
        {"id": "de", "text": german},
        {"id": "en", "text": ARTICLE},
        {"id": "short", "text": "Merkel traf Putin."},
    ]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = read_inputs([tmp_path / "c.jsonl"])
    assert [d.id for d in result.documents] == ["en", "short"]  # too short to judge: kept
    (skipped,) = result.skipped
    assert isinstance(skipped, Skipped)
    assert (skipped.id, skipped.words) == ("de", len(german.split()))
    assert skipped.reason.startswith("language de (")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.rss", "<html><body>not a feed</body></html>", "not an RSS or Atom feed"),
        ("bad.html.gz", "not gzip at all", "cannot read"),
    ],
)
def test_news_formats_bad_feeds_and_archives_are_reported(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Japan met China.", encoding="utf-8")
    result = read_inputs([tmp_path])
    assert [d.id for d in result.documents] == ["ok"]
    (error,) = result.errors
    assert name in str(error) and message in str(error)


def test_news_formats_metadata_reaches_the_document_node(tmp_path: Path) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS

    from kg.core.types import Document
    from kg.resolve.mapping import add_document, doc_iri

    triples: set[tuple[object, object, object]] = set()

    class Sink:
        def add(self, triple: tuple[object, object, object]) -> None:
            triples.add(triple)

    add_document(Sink(), Document("d", "Text.", author="Jane Doe", language="en", url="https://x.org/a"))  # type: ignore[arg-type]
    node = doc_iri("d")
    assert (node, DCTERMS.creator, Literal("Jane Doe")) in triples
    assert (node, DCTERMS.language, Literal("en")) in triples
    assert (node, DCTERMS.source, URIRef("https://x.org/a")) in triples


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "El gobierno de España anunció el martes nuevas sanciones contra Rusia por la guerra en "
            "Ucrania, según el ministerio.",
            "es",
        ),
        (
            "Москва заявила во вторник, что российские войска заняли ещё одну деревню на востоке "
            "Украины, сообщило министерство обороны.",
            "ru",
        ),
        (
            "Le gouvernement français a annoncé mardi de nouvelles sanctions contre la Russie, a indiqué "
            "le ministère des affaires étrangères.",
            "fr",
        ),
    ],
)
def test_news_formats_languages_are_told_apart(text: str, language: str) -> None:
    from kg.ingest.formats import non_english

    reason = non_english(text)
    assert reason is not None and reason.startswith(f"language {language} (")


def test_news_formats_english_with_few_function_words_is_english_without_the_model() -> None:
    """A wire headline and dek ("Sri Lanka off to positive start") has few English function words;
    it has none of other languages' either, so the language model is not even loaded for it."""
    from kg.ingest.formats import _identifier, non_english

    _identifier.cache_clear()
    text = (
        "Sri Lanka off to positive start\n\nKumar Sangakkara's unbeaten fifty revives Sri Lanka's "
        "chances against Pakistan."
    )
    assert non_english(text) is None
    assert _identifier.cache_info().currsize == 0
