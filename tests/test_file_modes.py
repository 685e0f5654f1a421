"""Files kg writes (graph.ttl, graph.trig, graph.html, exports) get the mode the user's umask
gives a new file, as any other program's would: 0644 under umask 022, 0640 under 027."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "data" / "sample.trig"

#: Runs in a child process: the umask is process-wide, and this test's process keeps its own.
SCRIPT = """
import json, os, stat, sys
from pathlib import Path
os.umask(int(sys.argv[1], 8))
out = Path(sys.argv[2])
from kg.pipeline.build import write_text_atomic
from kg.views.exporting import export, import_files
from kg.store.local import GraphStore
from kg.views.html import render
from kg.store.base import to_rdflib
write_text_atomic(out / "graph.ttl", "<urn:a> <urn:b> <urn:c> .\\n")
import_files(out / "store", [Path(sys.argv[3])])
with GraphStore.open_existing(out / "store", read_only=True) as store:
    written = [*export(store, "ttl", out / "export.ttl"), *export(store, "graphml", out / "net.graphml"),
               *export(store, "csv", out / "net.csv")]
    render(store.union_graph(), out / "graph.html")
paths = [out / "graph.ttl", out / "graph.html", *written]
print(json.dumps({p.name: stat.S_IMODE(p.stat().st_mode) for p in paths}))
"""


@pytest.mark.parametrize(("umask", "mode"), [("022", 0o644), ("027", 0o640), ("077", 0o600)])
def test_file_modes_follow_the_umask(tmp_path: Path, umask: str, mode: int) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, umask, str(tmp_path), str(SAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    modes = json.loads(proc.stdout)
    assert set(modes) == {
        "graph.ttl",
        "graph.html",
        "export.ttl",
        "net.graphml",
        "net-nodes.csv",
        "net-edges.csv",
    }
    assert {name: oct(m) for name, m in modes.items()} == {name: oct(mode) for name in modes}
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind
