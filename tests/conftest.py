"""Shared fixtures: test data paths, the shared eval folder, spaCy pipelines (built once a session)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED_EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def sample_trig() -> Path:
    return DATA / "sample.trig"


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    if not (SHARED_EVAL / "score.py").is_file():
        pytest.skip(f"shared eval folder not found at {SHARED_EVAL} (CI always has it)")
    return SHARED_EVAL


@pytest.fixture(scope="session")
def nlp():
    """The real English pipeline with the kg components (loaded once)."""
    from kg.extract.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return ROOT / "examples"


@pytest.fixture(scope="session")
def sample(sample_trig: Path):
    """The union graph of tests/data/sample.trig, as an rdflib Graph (do not mutate)."""
    from rdflib import Dataset, Graph

    dataset = Dataset()
    dataset.parse(sample_trig, format="trig")
    graph = Graph()
    for s, p, o, _ in dataset.quads():
        graph.add((s, p, o))
    return graph


@pytest.fixture(scope="session")
def sample_view(sample):
    """The explorer's view of the sample graph."""
    from kg.views.network import network_view

    return network_view(sample)
