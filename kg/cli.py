"""The `kg` command line: each command parses options, calls one library function, and turns a
KGError into a one-line message and an exit code."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.errors import InputError, KGError

app = typer.Typer(
    name="kg",
    help="Build, query and explore knowledge graphs of geopolitical relations from news text.\n\n"
    "Example: kg build examples --out output && kg query allies-of --param country=Japan",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
out = Console()
err = Console(stderr=True)
T = TypeVar("T")


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@contextmanager
def handled() -> Iterator[None]:
    """Turn library errors into `error: ...` on stderr and the error's exit code."""
    try:
        yield
    except KGError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
        raise typer.Exit(e.exit_code) from e


def _store_option_help(what: str) -> str:
    return (
        f"{what}: an output folder holding store/, the store itself, or a SPARQL server's URL "
        "(Oxigraph http://host:7878, Fuseki .../DATASET, Virtuoso .../sparql, GraphDB "
        ".../repositories/REPO; user:password@ or KG_STORE_USER/KG_STORE_PASSWORD) (default: output)."
    )


UpdateUrl = Annotated[
    str | None,
    typer.Option(
        "--update-url", help="The server's SPARQL update endpoint, where kg cannot tell it from --store."
    ),
]
GraphStoreUrl = Annotated[
    str | None,
    typer.Option(
        "--graph-store-url",
        help="The server's Graph Store Protocol endpoint, where kg cannot tell it from --store "
        "('none': write with SPARQL updates).",
    ),
]


def _location(store: str, update_url: str | None, graph_store_url: str | None) -> Any:
    """The store --store names, with the endpoints --update-url and --graph-store-url give."""
    from kg.endpoints import store_location

    return store_location(store, update=update_url, graph_store=graph_store_url)


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(help="Files (.txt .md .html .jsonl) or folders of them.")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output folder (default: output, or none with --store)."),
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="spaCy pipeline to load (default: best installed).")
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(help="Drop relations below this confidence (default 0; with --append, the store's)."),
    ] = None,
    html: Annotated[bool, typer.Option(help="Write graph.html.")] = True,
    append: Annotated[
        bool,
        typer.Option(
            help="Add to the store in --out (unchanged documents are skipped) instead of replacing it."
        ),
    ] = False,
    store: Annotated[
        str | None,
        typer.Option(
            help="A SPARQL server's URL to add the documents to (as --append does) instead of --out."
        ),
    ] = None,
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
) -> None:
    """Build the knowledge graph of INPUTS into --out: graph.ttl, graph.trig, graph.html and store/.

    With --append the documents join the existing store: new ones are added, changed ones replace
    their graphs, unchanged ones are skipped, and the corpus is re-resolved (entities merge across
    old and new documents); graph.ttl, graph.trig and graph.html are rewritten from the store.

    With --store URL the documents go into the store on that server (Oxigraph, Fuseki, GraphDB,
    Virtuoso, through the SPARQL 1.1 Protocol and Graph Store Protocol), always as with --append;
    the files are written only if --out is given too.

    Example: kg build examples/ --out output
    """
    from kg.incremental import build_store

    with handled():
        target = None if store is None else _location(store, update_url, graph_store_url)
        with _progress() as progress:
            task = progress.add_task("extracting", total=None)

            def on_read(n: int) -> None:
                progress.update(task, total=n)
                if n < 2:
                    progress.update(task, visible=False)

            change = build_store(
                inputs,
                out_dir,
                append=append,
                store=target,
                model=model,
                min_confidence=min_confidence,
                html=html,
                on_read=on_read,
                on_done=lambda _doc: progress.advance(task),
            )
        for problem in change.errors:
            err.print(f"[red]error:[/red] {problem}", highlight=False, soft_wrap=True)
        if not (change.added or change.replaced or change.unchanged):
            raise InputError("no document could be read; nothing was written")
    if append or store is not None:
        for title, ids in (
            ("added", change.added),
            ("replaced", change.replaced),
            ("unchanged", change.unchanged),
            ("re-resolved", change.updated),
        ):
            if ids:
                out.print(f"{title} {len(ids)}: {', '.join(ids)}", highlight=False, soft_wrap=True)
    if change.stats is not None:
        stats = change.stats
        held = append or store is not None
        out.print(f"{'store holds' if held else 'built'} {stats.documents} documents", highlight=False)
        _print_counts("entities", stats.entities)
        _print_counts("relations", stats.relations)
    if change.written:
        out.print("wrote:", highlight=False)
    for label, path in change.written:
        out.print(f"  {label:8} {path}", highlight=False)
    view = dict(change.written).get("view")
    if view is not None:
        out.print(f"open the view: file://{view.resolve()}", highlight=False, soft_wrap=True)
    if change.errors:
        raise typer.Exit(2)


