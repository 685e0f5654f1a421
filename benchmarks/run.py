"""Run the benchmarks and print their markdown tables, with the machine they ran on.

    .venv/bin/python -m benchmarks.run [--large] [--only views|store|grown|append|extract|corpus]

Progress goes to stderr, the tables to stdout (paste them into benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import metadata

from benchmarks import bench_append, bench_corpus, bench_extract, bench_grown, bench_store, bench_views


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kilobytes = int(info.readline().split()[1])
        return f"{kilobytes / 1024**2:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        return "RAM unknown"


def _chromium() -> str:
    try:
        out = subprocess.run(
            [str(bench_views.CHROMIUM), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
        return out.stdout.strip().split(" built on")[0] or "Chromium (version unknown)"
    except (OSError, subprocess.SubprocessError):
        return "no Chromium"


def machine() -> str:
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("pyoxigraph", "rdflib", "pyvis", "networkx", "playwright", "spacy")
    )
    return (
        f"{_cpu()}, {os.cpu_count()} cores, {_memory_gb()}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {versions}; {_chromium()}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--large", action="store_true", help="also 1M triples in the store benchmark")
    parser.add_argument(
        "--only",
        choices=("views", "store", "grown", "append", "extract", "corpus"),
        help="run one benchmark",
    )
    parser.add_argument("--cap", type=float, default=120.0, help="seconds a page may take to draw")
    parser.add_argument("--query-cap", type=float, default=60.0, help="seconds an rdflib query may take")
    parser.add_argument(
        "--command-cap", type=float, default=600.0, help="seconds kg infer or kg validate may take"
    )
    args = parser.parse_args(argv)

    sizes = bench_store.chosen_sizes(bench_store.SIZES, args.large)
    start, load = time.perf_counter(), os.getloadavg()[0]
    sections = [f"Machine: {machine()}."]
    if args.only in (None, "views"):
        results = bench_views.run(cap=args.cap)
        sections += ["### HTML explorer: kg vs pyvis defaults", bench_views.table(results)]
    if args.only in (None, "store"):
        store_results = bench_store.run_all(sizes, cap=args.query_cap, command_cap=args.command_cap)
        sections += bench_store.sections(store_results)
    if args.only in (None, "grown"):
        sections += bench_grown.sections(*bench_grown.run_all(sizes))
    if args.only in (None, "append"):
        append_sizes = [*bench_append.SIZES, *([bench_append.LARGE] if args.large else [])]
        sections += bench_append.sections(bench_append.run_all(append_sizes))
    if args.only in (None, "extract"):
        sections += bench_extract.sections(bench_extract.run())
    if args.only in (None, "corpus"):
        sections += bench_corpus.sections(bench_corpus.run())
    minutes = (time.perf_counter() - start) / 60
    sections.append(
        f"Total time: {minutes:.1f} min; load average {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end."
    )
    print("\n\n".join(sections))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
