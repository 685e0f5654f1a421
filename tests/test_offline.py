"""Offline (issue #24): kg build, kg query and kg render succeed with the network blocked by a socket
guard in this process (every connection and name look-up raises); the guard itself is checked to
block. (That the pages make no request is checked in the browser tests.)"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

pytestmark = pytest.mark.model
runner = CliRunner()


class NetworkBlocked(OSError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every outgoing connection and name look-up of this process raises, and is recorded."""
    attempts: list[str] = []

    def refuse(what: str):  # type: ignore[no-untyped-def]
        def blocked(*args: object, **kwargs: object) -> None:
            attempts.append(f"{what} {args[1:] if what == 'connect' else args}")
            raise NetworkBlocked(f"network blocked in this test: {what}")

        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    yield attempts


def test_offline_guard_blocks(no_network: list[str]) -> None:
    import urllib.request

    with pytest.raises(OSError):
        urllib.request.urlopen("https://pypi.org/simple/", timeout=5)
    with socket.socket() as sock, pytest.raises(NetworkBlocked):
        sock.connect(("127.0.0.1", 9))
    assert no_network


def test_offline_build_query_render(no_network: list[str], examples_dir: Path, tmp_path: Path) -> None:
    """The commands as a user runs them, the model loaded by kg build itself."""
    out = tmp_path / "out"
    built = runner.invoke(app, ["build", str(examples_dir), "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert "built 3 documents" in built.stdout
    queried = runner.invoke(app, ["query", "allies-of", "--param", "country=Japan", "--store", str(out)])
    assert queried.exit_code == 0, queried.output
    assert "rows" in queried.stdout
    page = tmp_path / "focus.html"
    rendered = runner.invoke(app, ["render", "--store", str(out), "--focus", "Japan", "--out", str(page)])
    assert rendered.exit_code == 0, rendered.output
    assert page.stat().st_size > 100_000
    assert no_network == []  # nothing tried
