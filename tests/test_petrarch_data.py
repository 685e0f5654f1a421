"""The converted PETRARCH2 dictionaries in kg/extract/data are generated, never edited: running the
converters of scripts/petrarch/ on ../shared/resources/petrarch2 writes them byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "resources" / "petrarch2"
DATA = ROOT / "kg" / "extract" / "data"
GENERATED = {
    "convert_verbs.py": ("cameo_verbs.yaml", "LICENSE-petrarch2.txt"),
    "convert_actors.py": ("phoenix_people.yaml", "phoenix_organizations.yaml", "phoenix_agents.yaml"),
}


@pytest.mark.parametrize("script", sorted(GENERATED))
def test_petrarch_data_is_what_the_converter_writes(script: str, tmp_path: Path) -> None:
    if not (SOURCE / "LICENSE").is_file():
        pytest.skip(f"PETRARCH2 dictionaries not found at {SOURCE} (CI always has them)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "petrarch" / script), str(SOURCE), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for name in GENERATED[script]:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"{name} differs: run {script}"
