"""Extraction quality on the three visible evaluation sets, whole and by half (tuning / check).

    .venv/bin/python -m benchmarks.quality                     # all three sets, a markdown table
    .venv/bin/python -m benchmarks.quality --sets agworld --half tuning --errors out/errors.txt

Each set (`../shared/eval/gold`, `../shared/eval/redocred/gold`, `../shared/eval/agworld/gold`) is
built in one run of the pipeline, its dataset written to `OUT/<set>/graph.trig`, and scored by
`kg.quality.evaluate` (the rules of `score.py`) on the whole set and on each half of
`kg.quality.evaluate.half_of`. Rules and data are tuned on the tuning halves only; the check halves are
what the table is for. `--errors` writes the misses and extras of the chosen half, to read.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

from kg.quality.evaluate import HALVES, EvalResult, error_lines, evaluate, gold_documents, restrict

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
SETS = {
    "gold": SHARED / "gold",
    "redocred": SHARED / "redocred" / "gold",
    "agworld": SHARED / "agworld" / "gold",
}


def build_set(name: str, out: Path, nlp: object) -> Path:
    """Build one set's texts with `nlp` into OUT/<set>/graph.trig."""
    from kg.pipeline.build import build_documents

    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    _, dataset = build_documents(gold_documents(SETS[name]), nlp=nlp)  # type: ignore[arg-type]
    trig = folder / "graph.trig"
    dataset.serialize(trig, format="trig")
    return trig


def row(name: str, part: str, result: EvalResult) -> str:
    e, r = result.entities, result.relations
    return (
        f"| {name} | {part} | {len(result.documents)} | {e.f1:.3f} | {r.f1:.3f} "
        f"| {r.precision:.3f} | {r.recall:.3f} | {r.tp} | {r.fp} | {r.fn} |"
    )


def property_table(result: EvalResult) -> list[str]:
    lines = ["| property | tp | fp | fn | P | R | F1 |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for prop, prf in result.by_property().items():
        figures = f"{prf.precision:.3f} | {prf.recall:.3f} | {prf.f1:.3f}"
        lines.append(f"| {prop} | {prf.tp} | {prf.fp} | {prf.fn} | {figures} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=list(SETS))
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "kg-quality")
    parser.add_argument("--no-build", action="store_true", help="score the graphs already in --out")
    parser.add_argument("--half", choices=HALVES, default="tuning", help="the half --errors lists")
    parser.add_argument("--errors", type=Path, help="write the chosen half's misses and extras here")
    parser.add_argument("--properties", action="store_true", help="a per-property table per set")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    nlp = None
    if not args.no_build:
        from kg.extract.pipeline import build_nlp

        nlp = build_nlp()
    lines = [
        "| set | part | docs | entity F1 | relation F1 | P | R | tp | fp | fn |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    errors: list[str] = []
    tables: list[str] = []
    for name in args.sets:
        trig = args.out / name / "graph.trig" if args.no_build else build_set(name, args.out, nlp)
        whole = evaluate(trig, SETS[name])
        lines.append(row(name, "all", whole))
        for half in HALVES:
            part = restrict(whole, half)
            lines.append(row(name, half, part))
            if half == args.half:
                errors.extend(error_lines(part))
                errors.extend(
                    f"{d.doc}: {kind} {x}"
                    for d in part.documents
                    for kind, items in (
                        ("missed entity", d.missed_entities),
                        ("extra entity", d.extra_entities),
                    )
                    for x in items
                )
        if args.properties:
            tables.append(f"\n{name} (all {len(whole.documents)} documents)\n")
            tables.extend(property_table(whole))
    sys.stdout.write("\n".join(lines + tables) + "\n")
    if args.errors:
        args.errors.parent.mkdir(parents=True, exist_ok=True)
        args.errors.write_text("\n".join(errors) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
