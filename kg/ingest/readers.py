"""Read inputs into Documents: text, Markdown (with front matter), HTML articles, RSS and Atom feeds,
JSON lines, folders of them, and any of these gzipped (`.html.gz`, `.jsonl.gz`...).

Bad input never stops a batch: each unreadable file or line becomes an `InputError` naming the
file (and line) and the problem, and the other documents are still returned. A document in another
language than English is `Skipped` with the reason (kg's model is English).

HTML pages are read by trafilatura (kg.ingest.formats): the article's text, without navigation, tables,
scripts, asides and footers, with its title, date, author and canonical URL. Each entry of a feed is
a document: the linked page's text where that page is among the inputs (matched by its canonical
URL, or by its file name and the link's last segment), the entry's summary otherwise; the page is
then not a document of its own. Feeds are read after the other files, so their pages are known.
"""

from __future__ import annotations

import gzip
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

from kg.core.errors import InputError
from kg.core.types import Document
from kg.ingest.formats import FEED_SUFFIXES, Article, Entry, feed_entries, html_article, non_english

log = logging.getLogger(__name__)

#: The longest document kg reads, in characters (about 600 pages of a book; extraction takes about a
#: minute and a half for one, in pieces: kg.extract.chunks). A longer one is refused with a message; the
#: rest of the batch still builds. A file over four times as many bytes is refused unread.
MAX_DOCUMENT_CHARS = 2_000_000
_MAX_FILE_BYTES = 4 * MAX_DOCUMENT_CHARS

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
SUFFIXES = (*TEXT_SUFFIXES, ".jsonl", *FEED_SUFFIXES)
_META_KEYS = ("title", "published", "url", "author", "language")
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
class Skipped:
    """A document that was read but is not built, and why (its language)."""

    id: str
    source: str
    reason: str
    words: int


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[Document, ...]
    errors: tuple[InputError, ...]
    skipped: tuple[Skipped, ...] = ()


def read_inputs(inputs: Iterable[str | Path]) -> IngestResult:
    """Every document of every input; a problem with one input is collected, not raised."""
    documents: list[Document] = []
    errors: list[InputError] = []
    skipped: list[Skipped] = []
    for result in iter_inputs(inputs):
        if isinstance(result, InputError):
            errors.append(result)
        elif isinstance(result, Skipped):
            skipped.append(result)
        else:
            documents.append(result)
    return IngestResult(tuple(documents), tuple(errors), tuple(skipped))


def iter_inputs(inputs: Iterable[str | Path]) -> Iterator[Document | InputError | Skipped]:
    """The documents of the inputs one at a time (a corpus is never all in memory), each problem as
    an InputError, each document in another language as Skipped; a repeated id is an error."""
    seen: dict[str, str] = {}
    for result in _read_all([Path(item) for item in inputs]):
        if not isinstance(result, Document):
            yield result
            continue
        where = result.source or result.id
        if result.id in seen:
            yield InputError(f"{where}: duplicate document id {result.id!r} (also {seen[result.id]})")
            continue
        seen[result.id] = where
        result = clean_document(result)
        reason = non_english(result.text)
        if reason is not None:
            yield Skipped(result.id, where, reason, len(result.text.split()))
            continue
        yield result


def document_from_text(text: str, doc_id: str, **meta: object) -> Document:
    """A Document from a string (the Python API's `kg.build(["some text", ...])`)."""
    _check_id(doc_id, doc_id)
    check_length(text, doc_id)
    text = clean_text(text)
    if not text.strip():
        raise InputError(f"{doc_id}: empty document (no text)")
    return Document(id=doc_id, text=text, **meta)  # type: ignore[arg-type]


def _suffix(path: Path) -> str:
    """The format's suffix: `.html` of `a.html` and of `a.html.gz`."""
    name = path.name.lower().removesuffix(".gz")
    return Path(name).suffix


