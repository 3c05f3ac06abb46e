"""Issue 13 §2: the command line shows the preview's warnings, and asks for flags where the page
asks for a tick.

`python -m etl load` prints every warning on stderr (one line each, named by file);
figures that look wrong need `--force`, as the upload page needs its confirmation.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.periods import add_months
from etl.cli.main import main
from etl.ingest.load import commit, prepare, preview
from etl.ingest.unattended import confirmations_needed
from etl.store.database import Store
from etl.store.queries import current_values
from tests.etl.ingest.hostile_files import LONG, snapshot
from tests.workbooks import xlsx

START = dt.date(2015, 4, 1)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A year of steady LAC_COUNT figures (a series whose usual move is known)."""
    store = Store(tmp_path / "cyps.duckdb")
    history = [["LAC_COUNT", f"{add_months(START, i):%Y-%m}", "", 400 + (i % 3)] for i in range(12)]
    commit(store, prepare("history.xlsx", xlsx([LONG, *history])), "dee")
    return store


def load(store: Store, tmp_path: Path, rows: list[list[object]], *flags: str) -> int:
    path = tmp_path / "april.xlsx"
    path.write_bytes(xlsx([LONG, *rows]))
    return main(["load", "--db", str(store.path), *flags, str(path)])


def test_an_unusual_change_is_printed_and_refused_without_force(
    store: Store, tmp_path: Path, capsys
) -> None:
    before = snapshot(store)
    assert load(store, tmp_path, [["LAC_COUNT", "2016-04", "", 4120]]) == 1
    err = capsys.readouterr().err
    assert "april.xlsx: warning: LAC_COUNT April 2016: 4,120 moved by" in err
    assert "refused, nothing was loaded" in err and "--force" in err
    assert snapshot(store) == before


def test_force_loads_the_figure_the_warning_questioned(
    store: Store, tmp_path: Path, capsys
) -> None:
    assert load(store, tmp_path, [["LAC_COUNT", "2016-04", "", 4120]], "--force") == 0
    captured = capsys.readouterr()
    assert "warning: LAC_COUNT April 2016" in captured.err  # still shown
    assert "submission 2 loaded: 1 new" in captured.out
    assert 4120 in current_values(store)["value"].tolist()


def test_percentages_that_look_like_fractions_need_force(
    store: Store, tmp_path: Path, capsys
) -> None:
    rows = [["REF_24H", "2016-04", "", 0.97], ["REF_24H", "2016-05", "", 0.98]]
    assert load(store, tmp_path, rows) == 1
    assert "look like fractions" in capsys.readouterr().err
    assert load(store, tmp_path, rows, "--force") == 0


def test_notes_are_printed_but_never_block(store: Store, tmp_path: Path, capsys) -> None:
    rows = [["LAC_COUNT", "2016-04", "", 402], ["LAC_COUNT", "2016-05", "", "n/a"]]
    assert load(store, tmp_path, rows) == 0
    captured = capsys.readouterr()
    assert "april.xlsx: warning: 1 cell(s) had no figure" in captured.err
    assert captured.out.count("\n") == 1  # stdout keeps one summary line per file


def test_the_page_and_the_command_line_agree_on_what_needs_confirming(store: Store) -> None:
    checked = preview(
        store, prepare("april.xlsx", xlsx([LONG, ["LAC_COUNT", "2016-04", "", 4120]]))
    )
    assert checked.doubts and checked.doubts == checked.warnings[: len(checked.doubts)]
    assert confirmations_needed(checked) and not confirmations_needed(checked, force=True)
    ordinary = preview(
        store, prepare("april.xlsx", xlsx([LONG, ["LAC_COUNT", "2016-04", "", 402]]))
    )
    assert not ordinary.doubts and not confirmations_needed(ordinary)
