"""Where a SPARQL server answers: its query, update and Graph Store Protocol URLs, from one address.

Servers lay out their endpoints differently; `endpoints` recognises these from the URL a user
gives (`--store`), and takes the update and Graph Store URLs explicitly where guessing cannot work:

- Oxigraph's server and `kg serve`: `http://host:7878` (or `.../query`): `/query`, `/update`, and
  the Graph Store Protocol at `/store`.
- Apache Jena Fuseki: the dataset, `http://host:3030/DATASET` (or `.../query`, `.../sparql`):
  `/DATASET/query`, `/DATASET/update`, `/DATASET/data`.
- Virtuoso: `http://host:8890/sparql` (queries and updates), Graph Store at `/sparql-graph-crud`;
  with a user, `/sparql-auth` and `/sparql-graph-crud-auth` (digest authentication).
- GraphDB and RDF4J: the repository, `http://host:7200/repositories/REPO` (queries), updates at
  `.../statements`, Graph Store at `.../rdf-graphs/service`.

Any other URL is taken as a SPARQL endpoint that answers both queries and updates, with no Graph
Store Protocol endpoint (writes then go as SPARQL updates).

Credentials: `http://user:password@host/...` (percent-encoded), or the environment variables
KG_STORE_USER and KG_STORE_PASSWORD (the password is then never on a command line); the URL's user
takes precedence, and KG_STORE_PASSWORD fills in a URL that names only the user. They are sent by
HTTP basic or digest authentication, as the server asks, and never appear in a message or repr.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from kg.core.errors import InputError

#: `--graph-store-url none`: the server has no Graph Store Protocol endpoint; write with updates.
NO_GRAPH_STORE = "none"
USER_VARIABLE = "KG_STORE_USER"
PASSWORD_VARIABLE = "KG_STORE_PASSWORD"

_GRAPHDB = re.compile(r"^(?P<repository>.*/repositories/[^/]+?)(?:/statements)?$")
_VIRTUOSO = re.compile(r"^/sparql(?P<auth>-auth)?$")
_FUSEKI_SERVICE = re.compile(r"^(?P<dataset>(?:/[^/]+)+)/(?P<service>query|sparql|update|data|get)$")
_FUSEKI_DATASET = re.compile(r"^/[^/]+$")


@dataclass(frozen=True)
class Endpoints:
    """A SPARQL 1.1 server's URLs (without credentials) and, apart, the credentials to send."""

    query: str
    update: str
    graph_store: str | None
    #: the layout recognised: oxigraph, fuseki, virtuoso, graphdb, or sparql (any other server)
    server: str = "sparql"
    #: the store's address, for messages: what the user gave, normalised and without credentials
    location: str = ""
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.location:
            object.__setattr__(self, "location", self.query)


def is_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def endpoints(url: str, *, update: str | None = None, graph_store: str | None = None) -> Endpoints:
    """The endpoints of the server at `url` (see the module docstring); `update` and `graph_store`
    replace the guessed ones (`graph_store="none"`: no Graph Store Protocol endpoint)."""
    base, user, password = _split_credentials(url)
    guessed = _layout(base)
    update_url = guessed.update
    if update is not None:
        update_url, user, password = _explicit(update, "--update-url", user, password)
    graph_store_url = guessed.graph_store
    if graph_store is not None:
        if graph_store.strip().lower() == NO_GRAPH_STORE:
            graph_store_url = None
        else:
            graph_store_url, user, password = _explicit(graph_store, "--graph-store-url", user, password)
    user = user if user is not None else os.environ.get(USER_VARIABLE) or None
    if user is not None and password is None:
        password = os.environ.get(PASSWORD_VARIABLE, "")
    return Endpoints(
        query=guessed.query,
        update=update_url,
        graph_store=graph_store_url,
        server=guessed.server,
        location=guessed.location,
        user=user,
        password=password,
    )


def store_location(
    store: str, *, update: str | None = None, graph_store: str | None = None
) -> str | Endpoints:
    """What `--store` (with `--update-url`, `--graph-store-url`) names: the string itself, or a
    server's Endpoints when an endpoint is given explicitly (InputError if `store` is no URL)."""
    if update is None and graph_store is None:
        return store
    if not is_url(store):
        raise InputError(f"--update-url and --graph-store-url need a server's URL in --store, not {store}")
    return endpoints(store, update=update, graph_store=graph_store)


def redact(url: str) -> str:
    """The URL without its user and password (for messages)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _layout(url: str) -> Endpoints:
    parts = urlsplit(url)
    root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    path = parts.path.rstrip("/")
    if parts.query or parts.fragment:
        raise InputError(f"{url}: a store URL takes no ?query or #fragment")
    if path in ("", "/query"):
        return Endpoints(f"{root}/query", f"{root}/update", f"{root}/store", "oxigraph", root)
    if found := _GRAPHDB.match(path):
        repository = root + found["repository"]
        return Endpoints(
            repository, f"{repository}/statements", f"{repository}/rdf-graphs/service", "graphdb", repository
        )
    if found := _VIRTUOSO.match(path):
        auth = found["auth"] or ""
        sparql = f"{root}/sparql{auth}"
        return Endpoints(sparql, sparql, f"{root}/sparql-graph-crud{auth}", "virtuoso", sparql)
    if found := _FUSEKI_SERVICE.match(path):
        dataset = root + found["dataset"]
        service = found["service"] if found["service"] in ("query", "sparql") else "query"
        return Endpoints(f"{dataset}/{service}", f"{dataset}/update", f"{dataset}/data", "fuseki", dataset)
    if _FUSEKI_DATASET.match(path):
        dataset = root + path
        return Endpoints(f"{dataset}/query", f"{dataset}/update", f"{dataset}/data", "fuseki", dataset)
    return Endpoints(root + path, root + path, None, "sparql", root + path)


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    if not is_url(url):
        raise InputError(f"{url}: not a store URL (http:// or https://)")
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError as e:
        raise InputError(f"{redact_loosely(url)}: not a valid URL: {e}") from e
    decoded_user = unquote(user) if user is not None else None
    return redact(url), decoded_user, unquote(password) if password is not None else None


def _explicit(
    url: str, option: str, user: str | None, password: str | None
) -> tuple[str, str | None, str | None]:
    """An explicit endpoint URL, and the credentials (its own, else the store URL's)."""
    if not is_url(url):
        raise InputError(f"{option} {redact_loosely(url)}: not an http:// or https:// URL")
    bare, own_user, own_password = _split_credentials(url)
    if own_user is not None:
        return bare.rstrip("/"), own_user, own_password
    return bare.rstrip("/"), user, password


def redact_loosely(text: str) -> str:
    """`text` with anything that looks like `user:password@` in a URL removed (for messages about
    strings that may not even parse as URLs)."""
    return re.sub(r"(?<=://)[^/@\s]*@", "", text)