def _stem(path: Path) -> str:
    return Path(path.name.removesuffix(".gz").removesuffix(".GZ")).stem


def _files(path: Path) -> Iterator[Path | InputError]:
    """The files an input names: itself, or a folder's readable files in name order."""
    if not path.exists():
        yield InputError(f"{path}: no such file or folder")
    elif path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and _suffix(p) in SUFFIXES
            and not (_suffix(p) in (".html", ".htm") and is_kg_page(p))
        )  # kg's own pages (an --out inside the inputs) are never documents
        if not files:
            yield InputError(f"{path}: folder holds no {', '.join(SUFFIXES)} files (or gzipped ones)")
        yield from files
    elif _suffix(path) in SUFFIXES:
        yield path
    else:
        yield InputError(
            f"{path}: unsupported file type {path.suffix or '(none)'!r}; use {', '.join(SUFFIXES)} "
            "(or any of them gzipped, .gz)"
        )


def _read_all(paths: list[Path]) -> Iterator[Document | InputError]:
    """The documents of every file, feeds last: an entry whose page is among the other files takes
    that page's text (see the module doc), and the page is not a document of its own."""
    feeds: list[tuple[Path, list[Entry]]] = []
    others: list[Path | InputError] = []  # in input order, a missing path's error among them
    for path in paths:
        for file in _files(path):
            if isinstance(file, InputError):
                others.append(file)
            elif _suffix(file) in FEED_SUFFIXES:
                try:
                    feeds.append((file, feed_entries(_read_bytes(file), str(file))))
                except InputError as e:
                    yield e
            else:
                others.append(file)
    from kg.ingest.formats import link_stem, normal_url

    links = {normal_url(e.link) for _, entries in feeds for e in entries if e.link}
    stems = {link_stem(e.link) for _, entries in feeds for e in entries if e.link}
    pages: dict[str, Document] = {}  # pages feeds link to, by normalized URL and by file stem
    for file in others:
        if isinstance(file, InputError):
            yield file
            continue
        for document in _read_one(file):
            if isinstance(document, Document) and _suffix(file) in (".html", ".htm"):
                url = normal_url(document.url) if document.url else None
                if url in links or document.id in stems:
                    pages[f"url:{url}"] = pages[f"stem:{document.id}"] = document
                    continue
            yield document
    used: set[str] = set()
    for file, entries in feeds:
        for entry in entries:
            page = None
            if entry.link:
                by_url, by_stem = f"url:{normal_url(entry.link)}", f"stem:{link_stem(entry.link)}"
                page = pages.get(by_url) or pages.get(by_stem)
            try:
                document = _entry_document(entry, page, file)
            except InputError as e:
                yield e
                continue
            if page is not None:
                used.add(page.id)
            yield document
    for key, page in pages.items():  # a page whose entry could not be read is still a document
        if key.startswith("stem:") and page.id not in used:
            yield page


def _entry_document(entry: Entry, page: Document | None, feed: Path) -> Document:
    from kg.ingest.formats import entry_id

    article = entry.article
    where = f"{feed}: entry {entry.key!r}"
    if page is not None:
        return replace(
            page,
            title=article.title or page.title,
            published=article.published or page.published,
            author=article.author or page.author,
            url=article.url or page.url,
            language=page.language or article.language,
            source=f"{page.source} (entry of {feed})",
        )
    if not article.text.strip():
        raise InputError(f"{where}: empty entry (no summary, and its page is not among the inputs)")
    doc_id = entry_id(entry, _stem(feed))
    _check_id(doc_id, where)
    return Document(
        id=doc_id,
        text=article.text,
        published=article.published,
        url=article.url,
        title=article.title,
        author=article.author,
        language=article.language,
        source=where,
    )


