"""The wheel carries the ontology, shapes, saved queries and extraction data: an installed kg
finds them without the repository checkout."""

from __future__ import annotations

import re
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
        "import kg.core.ontology, kg.query.run; "
        "print(kg.core.ontology.ontology_dir()); print(sorted(kg.query.run.saved_queries())[0]); "
        "print(len(kg.core.ontology.ontology_graph()) > 100)"
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


LOCKS = ("lock.txt", "lock-test.txt", "lock-notebooks.txt", "model.txt")


def _locked() -> dict[str, dict[str, str]]:
    """Each lock file's pins: canonical name -> version, checked to carry a sha256 hash each."""
    from packaging.utils import canonicalize_name

    found: dict[str, dict[str, str]] = {}
    for file in LOCKS:
        pins: dict[str, str] = {}
        for line in (ROOT / "requirements" / file).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)( --hash=sha256:[0-9a-f]{64})+", line)
            assert match, f"requirements/{file}: not 'name==version --hash=sha256:...': {line!r}"
            pins[canonicalize_name(match.group(1))] = match.group(2)
        found[file] = pins
    return found


def test_packaging_every_dependency_is_pinned_with_a_hash() -> None:
    """make installs from the lock files alone, with --require-hashes: every package kg, its extras
    and its build need is pinned there, by version and hash, once (the extras' files add to the
    default one), and the Makefile installs nothing else."""
    locked = _locked()
    default = locked["lock.txt"]
    for extra in ("lock-test.txt", "lock-notebooks.txt"):
        assert not set(locked[extra]) & set(default), f"{extra} repeats pins of lock.txt"
        both = set(locked[extra]) & set(locked["lock-notebooks.txt"])
        assert all(locked[extra][n] == locked["lock-notebooks.txt"][n] for n in both)
    assert {"hatchling", "editables", "pip"} <= set(default)  # the build backend (no isolation), pip
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = re.findall(r"\$\(PIP\) install (.*)", makefile)
    assert installs and all("$(HASHED)" in line or "--no-build-isolation -e ." in line for line in installs)
    assert "HASHED := --no-deps --require-hashes -r" in makefile


def test_packaging_dependencies_are_pinned_in_the_lock() -> None:
    """Every dependency (default and extras) has its pin in the lock files, within its range;
    `oxigraph`, which `kg serve` runs, is a default one, at pyoxigraph's version."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lock = {name: version for pins in _locked().values() for name, version in pins.items()}
    extras = [text for extra in project["optional-dependencies"].values() for text in extra]
    for text in [*project["dependencies"], *extras]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement.name} is not pinned in the lock files"
        assert requirement.specifier.contains(lock[name], prereleases=True), f"{text}: lock has {lock[name]}"
    defaults = {canonicalize_name(Requirement(text).name) for text in project["dependencies"]}
    assert "oxigraph" in defaults
    assert lock["oxigraph"] == lock["pyoxigraph"]  # the server reads the stores pyoxigraph writes


#: Dependencies kg uses without importing them, and what for.
NOT_IMPORTED = {
    "oxigraph": "the `oxigraph` server `kg serve` runs",
    "dask": "the `dask scheduler` and `dask worker` commands of a cluster (`kg build --dask`)",
}


def test_packaging_every_dependency_is_used() -> None:
    """Each default dependency is imported somewhere in kg, or is one of NOT_IMPORTED: none is
    declared for nothing (owlrl, oxrdflib and country-converter once were)."""
    import ast
    import tomllib
    from importlib.metadata import packages_distributions

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {canonicalize_name(Requirement(text).name) for text in project["dependencies"]}
    imported: set[str] = set()
    for path in (ROOT / "kg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    distributions = packages_distributions()
    used = {canonicalize_name(d) for module in imported for d in distributions.get(module, ())}
    assert declared - used == set(NOT_IMPORTED)
