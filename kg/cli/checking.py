"""The `kg` commands that check graphs: validate against the shapes, score against gold, calibrate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.common import GraphStoreUrl, UpdateUrl, err, graph_file, handled, location, out, store_help


def validate(
    store: Annotated[str, typer.Option(help=store_help("Store to check"))] = "output",
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
            report = graph_file(graph).validate()
        else:
            with connect(location(store, update_url, graph_store_url), read_only=True) as source:
                report = validate_store(source)
    if report.conforms:
        out.print("conforms: the graph passes the SHACL shapes", highlight=False)
        return
    err.print(f"[red]{len(report.violations)} violations[/red]", highlight=False)
    for v in report.violations:
        err.print(f"  {v.focus}  {v.path}: {v.message}", highlight=False, soft_wrap=True)
    raise typer.Exit(4)


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
    from kg.evaluate import error_lines, evaluate, half_lines, report_lines

    with handled():
        result = evaluate(graph, gold)
    if as_json:
        sys.stdout.write(json.dumps(to_json(result), indent=2) + "\n")
        return
    for line in report_lines(result):
        if not any(k in line for k in (": missed_", ": extra_", ": duplicate_")):
            out.print(line, highlight=False, soft_wrap=True)
    if len(result.documents) > 1:
        for line in half_lines(result):
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