def _open_binary(path: Path) -> BinaryIO:
    """A file opened for reading bytes, decompressed as it is read if it is gzipped."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _read_bytes(path: Path) -> bytes:
    """A file's bytes, decompressed if it is gzipped; InputError if it cannot be read, or is over
    _MAX_FILE_BYTES (a plain file is refused unread; a gzipped one when that much is decompressed)."""
    try:
        size = path.stat().st_size
        if size > _MAX_FILE_BYTES:
            raise InputError(
                f"{path}: file too large ({size / 1e6:,.1f} MB); kg reads documents of up to "
                f"{MAX_DOCUMENT_CHARS:,} characters: split it into several"
            )
        with _open_binary(path) as handle:
            data = handle.read(_MAX_FILE_BYTES + 1)
    except (OSError, EOFError) as e:
        raise InputError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from e
    if len(data) > _MAX_FILE_BYTES:
        raise InputError(
            f"{path}: file too large (over {_MAX_FILE_BYTES / 1e6:,.1f} MB decompressed); kg reads "
            f"documents of up to {MAX_DOCUMENT_CHARS:,} characters: split it into several"
        )
    return data


def _read_one(path: Path) -> Iterator[Document | InputError]:
    if _suffix(path) == ".jsonl":
        yield from _read_jsonl(path)
    elif _suffix(path) in (".html", ".htm") and is_kg_page(path):
        yield InputError(f"{path}: a graph view kg wrote, not a document")
    else:
        try:
            yield _read_text_file(path)
        except InputError as e:
            yield e


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
    data = _read_bytes(path)
    raw = _decode(path, data)
    check_length(raw, str(path))
    doc_id = _stem(path)
    _check_id(doc_id, str(path))
    meta, raw = split_front_matter(raw, str(path))
    suffix = _suffix(path)
    article = Article(text=raw)
    if suffix in (".html", ".htm"):
        article = html_article(raw) or _plain_html(raw)
    elif suffix == ".md":
        article = Article(text=markdown_to_text(raw))
    if not article.text.strip():
        raise InputError(f"{path}: empty document (no text after markup is removed)")
    published = _parse_date(meta.get("published"), str(path)) or article.published
    return Document(
        id=doc_id,
        text=article.text,
        title=meta.get("title") or article.title,
        url=meta.get("url") or article.url,
        published=published,
        author=meta.get("author") or article.author,
        language=meta.get("language") or article.language,
        source=str(path),
    )


def _plain_html(html: str) -> Article:
    """An HTML fragment's visible text, where trafilatura finds no article in it."""
    title, text = html_to_text(html)
    return Article(text=text, title=title)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(raw: str, where: str) -> tuple[dict[str, str], str]:
    """YAML front matter (`---` lines around `title:`, `published:`, `url:`, `author:`, `language:`)
    and the text after it."""
    match = _FRONT_MATTER.match(raw)
    if match is None:
        return {}, raw
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as e:
        raise InputError(f"{where}: malformed front matter: {e}") from e
    if not isinstance(meta, dict):
        raise InputError(f"{where}: front matter must be 'key: value' lines")
    unknown = set(meta) - set(_META_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown front matter keys {sorted(unknown)}; use {', '.join(_META_KEYS)}")
    out = {k: v.isoformat() if isinstance(v, date) else str(v) for k, v in meta.items() if v is not None}
    return out, raw[match.end() :]


def _read_jsonl(path: Path) -> Iterator[Document | InputError]:
    """A corpus of one JSON object a line, read a line at a time: memory stays bounded by the longest
    line kg reads (a longer one is skipped unread, and reported), whatever the file's size."""
    try:
        with _open_binary(path) as handle:
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
    except (OSError, EOFError) as e:  # (a .gz that is not gzip, or is cut short: OSError, EOFError)
        yield InputError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}")
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
    meta = {k: record.get(k) for k in ("url", "title", "author", "language")}
    for key, value in meta.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {key!r} must be a string")
    return Document(
        id=str(doc_id),
        text=text,
        published=published,
        url=meta["url"],
        title=meta["title"],
        author=meta["author"],
        language=meta["language"],
        source=where,
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
