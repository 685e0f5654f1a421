"""The `kg` commands that check graphs: validate against the shapes, score against gold, calibrate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.common import (
    GraphStoreUrl,
    UpdateUrl,
    err,
    graph_file,
    handled,
    location,
    markup_safe,
    out,
    store_help,
)


def validate(
    store: Annotated[str, typer.Option(help=store_help("Store to check"))] = "output",
    update_url: UpdateUrl = None,
    graph_store_url: GraphStoreUrl = None,
    graph: Annotated[Path | None, typer.Option(help="Validate a graph file instead of a store.")] = None,
) -> None:
    """Check the graph against the SHACL shapes of ontology/shapes.ttl; exit 4 on violations.

    Example: kg validate --graph output/graph.ttl
    """
    from kg.quality.validate import validate as check_shapes
    from kg.store.remote import connect

    with handled():
        if graph is not None:
            report = graph_file(graph).validate()
        else:
            with connect(location(store, update_url, graph_store_url), read_only=True) as source:
                report = check_shapes(source)
    if report.conforms:
        out.print("conforms: the graph passes the SHACL shapes", highlight=False)
        return
    err.print(f"[red]{len(report.violations)} violations[/red]", highlight=False)
    for v in report.violations:
        err.print(markup_safe(f"  {v.focus}  {v.path}: {v.message}"), highlight=False, soft_wrap=True)
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
    from kg.quality.evaluate import as_json as to_json
    from kg.quality.evaluate import error_lines, evaluate, half_lines, report_lines

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
    gold: Annotated[list[Path], typer.Argument(help="Gold folders, one per --graph, in the same order.")],
    graph: Annotated[list[Path], typer.Option(help="The .trig dataset built from each gold folder's texts.")],
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Write the rule table here.")] = None,
    half: Annotated[
        str, typer.Option(help="Measure rules on this half of each set: tuning, check or all.")
    ] = "tuning",
) -> None:
    """Measure each rule's precision on gold; the table sets the confidence of its evidence.

    Rules are measured on one half of the documents (`--half tuning`, the default) and the
    confidences the graphs carry are checked on the other: Brier score and a reliability table.

    Example: kg calibrate gold/ agworld/gold --graph gold.trig --graph ag.trig --out rules.yaml
    """
    from kg.core.errors import InputError
    from kg.pipeline.build import write_text_atomic
    from kg.quality.calibrate import judged, measure, reliability, to_yaml
    from kg.quality.evaluate import HALVES

    with handled():
        if len(gold) != len(graph):
            raise InputError(
                f"{len(gold)} gold folders but {len(graph)} --graph files: give one graph per folder"
            )
        if half not in (*HALVES, "all"):
            raise InputError(f"unknown half {half!r}: use tuning, check or all")
        sets = list(zip(graph, gold, strict=True))
        measured = measure(sets, None if half == "all" else half)
        other = next((h for h in HALVES if h != half), None) if half != "all" else None
        items = judged(sets, other) if other else []
        checked = reliability(items) if items else None
        if out_file is not None:
            source = ", ".join(
                f"{'/'.join(g.parts[-2:])} scored against {'/'.join(t.parts[-2:])}"
                for g, t in zip(gold, graph, strict=True)
            )
            write_text_atomic(out_file, to_yaml(measured, f"the {half} half of {source}"))
    table = Table("rule", "hits", "extras", "confidence")
    for m in measured:
        table.add_row(m.rule, str(m.hits), str(m.extras), f"{m.confidence:.3f}")
    out.print(table)
    if other is not None and checked is None:
        out.print(f"{other} half: no judged relations to check the confidences on", highlight=False)
    if checked is not None:
        bands = Table("confidence", "right", "wrong", "precision", title=f"reliability on the {other} half")
        for band in checked.bands:
            bands.add_row(
                f"{band.low:.1f}-{band.high:.1f}", str(band.right), str(band.wrong), f"{band.precision:.3f}"
            )
        out.print(bands)
        high, dropped = checked.at_least(0.7), checked.below(0.5)
        out.print(
            f"{other} half: Brier score {checked.brier:.4f}; confidence >= 0.7 right {high.precision:.3f} "
            f"({high.right} of {high.right + high.wrong}); --min-confidence 0.5 drops {dropped.right} right "
            f"and {dropped.wrong} wrong relations",
            highlight=False,
        )
    if out_file is not None:
        out.print(f"wrote {out_file}", highlight=False)
