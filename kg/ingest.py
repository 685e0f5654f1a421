"""Read inputs into Documents: .txt, .md, .html files, folders of them, and .jsonl corpora.

Bad input never stops a batch: each unreadable file or line becomes an `InputError` naming the
file (and line) and the problem, and the other documents are still returned.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

import yaml

from kg.errors import InputError
from kg.types import Document

log = logging.getLogger(__name__)

#: The longest document kg reads, in characters (about 600 pages of a book; extraction takes about a
#: minute and a half for one, in pieces: kg.chunks). A longer one is refused with a message; the
#: rest of the batch still builds. A file over four times as many bytes is refused unread.
MAX_DOCUMENT_CHARS = 2_000_000
_MAX_FILE_BYTES = 4 * MAX_DOCUMENT_CHARS

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
SUFFIXES = (*TEXT_SUFFIXES, ".jsonl")
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")


#: C0 and C1 control characters but tab and newline, the DEL character, and lone surrogates (a JSON
#: string may hold one; no UTF-8 text can); carriage returns are line breaks (CRLF and lone CR become
#: a newline before the rest go)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CARRIAGE_RETURN = re.compile("\r\n?")
#: Terminal escape sequences, whole: CSI (ESC [ or 0x9B, parameters, a final byte), OSC, DCS, SOS,
#: PM and APC strings (to BEL or ST, within a line), and two-character escapes. Their payload is not
#: text either; an unterminated string loses only its introducer.
_ESCAPE_SEQUENCES = re.compile(
    "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]?"
    "|(?:\x1b[\\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]{0,512}(?:\x07|\x1b\\\\|\x9c)"
    "|\x1b[@-Z\\\\-~ -/]?"
)


def clean_text(text: str) -> str:
    """Text as kg keeps it: Unicode NFC, line breaks as newlines, and no control character but
    newline and tab (an escape sequence in an article must not reach a terminal or a label, and a
    bell after "Japan" must not change what Japan is)."""
    text = _ESCAPE_SEQUENCES.sub("", _CARRIAGE_RETURN.sub("\n", text))
    return unicodedata.normalize("NFC", _CONTROLS.sub("", text))


def clean_document(document: Document) -> Document:
    """The document with its text, title and URL cleaned (`clean_text`; the URL and title on one line)."""

    def line(value: str | None) -> str | None:
        return None if value is None else " ".join(clean_text(value).split()) or None

    cleaned = replace(
        document, text=clean_text(document.text), title=line(document.title), url=line(document.url)
    )
    return document if cleaned == document else cleaned


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[Document, ...]
    errors: tuple[InputError, ...]


def read_inputs(inputs: Iterable[str | Path]) -> IngestResult:
    """Every document of every input; a problem with one input is collected, not raised."""
    documents: list[Document] = []
    errors: list[InputError] = []
    seen: dict[str, str] = {}
    for item in inputs:
        for result in _read_one(Path(item)):
            if isinstance(result, InputError):
                errors.append(result)
                continue
            where = result.source or result.id
            if result.id in seen:
                errors.append(
                    InputError(f"{where}: duplicate document id {result.id!r} (also {seen[result.id]})")
                )
                continue
            seen[result.id] = where
            documents.append(clean_document(result))
    return IngestResult(tuple(documents), tuple(errors))


def document_from_text(text: str, doc_id: str, **meta: object) -> Document:
    """A Document from a string (the Python API's `kg.build(["some text", ...])`)."""
    _check_id(doc_id, doc_id)
    check_length(text, doc_id)
    text = clean_text(text)
    if not text.strip():
        raise InputError(f"{doc_id}: empty document (no text)")
    return Document(id=doc_id, text=text, **meta)  # type: ignore[arg-type]


def _read_one(path: Path) -> Iterator[Document | InputError]:
    if not path.exists():
        yield InputError(f"{path}: no such file or folder")
    elif path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in SUFFIXES
            and not (p.suffix.lower() in (".html", ".htm") and is_kg_page(p))
        )  # kg's own pages (an --out inside the inputs) are never documents
        if not files:
            yield InputError(f"{path}: folder holds no {', '.join(SUFFIXES)} files")
        for file in files:
            yield from _read_one(file)
    elif path.suffix.lower() == ".jsonl":
        yield from _read_jsonl(path)
    elif path.suffix.lower() in (".html", ".htm") and is_kg_page(path):
        yield InputError(f"{path}: a graph view kg wrote, not a document")
    elif path.suffix.lower() in TEXT_SUFFIXES:
        try:
            yield _read_text_file(path)
        except InputError as e:
            yield e
    else:
        yield InputError(
            f"{path}: unsupported file type {path.suffix or '(none)'!r}; use {', '.join(SUFFIXES)}"
        )


def check_length(text: str, where: str) -> None:
    """InputError if `text` is longer than MAX_DOCUMENT_CHARS."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise InputError(
            f"{where}: document too long ({len(text):,} characters); kg reads documents of up to "
            f"{MAX_DOCUMENT_CHARS:,} characters: split it into several"
        )


#: What marks a page kg wrote in its first few kilobytes: its generator tag, or (pages written before
#: the tag) its content security policy
_KG_PAGE_MARKS = (
    b'<meta name="generator" content="kg">',
    b"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
    b"style-src 'unsafe-inline'; img-src data:; connect-src 'none'\">",
)


def is_kg_page(path: Path) -> bool:
    """Whether an HTML file is a page kg wrote (`kg build`, `kg render`): kg replaces only those, and
    never reads one as a document."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return any(mark in head for mark in _KG_PAGE_MARKS)


def _decode(path: Path, data: bytes, where: str | None = None) -> str:
    where = where or str(path)
    if b"\x00" in data[:8192]:
        raise InputError(f"{where}: binary file, not text")
    try:
        text = clean_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise InputError(f"{where}: invalid UTF-8 at byte {e.start} (kg reads UTF-8 text only)") from e
    if not text.strip():
        raise InputError(f"{where}: empty document (no text)")
    return text


def _read_text_file(path: Path) -> Document:
    try:
        size = path.stat().st_size
        if size > _MAX_FILE_BYTES:
            raise InputError(
                f"{path}: file too large ({size / 1e6:,.1f} MB); kg reads documents of up to "
                f"{MAX_DOCUMENT_CHARS:,} characters: split it into several"
            )
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}") from e
    raw = _decode(path, data)
    check_length(raw, str(path))
    doc_id = path.stem
    _check_id(doc_id, str(path))
    meta, raw = split_front_matter(raw, str(path))
    title: str | None = meta.get("title")
    if path.suffix.lower() in (".html", ".htm"):
        html_title, text = html_to_text(raw)
        title = title or html_title
    elif path.suffix.lower() == ".md":
        text = markdown_to_text(raw)
    else:
        text = raw
    if not text.strip():
        raise InputError(f"{path}: empty document (no text after markup is removed)")
    published = _parse_date(meta.get("published"), str(path))
    return Document(
        id=doc_id, text=text, title=title, url=meta.get("url"), published=published, source=str(path)
    )


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(raw: str, where: str) -> tuple[dict[str, str], str]:
    """YAML front matter (`---` lines around `title:`, `published:`, `url:`) and the text after it."""
    match = _FRONT_MATTER.match(raw)
    if match is None:
        return {}, raw
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as e:
        raise InputError(f"{where}: malformed front matter: {e}") from e
    if not isinstance(meta, dict):
        raise InputError(f"{where}: front matter must be 'key: value' lines")
    unknown = set(meta) - {"title", "published", "url"}
    if unknown:
        raise InputError(f"{where}: unknown front matter keys {sorted(unknown)}; use title, published, url")
    out = {k: v.isoformat() if isinstance(v, date) else str(v) for k, v in meta.items() if v is not None}
    return out, raw[match.end() :]


