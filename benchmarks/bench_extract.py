"""Extraction throughput on real text: kg's pipeline and `kg build` against bare spaCy.

The corpus is the three visible evaluation sets (`../shared/eval/gold`, `redocred/gold`,
`agworld/gold`: each gold file's `text` and `published`), taken in turn from each set so that any
`--docs N` mixes the three, and with `--repeat R` repeated R times under new document ids. Words
are whitespace-separated words of the texts. Four stages run on the same documents:

* *bare*: `nlp.pipe(texts, batch_size=16)` of the spaCy model alone (`kg.extract.pipeline.load_model()`,
  no kg component), every Doc consumed: the baseline of every ratio;
* *extract*: `kg.extract.document.extract(build_nlp(), documents)` to the end: the model with the
  gazetteer ruler, kg's components and the Docs turned into records (what `kg build` extracts);
* *build*: `kg.pipeline.build.build_documents(documents, nlp=...)`: extract, resolve and map to an rdflib
  Dataset (`kg build` without writing);
* *command* (unless `--no-command`): `kg build CORPUS.jsonl --out DIR --no-html` in this process
  through typer's CliRunner: reading the JSON lines, loading the model again and adding kg's
  components, extraction, resolution, mapping, graph.ttl, graph.trig and the Oxigraph store. The
  gazetteer patterns and kg's lazily built tables are already in memory here; a fresh `kg`
  process builds them too (the load times reported apart).

Each stage is timed `--runs` times (3), the stages taking turns, and the best run is kept; ratios
are against the bare stage's best in the same run. Loading is outside the timed regions and
reported apart: the model (the first spacy.load in the process, then a second), the gazetteer
patterns (built once) and adding kg's components to a loaded model; one untimed warm-up pass over
a few documents fills kg's lazily built tables first. The peak RSS of the process
(`resource.getrusage`) is read after each stage's first run. A second table times each pipeline
component on its own, over the whole corpus (tokenizer, each component's `pipe` in turn, the
records, resolve and map), best of the runs.

`--profile FILE` then runs `build_documents` once more under cProfile, writes the statistics to FILE
and prints kg's costliest functions to stderr (cProfile inflates Python-level calls, iterating a
Doc's tokens most: the component table is the unprofiled measure).

Nothing here asserts a time; tests/test_bench_extract.py checks the corpus builder only.

    python -m benchmarks.bench_extract [--docs 100] [--repeat 2] [--runs 3] [--no-command]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import logging
import os
import pstats
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.bench_store import _s, progress

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.core.types import Document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
SETS = {
    "gold": SHARED / "gold",
    "redocred": SHARED / "redocred" / "gold",
    "agworld": SHARED / "agworld" / "gold",
}
BATCH = 16  # kg.extract.document.extract's batch size, used for the bare model too
WARM_UP = 8  # documents of the untimed warm-up pass


# ---------------------------------------------------------------------- corpus


def gold_records(gold_dir: Path) -> list[dict[str, str]]:
    """The documents of a gold folder as kg's JSON-lines records (id, text, published)."""
    records = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text_path = gold_dir.parent / gold["text"]
        record = {"id": gold["doc"], "text": text_path.read_text(encoding="utf-8")}
        if gold.get("published"):
            record["published"] = gold["published"]
        records.append(record)
    return records


def interleave(sets: Sequence[Sequence[dict[str, str]]]) -> list[dict[str, str]]:
    """The records of several sets taken in turn (first of each, second of each...)."""
    out: list[dict[str, str]] = []
    for n in range(max((len(s) for s in sets), default=0)):
        out.extend(s[n] for s in sets if n < len(s))
    return out


def corpus(
    source: Sequence[dict[str, str]], docs: int | None = None, repeat: int = 1
) -> list[dict[str, str]]:
    """The first `docs` records of `source` (all if None), `repeat` times: copy k > 0 of a record
    under id `<id>-r<k>`, so every id is unique."""
    if repeat < 1:
        raise ValueError(f"repeat must be at least 1, got {repeat}")
    chosen = list(source if docs is None else source[:docs])
    return [{**r, "id": r["id"] if k == 0 else f"{r['id']}-r{k}"} for k in range(repeat) for r in chosen]


