"""Query result cells: RDF terms as plain Python values (numbers, booleans, strings), with IRIs,
blank nodes and other literals kept as marked strings so that output formats can tell them apart."""

from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_INTEGER_TYPES = frozenset(
    XSD + t
    for t in (
        *("integer", "int", "long", "short", "byte", "unsignedInt", "unsignedLong", "unsignedShort"),
        *("unsignedByte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger"),
    )
)
XSD_INTEGER, XSD_DECIMAL, XSD_DOUBLE = XSD + "integer", XSD + "decimal", XSD + "double"


class IRI(str):
    """A result cell holding an IRI (a `str`, marked so JSON output can say so)."""

    __slots__ = ()


class BlankNodeId(str):
    """A result cell holding a blank node's id."""

    __slots__ = ()


class TypedFloat(float):
    """A number cell whose datatype a Python float would lose (xsd:decimal, xsd:float): a float to
    compute with, that keeps its lexical form and datatype for the output formats. (xsd:double is a
    plain float, xsd:integer a plain int.)"""

    lexical: str
    datatype: str

    def __new__(cls, lexical: str, datatype: str = XSD_DECIMAL) -> TypedFloat:
        cell = super().__new__(cls, lexical)
        cell.lexical, cell.datatype = lexical, datatype
        return cell

    @classmethod
    def of(cls, value: float, datatype: str) -> TypedFloat:
        """From a plain float (a DataFrame's), in plain notation for xsd:decimal."""
        text = repr(float(value))
        if datatype == XSD_DECIMAL and ("e" in text or "E" in text):
            text = format(Decimal(text), "f")
        return cls(text, datatype)

    def __repr__(self) -> str:
        return f"TypedFloat({self.lexical!r}, {self.datatype!r})"


class TypedInt(int):
    """An integer cell of a datatype other than xsd:integer (xsd:int, xsd:long, ...), kept."""

    datatype: str

    def __new__(cls, value: int | str, datatype: str) -> TypedInt:
        cell = super().__new__(cls, value)
        cell.datatype = datatype
        return cell

    def __repr__(self) -> str:
        return f"TypedInt({int(self)!r}, {self.datatype!r})"


def datatype_of(cell: object) -> str | None:
    """The XSD datatype a number or boolean cell stands for (None for other cells)."""
    if isinstance(cell, TypedFloat | TypedInt):
        return cell.datatype
    if isinstance(cell, bool):
        return XSD + "boolean"
    if isinstance(cell, int):
        return XSD_INTEGER
    if isinstance(cell, float):
        return XSD_DOUBLE
    return None


def lexical_of(cell: int | float) -> str:
    """The lexical form of a number cell: its own for a TypedFloat, else Python's."""
    if isinstance(cell, TypedFloat):
        return cell.lexical
    if isinstance(cell, int):
        return str(int(cell))
    return repr(float(cell))


class TypedText(str):
    """A result cell holding a literal kept as text: a date, a language-tagged string..."""

    datatype: str | None
    language: str | None

    def __new__(cls, value: str, datatype: str | None = None, language: str | None = None) -> TypedText:
        cell = super().__new__(cls, value)
        cell.datatype, cell.language = datatype, language
        return cell


def from_ox(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return BlankNodeId(term.value)
    if isinstance(term, ox.Literal):
        return literal(term.value, term.datatype.value, term.language)
    return str(term)  # an RDF 1.2 triple term


def literal(lexical: str, datatype: str | None, language: str | None) -> object:
    """A literal as a Python value: numbers and booleans converted, other text kept as strings."""
    if language:
        return TypedText(lexical, RDF_LANG_STRING, language)
    if datatype is None or datatype == XSD + "string":
        return lexical
    try:
        if datatype == XSD_INTEGER:
            return int(lexical)
        if datatype in _INTEGER_TYPES:
            return TypedInt(lexical, datatype)
        if datatype == XSD_DOUBLE:
            return float(lexical)
        if datatype in (XSD_DECIMAL, XSD + "float"):
            return TypedFloat(lexical, datatype)
    except ValueError:
        pass  # an ill-typed literal stays text
    if datatype == XSD + "boolean" and lexical in ("true", "false", "1", "0"):
        return lexical in ("true", "1")
    return TypedText(lexical, datatype)


# ---------------------------------------------------------------------- SPARQL TSV results

_BARE_INTEGER_RE = re.compile(r"[+-]?\d+")
_BARE_DECIMAL_RE = re.compile(r"[+-]?\d*\.\d+")
_BARE_DOUBLE_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_ESCAPE_RE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def read_tsv(data: bytes) -> tuple[list[str], list[list[object]]]:
    """The variables and rows of SPARQL 1.1 Query Results TSV, cells as `from_ox` makes them.

    Reading Oxigraph's TSV serialization is how kg reads a store's results: it writes every term in
    Rust, where building a Python object per term cost 5 of 12 s on a 72k-row result.
    """
    header, *lines = data.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last row (a row of one unbound cell is "" too)
    columns = [name[1:] for name in header.split("\t")] if header else []
    if not columns:
        return columns, [[] for _ in lines]
    cells: dict[str, object] = {"": None}  # results repeat terms: parse each once
    rows: list[list[object]] = []
    for line in lines:
        row: list[object] = []
        for raw in line.split("\t"):
            value = cells.get(raw, _MISSING)
            if value is _MISSING:
                value = cells[raw] = tsv_cell(raw)
            row.append(value)
        rows.append(row)
    return columns, rows


def tsv_cell(raw: str) -> object:
    """One term of SPARQL TSV results (Turtle syntax) as `from_ox` makes it; "" is unbound."""
    first = raw[:1]
    if first == "<" and raw[-1] == ">" and raw[1:2] != "<":
        return IRI(raw[1:-1])
    if first == '"':
        end = raw.rfind('"')
        lexical = raw[1:end]
        if "\\" in lexical:
            lexical = _ESCAPE_RE.sub(_unescape, lexical)
        if end == len(raw) - 1:
            return lexical
        suffix = raw[end + 1 :]
        if suffix.startswith("@"):
            return literal(lexical, RDF_LANG_STRING, suffix[1:])
        if suffix.startswith("^^<"):
            return literal(lexical, suffix[3:-1], None)
        return lexical
    if not raw:
        return None
    if raw.startswith("_:"):
        return BlankNodeId(raw[2:])
    if raw in ("true", "false"):
        return raw == "true"
    if _BARE_INTEGER_RE.fullmatch(raw):
        return int(raw)
    if _BARE_DECIMAL_RE.fullmatch(raw):
        return TypedFloat(raw, XSD_DECIMAL)
    if _BARE_DOUBLE_RE.fullmatch(raw):
        return float(raw)
    return raw  # an RDF 1.2 triple term, as its text


def _unescape(match: re.Match[str]) -> str:
    if match.group(3) is not None:
        return _ESCAPES.get(match.group(3), match.group(0))
    return chr(int(match.group(1) or match.group(2), 16))


_MISSING = object()
