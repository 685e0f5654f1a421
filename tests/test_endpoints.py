"""kg.store.endpoints: a server's query, update and Graph Store URLs from the URL a user gives, and
credentials."""

from __future__ import annotations

import pytest

from kg.core.errors import InputError
from kg.store.endpoints import (
    PASSWORD_VARIABLE,
    USER_VARIABLE,
    Endpoints,
    endpoints,
    redact,
    redact_loosely,
    store_location,
)

H = "http://h:1"


@pytest.mark.parametrize(
    ("given", "query", "update", "graph_store", "server", "location"),
    [
        (H, f"{H}/query", f"{H}/update", f"{H}/store", "oxigraph", H),
        (f"{H}/", f"{H}/query", f"{H}/update", f"{H}/store", "oxigraph", H),
        (f"{H}/query", f"{H}/query", f"{H}/update", f"{H}/store", "oxigraph", H),
        (f"{H}/ds", f"{H}/ds/query", f"{H}/ds/update", f"{H}/ds/data", "fuseki", f"{H}/ds"),
        (f"{H}/ds/query/", f"{H}/ds/query", f"{H}/ds/update", f"{H}/ds/data", "fuseki", f"{H}/ds"),
        (f"{H}/ds/sparql", f"{H}/ds/sparql", f"{H}/ds/update", f"{H}/ds/data", "fuseki", f"{H}/ds"),
        (f"{H}/ds/update", f"{H}/ds/query", f"{H}/ds/update", f"{H}/ds/data", "fuseki", f"{H}/ds"),
        (
            f"{H}/fuseki/ds/query",
            f"{H}/fuseki/ds/query",
            f"{H}/fuseki/ds/update",
            f"{H}/fuseki/ds/data",
            "fuseki",
            f"{H}/fuseki/ds",
        ),
        (f"{H}/sparql", f"{H}/sparql", f"{H}/sparql", f"{H}/sparql-graph-crud", "virtuoso", f"{H}/sparql"),
        (
            f"{H}/sparql-auth/",
            f"{H}/sparql-auth",
            f"{H}/sparql-auth",
            f"{H}/sparql-graph-crud-auth",
            "virtuoso",
            f"{H}/sparql-auth",
        ),
        (
            f"{H}/repositories/kg",
            f"{H}/repositories/kg",
            f"{H}/repositories/kg/statements",
            f"{H}/repositories/kg/rdf-graphs/service",
            "graphdb",
            f"{H}/repositories/kg",
        ),
        (
            f"{H}/rdf4j-server/repositories/kg/statements",
            f"{H}/rdf4j-server/repositories/kg",
            f"{H}/rdf4j-server/repositories/kg/statements",
            f"{H}/rdf4j-server/repositories/kg/rdf-graphs/service",
            "graphdb",
            f"{H}/rdf4j-server/repositories/kg",
        ),
        (f"{H}/a/b/endpoint", f"{H}/a/b/endpoint", f"{H}/a/b/endpoint", None, "sparql", f"{H}/a/b/endpoint"),
    ],
    ids=lambda value: value if isinstance(value, str) and not value.startswith("http") else None,
)
def test_endpoints_layouts_from_the_url(
    given: str, query: str, update: str, graph_store: str | None, server: str, location: str
) -> None:
    found = endpoints(given)
    assert (found.query, found.update, found.graph_store) == (query, update, graph_store)
    assert (found.server, found.location) == (server, location)


def test_endpoints_explicit_urls_replace_the_guesses() -> None:
    found = endpoints(f"{H}/a/b/endpoint", update=f"{H}/a/b/update/", graph_store=f"{H}/gsp")
    assert (found.query, found.update, found.graph_store) == (
        f"{H}/a/b/endpoint",
        f"{H}/a/b/update",
        f"{H}/gsp",
    )
    assert endpoints(H, graph_store="none").graph_store is None
    assert endpoints(H, graph_store=" NONE ").graph_store is None


def test_endpoints_credentials_from_the_url_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(USER_VARIABLE, raising=False)
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    found = endpoints("http://dba:p%40ss%3Aword@h:8890/sparql-auth")
    assert (found.user, found.password) == ("dba", "p@ss:word")
    assert found.location == found.query == "http://h:8890/sparql-auth"
    assert "p%40ss" not in repr(found) and "p@ss" not in repr(found) and "dba" not in repr(found)


def test_endpoints_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USER_VARIABLE, "alice")
    monkeypatch.setenv(PASSWORD_VARIABLE, "secret")
    assert (endpoints(H).user, endpoints(H).password) == ("alice", "secret")
    # the URL's user wins; the environment's password fills in a URL that names only the user
    assert (endpoints("http://bob@h:1").user, endpoints("http://bob@h:1").password) == ("bob", "secret")
    assert endpoints("http://bob:pw@h:1").password == "pw"
    monkeypatch.delenv(USER_VARIABLE)
    assert endpoints(H).user is None


def test_endpoints_an_explicit_url_may_carry_its_own_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(USER_VARIABLE, raising=False)
    found = endpoints("http://u:p@h:1/sparql", update="http://w:q@h:1/sparql-auth")
    assert (found.user, found.password, found.update) == ("w", "q", "http://h:1/sparql-auth")
    assert endpoints("http://u:p@h:1/sparql", update="http://h:1/x").password == "p"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("ftp://h/sparql", "not a store URL"),
        ("http://h:port/sparql", "not a valid URL"),
        ("http://u:secret@h:port/sparql", "not a valid URL"),
        ("http://h:1/sparql?default-graph-uri=x", r"takes no \?query"),
    ],
)
def test_endpoints_refuses_what_is_not_a_store_url(given: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        endpoints(given)
    assert "secret" not in str(caught.value)


def test_endpoints_refuses_an_explicit_url_that_is_no_url() -> None:
    with pytest.raises(InputError, match="--update-url somewhere: not an http"):
        endpoints(H, update="somewhere")
    with pytest.raises(InputError, match="--graph-store-url file:/x: not an http"):
        endpoints(H, graph_store="file:/x")


def test_endpoints_store_location_needs_a_url_for_explicit_endpoints() -> None:
    assert store_location("output") == "output"
    assert store_location(H) == H
    assert isinstance(store_location(H, graph_store="none"), Endpoints)
    with pytest.raises(InputError, match="need a server's URL in --store, not output"):
        store_location("output", update=f"{H}/update")


def test_endpoints_redact() -> None:
    assert redact("http://u:p@h:1/x?y") == "http://h:1/x?y"
    assert redact("https://u@[::1]:8/x") == "https://[::1]:8/x"
    assert redact(H) == H
    assert redact_loosely("at http://u:p@h:port/x and https://v@w/") == "at http://h:port/x and https://w/"
