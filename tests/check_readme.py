"""The README's commands, run as a new user runs them after `make demo`: `make check-readme`.

Reads the ```sh blocks of README.md and runs each `kg ...` line (and `.venv/bin/kg ...`, and
`oxigraph serve ...`, which the lines after it use), in README order, in a temporary copy of the
checkout's `output/` (the graph `make demo` built) and `examples/`. Each line must exit 0 and print
what the README says it prints (`EXPECTED` below: one entry per line, so a new README line fails
here until it says what it prints). Other lines (`make demo`, `python ...`) are not run.

It runs with the interpreter that runs it, so in the environment `make demo` made, without the test
extra (`make check-readme`; .ci/run calls it before `make test` installs that extra): what a README
command needs must be in the default install.

A line that needs input of its own carries a marker in its comment, `needs: NAME, NAME`; each NAME
is one `PROVIDERS` knows how to give:

- `corpus.jsonl`, `gold.jsonl`, `../shared/eval/gold`: a few documents of the shared gold set
  (`../shared/eval`, beside the checkout as in CI) with their texts; without it, the lines that need
  the gold are skipped (and say so), and `corpus.jsonl` holds the examples.
- `new-articles/`, `reference.ttl`: two articles and a Turtle file of tests/data/readme/.
- `news/`: a news page, a feed linking it, and JSON lines (one in German) of tests/data/readme/.
- `some-doc-id`: the id of a document in the store (the first of `new-articles/`).
- `/srv/kg`: a temporary folder for the server's store.
- `127.0.0.1:7878`: the server the block started. Every `7878` of the README becomes a free port,
  and `kg serve` gets `--port` with it, so a server already on 7878 does not get in the way.

Servers (`kg serve`, `oxigraph serve`) run in the background until their block ends, and are
stopped by their pid. `kg serve --store output` is also sent the README's SPARQL example (whose
prefixes are undeclared) and must answer it with rows.

    .venv/bin/python tests/check_readme.py [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "readme"
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
LINE_TIMEOUT = 600  # seconds; a build of the examples takes about 10
GOLD_DOCUMENTS = 6  # the shortest of each half of the shared gold set, three and three


@dataclass
class Line:
    """One command line of a ```sh block."""

    number: int  # in README.md
    block: int
    command: str
    comment: str

    @property
    def needs(self) -> list[str]:
        found = re.search(r"needs: ([^;()]+)", self.comment)
        return [name.strip() for name in found.group(1).split(",")] if found else []

    @property
    def runs(self) -> bool:
        return bool(re.match(r"(\.venv/bin/)?kg |oxigraph serve ", self.command))


def comment_start(text: str) -> int:
    """Where a shell comment starts in `text` (a `#` after a blank, outside quotes), or -1."""
    quote = ""
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or text[i - 1].isspace()):
            return i
    return -1