def _print_counts(title: str, counts: dict[str, int]) -> None:
    out.print(
        f"{title}: {sum(counts.values())}"
        + ("" if not counts else " (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")"),
        highlight=False,
        soft_wrap=True,
    )


@contextmanager
def _progress() -> Iterator[Progress]:
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with progress:
        yield progress


def _graph_file(graph: Path) -> Any:
    import kg

    return kg.load_graph_file(graph)


@app.command()
def query(
    sparql: Annotated[str | None, typer.Argument(help="SPARQL text, or the name of a saved query.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from a .rq file.")] = None,
    store: Annotated[str, typer.Option(help=_store_option_help("Store to query"))] = "output",
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
) -> None:
    """Run a SPARQL query (text, --file, or a saved query's name) over the store.

    A table shows IRIs with the usual prefixes (kg:, id:, rdfs:...) and its first --max-rows rows;
    csv and json write every row, with full IRIs.

    Example: kg query allies-of --param country=Japan --format csv
    """
    from kg.cells import gc_paused
    from kg.query import Results, display, parse_params, saved_queries, saved_query, select, to_csv, to_json

    with handled(), gc_paused():  # many acyclic rows: see gc_paused
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
        if graph is not None:
            results = Results.of(_graph_file(graph).query(text, **params))
        else:
            from kg.remote import connect

            with connect(_location(store, update_url, graph_store_url), read_only=True) as source:
                results = select(source, text, params or None)
        if fmt is Format.csv:
            sys.stdout.write(to_csv(results))
        elif fmt is Format.json:
            sys.stdout.write(to_json(results) + "\n")
        else:
            shown = results.rows[:max_rows] if max_rows > 0 else results.rows
            table = Table()
            for column in results.columns:
                table.add_column(column, overflow="fold")  # wrapped, never cut short
            for row in shown:
                table.add_row(*map(display, row))
            out.print(table)
            hidden = len(results.rows) - len(shown)
            more = (
                f" (the first {len(shown):,} shown: --max-rows 0 for all, or --format csv)" if hidden else ""
            )
            out.print(f"{len(results.rows):,} rows{more}", highlight=False)


