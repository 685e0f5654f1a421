"""The SPARQL 1.1 Protocol and Graph Store Protocol over HTTP, with what real servers need.

`Client` sends queries and updates as form POSTs, and N-Triples to a Graph Store Protocol endpoint
(`?graph=IRI`); it authenticates (basic or digest, as the server asks) and turns HTTP failures
into StoreError or QueryError messages that name the URL and never the credentials.

Results are asked for as SPARQL JSON, then XML. pyoxigraph's XML reader trims the white space
around a literal's text, which Virtuoso writes as it is (Oxigraph escapes it), so XML results have
it escaped before parsing. Virtuoso writes xsd:boolean true and false as "1" and "0" in JSON
(measured on 7.2); they are read as "true" and "false". Blank node ids pyoxigraph would refuse
(Virtuoso's `nodeID://b10003`) are rewritten into valid ones (b10003).

A server may cut a SELECT result at a maximum number of rows (Virtuoso: ResultSetMaxRows, 10,000
by default; it then sends an `X-SPARQL-MaxRows` header). The query is then read again in pages of
that size, each the query as a subquery (ordered by its variables when it has no order or limit of
its own) with OFFSET and LIMIT outside: Virtuoso refuses an ORDER BY whose OFFSET and LIMIT reach
past 10,000 rows (SR353), but not this form (measured at OFFSET 15000).
"""

from __future__ import annotations

import logging
import re
import time
import urllib.error
import urllib.request
from email.message import Message
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.core.errors import QueryError, StoreError
from kg.store import virtuoso
from kg.store.endpoints import Endpoints
from kg.store.names import UNION_HEADER, UNION_KEPT
from kg.store.sparqltext import at_top_level, masked, query_form, where_group

log = logging.getLogger(__name__)

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
#: The header Virtuoso sends when it cut a result at its maximum number of rows.
_MAX_ROWS = "X-SPARQL-MaxRows"
_FORM_TYPE = "application/x-www-form-urlencoded"
_ERROR_CHARS = 600
#: What oxigraph writes at the end of an answer it stopped at its --timeout-s (after status 200)
_CANCELLED = b"The SPARQL operation has been cancelled"
_MODIFIER = re.compile(r"\b(ORDER\s+BY|LIMIT|OFFSET|VALUES)\b", re.I)