def eval_corpus(docs: int | None, repeat: int) -> tuple[list[dict[str, str]], dict[str, int]]:
    """The benchmark's corpus from ../shared/eval, and how many of its documents each set gave."""
    missing = [str(p) for p in SETS.values() if not p.is_dir()]
    if missing:
        raise SystemExit(f"evaluation sets not found: {', '.join(missing)} (expected ../shared/eval)")
    by_set = {name: gold_records(folder) for name, folder in SETS.items()}
    source = interleave(list(by_set.values()))
    chosen = {r["id"] for r in (source if docs is None else source[:docs])}
    counts = {name: repeat * sum(r["id"] in chosen for r in rs) for name, rs in by_set.items()}
    return corpus(source, docs, repeat), counts


def documents_of(records: Sequence[dict[str, str]]) -> list[Document]:
    """kg Documents of JSON-lines records, as `kg build CORPUS.jsonl` reads them."""
    from kg.core.types import Document

    return [
        Document(
            id=r["id"],
            text=r["text"],
            published=date.fromisoformat(r["published"][:10]) if r.get("published") else None,
        )
        for r in records
    ]


def words(records: Sequence[dict[str, str]]) -> int:
    return sum(len(r["text"].split()) for r in records)


def write_jsonl(path: Path, records: Sequence[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# ---------------------------------------------------------------------- stages


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    wall, _, value = _clocked(fn)
    return wall, value


def _clocked(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of `fn()` (the garbage collector run before, untimed), and its value."""
    gc.collect()
    cpu, start = time.process_time(), time.perf_counter()
    value = fn()
    return time.perf_counter() - start, time.process_time() - cpu, value


def bare(nlp: Language, texts: Sequence[str]) -> int:
    """Every Doc of `nlp.pipe`; the number of tokens."""
    return sum(len(doc) for doc in nlp.pipe(texts, batch_size=BATCH))


def extract_all(nlp: Language, documents: Sequence[Document]) -> int:
    from kg.extract.document import extract

    return sum(len(x.claims) for x in extract(nlp, documents, batch_size=BATCH))


def build_all(nlp: Language, documents: Sequence[Document]) -> int:
    from kg.pipeline.build import build_documents

    _, dataset = build_documents(documents, nlp=nlp)
    return len(dataset)


def command(jsonl: Path, out: Path) -> None:
    """`kg build JSONL --out OUT --no-html` in this process (OUT a new folder)."""
    from benchmarks.bench_store import invoke

    invoke(["build", str(jsonl), "--out", str(out), "--no-html"])


def component_times(nlp: Language, documents: Sequence[Document]) -> dict[str, float]:
    """Seconds of each step of the kg pipeline over all `documents`, run one step at a time as
    spaCy's `Language.pipe` runs them (a component's `pipe` if it has one, else a call per Doc)."""
    from kg.extract.document import to_records
    from kg.resolve.mapping import to_dataset
    from kg.resolve.merge import resolve

    times: dict[str, float] = {}
    start = time.perf_counter()
    docs = [nlp.make_doc(d.text) for d in documents]
    for doc, document in zip(docs, documents, strict=True):
        doc._.kg_published = document.published
    times["tokenizer"] = time.perf_counter() - start
    for name, proc in nlp.pipeline:
        start = time.perf_counter()
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=BATCH))
        else:
            docs = [proc(doc) for doc in docs]
        times[name] = time.perf_counter() - start
    start = time.perf_counter()
    extractions = [to_records(doc, document) for doc, document in zip(docs, documents, strict=True)]
    times["records (to_records)"] = time.perf_counter() - start
    start = time.perf_counter()
    resolved = resolve(extractions)
    times["resolve"] = time.perf_counter() - start
    start = time.perf_counter()
    to_dataset(resolved)
    times["map (to_dataset)"] = time.perf_counter() - start
    return times


# ---------------------------------------------------------------------- the run


@dataclass
class Stage:
    name: str
    what: str
    runs: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # the process's CPU seconds in the same runs
    rss_mb: float = 0.0

    @property
    def best(self) -> float:
        return min(self.runs)


@dataclass
class ExtractResult:
    documents: int
    by_set: dict[str, int]
    repeat: int
    words: int
    tokens: int
    loads: dict[str, float]
    stages: list[Stage]
    components: dict[str, float]
    kg_components: tuple[str, ...]
    load_average: tuple[float, float]
    model: str


def run(
    docs: int | None = None,
    repeat: int = 1,
    runs: int = 3,
    with_command: bool = True,
    log: Callable[[str], None] = progress,
) -> ExtractResult:
    from kg.extract.gazetteer import ruler_patterns
    from kg.extract.pipeline import add_kg_components, load_model

    logging.getLogger("kg").setLevel(logging.ERROR)
    records, by_set = eval_corpus(docs, repeat)
    n_words = words(records)
    log(f"extract: {len(records)} documents, {n_words:,} words")
    load_start = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="kg-bench-extract-"))
    try:
        jsonl = write_jsonl(folder / "corpus.jsonl", records)
        documents = documents_of(records)
        texts = [d.text for d in documents]

        loads: dict[str, float] = {}
        loads["spaCy model, first load"], plain = _timed(load_model)
        loads["spaCy model, second load"], kg_nlp = _timed(load_model)
        loads["gazetteer patterns built"], _ = _timed(ruler_patterns)
        loads["kg components added (ruler filled)"], _ = _timed(lambda: add_kg_components(kg_nlp))
        kg_names = tuple(n for n in kg_nlp.pipe_names if n not in plain.pipe_names)
        log("extract: " + ", ".join(f"{k} {v:.2f} s" for k, v in loads.items()))
        loads["warm-up: bare, kg pipeline"], _ = _timed(
            lambda: (bare(plain, texts[:WARM_UP]), extract_all(kg_nlp, documents[:WARM_UP]))
        )

        stages = [
            Stage("bare `nlp.pipe`", "spaCy model alone, every Doc"),
            Stage("kg extract", "`extract(build_nlp(), docs)` to records"),
            Stage("kg build", "`build_documents`: extract, resolve, map"),
        ]
        steps: list[Callable[[int], Any]] = [
            lambda _: bare(plain, texts),
            lambda _: extract_all(kg_nlp, documents),
            lambda _: build_all(kg_nlp, documents),
        ]
        if with_command:
            stages.append(
                Stage(
                    "`kg build --no-html`",
                    "the command in-process: read, model load, extract, resolve, map, write files and store",
                )
            )
            steps.append(lambda k: command(jsonl, folder / f"out-{k}"))  # a fresh folder each run
        tokens = 0
        components: dict[str, float] = {}
        for k in range(runs):
            for stage, step in zip(stages, steps, strict=True):
                elapsed, cpu, value = _clocked(partial(step, k))
                stage.runs.append(elapsed)
                stage.cpu.append(cpu)
                if k == 0:
                    stage.rss_mb = peak_rss_mb()
                    if stage is stages[0]:
                        tokens = value
                log(f"extract: run {k + 1}/{runs} {stage.name}: {elapsed:.2f} s")
            gc.collect()
            times = component_times(kg_nlp, documents)
            for name, seconds in times.items():
                components[name] = min(seconds, components.get(name, float("inf")))
            log(f"extract: run {k + 1}/{runs} components: {sum(times.values()):.2f} s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return ExtractResult(
        documents=len(records),
        by_set=by_set,
        repeat=repeat,
        words=n_words,
        tokens=tokens,
        loads=loads,
        stages=stages,
        components=components,
        kg_components=kg_names,
        load_average=(load_start, os.getloadavg()[0]),
        model=f"{plain.meta.get('lang', '?')}_{plain.meta.get('name', '?')} {plain.meta.get('version', '?')}",
    )


# ---------------------------------------------------------------------- profile


def profile(docs: int | None, repeat: int, path: Path, top: int = 30) -> str:
    """cProfile of `build_documents` over the corpus (pipeline loaded and warmed up first); the
    statistics go to `path`, and the `top` functions of kg (by own time) are returned as text."""
    from kg.extract.pipeline import build_nlp
    from kg.pipeline.build import build_documents

    records, _ = eval_corpus(docs, repeat)
    documents = documents_of(records)
    nlp = build_nlp()
    build_documents(documents[:WARM_UP], nlp=nlp)
    profiler = cProfile.Profile()
    profiler.enable()
    build_documents(documents, nlp=nlp)
    profiler.disable()
    profiler.dump_stats(str(path))
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(r"/kg/", top)
    stats.sort_stats("cumulative").print_stats(r"/kg/", top)
    return text.getvalue()


# ---------------------------------------------------------------------- tables


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def table(result: ExtractResult) -> str:
    base, base_cpu = result.stages[0].best, min(result.stages[0].cpu)
    lines = [
        "| stage | what is timed | best s | runs s | words/s | docs/s | / bare | CPU s | / bare (CPU) "
        "| peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for stage in result.stages:
        runs = ", ".join(_s(t) for t in stage.runs)
        cpu = min(stage.cpu)
        lines.append(
            f"| {stage.name} | {stage.what} | {_s(stage.best)} | {runs} | "
            f"{_rate(result.words / stage.best)} | {result.documents / stage.best:,.1f} | "
            f"{base / stage.best:.2f} | {_s(cpu)} | {base_cpu / cpu:.2f} | {stage.rss_mb:,.0f} |"
        )
    sets = ", ".join(f"{n} {name}" for name, n in result.by_set.items())
    repeat = f", the corpus {result.repeat} times under new ids" if result.repeat > 1 else ""
    loads = "; ".join(f"{name} {seconds:.2f} s" for name, seconds in result.loads.items())
    lines.append(
        f"\n{result.documents:,} documents ({sets}{repeat}), {result.words:,} words, "
        f"{result.tokens:,} spaCy tokens; model {result.model}; best of {len(result.stages[0].runs)} "
        "runs, the stages taking turns. *words/s* counts whitespace-separated words; */ bare* is "
        "the bare stage's best time over the stage's (1.00 = as fast as spaCy alone); *CPU s* the "
        "process's least CPU time of the runs (time.process_time, every thread: the model's matrix "
        "products run on several cores). Peak RSS of "
        f"the process after each stage's first run. Outside the timed regions: {loads}. Load average "
        f"{result.load_average[0]:.1f} at the start, {result.load_average[1]:.1f} at the end."
    )
    return "\n".join(lines)


def component_table(result: ExtractResult) -> str:
    total = sum(result.components.values())
    lines = ["| step | kg's | s | share | words/s |", "|---|---|---:|---:|---:|"]
    for name, seconds in result.components.items():
        mine = "yes" if name in result.kg_components or not _is_model_step(name) else ""
        lines.append(
            f"| {name} | {mine} | {_s(seconds)} | {seconds / total:.0%} | {_rate(result.words / seconds)} |"
        )
    kg_total = sum(s for n, s in result.components.items() if n in result.kg_components)
    model_total = sum(s for n, s in result.components.items() if _is_model_step(n))
    after = total - kg_total - model_total
    lines.append(
        f"\nEach step over the whole corpus on its own (best of the runs), in pipeline order. The "
        f"model's steps (tokenizer and spaCy's components) {model_total:.2f} s, kg's components "
        f"{kg_total:.2f} s, records, resolve and map {after:.2f} s; {total:.2f} s in all."
    )
    return "\n".join(lines)


def _is_model_step(name: str) -> bool:
    return not name.startswith("kg_") and name not in ("records (to_records)", "resolve", "map (to_dataset)")


def sections(result: ExtractResult) -> list[str]:
    return [
        "### Extraction throughput: kg against bare spaCy, same texts",
        table(result),
        "### Where the kg pipeline's time goes, step by step",
        component_table(result),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, help="documents taken from the evaluation sets (default all)")
    parser.add_argument("--repeat", type=int, default=1, help="the corpus this many times, under new ids")
    parser.add_argument("--runs", type=int, default=3, help="runs of each stage; the best is kept")
    parser.add_argument("--no-command", action="store_true", help="skip the in-process `kg build` stage")
    parser.add_argument("--profile", type=Path, help="then cProfile build_documents; statistics to FILE")
    args = parser.parse_args(argv)
    for name in ("docs", "repeat", "runs"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    result = run(args.docs, args.repeat, args.runs, with_command=not args.no_command)
    print("\n\n".join(sections(result)), flush=True)
    if args.profile is not None:
        progress(f"extract: profiling build_documents, statistics to {args.profile}")
        for line in (profile(args.docs, args.repeat, args.profile)).splitlines():
            progress(line)


if __name__ == "__main__":
    main()
