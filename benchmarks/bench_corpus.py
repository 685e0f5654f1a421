"""Corpus builds (issue #25): `kg build` on a few thousand documents, as a user runs it, against
bare spaCy on the same texts; one worker against two; a Dask LocalCluster against one process;
peak memory at 1x and 4x the corpus.

The corpus is the texts of the three visible evaluation sets (benchmarks/bench_extract.py's
corpus: `../shared/eval` gold, redocred and agworld, taken in turn), repeated under new document
ids to `--docs` documents (default 3,000), written as one JSON-lines file. Every run is a fresh
process, timed from its start to its exit (Python start-up, imports and model loading included),
with its peak memory: the largest sum of the resident memory of the process and all its children
(worker processes, Dask's nanny and workers), sampled every 0.1 s with psutil:

* *bare `nlp.pipe`*: a Python process that loads the spaCy model alone and runs
  `nlp.pipe(texts, batch_size=16)` over the corpus's texts, every Doc consumed (the baseline);
* *`kg build --workers 1`*: `python -m kg build CORPUS.jsonl --out DIR --no-html --workers 1`
  (extraction in the command's own process);
* *`--workers 2`*: the same with two worker processes;
* *`--dask local`*: the same with `--dask local --workers 2` (a LocalCluster of two worker
  processes, one thread each);
* *memory at 1x and 4x*: `--workers 2` on the corpus and on the corpus four times (4x the
  documents, under new ids), each into a fresh folder.

Throughput is words (whitespace-separated) per second of wall time; ratios are against the rows
the issue names. One run each (`--runs` for more; the best is kept). Nothing here asserts a time.

    python -m benchmarks.bench_corpus [--docs 3000] [--runs 1] [--skip-memory]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.bench_extract import corpus, eval_corpus, words, write_jsonl
from benchmarks.bench_store import progress

ROOT = Path(__file__).resolve().parents[1]
DOCS = 3000

_BARE = """
import json, sys, time
from kg.extract.pipeline import load_model
nlp = load_model()
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
start = time.perf_counter()
tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16))
print(json.dumps({"tokens": tokens, "pipe seconds": time.perf_counter() - start}))
"""


@dataclass
class Run:
    name: str
    command: str
    docs: int
    words: int
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # CPU seconds of the process tree
    steady: list[float] = field(default_factory=list)  # seconds of the pipe alone / of extraction
    load: list[tuple[float, float]] = field(default_factory=list)  # load average before, after
    note: str = ""

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def rate(self) -> float:
        return self.words / self.best


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    cpu: float
    load: tuple[float, float]
    stdout: str


def measure(argv: Sequence[str], cwd: Path) -> Measured:
    """Wall seconds, peak MB of the process tree, CPU seconds of the tree (every process waited
    for), load average before and after, and stdout of a command run to its end."""
    import resource

    import psutil

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    load = os.getloadavg()[0]
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # output to files, read at the end: a pipe nobody reads while the command runs fills and blocks it
    with (
        tempfile.TemporaryFile(mode="w+", encoding="utf-8") as out_file,
        tempfile.TemporaryFile(mode="w+", encoding="utf-8") as err_file,
    ):
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out_file, stderr=err_file, text=True)
        peak = 0
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            try:
                tree = [watched, *watched.children(recursive=True)]
                peak = max(peak, sum(_rss(p) for p in tree))
            except psutil.Error:
                pass
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}): {err[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    return Measured(seconds, peak / 2**20, cpu, (load, os.getloadavg()[0]), out)


def _rss(process: object) -> int:
    import psutil

    try:
        return int(process.memory_info().rss)  # type: ignore[attr-defined]
    except psutil.Error:
        return 0


def kg_build(jsonl: Path, out: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "kg", "build", str(jsonl), "--out", str(out), "--no-html", *options]


def run(
    docs: int = DOCS, runs: int = 1, memory: bool = True, log: Callable[[str], None] = progress
) -> list[Run]:
    source, _ = eval_corpus(None, 1)
    base = source
    repeat = -(-docs // len(base))
    records = corpus(base, None, repeat)[:docs]
    folder = Path(tempfile.mkdtemp(prefix="kg-bench-corpus-"))
    results: list[Run] = []
    try:
        jsonl = write_jsonl(folder / "corpus.jsonl", records)
        n_words = words(records)
        log(f"corpus: {len(records)} documents, {n_words:,} words")
        bare_script = folder / "bare.py"
        bare_script.write_text(_BARE, encoding="utf-8")
        plans: list[tuple[Run, Callable[[int], list[str]]]] = [
            (
                Run("bare `nlp.pipe`", "python bare.py (spaCy model alone)", len(records), n_words),
                lambda k: [sys.executable, str(bare_script), str(jsonl)],
            ),
            (
                Run("`kg build --workers 1`", "kg build CORPUS --no-html --workers 1", len(records), n_words),
                lambda k: kg_build(jsonl, folder / f"w1-{k}", "--workers", "1"),
            ),
            (
                Run("`kg build --workers 2`", "kg build CORPUS --no-html --workers 2", len(records), n_words),
                lambda k: kg_build(jsonl, folder / f"w2-{k}", "--workers", "2"),
            ),
            (
                Run(
                    "`kg build --dask local`",
                    "kg build CORPUS --no-html --dask local --workers 2",
                    len(records),
                    n_words,
                ),
                lambda k: kg_build(jsonl, folder / f"dask-{k}", "--dask", "local", "--workers", "2"),
            ),
        ]
        for k in range(runs):
            for n, (result, argv) in enumerate(plans):
                got = measure(argv(k), folder)
                _record(result, got)
                if n == 0:
                    result.steady.append(json.loads(got.stdout)["pipe seconds"])
                else:
                    name = ("w1", "w2", "dask")[n - 1]
                    result.steady.append(_extraction_seconds(folder / f"{name}-{k}"))
                log(f"corpus: run {k + 1}/{runs} {result.name}: {got.seconds:.1f} s, {got.peak_mb:,.0f} MB")
            for name in ("w1", "w2", "dask"):
                shutil.rmtree(folder / f"{name}-{k}", ignore_errors=True)
        results += [r for r, _ in plans]
        if memory:
            big = corpus(base, None, -(-4 * len(records) // len(base)))[: 4 * len(records)]  # new ids
            big_jsonl = write_jsonl(folder / "corpus-4x.jsonl", big)
            for label, path, count, n in (
                ("memory, 1x corpus", jsonl, len(records), n_words),
                ("memory, 4x corpus", big_jsonl, len(big), words(big)),
            ):
                result = Run(label, "kg build CORPUS --no-html --workers 2", count, n)
                out = folder / f"mem-{count}"
                got = measure(kg_build(path, out, "--workers", "2"), folder)
                _record(result, got)
                result.steady.append(_extraction_seconds(out))
                shutil.rmtree(out, ignore_errors=True)
                log(f"corpus: {label}: {got.seconds:.1f} s, {got.peak_mb:,.0f} MB")
                results.append(result)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return results


def _record(result: Run, got: Measured) -> None:
    result.seconds.append(got.seconds)
    result.peak_mb.append(got.peak_mb)
    result.cpu.append(got.cpu)
    result.load.append(got.load)


def _extraction_seconds(out: Path) -> float:
    """The extraction stage's wall seconds, from the build's report (loading the pipeline included)."""
    report = json.loads((Path(out) / "build-report.json").read_text(encoding="utf-8"))
    return float(next(v for k, v in report["stages"].items() if k.startswith("extracting")))


def table(results: Sequence[Run]) -> str:
    by_name = {r.name: r for r in results}
    bare = by_name["bare `nlp.pipe`"]
    one = by_name["`kg build --workers 1`"]
    ratios = {
        "`kg build --workers 1`": ("/ bare", one.rate / bare.rate),
        "`kg build --workers 2`": ("/ workers 1", by_name["`kg build --workers 2`"].rate / one.rate),
        "`kg build --dask local`": ("/ workers 1", by_name["`kg build --dask local`"].rate / one.rate),
    }
    small = by_name.get("memory, 1x corpus")
    if small is not None:
        ratios["memory, 4x corpus"] = (
            "peak / 1x",
            max(by_name["memory, 4x corpus"].peak_mb) / max(small.peak_mb),
        )
    steady = {
        "`kg build --workers 1`": one.words / min(one.steady) / (bare.words / min(bare.steady)),
        "`kg build --workers 2`": min(one.steady) / min(by_name["`kg build --workers 2`"].steady),
        "`kg build --dask local`": min(one.steady) / min(by_name["`kg build --dask local`"].steady),
    }
    lines = [
        "| run | command | documents | words | wall s | words/s | ratio (wall) | pipe or extraction s "
        "| ratio (it) | CPU s (tree) | load avg | peak MB (tree) |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|---:|",
    ]
    for r in results:
        what, value = ratios.get(r.name, ("", 0.0))
        ratio = f"{value:.2f} {what}" if what else ""
        alone = f"{steady[r.name]:.2f}" if r.name in steady else ""
        i = r.seconds.index(r.best)
        load = f"{r.load[i][0]:.1f} to {r.load[i][1]:.1f}"
        lines.append(
            f"| {r.name} | {r.command} | {r.docs:,} | {r.words:,} | {r.best:.1f} | {r.rate:,.0f} | {ratio} "
            f"| {r.steady[i]:.1f} | {alone} | {r.cpu[i]:.1f} | {load} | {max(r.peak_mb):,.0f} |"
        )
    return "\n".join(lines)


def sections(results: Sequence[Run]) -> list[str]:
    return ["### Corpus builds: workers, Dask and memory", table(results)]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=DOCS, help="documents in the corpus (the sets repeated)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each command; the best is kept")
    parser.add_argument("--skip-memory", action="store_true", help="skip the 1x and 4x memory runs")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.runs < 1:
        parser.error("--docs and --runs must be at least 1")
    print("\n\n".join(sections(run(args.docs, args.runs, not args.skip_memory))), flush=True)


if __name__ == "__main__":
    main()
