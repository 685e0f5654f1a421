"""The CLI: every command has help with an example; errors are one clean line and an exit code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
COMMANDS = ["build", "query", "render", "stats", "validate", "eval", "calibrate"]


def test_cli_help_lists_every_command_with_an_example() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output
    assert "Example: kg build" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_command_help_has_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert f"Example: kg {command}" in result.output


def test_cli_build_missing_path_fails_cleanly(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = runner.invoke(app, ["build", str(missing), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"error: {missing}: no such file or folder" in result.stderr
    assert "no document could be read; nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_cli_build_error_is_printed_once(tmp_path: Path) -> None:
    """As a user runs it (logging set up by `main`): each bad input is one `error:` line, not
    also a logged warning."""
    missing = tmp_path / "nope.txt"
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(missing), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("no such file or folder") == 1, proc.stderr
    assert f"error: {missing}: no such file or folder" in proc.stderr
    assert "WARNING" not in proc.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty document (no text)"),
        ("binary.txt", b"\x00\x01\x02binary", "binary file, not text"),
        ("bad.txt", b"caf\xe9", "invalid UTF-8 at byte 3"),
        ("bad.jsonl", b"{oops\n", "bad.jsonl:1: malformed JSON"),
    ],
)
def test_cli_build_bad_input_one_line_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["build", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert message in result.stderr
    assert str(path) in result.stderr


def test_cli_query_without_store_says_how_to_make_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "SELECT * WHERE { ?s ?p ?o }", "--store", str(tmp_path / "none")])
    assert result.exit_code != 0
    assert "no kg store" in result.stderr
    assert "kg build" in result.stderr


def test_cli_query_bad_sparql_is_reported(sample_trig: Path) -> None:
    result = runner.invoke(app, ["query", "SELEKT nonsense", "--graph", str(sample_trig)])
    assert result.exit_code != 0
    assert "error:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_cli_query_formats(sample_trig: Path, fmt: str) -> None:
    sparql = "SELECT ?label WHERE { ?c a kg:Country ; rdfs:label ?label } ORDER BY ?label"
    result = runner.invoke(app, ["query", sparql, "--graph", str(sample_trig), "--format", fmt])
    assert result.exit_code == 0, result.output
    for name in ("Japan", "North Korea", "United States"):
        assert name in result.stdout


def test_cli_query_table_shows_prefixed_iris_and_max_rows(sample_trig: Path) -> None:
    sparql = "SELECT ?c ?label WHERE { ?c a kg:Country ; rdfs:label ?label } ORDER BY ?label"
    result = runner.invoke(app, ["query", sparql, "--graph", str(sample_trig), "--max-rows", "1"])
    assert result.exit_code == 0, result.output
    assert "id:country/JPN" in result.stdout and "Japan" in result.stdout
    assert "North Korea" not in result.stdout
    assert "rows (the first 1 shown: --max-rows 0 for all, or --format csv)" in result.stdout
    result = runner.invoke(app, ["query", sparql, "--graph", str(sample_trig), "--max-rows", "0"])
    assert result.exit_code == 0, result.output
    assert "North Korea" in result.stdout and "United States" in result.stdout
    assert "shown" not in result.stdout
    csv_out = runner.invoke(
        app, ["query", sparql, "--graph", str(sample_trig), "--format", "csv", "--max-rows", "1"]
    )
    assert "https://w3id.org/kg-geo/id/country/JPN" in csv_out.stdout and "North Korea" in csv_out.stdout


def test_cli_query_table_keeps_iris_on_one_line(sample_trig: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In an 80-column terminal a table keeps each IRI whole on its line (text wraps instead); a
    table that cannot fit so is written as records, `column: value`, one per line."""
    monkeypatch.setenv("COLUMNS", "80")
    narrow = "SELECT ?c ?label WHERE { ?c a kg:Country ; rdfs:label ?label } ORDER BY ?label"
    result = runner.invoke(app, ["query", narrow, "--graph", str(sample_trig)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("┏") and max(map(len, lines)) <= 80
    for iri in ("id:country/JPN", "id:country/PRK", "id:country/USA"):
        assert any(iri in line for line in lines), iri
    wide = (
        "SELECT ?official ?officialLabel ?property ?country ?countryLabel ?document WHERE {"
        " ?official ?p ?country ; rdfs:label ?officialLabel . ?country rdfs:label ?countryLabel ."
        " VALUES ?p { kg:officialOf kg:leaderOf } BIND(STR(?p) AS ?property)"
        " BIND(<https://w3id.org/kg-geo/id/doc/a-rather-long-document-identifier> AS ?document) }"
    )
    result = runner.invoke(app, ["query", wide, "--graph", str(sample_trig)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "┏" not in result.stdout
    assert "official: id:person/lloyd-austin" in [line.strip() for line in lines]
    assert "document: id:doc/a-rather-long-document-identifier" in [line.strip() for line in lines]
    assert "property: https://w3id.org/kg-geo/ontology#officialOf" in [line.strip() for line in lines]
    assert lines[-1].endswith(" rows")
    monkeypatch.setenv("COLUMNS", "250")  # a wide terminal: the same rows as a table
    result = runner.invoke(app, ["query", wide, "--graph", str(sample_trig)])
    assert result.stdout.startswith("┏") and "id:doc/a-rather-long-document-identifier" in result.stdout


def test_cli_query_saved_with_param(sample_trig: Path) -> None:
    result = runner.invoke(
        app,
        ["query", "allies-of", "--param", "country=Japan", "--graph", str(sample_trig), "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    assert "United States" in result.stdout


def test_cli_query_malformed_param(sample_trig: Path) -> None:
    result = runner.invoke(app, ["query", "allies-of", "--param", "country", "--graph", str(sample_trig)])
    assert result.exit_code != 0
    assert "country" in result.stderr


def test_cli_stats_counts(sample_trig: Path) -> None:
    result = runner.invoke(app, ["stats", "--graph", str(sample_trig)])
    assert result.exit_code == 0
    assert "documents: 2" in result.stdout
    assert "  Country: 3" in result.stdout


def test_cli_validate_sample_conforms(sample_trig: Path) -> None:
    result = runner.invoke(app, ["validate", "--graph", str(sample_trig)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stdout


def test_cli_validate_violation_exits_4(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix kg: <https://w3id.org/kg-geo/ontology#> .\n"
        '<https://w3id.org/kg-geo/id/country/XX> a kg:Country ; kg:isoCode "xx" .\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "--graph", str(bad)])
    assert result.exit_code == 4
    assert "violations" in result.stderr
    assert "country/XX" in result.stderr


def test_cli_eval_prints_reference_total(shared_eval: Path, tmp_path: Path) -> None:
    empty = tmp_path / "g.ttl"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(
        app, ["eval", str(shared_eval / "gold" / "trilateral-tokyo-2024.json"), "--graph", str(empty)]
    )
    assert result.exit_code == 0
    assert "total over 1 documents: entity F1 0.000" in result.stdout


def test_cli_eval_missing_graph(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(tmp_path), "--graph", str(tmp_path / "missing.trig")])
    assert result.exit_code == 2
    assert "missing.trig: no such graph file" in result.stderr


def test_cli_render_graph_file(sample_trig: Path, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    result = runner.invoke(app, ["render", "--graph", str(sample_trig), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert "Lloyd Austin" in out.read_text(encoding="utf-8")


def test_cli_render_bad_since(sample_trig: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", "--graph", str(sample_trig), "--since", "last week"])
    assert result.exit_code == 2
    assert "--since: not a date" in result.stderr


def test_cli_eval_lists_misses_with_gold_cues(shared_eval: Path, tmp_path: Path) -> None:
    empty = tmp_path / "g.ttl"
    empty.write_text("", encoding="utf-8")
    gold = shared_eval / "gold" / "trilateral-tokyo-2024.json"
    result = runner.invoke(app, ["eval", str(gold), "--graph", str(empty)])
    assert 'missed Donald Trump leaderOf US  (gold cue: "during Donald Trump\'s presidency")' in result.stdout
    assert "missed entity Japan" in result.stdout
    quiet = runner.invoke(app, ["eval", str(gold), "--graph", str(empty), "--no-errors"])
    assert "missed Donald Trump" not in quiet.stdout
    assert "property" in quiet.stdout  # the per-property table
