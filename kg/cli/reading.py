"""The `kg` commands that read the store: query, render, stats, export, serve."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from kg.cli.common import GraphStoreUrl, UpdateUrl, graph_file, handled, location, out, shown, store_help
from kg.core.errors import InputError


class Format(StrEnum):
    """What `kg query` writes."""

    table = "table"
    csv = "csv"
    json = "json"


def query(
    sparql: Annotated[str | None, typer.Argument(help="SPARQL text, or the name of a saved query.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from a .rq file.")] = None,
    store: Annotated[str, typer.Option(help=store_help("Store to query"))] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
    graph: Annotated[Path | None, typer.Option(help="Query a graph file instead of a store.")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=value, bound safely.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
    list_saved: Annotated[bool, typer.Option("--list", help="List the saved queries.")] = False,
    max_rows: Annotated[
        int, typer.Option(help="Rows a table shows (0: all); csv and json always hold every row.")
    ] = 1000,
    timeout: Annotated[
        float, typer.Option(help="Stop the query after this many seconds (0: no limit).")
    ] = 0.0,
    max_result_mb: Annotated[
        float, typer.Option(help="Refuse an answer larger than this (as SPARQL TSV or the server sent it).")
    ] = 1024.0,
) -> None:
    """Run a SPARQL query (text, --file, or a saved query's name) over the store.

    A table shows IRIs with the usual prefixes (kg:, id:, rdfs:...) and its first --max-rows rows;
    rows too wide for the terminal as a table come as records (column: value lines). csv and json
    write every row, with full IRIs.

    Example: kg query allies-of --param country=Japan --format csv
    """
    from kg.query.run import (
        Results,
        display,
        parse_params,
        saved_queries,
        saved_query,
        select,
        to_csv,
        to_json,
    )

    with handled():
        if list_saved:
            for name, path in saved_queries().items():
                out.print(f"{name:22} {_first_comment(path)}", highlight=False)
            return
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise InputError(f"{file}: cannot read query: {e}") from e
        elif sparql is None:
            raise InputError("give a SPARQL query, a saved query name, or --file")
        elif sparql in saved_queries():
            text = saved_query(sparql)
        else:
            text = sparql
        params = parse_params(param or [])
        if timeout < 0 or max_result_mb <= 0:
            raise InputError("--timeout must be 0 (no limit) or more, and --max-result-mb above 0")
        limit = int(max_result_mb * 1e6)
        if graph is not None:
            results = Results.of(graph_file(graph).query(text, **params))
        else:
            with _query_source(location(store, update_url, graph_store_url), timeout, limit) as source:
                results = select(source, text, params or None, max_bytes=limit)
        if fmt is Format.csv:
            sys.stdout.write(to_csv(results))
        elif fmt is Format.json:
            sys.stdout.write(to_json(results) + "\n")
        else:
            shown = results.rows[:max_rows] if max_rows > 0 else results.rows
            _print_rows(list(results.columns), [[display(cell) for cell in row] for row in shown])
            hidden = len(results.rows) - len(shown)
            more = (
                f" (the first {len(shown):,} shown: --max-rows 0 for all, or --format csv)" if hidden else ""
            )
            out.print(f"{len(results.rows):,} rows{more}", highlight=False)


@contextmanager
def _query_source(where: Any, timeout: float, limit: int) -> Iterator[Any]:
    """The store to query: a server's (its answers bounded in time and size), or a local one, read
    in place, or with a --timeout through an `oxigraph` process of its own that stops the query at
    the time (an embedded query cannot be stopped once started)."""
    from kg.server.process import Backend
    from kg.store.local import store_folder
    from kg.store.remote import RemoteStore, connect, is_remote

    if is_remote(where):
        with RemoteStore(where, timeout=timeout or 600.0, max_result_bytes=limit) as remote:
            yield remote
    elif timeout:
        with connect(where, read_only=True) as local:  # (a clear message where there is no store)
            path = store_folder(Path(str(local.location)))
        backend = Backend(path, timeout=max(1, math.ceil(timeout)))
        backend.start()
        try:
            with RemoteStore(backend.url, timeout=timeout + 5, max_result_bytes=limit) as remote:
                yield remote
        finally:
            backend.stop()
    else:
        with connect(where, read_only=True) as local:
            yield local


#: the narrowest a column of text may get in a table before rows are written as records
_NARROWEST = 10


def _print_rows(columns: list[str], rows: list[list[str]]) -> None:
    """A table whose IRIs (`id:country/JPN`) stay on one line and whose text wraps, if one fits the
    terminal's width; else each row as a record (`column: value` lines), as psql's expanded mode.
    Cells are data: never markup, and their control characters are shown escaped (`shown`)."""
    columns = [shown(column) for column in columns]
    rows = [[shown(cell) for cell in row] for row in rows]
    widths = [max([len(column), *(len(row[i]) for row in rows)]) for i, column in enumerate(columns)]
    names = [all(" " not in row[i] for row in rows) for i in range(len(columns))]  # IRIs, numbers, dates
    need = sum(
        w if name else max(len(column), min(w, _NARROWEST))
        for column, w, name in zip(columns, widths, names, strict=True)
    )
    if need + 3 * len(columns) + 1 <= out.width:
        table = Table()
        for column, width, name in zip(columns, widths, names, strict=True):
            if name:
                table.add_column(Text(column), no_wrap=True, min_width=width)
            else:
                table.add_column(Text(column), overflow="fold")  # wrapped, never cut short
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        out.print(table)
        return
    pad = max(map(len, columns), default=0)
    for n, row in enumerate(rows):
        if n:
            out.print("", highlight=False)
        for column, value in zip(columns, row, strict=True):
            out.print(f"{column:>{pad}}: {value}", highlight=False, soft_wrap=True, markup=False)


def _first_comment(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def render(
    store: Annotated[str, typer.Option(help=store_help("Store to render"))] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
    graph: Annotated[Path | None, typer.Option(help="Render a graph file instead of a store.")] = None,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "output/graph.html"
    ),
    focus: Annotated[str | None, typer.Option(help="Show only this entity's neighbourhood.")] = None,
    hops: Annotated[int, typer.Option(help="Neighbourhood size around --focus.")] = 1,
    relations: Annotated[str | None, typer.Option(help="Comma-separated properties to show.")] = None,
    classes: Annotated[str | None, typer.Option(help="Comma-separated classes to show.")] = None,
    since: Annotated[str | None, typer.Option(help="Only evidence dated on or after (YYYY-MM-DD).")] = None,
    min_confidence: Annotated[float, typer.Option(help="Hide relations below this confidence.")] = 0.0,
    max_nodes: Annotated[int, typer.Option(help="Show at most this many nodes.")] = 1500,
) -> None:
    """Write the interactive HTML view of a store or a graph file.

    Example: kg render --focus Japan --hops 2 --relations alliedWith,memberOf --out view.html
    """
    from kg.views.html import render as render_view

    with handled():
        options: dict[str, Any] = {
            "focus": focus,
            "hops": hops,
            "relations": _split(relations),
            "classes": _split(classes),
            "since": _parse_date(since),
            "min_confidence": min_confidence,
            "max_nodes": max_nodes,
        }
        if graph is not None:
            union = graph_file(graph).graph
        else:
            from kg.store.remote import connect
            from kg.views.neighbourhood import view_graph

            with connect(location(store, update_url, graph_store_url), read_only=True) as source:
                union = view_graph(source, **options)
        path = render_view(union, out_file, **options)
    out.print(f"wrote {path}", highlight=False)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise InputError(f"--since: not a date (YYYY-MM-DD): {value!r}") from e


def stats(
    store: Annotated[str, typer.Option(help=store_help("Store to count"))] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
    graph: Annotated[Path | None, typer.Option(help="Count a graph file instead of a store.")] = None,
) -> None:
    """Count documents, entities by class and relations by property.

    Example: kg stats --store output
    """
    from kg.quality.stats import graph_stats
    from kg.store.remote import connect

    with handled():
        if graph is not None:
            summary = graph_file(graph).stats()
        else:
            with connect(location(store, update_url, graph_store_url), read_only=True) as source:
                summary = graph_stats(source)
    for line in summary.lines():
        out.print(line, highlight=False)


class ExportFormat(StrEnum):
    ttl = "ttl"
    nt = "nt"
    trig = "trig"
    nq = "nq"
    jsonld = "jsonld"
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"


def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")],
    out_path: Annotated[
        Path, typer.Option("--out", "-o", help="File to write (csv: PATH-nodes.csv and PATH-edges.csv).")
    ],
    store: Annotated[str, typer.Option(help=store_help("Store"))] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
) -> None:
    """Export the store: RDF (ttl nt: the union graph; trig nq jsonld: named graphs), or the entity
    network as graphml, gexf or csv.

    Example: kg export --format graphml --out network.graphml --store output
    """
    from kg.store.remote import connect
    from kg.views.exporting import export as export_store

    with handled(), connect(location(store, update_url, graph_store_url), read_only=True) as graph_store:
        written = export_store(graph_store, fmt.value, out_path)
    for path in written:
        out.print(f"wrote {path}", highlight=False)


def serve(
    store: Annotated[
        Path, typer.Option(help="Store folder (an output folder holding store/, or the store).")
    ] = Path("output"),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7878,
    allow_update: Annotated[bool, typer.Option(help="Accept SPARQL updates and Graph Store writes.")] = False,
    allow_remote: Annotated[
        bool, typer.Option(help="Allow a non-loopback --host (no authentication!).")
    ] = False,
    timeout: Annotated[int, typer.Option(help="Stop a query after this many seconds.")] = 600,
    max_result_mb: Annotated[
        float, typer.Option(help="Cut an answer at this size (the client sees it end early).")
    ] = 1024.0,
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (oxigraph), read-only unless --allow-update.

    /query answers SPARQL with the union of all graphs as default graph; / is a query page and
    /explorer the graph.html beside the store. A read-only server follows what other commands
    (build --append, import, remove, infer) write to the store; a writable one keeps them out:
    send their writes to it with --store URL. Stop with Ctrl-C.

    Example: kg serve --store output --port 7878
    """
    from kg.server.process import Backend
    from kg.server.serve import serve as run_server
    from kg.store.local import store_folder

    def ready(url: str, backend: Backend) -> None:
        pid = backend.process.pid if backend.process is not None else "?"
        mode = "read-write" if allow_update else "read-only"
        out.print(f"serving {store_folder(store)} ({mode}) at {url}/query", highlight=False, soft_wrap=True)
        out.print(
            f"query page {url}/  explorer {url}/explorer  oxigraph pid {pid}", highlight=False, soft_wrap=True
        )
        out.print(f"other kg commands reach it with --store {url}", highlight=False, soft_wrap=True)

    def reopened(pid: int) -> None:
        out.print(f"the store changed on disk: serving it as it is now (oxigraph pid {pid})", highlight=False)

    with handled():
        run_server(
            store_folder(store),
            host=host,
            port=port,
            allow_update=allow_update,
            allow_remote=allow_remote,
            timeout=timeout,
            max_result_bytes=int(max_result_mb * 1e6),
            on_ready=ready,
            on_reopen=reopened,
        )
