"""What the `kg` commands share: the consoles, the store options, turning a KGError into a
message and an exit code, progress bars."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
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

from kg.core.errors import KGError

out = Console()
err = Console(stderr=True)


#: What a terminal would act on rather than show: C0 and C1 controls (escape sequences start with
#: ESC or CSI) but newline and tab, DEL, and the bidirectional overrides and isolates, which reorder
#: the text around them on screen.
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Text from the data (labels, file names, messages quoting them) as a terminal should get it:
    every control character and direction override as a visible escape (`\\x1b`), never acted on."""
    return _TERMINAL_CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def markup_safe(text: str) -> str:
    """`shown`, with rich's markup escaped too: for text inside a message that uses markup."""
    return escape(shown(text))


def print_error(message: object) -> None:
    """`error: MESSAGE` on stderr; the message (which may quote untrusted input) is never markup."""
    err.print(f"[red]error:[/red] {markup_safe(str(message))}", highlight=False, soft_wrap=True)


@contextmanager
def handled() -> Iterator[None]:
    """Turn library errors into `error: ...` on stderr and the error's exit code."""
    try:
        yield
    except KGError as e:
        print_error(e)
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
    from kg.store.endpoints import store_location

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