def command_lines(markdown: str) -> list[Line]:
    """The command lines of the ```sh blocks, with their comments (continued on the comment-only
    lines that follow a command)."""
    lines: list[Line] = []
    block, fence = 0, None
    for number, raw in enumerate(markdown.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("```"):
            if fence is None:
                fence = stripped[3:].strip()
                block += 1
            else:
                fence = None
            continue
        if fence != "sh" or not stripped:
            continue
        at = comment_start(stripped)
        command = (stripped if at < 0 else stripped[:at]).strip()
        comment = "" if at < 0 else stripped[at + 1 :].strip()
        if command:
            lines.append(Line(number, block, command, comment))
        elif lines and lines[-1].block == block:  # a comment that goes on under the command
            lines[-1].comment += " " + comment
    return lines


def sparql_example(markdown: str) -> str:
    """The README's ```sparql block."""
    found = re.search(r"```sparql\n(.*?)```", markdown, re.DOTALL)
    if found is None:
        raise SystemExit("README.md has no ```sparql block")
    return found.group(1)


def saved_query_names(markdown: str) -> list[str]:
    """The saved queries the README lists ("Saved queries (...): `allies-of`, ...")."""
    found = re.search(r"Saved queries \(.*?\):(.*?)\n\n", markdown, re.DOTALL)
    if found is None:
        raise SystemExit("README.md lists no saved queries")
    return re.findall(r"`([a-z-]+)`", found.group(1))


# ---------------------------------------------------------------------- what each line prints


@dataclass
class Ran:
    line: Line
    stdout: str
    stderr: str
    cwd: Path
    url: str | None = None  # a server's


Check = Callable[[Ran], None]


def prints(*patterns: str) -> Check:
    """Each pattern matches a line of what the command printed."""

    def check(ran: Ran) -> None:
        for pattern in patterns:
            if not re.search(pattern, ran.stdout, re.MULTILINE):
                raise AssertionError(f"printed no line matching {pattern!r}")

    return check


def wrote(name: str, starts: str = "") -> Check:
    def check(ran: Ran) -> None:
        path = ran.cwd / name
        if not path.is_file() or path.stat().st_size == 0:
            raise AssertionError(f"{name} was not written")
        if starts and not path.read_text(encoding="utf-8").lstrip().startswith(starts):
            raise AssertionError(f"{name} does not start with {starts!r}")

    return check


def lists_saved_queries(ran: Ran) -> None:
    names = saved_query_names(README.read_text(encoding="utf-8"))
    listed = [line.split()[0] for line in ran.stdout.splitlines() if line and not line.startswith(" ")]
    if sorted(listed) != sorted(names):
        raise AssertionError(f"kg query --list lists {listed}; the README lists {names}")


def answers_the_readme(ran: Ran) -> None:
    """`kg serve`: the README's SPARQL example (prefixes undeclared) gives rows; the query page
    and the explorer are there; a write is refused (read-only)."""
    assert ran.url is not None
    query = sparql_example(README.read_text(encoding="utf-8"))
    request = urllib.request.Request(
        ran.url + "/query",
        data=urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            rows = json.loads(response.read())["results"]["bindings"]
    except urllib.error.HTTPError as e:
        raise AssertionError(f"the README's SPARQL example: HTTP {e.code}: {e.read()[:300]!r}") from e
    if not rows or not all({"subject", "object", "sentence", "doc"} <= row.keys() for row in rows):
        raise AssertionError(f"the README's SPARQL example gave no rows with its columns: {rows[:2]}")
    for path, text in (("/", "kg SPARQL endpoint"), ("/explorer", "kg-network")):
        with urllib.request.urlopen(ran.url + path, timeout=30) as response:
            if text not in response.read().decode("utf-8"):
                raise AssertionError(f"{path} does not show {text!r}")
    update = urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode()
    try:
        urllib.request.urlopen(urllib.request.Request(ran.url + "/update", data=update), timeout=30)
    except urllib.error.HTTPError as e:
        if e.code != 403:
            raise AssertionError(f"a write got HTTP {e.code}, not 403 (read-only)") from e
    else:
        raise AssertionError("kg serve took a write: it should be read-only")


TABLE = r"^┏"  # a table's top edge
ROWS = r"^\d[\d,]* rows"

#: For each README line (matched as written there): what it must print, beyond exiting 0.
EXPECTED: list[tuple[str, list[Check]]] = [
    (r"kg build examples/ --out output$", [prints(r"^built 3 documents$", r"^open the view: file://\S+")]),
    (r"kg build corpus\.jsonl --out out --min-confidence 0\.5$", [prints(r"^built \d+ documents$")]),
    (
        r"kg stats --store output$",
        [prints(r"^documents: \d+$", r"^entities: \d+$", r"^  Country: \d+$", r"^relations: \d+$")],
    ),
    (r'kg query "SELECT \?l WHERE .*" --format csv$', [prints(r"^l\r?$", r"^Japan\r?$")]),
    (r"kg query allies-of --param country=Japan$", [prints(TABLE, r"countryLabel", ROWS)]),
    (r"kg query --list$", [lists_saved_queries]),
    (
        r"kg render --focus Japan --hops 2 .* --out view\.html$",
        [prints(r"^wrote view\.html$"), wrote("view.html")],
    ),
    (r"kg validate --store output$", [prints(r"^conforms")]),
    (r"kg eval \.\./shared/eval/gold --graph out/graph\.trig$", [prints(r"entity F1 \d", r"relation F1 \d")]),
    (r"kg calibrate \.\./shared/eval/gold .* --out rules\.yaml$", [wrote("rules.yaml")]),
    (
        r"kg build new-articles/ --out output --append$",
        [prints(r"^added 2: ", r"^store holds \d+ documents$", r"^open the view: file://")],
    ),
    (r"kg remove some-doc-id --store output$", [prints(r"^removed 1: ")]),
    (r"kg import reference\.ttl --store output$", [prints(r"^imported \d+ quads from 1 files into output$")]),
    (
        r"kg export --format graphml --out net\.graphml$",
        [prints(r"^wrote net\.graphml$"), wrote("net.graphml", "<?xml")],
    ),
    (r"kg infer --store output$", [prints(r"^inferred \d+ triples$", r"graph\.ttl$", r"graph\.trig$")]),
    (r"kg compact --store output$", [prints(r"^compacted the store at ")]),
    (
        r"kg serve --store output$",
        [prints(r"^serving \S+ \(read-only\) at http://127\.0\.0\.1:\d+/query$"), answers_the_readme],
    ),
    (r"oxigraph serve --location /srv/kg --bind 127\.0\.0\.1:7878$", []),
    (
        r"kg build new-articles/ --store http://127\.0\.0\.1:7878$",
        [prints(r"^added 2: ", r"^store holds 2 documents$")],
    ),
    (r"kg query allies-of --param country=Japan --store http://127\.0\.0\.1:7878$", [prints(TABLE, ROWS)]),
    (
        r"kg render --focus Japan --store http://127\.0\.0\.1:7878 --out japan\.html$",
        [prints(r"^wrote japan\.html$"), wrote("japan.html")],
    ),
    (r"\.venv/bin/kg build gold\.jsonl --out out$", [prints(r"^built \d+ documents$")]),
    (
        r"kg build news/ --out out$",
        [
            prints(r"^built 3 documents$", r"^documents: 3 built, 0 unchanged, 1 skipped, 0 failed"),
            wrote("out/build-report.json", "{"),
        ],
    ),
    (r"kg build news/ --out out-dask --dask local$", [prints(r"^documents: 3 built, .*\(Dask, \d+ workers")]),
]


def expected(line: Line) -> list[Check]:
    """The checks of the one EXPECTED entry that matches the line; SystemExit if not exactly one."""
    found = [checks for pattern, checks in EXPECTED if re.fullmatch(pattern, line.command)]
    if len(found) != 1:
        raise SystemExit(
            f"README.md:{line.number}: {line.command!r} matches {len(found)} entries of EXPECTED in "
            f"{Path(__file__).name}: say there what it prints"
        )
    return found[0]


# ---------------------------------------------------------------------- inputs of one's own


class Skip(Exception):
    """The line cannot run here (what it needs is not beside the checkout)."""


@dataclass
class Workspace:
    """The temporary copy the lines run in, and what was made for them."""

    root: Path  # holds repo/ (the lines' folder) and, beside it, shared/ for ../shared/eval
    port: int
    shared: Path | None  # the real ../shared/eval, if it is beside the checkout
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    server_url: str | None = None

    @property
    def cwd(self) -> Path:
        return self.root / "repo"

    def gold_files(self) -> list[Path]:
        if self.shared is None:
            raise Skip("needs ../shared/eval (the shared gold set), which is not beside this checkout")
        target = self.root / "shared" / "eval"
        if not (target / "gold").is_dir():
            copy_gold(self.shared, target)
        return sorted((target / "gold").glob("*.json"))


def copy_gold(source: Path, target: Path) -> None:
    """A few documents of the gold set, the shortest three of each half, with their texts."""
    from kg.quality.evaluate import half_of

    golds = []
    for path in sorted((source / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = source / gold["text"]
        if text.is_file():
            golds.append((text.stat().st_size, half_of(gold["doc"]), path, gold["text"]))
    chosen = [g for half in ("tuning", "check") for g in sorted(x for x in golds if x[1] == half)[:3]]
    for _, _, path, text in chosen[:GOLD_DOCUMENTS]:
        (target / "gold").mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / "gold" / path.name)
        (target / text).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / text, target / text)


def gold_jsonl(space: Workspace, name: str) -> None:
    with (space.cwd / name).open("w", encoding="utf-8") as out:
        for path in space.gold_files():
            gold = json.loads(path.read_text(encoding="utf-8"))
            text = (path.parent.parent / gold["text"]).read_text(encoding="utf-8")
            record = {"id": gold["doc"], "text": text, "published": gold.get("published")}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def corpus_jsonl(space: Workspace, line: Line) -> None:
    try:
        gold_jsonl(space, "corpus.jsonl")
    except Skip:  # the examples, as a corpus
        with (space.cwd / "corpus.jsonl").open("w", encoding="utf-8") as out:
            for path in sorted((space.cwd / "examples").iterdir()):
                out.write(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}) + "\n")


