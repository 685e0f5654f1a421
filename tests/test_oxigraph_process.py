"""kg.server.process: finding the oxigraph executable, ports, and the store's stamp (the Backend's
restarts are tested with a real server in test_serve.py)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from kg.core.errors import StoreError
from kg.server.process import address_family, free_port, oxigraph_executable, store_stamp, url_host


def test_oxigraph_process_free_port_can_be_listened_on() -> None:
    port = free_port("127.0.0.1")
    assert 0 < port < 65536
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))  # OSError (address in use) if the port were not free
        sock.listen()
        assert sock.getsockname()[1] == port


def test_oxigraph_process_executable_is_found_beside_python() -> None:
    found = Path(oxigraph_executable())
    assert found.name == "oxigraph" and found.is_file()


def test_oxigraph_process_missing_executable_is_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(StoreError, match=r"`oxigraph` executable is not installed"):
        oxigraph_executable()


def test_oxigraph_process_store_stamp_follows_writes_not_logs(tmp_path: Path) -> None:
    (tmp_path / "000001.sst").write_bytes(b"x")
    (tmp_path / "LOCK").write_bytes(b"")
    before = store_stamp(tmp_path)
    assert [name for name, _, _ in before] == ["000001.sst"]
    (tmp_path / "LOG").write_text("info")  # RocksDB's info log: not a write to the data
    assert store_stamp(tmp_path) == before
    (tmp_path / "000002.log").write_bytes(b"yy")
    assert store_stamp(tmp_path) != before


def test_oxigraph_process_store_stamp_of_a_missing_store_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"cannot read the kg store at .*missing"):
        store_stamp(tmp_path / "missing")


@pytest.mark.parametrize(
    ("host", "family", "in_url"),
    [("127.0.0.1", socket.AF_INET, "127.0.0.1"), ("::1", socket.AF_INET6, "[::1]")],
)
def test_oxigraph_process_addresses(host: str, family: socket.AddressFamily, in_url: str) -> None:
    assert address_family(host) == family
    assert url_host(host) == in_url
