"""Crash safety (issue #24): a build, an append or a removal killed with SIGKILL at several points
leaves a store that opens and passes SHACL; running the same command again completes it, to the
graph and files an uninterrupted run gives. The kill points are set in a forked child (the loaded
pipeline is shared, so each killed run costs no model load), or for fresh builds in a new process
(their bulk loader's threads do not survive a fork); the child kills itself there."""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.pipeline.incremental import build_store, remove_documents
from kg.store.local import GraphStore

pytestmark = pytest.mark.model

FIRST = [
    ("tokyo", "Japan and the United States held talks in Tokyo. Japan agreed to buy American missiles."),
    ("seoul", "North Korea threatened South Korea. China criticised North Korea's missile launch."),
]
LATER = [
    ("delhi", "India and France signed a defence agreement in New Delhi. India is a member of the G20."),
    ("kyiv", "Russia attacked Ukraine. Poland and Germany condemned Russia and supported Ukraine."),
]


def _write(folder: Path, docs: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs:
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _in_child(run: Callable[[], object], patch: Callable[[pytest.MonkeyPatch], None]) -> None:
    """Run `run` in a forked child with `patch` applied there; the child must die by SIGKILL."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            with pytest.MonkeyPatch.context() as monkeypatch:
                patch(monkeypatch)
                run()
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(3)  # reached the end: the kill point was never met
    deadline = time.monotonic() + 120  # (never hang CI: a child stuck past this is a failure)
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child neither reached its kill point nor finished in 120 s")
        time.sleep(0.02)
    status = done[1]
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"child exit status {status}"


def _state(out: Path) -> tuple[set[ox.Quad], str, str, bool]:
    """What a run leaves: the store's quads (records included), graph.ttl, graph.trig, and whether
    graph.html is kg's page."""
    with GraphStore.open_existing(out / "store", read_only=True) as store:
        quads = set(store.store)
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    trig = (out / "graph.trig").read_text(encoding="utf-8")
    return quads, ttl, trig, (out / "graph.html").is_file()


def _opens_and_validates(out: Path) -> None:
    from kg.quality.validate import validate

    with GraphStore.open_existing(out / "store", read_only=True) as store:
        assert store.documents()
        report = validate(store)
    assert report.conforms, report.violations[:3]


@pytest.fixture(scope="module")
def built(nlp, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Inputs, the store of FIRST with inferred triples (what each killed run starts from), and what
    uninterrupted runs give: FIRST + LATER appended, FIRST + LATER built fresh, LATER removed."""
    from kg.quality.infer import infer

    root = tmp_path_factory.mktemp("crash")
    first, later = _write(root / "first", FIRST), _write(root / "later", LATER)
    start = root / "start"
    build_store([first], start, nlp=nlp)
    with GraphStore(start / "store") as store:
        infer(store)
    appended = root / "appended"
    shutil.copytree(start, appended)
    build_store([later], appended, append=True, nlp=nlp)
    fresh = root / "fresh"
    build_store([first, later], fresh, nlp=nlp)
    removed = root / "removed"
    shutil.copytree(appended, removed)
    remove_documents(["kyiv"], removed)
    return {
        "first": first,
        "later": later,
        "start": start,
        "appended": appended,
        "fresh": fresh,
        "removed": removed,
    }


def _copy_start(built: dict[str, Path], tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(built["start"], out)
    return out


def _kill_on_call(module: object, name: str, *, after: bool = False) -> Callable[[pytest.MonkeyPatch], None]:
    """A patch that kills the process when `module.name` is called (or just after it returns)."""

    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        real = getattr(module, name)

        def killing(*args: object, **kwargs: object) -> object:
            if not after:
                _kill()
            result = real(*args, **kwargs)
            _kill()
            return result

        monkeypatch.setattr(module, name, killing)

    return patch


def _kill_on_write(file_name: str) -> Callable[[pytest.MonkeyPatch], None]:
    """Kill just before kg writes `file_name` (the files before it are written, those after not)."""
    import kg.pipeline.outputs

    build_module = importlib.import_module("kg.pipeline.build")

    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        real, real_streamed = build_module.write_text_atomic, build_module.write_atomic

        def killing(path: Path, text: str) -> Path:
            if Path(path).name == file_name:
                _kill()
            return real(path, text)

        def killing_streamed(path: Path, write: object) -> Path:  # (files serialized from the store)
            if Path(path).name == file_name:
                _kill()
            return real_streamed(path, write)  # type: ignore[arg-type]

        monkeypatch.setattr(build_module, "write_text_atomic", killing)
        monkeypatch.setattr(kg.pipeline.outputs, "write_text_atomic", killing)
        monkeypatch.setattr(kg.pipeline.outputs, "write_atomic", killing_streamed)

    return patch


def _kill_between_swap_renames(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace

    def killing(source: object, target: object) -> None:
        real(source, target)  # type: ignore[arg-type]
        if str(target).endswith(".store.old"):
            _kill()

    monkeypatch.setattr(os, "replace", killing)


def _append_points() -> dict[str, Callable[[pytest.MonkeyPatch], None]]:
    import kg.pipeline.incremental
    import kg.store.local

    return {
        "before the records are written": _kill_on_call(kg.store.local.GraphStore, "apply"),
        "after the records, before the graphs": _kill_on_call(kg.store.local.GraphStore, "apply", after=True),
        "before the graphs' commit": _kill_on_call(kg.pipeline.incremental, "apply_records"),
        "just after the graphs' commit": _kill_on_call(kg.pipeline.incremental, "apply_records", after=True),
        "after the inferred graph": _kill_on_call(kg.pipeline.incremental, "write_views"),
        "between graph.trig and graph.ttl": _kill_on_write("graph.ttl"),  # (trig is written after ttl
        "before graph.trig": _kill_on_write("graph.trig"),  # for appends: both orders are tried)
    }


@pytest.mark.parametrize("point", list(_append_points()))
def test_crash_safety_killed_append_is_completed_by_a_rerun(
    nlp, built: dict[str, Path], tmp_path: Path, point: str
) -> None:
    out = _copy_start(built, tmp_path)
    _in_child(lambda: build_store([built["later"]], out, append=True, nlp=nlp), _append_points()[point])
    _opens_and_validates(out)
    change = build_store([built["later"]], out, append=True, nlp=nlp)  # the same command again
    assert change.errors == ()
    assert _state(out) == _state(built["appended"])
    assert not (out / ".kg-pending").exists()


FRESH_POINTS = {
    "between graph.trig and graph.ttl": _kill_on_write("graph.ttl"),
    "between the store's renames": _kill_between_swap_renames,
}


def fresh_build_killed(point: str, out: str, *inputs: str) -> None:
    """In a new process (`_in_process`): a fresh build, killed at FRESH_POINTS[point]."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        FRESH_POINTS[point](monkeypatch)
        build_store([Path(p) for p in inputs], Path(out))
    sys.exit(3)  # the kill point was never met


def _in_process(point: str, out: Path, inputs: list[Path]) -> None:
    """`fresh_build_killed` in a new Python process (a fresh build bulk-loads with Oxigraph's thread
    pool, which a forked child does not have); it must die by SIGKILL."""
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import test_crash_safety as t; "
        f"t.fresh_build_killed({point!r}, {str(out)!r}, *{[str(p) for p in inputs]!r})"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=600
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-3000:]


@pytest.mark.parametrize("point", list(FRESH_POINTS))
def test_crash_safety_killed_fresh_build_is_completed_by_a_rerun(
    nlp, built: dict[str, Path], tmp_path: Path, point: str
) -> None:
    out = _copy_start(built, tmp_path)
    inputs = [built["first"], built["later"]]
    _in_process(point, out, inputs)
    if point == "between the store's renames":
        assert not (out / "store").exists()  # the moment a kill leaves no store in place
    build_store([built["later"]], out, append=True, nlp=nlp)  # any later run puts the store back...
    _opens_and_validates(out)
    build_store(inputs, out, nlp=nlp)  # ... and the same command again completes it
    assert _state(out) == _state(built["fresh"])


def test_crash_safety_killed_append_then_append_of_unchanged_input_repairs_the_files(
    nlp, built: dict[str, Path], tmp_path: Path
) -> None:
    """The issue's case: killed just after the graphs' commit, the re-run found every document
    unchanged and left the inferred graph and graph.ttl/graph.trig/graph.html as they were."""
    import kg.pipeline.incremental

    out = _copy_start(built, tmp_path)
    stale = (out / "graph.ttl").read_text(encoding="utf-8")
    _in_child(
        lambda: build_store([built["later"]], out, append=True, nlp=nlp),
        _kill_on_call(kg.pipeline.incremental, "apply_records", after=True),
    )
    assert (out / "graph.ttl").read_text(encoding="utf-8") == stale  # the files lag the store
    change = build_store([built["later"]], out, append=True, nlp=nlp)
    assert sorted(change.unchanged) == ["delhi", "kyiv"]
    assert [label for label, _ in change.written] == ["graph", "dataset", "view", "store", "report"]
    assert _state(out) == _state(built["appended"])


def test_crash_safety_killed_remove_is_completed_by_a_rerun_of_any_append(
    nlp, built: dict[str, Path], tmp_path: Path
) -> None:
    import kg.pipeline.incremental

    out = tmp_path / "out"
    shutil.copytree(built["appended"], out)
    _in_child(lambda: remove_documents(["kyiv"], out), _kill_on_call(kg.pipeline.incremental, "write_views"))
    _opens_and_validates(out)
    build_store([built["first"]], out, append=True, nlp=nlp)  # unchanged documents: finishes the files
    assert _state(out) == _state(built["removed"])


def test_crash_safety_output_files_are_written_by_rename(tmp_path: Path) -> None:
    """Every file kg writes appears whole: written beside, then renamed (a reader, or a kill, never
    meets half a file)."""
    from kg.pipeline.build import write_text_atomic

    seen: list[tuple[str, str]] = []
    real = os.replace

    def spy(source: object, target: object) -> None:
        seen.append((Path(str(source)).name, Path(str(target)).name))
        real(source, target)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(os, "replace", spy)
        write_text_atomic(tmp_path / "graph.ttl", "x")
    ((source, target),) = seen
    assert source.startswith(".graph.ttl.") and source.endswith(".tmp") and target == "graph.ttl"
