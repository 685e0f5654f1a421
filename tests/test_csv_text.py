"""kg.query.csv_text: query results as CSV, as csv.writer writes them (but a carriage return quoted)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.query.cells import IRI, RDF_LANG_STRING, XSD, TypedText
from kg.query.csv_text import csv_text, field

TEXT = st.text(alphabet=st.sampled_from(["a", "é", " ", ",", '"', "\n", "\t", ";", "'", "0"]), max_size=6)
CELLS = st.one_of(
    st.none(),
    TEXT,
    TEXT.map(IRI),
    TEXT.map(lambda text: TypedText(text, RDF_LANG_STRING, "en")),
    TEXT.map(lambda text: TypedText(text, XSD + "date")),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
)


def _csv_writer(columns: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


@st.composite
def results(
    draw: st.DrawFn, cells: st.SearchStrategy[object] = CELLS
) -> tuple[list[str], list[list[object]]]:
    width = draw(st.integers(1, 4))
    columns = [f"c{i}" for i in range(width)]
    rows = draw(st.lists(st.lists(cells, min_size=width, max_size=width), max_size=8))
    return columns, rows


@settings(max_examples=300, deadline=None)
@given(results())
@example((["n"], [[1], [None], [""], [3]]))
@example((["a", "b"], [[None, None], ["x", 1], ["x", 1.0], ["x", True]]))
def test_csv_text_writes_what_csv_writer_writes(table: tuple[list[str], list[list[object]]]) -> None:
    columns, rows = table
    assert csv_text(columns, rows) == _csv_writer(columns, rows)


@settings(max_examples=200, deadline=None)
@given(results(st.one_of(st.none(), TEXT, st.text(alphabet='a\r\n,"', max_size=5))))
def test_csv_text_reads_back_as_its_cells(table: tuple[list[str], list[list[object]]]) -> None:
    """What a CSV reader reads back is each cell's text, carriage returns included."""
    columns, rows = table
    read = list(csv.reader(io.StringIO(csv_text(columns, rows), newline="")))
    assert read == [columns] + [["" if cell is None else str(cell) for cell in row] for row in rows]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, ""),
        ("plain", "plain"),
        (IRI("https://example.org/a,b"), '"https://example.org/a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("two\nlines", '"two\nlines"'),
        ("carriage\rreturn", '"carriage\rreturn"'),  # csv.writer leaves \r bare
        (0.5, "0.5"),
        (True, "True"),
        (7, "7"),
    ],
)
def test_csv_text_field(cell: object, expected: str) -> None:
    assert field(cell) == expected


def test_csv_text_empty_results() -> None:
    assert csv_text(["a", "b"], []) == "a,b\n"
    assert csv_text([], [[], []]) == "\n\n\n"  # no variables: as csv.writer writes empty rows
    assert csv_text([], [[], []]) == _csv_writer([], [[], []])


def test_csv_text_ragged_rows_are_an_error() -> None:
    with pytest.raises(ValueError):
        csv_text(["a", "b"], [["x", "y"], ["z"]])
