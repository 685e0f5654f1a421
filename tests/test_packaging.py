"""The wheel carries the ontology, shapes, saved queries and extraction data: an installed kg
finds them without the repository checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("kg-*.whl")
    return path


def test_packaging_wheel_holds_ontology_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "kg/ontology/kg.ttl",
        "kg/ontology/shapes.ttl",
        "kg/ontology/queries/allies-of.rq",
        "kg/extract/data/lexicon.yaml",
        "kg/extract/data/cameo_verbs.yaml",
        "kg/extract/data/LICENSE-petrarch2.txt",
        "kg/views/template.html",
    ):
        assert required in names


def test_packaging_installed_package_finds_its_ontology(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import kg.ontology, kg.query; "
        "print(kg.ontology.ontology_dir()); print(sorted(kg.query.saved_queries())[0]); "
        "print(len(kg.ontology.ontology_graph()) > 100)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    where, first_query, parsed = proc.stdout.split("\n")[:3]
    assert Path(where) == site / "kg" / "ontology"
    assert first_query == "agreements"
    assert parsed == "True"


def test_packaging_dependencies_are_pinned_in_the_lock() -> None:
    """Every dependency (default and extras) has its pin in requirements/lock.txt, within its range;
    `oxigraph`, which `kg serve` runs, is a default one, at pyoxigraph's version."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").split()
    lock = {canonicalize_name(name): version for name, version in (line.split("==") for line in lines)}
    extras = [text for extra in project["optional-dependencies"].values() for text in extra]
    for text in [*project["dependencies"], *extras]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement.name} is not pinned in requirements/lock.txt"
        assert requirement.specifier.contains(lock[name], prereleases=True), f"{text}: lock has {lock[name]}"
    defaults = {canonicalize_name(Requirement(text).name) for text in project["dependencies"]}
    assert "oxigraph" in defaults
    assert lock["oxigraph"] == lock["pyoxigraph"]  # the server reads the stores pyoxigraph writes