def _first_comment(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


@app.command()
def render(
    store: Annotated[str, typer.Option(help=_store_option_help("Store to render"))] = "output",
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
            union = _graph_file(graph).graph
        else:
            from kg.neighbourhood import view_graph
            from kg.remote import connect

            with connect(_location(store, update_url, graph_store_url), read_only=True) as source:
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


@app.command()
def stats(
    store: Annotated[str, typer.Option(help=_store_option_help("Store to count"))] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
    graph: Annotated[Path | None, typer.Option(help="Count a graph file instead of a store.")] = None,
) -> None:
    """Count documents, entities by class and relations by property.

    Example: kg stats --store output
    """
    from kg.remote import connect
    from kg.stats import store_stats

    with handled():
        if graph is not None:
            summary = _graph_file(graph).stats()
        else:
            with connect(_location(store, update_url, graph_store_url), read_only=True) as source:
                summary = store_stats(source)
    for line in summary.lines():
        out.print(line, highlight=False)


@app.command()
def validate(
    store: Annotated[str, typer.Option(help=_store_option_help("Store to check"))] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
    graph: Annotated[Path | None, typer.Option(help="Validate a graph file instead of a store.")] = None,
) -> None:
    """Check the graph against the SHACL shapes of ontology/shapes.ttl; exit 4 on violations.

    Example: kg validate --graph output/graph.ttl
    """
    from kg.remote import connect
    from kg.validate import validate_store

    with handled():
        if graph is not None:
            report = _graph_file(graph).validate()
        else:
            with connect(_location(store, update_url, graph_store_url), read_only=True) as source:
                report = validate_store(source)
    if report.conforms:
        out.print("conforms: the graph passes the SHACL shapes", highlight=False)
        return
    err.print(f"[red]{len(report.violations)} violations[/red]", highlight=False)
    for v in report.violations:
        err.print(f"  {v.focus}  {v.path}: {v.message}", highlight=False, soft_wrap=True)
    raise typer.Exit(4)


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="A gold .json file, or a folder of them.")],
    graph: Annotated[Path, typer.Option(help="Graph file (.ttl for one gold file, .trig for a folder).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (as score.py --json).")] = False,
    errors: Annotated[bool, typer.Option(help="List each miss and extra.")] = True,
) -> None:
    """Score a built graph against gold annotations (same figures as ../shared/eval/score.py).

    Example: kg eval ../shared/eval/gold --graph output/graph.trig
    """
    from kg.evaluate import as_json as to_json
    from kg.evaluate import error_lines, evaluate, report_lines

    with handled():
        result = evaluate(graph, gold)
    if as_json:
        sys.stdout.write(json.dumps(to_json(result), indent=2) + "\n")
        return
    for line in report_lines(result):
        if not any(k in line for k in (": missed_", ": extra_", ": duplicate_")):
            out.print(line, highlight=False, soft_wrap=True)
    if errors:
        out.print("errors (each miss with the gold's cue, each extra with its evidence):", highlight=False)
        for line in [
            *(f"{d.doc}: duplicate {x}" for d in result.documents for x in d.duplicate_entities),
            *(f"{d.doc}: missed entity {x}" for d in result.documents for x in d.missed_entities),
            *(f"{d.doc}: extra entity {x}" for d in result.documents for x in d.extra_entities),
            *error_lines(result),
        ]:
            out.print(line, highlight=False, soft_wrap=True)
    table = Table("property", "tp", "fp", "fn", "P", "R", "F1")
    for prop, prf in result.by_property().items():
        table.add_row(
            prop,
            str(prf.tp),
            str(prf.fp),
            str(prf.fn),
            f"{prf.precision:.3f}",
            f"{prf.recall:.3f}",
            f"{prf.f1:.3f}",
        )
    out.print(table)


@app.command()
def calibrate(
    gold: Annotated[Path, typer.Argument(help="A folder of gold .json files.")],
    graph: Annotated[Path, typer.Option(help="The .trig dataset built from the gold texts.")],
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Write the rule table here.")] = None,
) -> None:
    """Measure each rule's precision on gold; the table sets the confidence of its evidence.

    Example: kg calibrate ../shared/eval/gold --graph out/graph.trig --out rules.yaml
    """
    from kg.build import write_text_atomic
    from kg.calibrate import measure, to_yaml

    with handled():
        measured = measure(graph, gold)
        if out_file is not None:
            write_text_atomic(out_file, to_yaml(measured, f"{gold.name} scored against {graph.name}"))
    table = Table("rule", "hits", "extras", "confidence")
    for m in measured:
        table.add_row(m.rule, str(m.hits), str(m.extras), f"{m.confidence:.3f}")
    out.print(table)
    if out_file is not None:
        out.print(f"wrote {out_file}", highlight=False)


# ---------------------------------------------------------------------- the store as a database


