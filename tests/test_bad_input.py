"""Bad and hostile input (issue #24, "bad input"): each bad file is one clear message naming it,
the rest of the batch still builds, and text that would act on a terminal or change what an
entity is never reaches the graph or the screen as it came."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.cli.common import markup_safe, shown
from kg.core.types import Document
from kg.ingest.readers import clean_document, clean_text, read_inputs

runner = CliRunner()

HOSTILE = "China\x1b]0;PWNED\x07 and Japan\a met\x9b31m in Tokyo.\x7f"  # (a NUL makes a file binary)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (HOSTILE, "China and Japan met in Tokyo."),
        (
            "a\x1b[1;31mred\x1b[0m, \x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\ \x1bPq#0\x1b\\end",
            "ared, link end",
        ),
        ("unterminated \x1b]0;title and the rest stays", "unterminated 0;title and the rest stays"),
        ("line one\r\nline two\rline three", "line one\nline two\nline three"),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("Cafe\u0301 in Ko\u0308ln", "Café in Köln"),  # NFC: one code point each
        ("lone surrogate \ud800 here", "lone surrogate  here"),
        ("NUL\x00 gone", "NUL gone"),
        ("\x1b[2J\x1b[31m\x1bc", ""),
    ],
)
def test_bad_input_clean_text_strips_controls_and_normalises(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    assert clean_text(clean) == clean


def test_bad_input_control_characters_never_reach_a_document(tmp_path: Path) -> None:
    """Every way in (text, Markdown, HTML, JSON lines with escapes, front matter) is cleaned, the
    title and URL too; a file of nothing but controls is empty."""
    (tmp_path / "a.txt").write_text(HOSTILE, encoding="utf-8")
    (tmp_path / "b.md").write_text(f'---\ntitle: "Evil\\e]0;t\\a title"\n---\n# {HOSTILE}', encoding="utf-8")
    (tmp_path / "c.html").write_text(
        f"<title>T\x1b[31mitle</title><p>{HOSTILE}</p><p>&#27;]0;x&#7;</p>", encoding="utf-8"
    )
    record = {
        "id": "d",
        "text": HOSTILE + "\x00\ud800",
        "title": "A\u0007B",
        "url": "https://e.org/\u001b[1m",
    }
    (tmp_path / "d.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / "e.txt").write_bytes(b"\x1b\x07\x08 \x0c\x1b")
    result = read_inputs([tmp_path])
    assert [str(e) for e in result.errors] == [f"{tmp_path / 'e.txt'}: empty document (no text)"]
    docs = {d.id: d for d in result.documents}
    assert set(docs) == {"a", "b", "c", "d"}
    for doc in docs.values():
        for value in (doc.text, doc.title or "", doc.url or ""):
            assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in value), value
    assert docs["a"].text == "China and Japan met in Tokyo."
    assert (docs["b"].title, docs["c"].title, docs["d"].title) == ("Evil title", "Title", "AB")
    assert docs["d"].url == "https://e.org/"


def test_bad_input_documents_given_as_records_are_cleaned_too() -> None:
    from kg.pipeline.build import iter_collected

    documents = list(iter_collected([Document("x", "Japan\x07 met\r\nChina", title="t\x1b"), "Korea\x1b[0m"]))
    assert all(isinstance(d, Document) for d in documents)
    assert [(d.text, d.title) for d in documents] == [("Japan met\nChina", "t"), ("Korea", None)]  # type: ignore[union-attr]
    assert clean_document(documents[0]) is documents[0]  # type: ignore[arg-type]  # clean already: the same record


def test_bad_input_terminal_text_is_shown_escaped_and_never_markup() -> None:
    assert shown("China\x1b]0;PWNED\x07") == "China\\x1b]0;PWNED\\x07"
    assert shown("a\u202eevil\u2066b\x9b") == "a\\u202eevil\\u2066b\\x9b"
    assert shown("keeps\ttabs\nand lines, Köln") == "keeps\ttabs\nand lines, Köln"
    assert markup_safe("[link=https://evil]x[/link]\x1b") == "\\[link=https://evil]x\\[/link]\\x1b"


def test_bad_input_kg_query_table_escapes_what_a_terminal_would_run(tmp_path: Path) -> None:
    """A store imported from RDF is not cleaned on ingest: the table still shows its controls as
    escapes and its markup as text; csv and json stay data."""
    ttl = tmp_path / "evil.ttl"
    ttl.write_text(
        '<https://e.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "China\\u001B]0;PWNED\\u0007 '
        '[bold red]x[/bold red] [link=https://evil.example]click[/link]" .\n',
        encoding="utf-8",
    )
    sparql = "SELECT ?label WHERE { ?s rdfs:label ?label }"
    result = runner.invoke(app, ["query", sparql, "--graph", str(ttl)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "China\\x1b]0;PWNED\\x07" in result.stdout
    assert "[bold red]x[/bold red]" in result.stdout
    assert "[link=https://evil.example]click[/link]" in result.stdout
    as_json = runner.invoke(app, ["query", sparql, "--graph", str(ttl), "--format", "json"])
    assert json.loads(as_json.stdout)["results"]["bindings"][0]["label"]["value"].startswith("China\x1b]0;")


def test_bad_input_error_messages_quote_input_as_text(tmp_path: Path) -> None:
    """A file name or front matter key with markup or escapes is printed as it is, not obeyed."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "[bold]x[bold]\x1b[2J.txt").write_text("Japan.", encoding="utf-8")
    (folder / "front.md").write_text("---\n'[red]k\x07': 1\n---\nJapan.", encoding="utf-8")
    result = runner.invoke(app, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "[bold]x[bold]\\x1b[2J.txt: document id" in result.stderr
    assert "unknown front matter keys ['[red]k']" in result.stderr


@pytest.mark.model
def test_bad_input_control_characters_do_not_change_recognition(nlp) -> None:
    """'Japan\\a' was an Organization: cleaned on ingest, it is Japan, and no label holds a control."""
    from rdflib import RDF, RDFS

    from kg.core.vocab import ID, KG
    from kg.pipeline.knowledge_graph import build

    graph = build(["Japan\a and China\x1b]0;PWNED\x07 signed a trade agreement in Tokyo."], nlp=nlp).graph
    countries = set(graph.subjects(RDF.type, KG.Country))
    assert {ID["country/JPN"], ID["country/CHN"]} <= countries, sorted(countries)
    organizations = set(graph.subjects(RDF.type, KG.Organization))
    assert not [
        o for o in organizations if any("Japan" in str(label) for label in graph.objects(o, RDFS.label))
    ]
    assert [str(o) for o in graph.objects() if any(c in str(o) for c in "\x1b\x07")] == []


# ---------------------------------------------------------------------- long documents


@pytest.mark.parametrize(
    "text",
    [
        "Para one is here.\n\nPara two.\n\n" * 50,
        "A sentence without a break. " * 80,
        "word " * 500,
        "x" * 2500,  # no boundary at all: a hard cut
        "short",
    ],
)
def test_bad_input_split_text_pieces_join_up_and_are_bounded(text: str) -> None:
    from kg.extract.chunks import split_text

    pieces = split_text(text, size=400)
    assert "".join(piece for _, piece in pieces) == text
    assert [offset for offset, _ in pieces] == [
        sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))
    ]
    assert all(len(piece) <= 400 for _, piece in pieces)
    if "\n\n" in text:  # cut after a paragraph break
        assert all(piece.endswith("\n\n") for _, piece in pieces[:-1])
    elif ". " in text:
        assert all(piece.endswith(". ") for _, piece in pieces[:-1])


@pytest.mark.model
def test_bad_input_long_documents_are_extracted_in_bounded_pieces(
    nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pipeline never sees more than CHUNK_CHARS at once, and what the pieces found is placed
    in the whole text: each mention and evidence sentence is at its offsets."""
    import kg.extract.document
    from kg.extract.chunks import extract_bounded

    seen: list[int] = []
    real = kg.extract.document.extract

    def spy(pipeline, documents, **kwargs):  # type: ignore[no-untyped-def]
        docs = list(documents)
        seen.extend(len(d.text) for d in docs)
        return real(pipeline, docs, **kwargs)

    monkeypatch.setattr(kg.extract.document, "extract", spy)
    paragraph = "Japan and South Korea signed a defence pact in Tokyo. China condemned the pact.\n\n"
    text = paragraph * 30 + "Russia sanctioned Ukraine. " * 40  # a long last paragraph, no break
    (x,) = extract_bounded(nlp, [Document("long", text)], size=1000)
    assert max(seen) <= 1000 and len(seen) >= len(text) // 1000
    assert x.document.text == text
    assert {"Country:JPN", "Country:KOR", "Country:CHN", "Country:RUS", "Country:UKR"} <= {
        e.key for e in x.entities
    }
    assert len({e.key for e in x.entities}) == len(x.entities)  # one record per entity
    assert x.mentions and all(text[m.start : m.end] == m.text for m in x.mentions)
    assert max(m.start for m in x.mentions) > len(text) - 1000  # found in the last piece, placed there
    assert x.claims and all(
        text[c.evidence.start : c.evidence.end].strip() == c.evidence.sentence for c in x.claims
    )


@pytest.mark.model
def test_bad_input_document_over_spacys_limit_builds_with_the_rest(nlp, tmp_path: Path) -> None:
    """1.1M characters (spaCy's E088 stopped the whole build) in a folder with two good articles:
    all three build. (Mostly white space, so the test stays quick: pieces of only white space are
    not run through the pipeline.)"""
    from kg.pipeline.incremental import build_store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Japan and India held talks in Delhi.", encoding="utf-8")
    (folder / "b.txt").write_text("France condemned Russia.", encoding="utf-8")
    long = "Germany and Poland signed a treaty.\n" + " " * 1_100_000 + "\nItaly criticised Hungary.\n"
    (folder / "long.txt").write_text(long, encoding="utf-8")
    change = build_store([folder], tmp_path / "out", nlp=nlp, html=False)
    assert change.errors == ()
    assert sorted(change.added) == ["a", "b", "long"]
    ttl = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    for country in ("IND", "RUS", "DEU", "ITA", "HUN"):
        assert f"country/{country}" in ttl


def test_bad_input_huge_files_are_refused_unread_and_the_rest_builds(tmp_path: Path) -> None:
    """A 100 MB document is refused with the documented limit before it is read (bounded memory),
    as is a JSON line over the limit (skipped unread; the next line is read)."""
    import tracemalloc

    from kg.ingest.readers import MAX_DOCUMENT_CHARS

    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB of NULs, never written
    (tmp_path / "ok.txt").write_text("Japan.", encoding="utf-8")
    over = json.dumps({"id": "big", "text": "x " * (2 * MAX_DOCUMENT_CHARS + 10)})
    (tmp_path / "corpus.jsonl").write_text(
        over + "\n" + json.dumps({"id": "after", "text": "Chile."}) + "\n", encoding="utf-8"
    )
    (tmp_path / "long.md").write_text("y" * (MAX_DOCUMENT_CHARS + 1), encoding="utf-8")
    tracemalloc.start()
    try:
        result = read_inputs([tmp_path])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sorted(d.id for d in result.documents) == ["after", "ok"]
    errors = sorted(str(e) for e in result.errors)
    assert errors == [
        f"{tmp_path / 'corpus.jsonl'}:1: line too long (over 8,000,000 bytes); kg reads documents of up to "
        "2,000,000 characters: split it into several",
        f"{tmp_path / 'huge.txt'}: file too large (104.9 MB); kg reads documents of up to 2,000,000 "
        "characters: split it into several",
        f"{tmp_path / 'long.md'}: document too long (2,000,001 characters); kg reads documents of up to "
        "2,000,000 characters: split it into several",
    ]
    assert peak < 40 * 1024 * 1024, peak  # the 100 MB file was never read, the long line not kept


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jsonl", b"\n\n", "empty document (no text)"),
        ("mixed.jsonl", b'{"id": "a", "text": "caf\xe9"}\n', ":1: invalid UTF-8 at byte 24 of the line"),
        ("feed.xml", b"<rss><channel><item>x</item></channel></rss>", "feed with no entries"),
        ("data.csv", b"id,text\na,Japan.", "unsupported file type '.csv'"),
        (
            "page.html",
            b"<html><head><title>T</title></head><body><script>x</script><style>y</style></body>",
            "empty document (no text after markup",
        ),
        ("broken.html", b"<p>Unclosed <b>tags <i>and <a href='x", "empty document"),
        ("nul.md", b"# T\x00itle", "binary file, not text"),
        ("noext", b"Japan.", "unsupported file type '(none)'"),
    ],
)
def test_bad_input_each_bad_file_has_one_clear_message(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text("Japan.", encoding="utf-8")
    result = read_inputs([tmp_path / name, tmp_path / "good.txt", tmp_path / "missing.txt"])
    assert [d.id for d in result.documents] == ["good"] or name == "broken.html"
    errors = [str(e) for e in result.errors]
    assert errors[-1] == f"{tmp_path / 'missing.txt'}: no such file or folder"
    if name == "broken.html":  # HTML that never closes still gives its text
        assert sorted(d.id for d in result.documents) == ["broken", "good"]
        return
    assert len(errors) == 2 and errors[0].startswith(str(tmp_path / name)), errors
    assert message in errors[0]


# ---------------------------------------------------------------------- --out among the inputs


def test_bad_input_out_never_replaces_a_folder_kg_did_not_make(tmp_path: Path) -> None:
    """`--out` pointing at the inputs' folder, which has a `store/` of the user's: refused, and the
    folder is left as it was (it was deleted)."""
    folder = tmp_path / "in"
    (folder / "store").mkdir(parents=True)
    (folder / "store" / "mine.bin").write_bytes(b"precious")
    (folder / "a.txt").write_text("Japan.", encoding="utf-8")
    result = runner.invoke(app, ["build", str(folder), "--out", str(folder)])
    assert result.exit_code == 1
    assert (
        f"{folder / 'store'}: exists and is not a kg store; kg replaces only a store it made" in result.stderr
    )
    assert (folder / "store" / "mine.bin").read_bytes() == b"precious"
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt", "store"]


def test_bad_input_out_never_replaces_a_page_kg_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.html").write_text("<html><body>my own page</body></html>", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Japan.", encoding="utf-8")
    result = runner.invoke(app, ["build", str(tmp_path / "a.txt"), "--out", str(out)])
    assert result.exit_code == 1
    assert "graph.html: exists and is not a page kg wrote; kg will not replace it" in result.stderr
    assert (out / "graph.html").read_text(encoding="utf-8") == "<html><body>my own page</body></html>"


@pytest.mark.model
def test_bad_input_kgs_own_outputs_are_never_read_as_input(nlp, tmp_path: Path) -> None:
    """An --out inside the input folder: the next build does not ingest its own graph.html (and a
    page kg wrote, named as an input, is refused as such)."""
    from kg.pipeline.incremental import build_store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Japan and India held talks.", encoding="utf-8")
    first = build_store([folder], folder / "out", nlp=nlp)
    assert (folder / "out" / "graph.html").is_file()
    second = build_store([folder], folder / "out", nlp=nlp)
    assert (first.added, second.added, second.errors) == (("a",), ("a",), ())
    (page,) = read_inputs([folder / "out" / "graph.html"]).errors
    assert str(page) == f"{folder / 'out' / 'graph.html'}: a graph view kg wrote, not a document"


# ---------------------------------------------------------------------- random documents

_WORDS = ["Japan", "China", "the United States", "NATO", "signed", "met", "threatened", "in", "Tokyo", "."]
_DOCUMENTS = st.lists(
    st.one_of(
        st.sampled_from(_WORDS),
        st.text(st.characters(codec="utf-8"), max_size=12),  # any code point, controls and surrogates too
        st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Mn", "So"]), max_size=4),
    ),
    max_size=40,
).map(" ".join)


@pytest.mark.model
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(_DOCUMENTS, min_size=1, max_size=3), title=st.text(max_size=20))
def test_bad_input_random_unicode_documents_give_a_valid_graph_or_a_clean_error(
    nlp, texts: list[str], title: str
) -> None:
    """Whatever the text: a graph that passes SHACL, whose every literal survives N-Triples and
    back; a document that cannot be read is a KGError, one that cannot be extracted is reported
    failed, with the reason; never another exception."""
    import pyoxigraph as ox

    from kg.core.errors import KGError
    from kg.pipeline.incremental import build_store
    from kg.pipeline.knowledge_graph import KnowledgeGraph
    from kg.quality.validate import validate
    from kg.store.base import to_ox_term

    documents = [Document(f"d{n}", text, title=title or None) for n, text in enumerate(texts)]
    change = build_store(documents, None, memory=True, nlp=nlp)
    for error in change.errors:
        assert isinstance(error, KGError)
    assert change.report is not None
    failed = [line for line in change.report.documents if line.status == "failed" and line.id is not None]
    for line in failed:  # a document whose extraction raised is reported, with why; the rest builds
        assert (line.reason or "").startswith("extraction failed: ExtractionError: "), line
    built = KnowledgeGraph.from_built(change)
    quads = [
        ox.Quad(*(to_ox_term(term) for term in (s, p, o)), ox.NamedNode(str(g)))  # type: ignore[arg-type]
        for s, p, o, g in built.dataset.quads()
        if g is not None
    ]
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    assert len(list(ox.parse(data, format=ox.RdfFormat.N_QUADS))) == len(set(quads))
    for quad in quads:
        if isinstance(quad.object, ox.Literal):
            assert not any(0xD800 <= ord(c) <= 0xDFFF for c in quad.object.value)
    from kg.store.quads import memory_store

    with memory_store(built.dataset) as store:
        report = validate(store)
    assert report.conforms, report.violations[:3]
