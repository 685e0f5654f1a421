"""The store commands' help (as tests/test_cli.py checks the others) and their thin-CLI error paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
STORE_COMMANDS = ["remove", "import", "export", "infer", "serve"]


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
        ["serve", "--port", "1"],
    ],
    ids=["remove", "export", "infer", "serve"],
)
def test_cli_store_without_store_fails_cleanly(tmp_path: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no kg store at" in result.stderr
    assert "Traceback" not in result.stderr
