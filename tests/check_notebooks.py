"""What `make notebooks` opens, checked headless: `make check-notebooks`.

In the environment `make notebooks` made (the default install and the `notebooks` extra, without
the test extra), it starts JupyterLab as `make notebooks` does, on a free loopback port with a
token of its own, checks that it serves the lab and lists the four notebooks, and stops it by its
pid; then it runs each notebook top to bottom with the `python3` kernel JupyterLab offers (this
environment's interpreter), as a user's "Run All" does, in the notebook's folder.

    .venv/bin/python tests/check_notebooks.py
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = ["01-build-and-explore", "02-sparql", "03-network-analysis", "04-over-time"]
KERNEL = "python3"
CELL_TIMEOUT = 300  # seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, token: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return bytes(response.read())


def check_lab() -> list[str]:
    """Start JupyterLab as `make notebooks` does, headless; the problems found."""
    jupyter = Path(sys.executable).parent / "jupyter"
    port, token = free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kg-lab-") as scratch:
        log = Path(scratch) / "lab.log"
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": scratch, "JUPYTER_TOKEN": token}
        with log.open("wb") as output:
            lab = subprocess.Popen(
                [str(jupyter), "lab", "notebooks", "--no-browser", "--ServerApp.ip=127.0.0.1",
                 f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                 *(["--allow-root"] if os.geteuid() == 0 else [])],  # as `make notebooks` gives it
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while True:
                if lab.poll() is not None:
                    return [f"jupyter lab exited ({lab.returncode}): {log.read_text()[-2000:]}"]
                try:
                    get(f"{url}/api/status", token)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        return ["jupyter lab did not answer within 120 s"]
                    time.sleep(0.5)
            if b"JupyterLab" not in get(f"{url}/lab", token):
                problems.append("/lab is not JupyterLab's page")
            listed = json.loads(get(f"{url}/api/contents/", token))["content"]  # `lab notebooks`: its root
            if any(i["name"] == "notebooks" and i["type"] == "directory" for i in listed):
                listed = json.loads(get(f"{url}/api/contents/notebooks", token))["content"]
            names = sorted(
                item["name"].removesuffix(".ipynb") for item in listed if item["type"] == "notebook"
            )
            if names != EXPECTED:
                problems.append(f"JupyterLab lists {names} in notebooks/, not {EXPECTED}")
            specs = json.loads(get(f"{url}/api/kernelspecs", token))
            if KERNEL not in specs["kernelspecs"]:
                problems.append(f"JupyterLab offers no {KERNEL!r} kernel: {sorted(specs['kernelspecs'])}")
        finally:
            lab.send_signal(signal.SIGTERM)
            try:
                lab.wait(timeout=30)
            except subprocess.TimeoutExpired:
                lab.kill()
                lab.wait()
    return problems


def run_notebook(path: Path) -> str | None:
    """Run a notebook top to bottom; the error, if a cell failed."""
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name=KERNEL, resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        return str(e)[-3000:]
    return None


def main() -> int:
    started = time.monotonic()
    passed = failed = 0
    problems = check_lab()
    print(f"{'ok' if not problems else 'FAIL':4} {time.monotonic() - started:5.1f} s  jupyter lab notebooks")
    for problem in problems:
        print(f"     {problem}")
    passed, failed = (0, 1) if problems else (1, 0)
    for name in EXPECTED:
        began = time.monotonic()
        error = run_notebook(NOTEBOOKS / f"{name}.ipynb")
        print(
            f"{'ok' if error is None else 'FAIL':4} {time.monotonic() - began:5.1f} s  notebooks/{name}.ipynb"
        )
        if error is not None:
            print("     " + error.replace("\n", "\n     "))
        passed, failed = (passed + 1, failed) if error is None else (passed, failed + 1)
    print(f"notebooks: {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
