"""The store commands' help (as tests/test_cli.py checks the others) and their thin-CLI error paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.store.local import GraphStore

SAMPLE = Path(__file__).parent / "data" / "sample.trig"

runner = CliRunner()
STORE_COMMANDS = ["remove", "import", "export", "infer", "compact", "serve"]


def test_cli_store_help_lists_the_store_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in STORE_COMMANDS:
        assert command in result.output


@pytest.mark.parametrize("command", STORE_COMMANDS)
def test_cli_store_command_help_has_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert f"Example: kg {command}" in result.output


def test_cli_store_build_help_offers_append() -> None:
    result = runner.invoke(app, ["build", "--help"])
    assert result.exit_code == 0
    assert "--append" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["remove", "alpha"],
        ["export", "--format", "ttl", "--out", "x.ttl"],
        ["infer"],
        ["compact"],
        ["serve", "--port", "1"],
    ],
    ids=["remove", "export", "infer", "compact", "serve"],
)
def test_cli_store_without_store_fails_cleanly(tmp_path: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no kg store at" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["query", "SELECT (COUNT(*) AS ?n) WHERE { ?d a kg:Document }", "--format", "csv"], "n\n2\n"),
        (["stats"], "documents"),
    ],
    ids=["query", "stats"],
)
def test_cli_store_reads_a_store_another_process_holds(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    """`kg serve` (or a build) holds the store's lock; the read-only commands still read it."""
    with GraphStore(tmp_path / "store") as holder:
        holder.load_files([SAMPLE])
        result = runner.invoke(app, [*args, "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert expected in result.stdout


def test_cli_store_write_to_a_held_store_fails_cleanly(tmp_path: Path) -> None:
    with GraphStore(tmp_path / "store") as holder:
        holder.load_files([SAMPLE])
        result = runner.invoke(app, ["remove", "alpha", "--store", str(tmp_path)])
    assert result.exit_code == 1
    assert f"the kg store at {tmp_path / 'store'} is busy" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_store_compact_keeps_the_graph_and_lets_queries_read_fewer_files(tmp_path: Path) -> None:
    with GraphStore(tmp_path / "store") as store:
        store.load_files([SAMPLE])  # a small load: one transaction, not compacted
        store.remove_document("alpha")
        before = sorted(str(q) for q in store.quads())
    files = len(list((tmp_path / "store").glob("*.sst")))
    result = runner.invoke(app, ["compact", "--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "compacted the store at" in result.stdout
    assert len(list((tmp_path / "store").glob("*.sst"))) <= files
    with GraphStore.open_existing(tmp_path / "store", read_only=True) as store:
        assert sorted(str(q) for q in store.quads()) == before
        assert store.documents() == ["beta"]


def test_cli_store_compact_a_held_store_fails_cleanly(tmp_path: Path) -> None:
    with GraphStore(tmp_path / "store") as holder:
        holder.load_files([SAMPLE])
        result = runner.invoke(app, ["compact", "--store", str(tmp_path)])
    assert result.exit_code == 1
    assert f"the kg store at {tmp_path / 'store'} is busy" in result.stderr


@pytest.mark.parametrize(
    "command", ["build", "query", "render", "stats", "validate", "remove", "import", "export", "infer"]
)
def test_cli_store_server_commands_take_the_endpoints(command: str) -> None:
    """Every command that takes a server's URL in --store takes its update and Graph Store URLs."""
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--update-url" in result.output and "--graph-store-url" in result.output
    assert "Example: kg " in result.output