def _read_jsonl(path: Path) -> Iterator[Document | InputError]:
    """A corpus of one JSON object a line, read a line at a time: memory stays bounded by the longest
    line kg reads (a longer one is skipped unread, and reported), whatever the file's size."""
    try:
        with path.open("rb") as handle:
            if b"\x00" in handle.read(8192):
                yield InputError(f"{path}: binary file, not text")
                return
            handle.seek(0)
            found = False
            for number, line in enumerate(_bounded_lines(handle), start=1):
                where = f"{path}:{number}"
                if line is None:
                    yield InputError(
                        f"{where}: line too long (over {_MAX_FILE_BYTES:,} bytes); kg reads documents of up "
                        f"to {MAX_DOCUMENT_CHARS:,} characters: split it into several"
                    )
                    found = True
                    continue
                try:
                    text = line.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as e:
                    yield InputError(
                        f"{where}: invalid UTF-8 at byte {e.start} of the line (kg reads UTF-8 only)"
                    )
                    found = True
                    continue
                if not text.strip():
                    continue
                found = True
                try:
                    yield _jsonl_document(text, where)
                except InputError as e:
                    yield e
    except OSError as e:
        yield InputError(f"{path}: cannot read: {e.strerror}")
        return
    if not found:
        yield InputError(f"{path}: empty document (no text)")


def _bounded_lines(handle: BinaryIO) -> Iterator[bytes | None]:
    """The lines of a binary file; None for a line longer than _MAX_FILE_BYTES, skipped unread."""
    while line := handle.readline(_MAX_FILE_BYTES + 1):
        if len(line) > _MAX_FILE_BYTES and not line.endswith(b"\n"):
            while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _jsonl_document(line: str, where: str) -> Document:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(f"{where}: malformed JSON: {e.msg} (column {e.colno})") from e
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object with 'id' and 'text'")
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or str(doc_id) == "":
        raise InputError(f"{where}: missing or invalid 'id'")
    if not isinstance(text, str):
        raise InputError(f"{where}: missing or invalid 'text'")
    check_length(text, where)
    text = clean_text(text)
    if not text.strip():
        raise InputError(f"{where}: empty document {doc_id!s} (no text)")
    _check_id(str(doc_id), where)
    published = _parse_date(record.get("published"), where)
    meta = {k: record.get(k) for k in ("url", "title")}
    for key, value in meta.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {key!r} must be a string")
    return Document(
        id=str(doc_id), text=text, published=published, url=meta["url"], title=meta["title"], source=where
    )


def _parse_date(value: object, where: str) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: 'published' must be an ISO date string")
    try:
        return date.fromisoformat(value[:10])
    except ValueError as e:
        raise InputError(f"{where}: 'published' is not an ISO date: {value!r}") from e


def _check_id(doc_id: str, where: str) -> None:
    if not _DOC_ID.match(doc_id):
        raise InputError(
            f"{where}: document id {doc_id!r} must start with a letter or digit and hold only "
            "letters, digits, '.', '_', '~' and '-'"
        )


class _TextExtractor(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "template", "head"})
    _BLOCK = frozenset(
        {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack.append(tag)
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if "title" in self._stack:
            self.title.append(data)
        elif not self._SKIP.intersection(self._stack):
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str | None, str]:
    """(title, visible text) of an HTML page; scripts and styles are dropped."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = re.sub(r"[ \t\r\f\v]+", " ", "".join(parser.parts))
    text = re.sub(r" *\n[ \n]*\n *", "\n\n", text).strip()
    title = " ".join("".join(parser.title).split()) or None
    return title, text


def markdown_to_text(markdown: str) -> str:
    """Plain text of Markdown: heading marks, emphasis, links and images reduced to their text."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s+", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<!\w)[*_](\S.*?\S|\S)[*_](?!\w)", r"\1", text)
    return text
