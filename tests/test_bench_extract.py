"""The extraction benchmark's corpus builder (benchmarks/bench_extract.py); speed is measured there,
not here."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import bench_extract


def _records(prefix: str, n: int) -> list[dict[str, str]]:
    return [{"id": f"{prefix}-{i}", "text": f"Text {i} of {prefix}."} for i in range(n)]


def test_interleave_takes_the_sets_in_turn() -> None:
    mixed = bench_extract.interleave([_records("a", 3), _records("b", 1), _records("c", 2)])
    assert [r["id"] for r in mixed] == ["a-0", "b-0", "c-0", "a-1", "c-1", "a-2"]


def test_corpus_has_n_documents_times_repeat_with_unique_ids() -> None:
    source = bench_extract.interleave([_records("a", 5), _records("b", 5)])
    docs = bench_extract.corpus(source, docs=4, repeat=3)
    assert len(docs) == 12
    assert len({d["id"] for d in docs}) == 12
    assert [d["id"] for d in docs[:4]] == ["a-0", "b-0", "a-1", "b-1"]  # the first copy keeps its ids
    assert [d["text"] for d in docs[4:8]] == [d["text"] for d in docs[:4]]  # copies, same texts
    assert len(bench_extract.corpus(source)) == 10  # all, once


def test_corpus_rejects_no_repeat() -> None:
    with pytest.raises(ValueError):
        bench_extract.corpus(_records("a", 2), repeat=0)


def test_eval_corpus_mixes_the_three_sets(shared_eval: Path) -> None:
    records, by_set = bench_extract.eval_corpus(30, repeat=2)
    assert len(records) == 60 == sum(by_set.values())
    assert len({r["id"] for r in records}) == 60
    assert by_set == {"gold": 20, "redocred": 20, "agworld": 20}
    assert all(r["text"].strip() for r in records)
    documents = bench_extract.documents_of(records)
    assert [d.id for d in documents] == [r["id"] for r in records]
    assert bench_extract.words(records) == sum(len(d.text.split()) for d in documents)
