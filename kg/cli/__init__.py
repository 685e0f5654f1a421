"""The `kg` command line: each command parses options, calls one library function, and turns a
KGError into a one-line message and an exit code.

The commands live by what they do to the store (kg.cli.building writes it, kg.cli.reading reads
it, kg.cli.checking checks graphs); this module lists them, in the order `kg --help` shows them.
"""

from __future__ import annotations

import logging

import typer

from kg.cli import building, checking, reading

app = typer.Typer(
    name="kg",
    help="Build, query and explore knowledge graphs of geopolitical relations from news text.\n\n"
    "Example: kg build examples --out output && kg query allies-of --param country=Japan",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.command()(building.build)
app.command()(reading.query)
app.command()(reading.render)
app.command()(reading.stats)
app.command()(checking.validate)
app.command("eval")(checking.eval_)
app.command()(checking.calibrate)
app.command()(building.remove)
app.command("import")(building.import_)
app.command()(reading.export)
app.command()(building.infer)
app.command()(building.compact)
app.command()(reading.serve)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