def copied(name: str) -> Callable[[Workspace, Line], None]:
    def provide(space: Workspace, line: Line) -> None:
        source, target = DATA / name, space.cwd / name
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy(source, target)

    return provide


def has_server(space: Workspace, line: Line) -> None:
    if space.server_url is None:
        raise AssertionError("no server was started before this line in its block")


#: How each `needs:` name is given: files made in the copy, or a check.
PROVIDERS: dict[str, Callable[[Workspace, Line], None]] = {
    "corpus.jsonl": corpus_jsonl,
    "gold.jsonl": lambda space, line: gold_jsonl(space, "gold.jsonl"),
    "../shared/eval/gold": lambda space, line: space.gold_files() and None,
    "new-articles/": copied("new-articles"),
    "news/": copied("news"),
    "reference.ttl": copied("reference.ttl"),
    "some-doc-id": lambda space, line: None,  # replaced in the command: see `command`
    "/srv/kg": lambda space, line: (space.root / "srv-kg").mkdir(exist_ok=True),
    "127.0.0.1:7878": has_server,
}


def command(space: Workspace, line: Line) -> list[str]:
    """The line as it is run: its port, placeholder and paths made real."""
    text = line.command.replace("7878", str(space.port)).replace("/srv/kg", str(space.root / "srv-kg"))
    if "some-doc-id" in line.needs:
        first = sorted((DATA / "new-articles").iterdir())[0].stem
        text = text.replace("some-doc-id", first)
    words = shlex.split(text)
    if words[0] == ".venv/bin/kg":
        words[0] = "kg"
    if words[:2] == ["kg", "serve"] and "--port" not in words:
        words += ["--port", str(space.port)]
    return [str(BIN / words[0]) if (BIN / words[0]).is_file() else words[0], *words[1:]]