@app.command()
def remove(
    doc_ids: Annotated[list[str], typer.Argument(help="Ids of the documents to retract.")],
    store: Annotated[str, typer.Option(help=_store_option_help("Store"))] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
) -> None:
    """Retract documents from the store: what only they said goes, facts others also state stay.

    The rest of the corpus is re-resolved, and graph.ttl, graph.trig and graph.html beside the
    store are rewritten if they are there.

    Example: kg remove trilateral-tokyo-2024 --store output
    """
    from kg.incremental import remove_documents

    with handled():
        change = remove_documents(doc_ids, _location(store, update_url, graph_store_url))
    out.print(f"removed {len(change.removed)}: {', '.join(change.removed)}", highlight=False, soft_wrap=True)
    if change.updated:
        out.print(
            f"re-resolved {len(change.updated)}: {', '.join(change.updated)}", highlight=False, soft_wrap=True
        )
    for label, path in change.written:
        out.print(f"  {label:8} {path}", highlight=False)


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="RDF files: .ttl .nt .trig .nq .jsonld .rdf .owl .xml")],
    store: Annotated[
        str, typer.Option(help=_store_option_help("Store (a folder is made if missing)"))
    ] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
    graph: Annotated[
        str | None, typer.Option(help="Graph IRI for the triples (default: …/id/graph/reference).")
    ] = None,
) -> None:
    """Bulk-load RDF files into the store as reference data; a bad file changes nothing.

    Example: kg import countries.ttl --store output --graph https://example.org/countries
    """
    from kg.endpoints import redact_loosely
    from kg.exporting import import_files

    with handled():
        added = import_files(_location(store, update_url, graph_store_url), files, graph=graph)
    out.print(f"imported {added} quads from {len(files)} files into {redact_loosely(store)}", highlight=False)


class ExportFormat(StrEnum):
    ttl = "ttl"
    nt = "nt"
    trig = "trig"
    nq = "nq"
    jsonld = "jsonld"
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")],
    out_path: Annotated[
        Path, typer.Option("--out", "-o", help="File to write (csv: PATH-nodes.csv and PATH-edges.csv).")
    ],
    store: Annotated[str, typer.Option(help=_store_option_help("Store"))] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
) -> None:
    """Export the store: RDF (ttl nt: the union graph; trig nq jsonld: named graphs), or the entity
    network as graphml, gexf or csv.

    Example: kg export --format graphml --out network.graphml --store output
    """
    from kg.exporting import export as export_store
    from kg.remote import connect

    with handled(), connect(_location(store, update_url, graph_store_url), read_only=True) as graph_store:
        written = export_store(graph_store, fmt.value, out_path)
    for path in written:
        out.print(f"wrote {path}", highlight=False)


@app.command()
def infer(
    store: Annotated[str, typer.Option(help=_store_option_help("Store"))] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
) -> None:
    """Materialise the ontology's symmetric, sub- and inverse properties into their own graph.

    The graph (…/id/graph/inferred) is replaced on every run, and queries see it through the union.

    Example: kg infer --store output
    """
    from kg.infer import infer as infer_store
    from kg.remote import connect

    with handled(), connect(_location(store, update_url, graph_store_url)) as graph_store:
        size = infer_store(graph_store)
    out.print(f"inferred {size} triples", highlight=False)


@app.command()
def compact(
    store: Annotated[
        Path, typer.Option(help="Store folder (an output folder holding store/, or the store).")
    ] = Path("output"),
) -> None:
    """Compact a local store's database, so that queries read fewer files.

    Imports and fresh builds compact on their own. Small appends and removes do not (compacting a
    1M-triple store takes about 10 s): after many of them, queries slow down until this runs (the
    agreements query on 1M triples went from 0.25 s to 0.33 s after one append and one remove).

    Example: kg compact --store output
    """
    from kg.store import GraphStore, store_folder

    with handled(), GraphStore.open_existing(store_folder(store)) as graph_store:
        graph_store.compact()
    out.print(f"compacted the store at {graph_store.location}", highlight=False)


@app.command()
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
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (oxigraph), read-only unless --allow-update.

    /query answers SPARQL with the union of all graphs as default graph; / is a query page and
    /explorer the graph.html beside the store. A read-only server follows what other commands
    (build --append, import, remove, infer) write to the store; a writable one keeps them out:
    send their writes to it with --store URL. Stop with Ctrl-C.

    Example: kg serve --store output --port 7878
    """
    from kg.serve import Backend
    from kg.serve import serve as run_server
    from kg.store import store_folder

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
            on_ready=ready,
            on_reopen=reopened,
        )


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
