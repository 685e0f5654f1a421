"""Bad and hostile input (issue #24, "bad input"): each bad file is one clear message naming it,
the rest of the batch still builds, and text that would act on a terminal or change what an
entity is never reaches the graph or the screen as it came."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.cli.common import markup_safe, shown
from kg.ingest import clean_document, clean_text, read_inputs
from kg.types import Document

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
    from kg.build import collect

    documents, errors = collect([Document("x", "Japan\x07 met\r\nChina", title="t\x1b"), "Korea\x1b[0m"])
    assert errors == []
    assert [(d.text, d.title) for d in documents] == [("Japan met\nChina", "t"), ("Korea", None)]
    assert clean_document(documents[0]) is documents[0]  # clean already: the same record


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
    from kg.build import build_inputs

    built = build_inputs(["Japan\a and China\x1b]0;PWNED\x07 signed a trade agreement in Tokyo."], nlp=nlp)
    entities = built.corpus.entities
    assert {"Country:JPN", "Country:CHN"} <= set(entities), sorted(entities)
    assert not [k for k, e in entities.items() if e.cls == "Organization" and "Japan" in e.label]
    assert [str(o) for o in built.dataset.objects() if any(c in str(o) for c in "\x1b\x07")] == []