# ---------------------------------------------------------------------- running


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    probe = url + "/query?" + urlencode({"query": "ASK {}"})
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(probe, timeout=5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not answer within {timeout:.0f} s") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server by its pid: SIGTERM (kg serve then stops its oxigraph), SIGKILL after 20 s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def run_line(space: Workspace, line: Line, env: dict[str, str]) -> Ran:
    for name in line.needs:
        if name not in PROVIDERS:
            raise AssertionError(f"the marker names {name!r}, which {Path(__file__).name} cannot give")
        PROVIDERS[name](space, line)
    argv = command(space, line)
    if line.command.startswith(("kg serve", "oxigraph serve")):
        log = space.root / f"server-{len(space.servers)}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(argv, cwd=space.cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        space.servers.append(process)
        url = f"http://127.0.0.1:{space.port}"
        wait_for(url, process, log)
        space.server_url = url
        time.sleep(0.3)  # its lines are printed just after it answers
        return Ran(line, log.read_text(encoding="utf-8"), "", space.cwd, url)
    proc = subprocess.run(
        argv, cwd=space.cwd, env=env, capture_output=True, text=True, timeout=LINE_TIMEOUT, check=False
    )
    if proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return Ran(line, proc.stdout, proc.stderr, space.cwd)


def stop_servers(space: Workspace) -> None:
    for process in space.servers:
        stop(process)
    space.servers.clear()
    space.server_url = None


@dataclass
class Outcome:
    line: Line
    status: str  # ok, FAIL, skip
    seconds: float
    detail: str = ""


def run(lines: list[Line], space: Workspace) -> Iterator[Outcome]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "COLUMNS": "120"}
    block = None
    try:
        for line in lines:
            if line.block != block:
                stop_servers(space)
                block = line.block
            checks = expected(line)
            started = time.monotonic()
            try:
                ran = run_line(space, line, env)
                for check in checks:
                    check(ran)
            except Skip as e:
                yield Outcome(line, "skip", time.monotonic() - started, str(e))
            except (AssertionError, subprocess.TimeoutExpired) as e:
                yield Outcome(line, "FAIL", time.monotonic() - started, str(e))
            else:
                yield Outcome(line, "ok", time.monotonic() - started)
    finally:
        stop_servers(space)


def prepare(root: Path) -> None:
    """The copy: the demo's output/ and the examples."""
    output = ROOT / "output"
    if not (output / "store" / "CURRENT").is_file():
        raise SystemExit(f"no demo graph in {output}: run `make demo` first")
    (root / "repo").mkdir(parents=True)
    shutil.copytree(output, root / "repo" / "output")
    shutil.copytree(ROOT / "examples", root / "repo" / "examples")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy, and say where")
    args = parser.parse_args(argv)
    markdown = README.read_text(encoding="utf-8")
    lines = [line for line in command_lines(markdown) if line.runs]
    for line in lines:
        expected(line)  # every line says what it prints, before anything runs
    shared = ROOT.parent / "shared" / "eval"
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="kg-readme-"))
    counts = {"ok": 0, "FAIL": 0, "skip": 0}
    try:
        prepare(root)
        space = Workspace(root, free_port(), shared if (shared / "gold").is_dir() else None)
        print(
            f"README.md: {len(lines)} command lines, run in {root / 'repo'} with {sys.executable}", flush=True
        )
        for outcome in run(lines, space):
            counts[outcome.status] += 1
            print(
                f"{outcome.status:4} {outcome.seconds:5.1f} s  README.md:{outcome.line.number}  "
                f"{outcome.line.command}",
                flush=True,
            )
            if outcome.detail:
                print("     " + outcome.detail.replace("\n", "\n     "), flush=True)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(f"README commands: {time.monotonic() - started:.0f} s")
    print(f"{counts['ok']} passed, {counts['FAIL']} failed, {counts['skip']} skipped")
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
