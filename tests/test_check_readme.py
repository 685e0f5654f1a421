"""tests/check_readme.py, the README test `make check-readme` runs: how it reads the README, what it
checks, and that it fails where it should. (The run itself needs the demo graph and takes a minute:
`make check-readme`, called by .ci/run.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import check_readme
from check_readme import PROVIDERS, Line, Ran, Skip, Workspace, command, command_lines, expected

README = check_readme.README.read_text(encoding="utf-8")

MARKDOWN = """
Text with `kg build` in it is not a command.

```sh
make demo   # not kg
kg query "SELECT ?x WHERE { ?x a kg:C }" --format csv   # a comment # with a hash
                                    # goes on here; needs: corpus.jsonl, reference.ttl
kg stats --store output
```

```python
kg.build(["examples/"])
```

```sh
oxigraph serve --location /srv/kg --bind 127.0.0.1:7878   # needs: /srv/kg
.venv/bin/kg query allies-of --store http://127.0.0.1:7878  # needs: 127.0.0.1:7878
```
"""


def test_check_readme_reads_sh_blocks_with_comments_and_markers() -> None:
    lines = command_lines(MARKDOWN)
    assert [(line.block, line.command) for line in lines] == [
        (1, "make demo"),
        (1, 'kg query "SELECT ?x WHERE { ?x a kg:C }" --format csv'),
        (1, "kg stats --store output"),
        (3, "oxigraph serve --location /srv/kg --bind 127.0.0.1:7878"),
        (3, ".venv/bin/kg query allies-of --store http://127.0.0.1:7878"),
    ]
    assert [line.runs for line in lines] == [False, True, True, True, True]
    assert lines[1].needs == ["corpus.jsonl", "reference.ttl"]
    assert lines[2].needs == []
    assert lines[4].needs == ["127.0.0.1:7878"]


def test_check_readme_every_readme_line_says_what_it_prints() -> None:
    """Each line the check runs matches one EXPECTED entry, and its markers name inputs it can give."""
    lines = [line for line in command_lines(README) if line.runs]
    assert len(lines) >= 20
    for line in lines:
        assert expected(line) is not None
        for name in line.needs:
            assert name in PROVIDERS, (line.number, name)
    commands = [line.command for line in lines]
    assert "kg serve --store output" in commands
    assert any(c.startswith("oxigraph serve") for c in commands)
    assert len(check_readme.saved_query_names(README)) == 7
    assert "kg:attacks" in check_readme.sparql_example(README)
    assert "PREFIX" not in check_readme.sparql_example(README)  # kg serve must declare them


def test_check_readme_a_new_line_without_expectation_fails() -> None:
    with pytest.raises(SystemExit, match="matches 0 entries of EXPECTED"):
        expected(Line(99, 1, "kg frobnicate --store output", ""))


def test_check_readme_commands_as_run(tmp_path: Path) -> None:
    space = Workspace(tmp_path, 4242, None)
    serve = command(space, Line(1, 1, "kg serve --store output", ""))
    assert serve[1:] == ["serve", "--store", "output", "--port", "4242"]
    assert Path(serve[0]).name == "kg"
    remote = command(space, Line(2, 1, ".venv/bin/kg query x --store http://127.0.0.1:7878", ""))
    assert remote[1:] == ["query", "x", "--store", "http://127.0.0.1:4242"]
    removal = command(space, Line(3, 1, "kg remove some-doc-id --store output", "needs: some-doc-id"))
    assert removal[2] == "baltic-sanctions"  # the first of tests/data/readme/new-articles/
    oxigraph = command(space, Line(4, 2, "oxigraph serve --location /srv/kg --bind 127.0.0.1:7878", ""))
    assert oxigraph[3:] == [str(tmp_path / "srv-kg"), "--bind", "127.0.0.1:4242"]


def test_check_readme_prints_check() -> None:
    ran = Ran(Line(1, 1, "kg stats", ""), "documents: 3\nentities: 4\n", "", Path("."))
    check_readme.prints(r"^documents: \d+$")(ran)
    with pytest.raises(AssertionError, match="relations"):
        check_readme.prints(r"^documents: \d+$", r"^relations: \d+$")(ran)


def test_check_readme_without_the_shared_gold_skips_and_corpus_is_the_examples(tmp_path: Path) -> None:
    space = Workspace(tmp_path, 4242, None)
    (space.cwd / "examples").mkdir(parents=True)
    (space.cwd / "examples" / "a.txt").write_text("Japan and Australia met.", encoding="utf-8")
    with pytest.raises(Skip, match=r"\.\./shared/eval"):
        PROVIDERS["../shared/eval/gold"](space, Line(1, 1, "kg eval", ""))
    PROVIDERS["corpus.jsonl"](space, Line(1, 1, "kg build corpus.jsonl", ""))
    assert (space.cwd / "corpus.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_check_readme_failures_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A line that exits non-zero, or names an input the check cannot give, fails; a server line
    with no server before it fails."""
    space = Workspace(tmp_path, check_readme.free_port(), None)
    space.cwd.mkdir()
    monkeypatch.setattr(check_readme, "EXPECTED", [(r"kg .*", [])])
    lines = [
        Line(1, 1, "kg stats --store nowhere", ""),
        Line(2, 1, "kg stats --store nowhere", "needs: a unicorn"),
        Line(3, 1, "kg query allies-of --store http://127.0.0.1:7878", "needs: 127.0.0.1:7878"),
    ]
    outcomes = list(check_readme.run(lines, space))
    assert [o.status for o in outcomes] == ["FAIL", "FAIL", "FAIL"]
    assert outcomes[0].detail.startswith("exit 1") and "no kg store" in outcomes[0].detail
    assert "'a unicorn'" in outcomes[1].detail
    assert "no server was started" in outcomes[2].detail
