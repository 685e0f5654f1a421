"""Reading SPARQL text without parsing it: its strings, IRIs and comments blanked out (so that a
keyword or a brace inside them is not taken for code), its form, where its WHERE group opens.

The embedded store and the HTTP client both read queries this way; neither needs the other.
"""

from __future__ import annotations

import re

#: What cannot hold a brace or a keyword of the query: strings, IRIs and comments.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*"
)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


def masked(sparql: str) -> str:
    """The query with its strings, IRIs and comments blanked out (same length)."""
    return _NOT_CODE.sub(lambda m: " " * len(m.group()), sparql)


def query_form(sparql: str) -> tuple[str, int]:
    """The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE; "" if none) and where its keyword starts."""
    found = _FORM.search(masked(sparql))
    return (found.group(1).upper(), found.start()) if found else ("", -1)


def where_group(sparql: str) -> int:
    """Where the query's WHERE group opens (the first brace after its form keyword, outside any
    parentheses: a projected EXISTS is not it); -1 if it has none."""
    code = masked(sparql)
    form, start = query_form(sparql)
    depth = 0
    for index in range(start + len(form), len(code)) if form else ():
        char = code[index]
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "{" and depth == 0:
            return index
    return -1


def at_top_level(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether `pattern` occurs outside every brace of the (masked) query text."""
    depth = 0
    position = 0
    for found in pattern.finditer(text):
        for char in text[position : found.start()]:
            depth += {"{": 1, "}": -1}.get(char, 0)
        position = found.start()
        if depth == 0:
            return True
    return False


#: The keywords, not a variable (?graph) or a prefixed name (ex:graph, graph:x) spelled the same.
_GRAPH_CLAUSE = re.compile(r"(?<![?$:\w])(?:GRAPH|FROM\s+NAMED)(?![\w:-])", re.I)


def uses_named_graphs(sparql: str) -> bool:
    """Whether a query may read named graphs (GRAPH, FROM NAMED, outside strings, IRIs and comments):
    only those need the list of graphs, which slows Oxigraph several-fold on stores of thousands of
    documents."""
    return _GRAPH_CLAUSE.search(masked(sparql)) is not None
