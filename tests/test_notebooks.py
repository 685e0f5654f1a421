"""The notebooks of `notebooks/`: each runs top to bottom (its asserts hold), none is committed with outputs.

Execution needs the `notebooks` extra (nbclient, ipykernel, matplotlib) and the spaCy model; the
kernel is this interpreter (the kernelspec `python3` that ipykernel ships, whose `python` jupyter_client
replaces by `sys.executable`), so the notebooks import the `kg` under test.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = {"01-build-and-explore", "02-sparql", "03-network-analysis", "04-over-time"}
KERNEL = "python3"
MISSING = "the notebooks extra is not installed"
TIMEOUT = 120  # seconds per cell; a whole notebook takes about 20


def _ids(path: Path) -> str:
    return path.stem


def _cells(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["cells"])


@pytest.fixture(scope="module")
def kernel_name() -> str:
    """`python3`, once it is certain that the kernel it starts is this interpreter."""
    kernelspec = pytest.importorskip("jupyter_client.kernelspec", reason=MISSING)
    try:
        spec = kernelspec.KernelSpecManager().get_kernel_spec(KERNEL)
    except kernelspec.NoSuchKernel:
        pytest.fail(f"no {KERNEL!r} kernelspec: run `{sys.executable} -m ipykernel install --sys-prefix`")
    launcher = spec.argv[0]
    same = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}
    if launcher not in same and Path(launcher).resolve() != Path(sys.executable).resolve():
        pytest.fail(
            f"the {KERNEL!r} kernelspec runs {launcher}, not {sys.executable}: "
            f"run `{sys.executable} -m ipykernel install --sys-prefix` or remove the other kernelspec"
        )
    return KERNEL


def test_notebooks_are_all_there() -> None:
    assert {path.stem for path in NOTEBOOKS} >= EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebooks_are_committed_without_outputs(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["kernelspec"]["name"] == KERNEL
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: cell {index} has outputs (clear them)"
            assert cell["execution_count"] is None, f"{path.name}: cell {index} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebooks_assert_their_results(path: Path) -> None:
    """A notebook that runs without checking anything would pass on a broken graph."""
    sources = ["".join(cell["source"]) for cell in _cells(path) if cell["cell_type"] == "code"]
    assert sum("assert " in source for source in sources) >= 3, path.name


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebooks_run_top_to_bottom(path: Path, kernel_name: str) -> None:
    nbformat = pytest.importorskip("nbformat", reason=MISSING)
    nbclient = pytest.importorskip("nbclient", reason=MISSING)
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=TIMEOUT,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent)}},  # the notebooks read ../examples
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        pytest.fail(f"{path.name} failed:\n{e}", pytrace=False)
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors
