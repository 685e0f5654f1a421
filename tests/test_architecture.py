"""The package tree is the architecture: imports run one way, from the command line down to core.

Every `import` in kg (at module level or inside a function) is read with `ast`; a module may import
its own package and the packages below it in LAYERS, never one above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

#: kg's packages, top first: each may import those after it (docs/architecture.md draws them).
LAYERS = (
    "cli",
    "server",
    "pipeline",
    "views",
    "quality",
    "query",
    "store",
    "resolve",
    "extract",
    "ingest",
    "core",
)


def _package(module: str) -> str | None:
    """`kg.store.local` -> "store"; the top-level `kg` and `kg.__main__` -> None (above everything)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each kg import in `path`, `from kg.x import y` naming `kg.x.y` too."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "kg":
                found += [(node.lineno, f"kg.{a.name}") for a in node.names]
            elif node.module.startswith("kg."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("kg.")]
    return found


def upward_imports(root: Path = KG) -> list[str]:
    """Each import in the package at `root` that points up LAYERS (or to an unknown package)."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        module = ".".join(("kg", *(parts[:-1] if parts[-1] == "__init__" else parts)))
        importer = _package(module)
        if importer is None:
            continue
        if importer not in LAYERS:
            problems.append(f"{path}: package {importer!r} is not in LAYERS")
            continue
        for line, target in _imports(path):
            imported = _package(target)
            if imported is None or imported not in LAYERS:
                problems.append(f"{path}:{line}: imports {target}, outside the packages of LAYERS")
            elif LAYERS.index(imported) < LAYERS.index(importer):
                problems.append(f"{path}:{line}: {importer} imports {target}, a package above it")
    return problems


def test_architecture_imports_point_down() -> None:
    assert upward_imports() == []


def test_architecture_every_module_lives_in_a_package() -> None:
    loose = sorted(p.name for p in KG.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert loose == []
    assert sorted(p.name for p in KG.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(LAYERS)


@pytest.mark.parametrize(
    ("importer", "code", "problem"),
    [
        ("core/bad.py", "from kg.store.local import GraphStore\n", "core imports kg.store.local"),
        ("store/bad.py", "def f():\n    import kg.pipeline.build\n", "store imports kg.pipeline.build"),
        ("extract/bad.py", "from kg import pipeline\n", "extract imports kg.pipeline"),
        ("query/bad.py", "from kg.nowhere import x\n", "outside the packages of LAYERS"),
        ("elsewhere/bad.py", "x = 1\n", "'elsewhere' is not in LAYERS"),
    ],
)
def test_architecture_an_upward_import_is_found(
    tmp_path: Path, importer: str, code: str, problem: str
) -> None:
    """The check itself fails on what it forbids (lazy imports in functions included)."""
    path = tmp_path / importer
    path.parent.mkdir(parents=True)
    path.write_text(code, encoding="utf-8")
    (tmp_path / "core").mkdir(exist_ok=True)
    (tmp_path / "core" / "fine.py").write_text("from kg.core.errors import KGError\n", encoding="utf-8")
    problems = upward_imports(tmp_path)
    assert len(problems) == 1 and problem in problems[0], problems


#: The modules that may speak both rdflib and pyoxigraph: the stores (which convert between them)
#: and KnowledgeGraph (an in-memory store with rdflib views). Everything else reads through a store.
BOTH_ALLOWED = ("store/", "pipeline/knowledge_graph.py")


def _libraries(path: Path) -> set[str]:
    """Which of rdflib and pyoxigraph `path` imports (anywhere in it, under TYPE_CHECKING too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & {"rdflib", "pyoxigraph"}
    return found


def modules_importing_both(root: Path = KG) -> list[str]:
    """Each module under `root`, outside BOTH_ALLOWED, that imports both rdflib and pyoxigraph."""
    return [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if not path.relative_to(root).as_posix().startswith(BOTH_ALLOWED) and len(_libraries(path)) == 2
    ]


def test_architecture_one_rdf_library_per_module() -> None:
    assert modules_importing_both() == []


@pytest.mark.parametrize(
    ("module", "code", "found"),
    [
        ("query/bad.py", "import rdflib\nimport pyoxigraph as ox\n", True),
        (
            "views/bad.py",
            "from rdflib.term import URIRef\n\ndef f():\n    from pyoxigraph import Store\n",
            True,
        ),
        (
            "quality/bad.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pyoxigraph\nimport rdflib\n",
            True,
        ),
        ("views/fine.py", "import rdflib\nfrom kg.store.base import to_rdflib\n", False),
        ("store/fine.py", "import rdflib\nimport pyoxigraph\n", False),
        ("pipeline/knowledge_graph.py", "import rdflib\nimport pyoxigraph\n", False),
    ],
)
def test_architecture_a_module_importing_both_is_found(
    tmp_path: Path, module: str, code: str, found: bool
) -> None:
    """The check itself finds what it forbids (lazy and type-checking imports included), and only that."""
    path = tmp_path / module
    path.parent.mkdir(parents=True)
    path.write_text(code, encoding="utf-8")
    assert modules_importing_both(tmp_path) == ([module] if found else [])
