"""`kg build --append` of one article onto a grown store, against building the corpus again.

The corpus is real text: the 50 articles of `../shared/eval/texts` (the `examples/` articles where
that folder is absent), repeated under new document ids up to each size (`--sizes`, 50, 250 and
500 documents by default; `--large` adds 2,000). For each size, `kg build CORPUS --out DIR --no-html`
makes the store, then two commands, each a `kg` subprocess as a user runs it (start-up, spaCy
model and gazetteers, extraction, resolution, store, files):

* *append*: `kg build ONE --out DIR --append --no-html`, ONE a further copy of an article under a
  new id: extraction runs for it alone, the corpus is re-resolved from the stored records and only
  the document graphs that changed are rewritten (`kg/pipeline/incremental.py`);
* *scratch*: `kg build CORPUS+ONE --out OTHER --no-html`, everything extracted again.

The two `graph.trig` files must hold the same quads. One run each: these are whole commands of
seconds to minutes. Nothing here asserts a time, and nothing runs under pytest.

    python -m benchmarks.bench_append [--sizes 50 500] [--large]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from benchmarks.bench_store import _ratio, _s, progress

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT.parent / "shared" / "eval" / "texts"
SIZES = (50, 250, 500)
LARGE = 2000


@dataclass(frozen=True)
class AppendResult:
    documents: int  # in the store before the append
    quads: int  # in graph.trig after it
    append: float
    scratch: float
    same: bool


def articles() -> list[tuple[str, str]]:
    """(id, text) of the real articles the corpus repeats."""
    folder = TEXTS if TEXTS.is_dir() else ROOT / "examples"
    files = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md"))
    return [(p.stem, p.read_text(encoding="utf-8")) for p in files]


def write_corpus(path: Path, size: int, source: Sequence[tuple[str, str]], start: int = 0) -> None:
    """`size` documents cycling through `source`, the n-th (from `start`) under id `<stem>-n`."""
    with path.open("w", encoding="utf-8") as out:
        for n in range(start, start + size):
            stem, text = source[n % len(source)]
            out.write(json.dumps({"id": f"{stem}-{n}", "text": text}) + "\n")


def kg_build(*args: str) -> float:
    """Wall time of `kg build ARGS --no-html` in a subprocess; RuntimeError if it fails."""
    command = [sys.executable, "-m", "kg", "build", *args, "--no-html"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return elapsed


def quads(trig: Path) -> set[ox.Quad]:
    return {q for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG) if isinstance(q, ox.Quad)}


def measure(size: int, folder: Path, log: Callable[[str], None]) -> AppendResult:
    source = articles()
    corpus, one, both = folder / "corpus.jsonl", folder / "one.jsonl", folder / "both.jsonl"
    write_corpus(corpus, size, source)
    write_corpus(one, 1, source, start=size)
    write_corpus(both, size + 1, source)
    grown, fresh = folder / "grown", folder / "fresh"
    built = kg_build(str(corpus), "--out", str(grown))
    log(f"append: {size} documents built in {built:.1f} s")
    append = kg_build(str(one), "--out", str(grown), "--append")
    log(f"append: one more appended in {append:.1f} s")
    scratch = kg_build(str(both), "--out", str(fresh))
    log(f"append: {size + 1} built from scratch in {scratch:.1f} s")
    appended, rebuilt = quads(grown / "graph.trig"), quads(fresh / "graph.trig")
    return AppendResult(size, len(appended), append, scratch, appended == rebuilt)


def run_all(sizes: Sequence[int]) -> list[AppendResult]:
    results = []
    for size in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"kg-bench-append-{size}-"))
        try:
            results.append(measure(size, folder, progress))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return results


def table(results: Sequence[AppendResult]) -> str:
    lines = [
        "| documents | quads after | `kg build --append` one s | `kg build` all again s | scratch / append "
        "| same graph |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.documents:,} | {r.quads:,} | {_s(r.append)} | {_s(r.scratch)} | "
            f"{_ratio(r.scratch, r.append)} | {'yes' if r.same else '**no**'} |"
        )
    source = "../shared/eval/texts" if TEXTS.is_dir() else "examples/"
    lines.append(
        f"\nReal articles ({source}) repeated under new ids; one run each, each command a `kg` "
        "subprocess with --no-html (start-up, model and gazetteers included)."
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="documents before the append"
    )
    parser.add_argument("--large", action="store_true", help=f"also {LARGE:,} documents")
    args = parser.parse_args(argv)
    sizes = [*args.sizes, *([LARGE] if args.large and LARGE not in args.sizes else [])]
    print("\n\n".join(sections(run_all(sizes))))


def sections(results: Sequence[AppendResult]) -> list[str]:
    return [
        "### Append one article to a grown store: `kg build --append` vs building all again",
        table(results),
    ]


if __name__ == "__main__":
    main()
