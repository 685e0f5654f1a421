"""What the `kg` commands share: the consoles, the store options, turning a KGError into a
message and an exit code, progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from kg.errors import KGError

out = Console()
err = Console(stderr=True)


@contextmanager
def handled() -> Iterator[None]:
    """Turn library errors into `error: ...` on stderr and the error's exit code."""
    try:
        yield
    except KGError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
        raise typer.Exit(e.exit_code) from e


def store_help(what: str) -> str:
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


def location(store: str, update_url: str | None, graph_store_url: str | None) -> Any:
    """The store --store names, with the endpoints --update-url and --graph-store-url give."""
    from kg.endpoints import store_location

    return store_location(store, update=update_url, graph_store=graph_store_url)


class RatesColumn(ProgressColumn):
    """Documents and words per second, over the task so far."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        if elapsed <= 0 or not task.completed:
            return Text("")
        words = task.fields.get("words", 0) / elapsed
        return Text(f"{task.completed / elapsed:,.1f} docs/s, {words:,.0f} words/s")


@contextmanager
def progress_bar(*, rates: bool = False) -> Iterator[Progress]:
    """A progress bar on stderr (none where stderr is no terminal); with `rates`, documents and words
    per second and the time left."""
    columns: list[ProgressColumn | str] = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    if rates:
        columns += [RatesColumn(), TextColumn("ETA"), TimeRemainingColumn()]
    progress = Progress(
        *columns,
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with progress:
        yield progress


def graph_file(graph: Path) -> Any:
    import kg

    return kg.load_graph_file(graph)
