"""Write the hash-pinned lock files `make` installs from, from the versions they pin now.

    python scripts/lock.py            # after changing a version (name==version) in a lock file

requirements/lock.txt holds what the default install needs (and hatchling, the build backend, with
editables, which it needs for an editable install, and pip itself: `make` installs kg with
--no-build-isolation, so nothing is fetched unpinned);
lock-test.txt and lock-notebooks.txt what the `test` and `notebooks` extras add. Each line is
`name==version --hash=sha256:...`: pip resolves each set (`pip install --dry-run --report`, with
the pinned versions as constraints) and the report gives the file it chose and its hash. The hashes
are of the files pip chooses on this kind of machine (CPython 3.11, Linux x86_64).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {
    "lock.txt": (".", "the default install, the build backend and pip"),
    "lock-test.txt": (".[test]", "what the test extra adds"),
    "lock-notebooks.txt": (".[notebooks]", "what the notebooks extra adds"),
}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", re.M)


def pins() -> dict[str, str]:
    """name -> version, from every lock file."""
    found: dict[str, str] = {}
    for name in LOCKS:
        path = ROOT / "requirements" / name
        if path.is_file():
            found.update(_PIN.findall(path.read_text(encoding="utf-8")))
    return found


def resolve(spec: str, constraints: Path, extra: list[str]) -> dict[str, tuple[str, str]]:
    """name -> (version, sha256) of everything `pip install spec` would install."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        project = str(ROOT / spec.split("[")[0]) + spec[1:]
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
        command += ["--report", str(report), "-c", str(constraints), "-e", project, *extra]
        subprocess.run(command, check=True)
        data = json.loads(report.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, str]] = {}
    for item in data["install"]:
        info = item["download_info"]
        if "dir_info" in info:
            continue  # kg itself
        archive = info["archive_info"]
        digest = archive.get("hashes", {}).get("sha256") or archive["hash"].removeprefix("sha256=")
        out[item["metadata"]["name"].lower().replace("_", "-")] = (item["metadata"]["version"], digest)
    return out


def main() -> None:
    pinned = pins()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("".join(f"{n}=={v}\n" for n, v in pinned.items() if n.lower() != "pip"))
        constraints = Path(handle.name)
    base = resolve(".", constraints, ["hatchling", "editables", f"pip=={pinned.get('pip', '26.3')}"])
    sets = {"lock.txt": base}
    for name in ("lock-test.txt", "lock-notebooks.txt"):
        spec = LOCKS[name][0]
        found = resolve(spec, constraints, [])
        sets[name] = {k: v for k, v in found.items() if k not in base}
    constraints.unlink()
    for name, packages in sets.items():
        lines = [
            f"# {LOCKS[name][1]}: written by scripts/lock.py (make installs it with --require-hashes)\n",
            *(f"{n}=={v} --hash=sha256:{h}\n" for n, (v, h) in sorted(packages.items())),
        ]
        (ROOT / "requirements" / name).write_text("".join(lines), encoding="utf-8")
        print(f"requirements/{name}: {len(packages)} packages")


if __name__ == "__main__":
    main()