_XML_BNODE = re.compile(rb"<bnode>([^<]*)</bnode>")
_JSON_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")([^"]*)(")')
_JSON_BNODE_AFTER = re.compile(rb'("value"\s*:\s*")([^"]*)("\s*,\s*"type"\s*:\s*"bnode")')
_BNODE_ID = re.compile(rb"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_XML_LITERAL = re.compile(rb"(<literal[^>]*>)([^<]*)(</literal>)")
_JSON_BOOLEAN = re.compile(
    rb'("datatype"\s*:\s*"http://www\.w3\.org/2001/XMLSchema#boolean"\s*,\s*"value"\s*:\s*")([01])"'
)


class Client:
    """HTTP to one server's endpoints (see the module docstring)."""

    def __init__(
        self, endpoints: Endpoints, *, timeout: float = 600.0, max_result_bytes: int | None = None
    ) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        #: the most an answer may hold: a longer one is a QueryError, read no further
        self.max_result_bytes = max_result_bytes
        #: the Server header of the last answer (how a server behind an unknown URL is recognised)
        self.product = ""
        handlers: list[urllib.request.BaseHandler] = []
        if endpoints.user is not None:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (endpoints.query, endpoints.update, endpoints.graph_store):
                if url is not None:
                    manager.add_password(None, url, endpoints.user, endpoints.password or "")
            handlers = [
                urllib.request.HTTPDigestAuthHandler(manager),
                urllib.request.HTTPBasicAuthHandler(manager),
            ]
        self._opener = urllib.request.build_opener(*handlers)

    @property
    def virtuoso(self) -> bool:
        return self.endpoints.server == "virtuoso" or "virtuoso" in self.product.lower()

    # ------------------------------------------------------------------ requests

    def send(
        self,
        url: str,
        *,
        role: str = "query",
        data: bytes | None = None,
        params: list[tuple[str, str]] | None = None,
        content_type: str | None = None,
        accept: str | None = None,
    ) -> tuple[Message, bytes]:
        """One request to the `role` endpoint (query, update or graph store); its headers and body.
        StoreError, or QueryError for a query the server refused as malformed."""
        address = url + (f"?{urlencode(params)}" if params else "")
        headers = {k: v for k, v in (("Content-Type", content_type), ("Accept", accept)) if v}
        if role != "query":  # every write of kg's keeps the union graph current itself
            headers[UNION_HEADER] = UNION_KEPT
        try:
            with self._opener.open(
                urllib.request.Request(address, data=data, headers=headers), timeout=self.timeout
            ) as response:
                self.product = response.headers.get("Server", "") or self.product
                return response.headers, self._read(response, role)
        except urllib.error.HTTPError as e:
            raise self._refused(url, role, e) from e
        except OSError as e:
            raise StoreError(f"cannot reach the kg store at {self.endpoints.location}: {e}") from e

    def _read(self, response: Any, role: str) -> bytes:
        """The body of an answer, read in pieces, within `timeout` seconds in all and within
        `max_result_bytes`; QueryError past either."""
        deadline = time.monotonic() + self.timeout
        limit = self.max_result_bytes
        pieces: list[bytes] = []
        size = 0
        while piece := response.read(1 << 20):
            size += len(piece)
            if limit is not None and size > limit:
                raise QueryError(
                    f"{self.endpoints.location}: the {role} answer is larger than {limit / 1e6:g} MB "
                    "(--max-result-mb): ask for less (LIMIT), or raise the limit"
                )
            if time.monotonic() > deadline:
                raise QueryError(
                    f"{self.endpoints.location}: the {role} answer took longer than "
                    f"{self.timeout:g} s (--timeout)"
                )
            pieces.append(piece)
        return b"".join(pieces)

    def _refused(self, url: str, role: str, e: urllib.error.HTTPError) -> StoreError | QueryError:
        try:
            text = e.read().decode("utf-8", errors="replace")
        except OSError:
            text = ""
        text = re.sub(r"<[^>]+>", " ", text) if "<html" in text[:200].lower() else text
        text = text.split("\n\nSPARQL query:")[0]  # Virtuoso repeats the whole query
        text = " ".join(text.split())[:_ERROR_CHARS] or str(e.reason)
        message = f"{url}: HTTP {e.code}: {virtuoso.hint(text) if self.virtuoso else text}"
        if e.code == 403 and re.search(r"read[- ]only", text, re.IGNORECASE):
            message += (
                " (the server takes no writes; a store `kg serve` serves takes them with --allow-update)"
                if role != "query"
                else ""
            )
        elif e.code in (401, 403):
            message += (
                " (check the user and password: user:password@ in the URL,"
                " or KG_STORE_USER and KG_STORE_PASSWORD)"
            )
        elif e.code in (404, 405) and role != "query":
            option = "--update-url" if role == "update" else "--graph-store-url"
            message += f" (is this the server's {role} endpoint? give the right one with {option})"
        if e.code == 400 and role == "query":
            return QueryError(message)
        return StoreError(message)

    # ------------------------------------------------------------------ SPARQL

    def query(self, sparql: str, dataset: list[tuple[str, str]]) -> QueryResult:
        """A SELECT or ASK query with the dataset's protocol parameters; a SELECT the server cut
        short is read again in pages."""
        headers, body = self._post_query(sparql, dataset)
        result = self._parse(headers, body)
        cap = _cap(headers)
        if cap is None or not isinstance(result, ox.QuerySolutions):
            return result
        log.info("%s cut the result at %d rows: reading it in pages", self.endpoints.location, cap)
        return self._paged(sparql, dataset, [v.value for v in result.variables], cap)

    def update(self, sparql: str) -> None:
        if self.virtuoso:
            sparql = virtuoso.update(sparql)
        data = urlencode([("update", sparql)]).encode()
        self.send(self.endpoints.update, role="update", data=data, content_type=_FORM_TYPE)

    def post_triples(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        """Add triples to a graph with one Graph Store Protocol POST (N-Triples)."""
        if self.endpoints.graph_store is None:
            raise StoreError(
                f"{self.endpoints.location}: no Graph Store Protocol endpoint to post triples to"
            )
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        self.send(
            self.endpoints.graph_store,
            role="graph store",
            data=data,
            params=[("graph", graph.value)],
            content_type="application/n-triples",
        )

    def _post_query(self, sparql: str, dataset: list[tuple[str, str]]) -> tuple[Message, bytes]:
        if self.virtuoso:
            sparql = virtuoso.query(sparql, masked(sparql))
            sparql, dataset = virtuoso.with_dataset(sparql, masked(sparql), where_group(sparql), dataset), []
        fields = urlencode([("query", sparql), *dataset]).encode()
        return self.send(self.endpoints.query, data=fields, content_type=_FORM_TYPE, accept=_ACCEPT)

    def _paged(
        self, sparql: str, dataset: list[tuple[str, str]], variables: list[str], size: int
    ) -> ox.QuerySolutions:
        _, start = query_form(sparql)
        prologue, body = sparql[:start], sparql[start:]
        names = " ".join(f"?{v}" for v in variables)
        if not at_top_level(masked(body), _MODIFIER):  # a stable order for the pages
            body += f"\nORDER BY {names}"
        pages: list[bytes] = []
        offset = 0
        while True:
            page = f"{prologue}SELECT {names} WHERE {{ {{ {body}\n}} }} OFFSET {offset} LIMIT {size}"
            headers, data = self._post_query(page, dataset)
            result = self.solutions(self._parse(headers, data))
            tsv = result.serialize(format=ox.QueryResultsFormat.TSV) or b""
            head, _, rows = tsv.partition(b"\n")
            pages.append(rows)
            count = rows.count(b"\n")
            if count < size:
                break
            offset += size
        merged = head + b"\n" + b"".join(pages)
        return self.solutions(ox.parse_query_results(merged, format=ox.QueryResultsFormat.TSV))

    def solutions(self, result: QueryResult) -> ox.QuerySolutions:
        """The rows of a SELECT's answer; StoreError if the server answered something else (a checked
        error, not an assert: what a server sends is input, and asserts go under `python -O`)."""
        if not isinstance(result, ox.QuerySolutions):
            kind = "a boolean" if isinstance(result, ox.QueryBoolean) else "triples"
            raise StoreError(f"{self.endpoints.query}: the server answered a SELECT with {kind}, not rows")
        return result

    def _parse(self, headers: Message, body: bytes) -> QueryResult:
        content_type = headers.get("Content-Type", "").lower()
        if _CANCELLED in body[-200:]:  # (the results are read lazily: a parse error would come late)
            raise QueryError(
                f"{self.endpoints.query}: the query ran past the server's time limit (--timeout)"
            )
        if "json" in content_type:
            fmt = ox.QueryResultsFormat.JSON
            for pattern in (_JSON_BNODE, _JSON_BNODE_AFTER):
                body = pattern.sub(lambda m: m.group(1) + _bnode_id(m.group(2)) + m.group(3), body)
            if self.virtuoso:
                body = _JSON_BOOLEAN.sub(
                    lambda m: m.group(1) + (b"true" if m.group(2) == b"1" else b"false") + b'"', body
                )
        elif "xml" in content_type:
            fmt = ox.QueryResultsFormat.XML
            body = _XML_BNODE.sub(lambda m: b"<bnode>" + _bnode_id(m.group(1)) + b"</bnode>", body)
            body = _XML_LITERAL.sub(lambda m: m.group(1) + _kept_spaces(m.group(2)) + m.group(3), body)
        else:
            kind = content_type or "no content type"
            raise QueryError(f"{self.endpoints.query}: the server answered {kind}, not SPARQL results")
        try:
            return ox.parse_query_results(body, format=fmt)
        except (SyntaxError, ValueError) as e:
            raise StoreError(f"{self.endpoints.query}: unreadable SPARQL results: {e}") from e


def _kept_spaces(text: bytes) -> bytes:
    """XML text with its leading and trailing white space as character references (kept by parsers)."""
    stripped = text.strip()
    if len(stripped) == len(text):
        return text
    start = text.index(stripped) if stripped else len(text)
    lead, trail = text[:start], text[start + len(stripped) :]

    def escaped(spaces: bytes) -> bytes:
        return b"".join(b"&#%d;" % byte for byte in spaces)

    return escaped(lead) + stripped + escaped(trail)


def _cap(headers: Message) -> int | None:
    value = headers.get(_MAX_ROWS)
    try:
        return int(value) if value is not None and int(value) > 0 else None
    except ValueError:
        return None


def _bnode_id(raw: bytes) -> bytes:
    """A blank node id pyoxigraph accepts (Virtuoso's nodeID://b10003 is b10003): letters, digits,
    _ and -; any other character written as _xx_ (its code)."""
    raw = raw.removeprefix(b"nodeID://")
    if _BNODE_ID.match(raw):
        return raw
    return b"b" + re.sub(rb"[^A-Za-z0-9]", lambda m: b"_%x_" % m.group()[0], raw)
