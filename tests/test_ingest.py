from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kg.core.errors import InputError
from kg.ingest.readers import document_from_text, html_to_text, markdown_to_text, read_inputs


def _errors(paths: list[Path]) -> list[str]:
    return [str(e) for e in read_inputs(paths).errors]


def test_ingest_reads_text_markdown_and_html(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Japan and the US met.", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Title\n\nSome **bold** text.", encoding="utf-8")
    (tmp_path / "c.html").write_text(
        "<html><head><title>Hi &amp; bye</title><script>alert(1)</script></head>"
        "<body><p>Body text</p></body></html>",
        encoding="utf-8",
    )
    result = read_inputs([tmp_path])
    assert result.errors == ()
    docs = {d.id: d for d in result.documents}
    assert set(docs) == {"a", "b", "c"}
    assert docs["b"].text == "Title\n\nSome bold text."
    assert docs["c"].title == "Hi & bye"
    assert docs["c"].text == "Body text"
    assert "alert" not in docs["c"].text


def test_ingest_jsonl_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    rows = [
        {
            "id": "one",
            "text": "Text one.",
            "published": "2024-07-28",
            "url": "https://example.org/1",
            "title": "T",
        },
        {"id": "two", "text": "Text two."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    result = read_inputs([path])
    assert result.errors == ()
    one, two = result.documents
    assert (one.id, one.published, one.url, one.title) == (
        "one",
        date(2024, 7, 28),
        "https://example.org/1",
        "T",
    )
    assert (two.id, two.published) == ("two", None)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty.txt: empty document (no text)"),
        ("blank.txt", b"  \n\t ", "blank.txt: empty document (no text)"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary.txt: binary file, not text"),
        ("latin.txt", "café".encode("latin-1"), "latin.txt: invalid UTF-8 at byte 3"),
        ("data.csv", b"a,b", "data.csv: unsupported file type '.csv'"),
    ],
)
def test_ingest_bad_file_is_reported_by_name(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    (errors,) = _errors([path])
    assert errors.startswith(str(tmp_path / message.split(":")[0]))
    assert message.split(": ", 1)[1] in errors


def test_ingest_missing_path_is_reported(tmp_path: Path) -> None:
    assert _errors([tmp_path / "nope.txt"]) == [f"{tmp_path / 'nope.txt'}: no such file or folder"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "malformed JSON"),
        ('["a list"]', "expected a JSON object"),
        ('{"text": "no id"}', "missing or invalid 'id'"),
        ('{"id": "x"}', "missing or invalid 'text'"),
        ('{"id": "x", "text": "  "}', "empty document x"),
        ('{"id": "x", "text": "t", "published": "yesterday"}', "'published' is not an ISO date"),
        ('{"id": "../evil", "text": "t"}', "document id '../evil'"),
    ],
)
def test_ingest_malformed_jsonl_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "good", "text": "Fine text."}\n' + line + "\n", encoding="utf-8")
    result = read_inputs([path])
    assert [d.id for d in result.documents] == ["good"]  # the rest of the batch still builds
    (error,) = result.errors
    assert str(error).startswith(f"{path}:2: ")
    assert message in str(error)


def test_ingest_duplicate_ids_are_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "a.md").write_text("Two.", encoding="utf-8")
    result = read_inputs([tmp_path])
    assert len(result.documents) == 1
    assert "duplicate document id 'a'" in str(result.errors[0])


def test_ingest_document_from_text_rejects_empty() -> None:
    with pytest.raises(InputError, match="empty document"):
        document_from_text("   ", "t1")
    assert document_from_text("Some text", "t1").text == "Some text"


def test_ingest_html_drops_style_and_keeps_blocks() -> None:
    title, text = html_to_text("<style>p{}</style><div>One</div><div>Two &lt;b&gt;</div>")
    assert title is None
    assert text == "One\n\nTwo <b>"


def test_ingest_markdown_links_become_text() -> None:
    assert markdown_to_text("See [the report](https://x.org) and ![img](a.png)") == "See the report and img"


def test_ingest_front_matter_gives_title_date_and_url(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "---\ntitle: Talks in Tokyo\npublished: 2024-07-28\nurl: https://example.org/a\n---\n"
        "Japan met the US.\n",
        encoding="utf-8",
    )
    (doc,) = read_inputs([path]).documents
    assert (doc.title, doc.published, doc.url) == (
        "Talks in Tokyo",
        date(2024, 7, 28),
        "https://example.org/a",
    )
    assert doc.text == "Japan met the US.\n"


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("title: [unclosed", "malformed front matter"),
        ("- a list", "front matter must be 'key: value' lines"),
        ("tags: [a]", "unknown front matter keys ['tags']"),
        ("published: someday", "'published' is not an ISO date"),
    ],
)
def test_ingest_bad_front_matter_is_reported(tmp_path: Path, front: str, message: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"---\n{front}\n---\nText.\n", encoding="utf-8")
    (error,) = read_inputs([path]).errors
    assert str(error).startswith(str(path))
    assert message in str(error)
