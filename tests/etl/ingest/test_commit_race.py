"""Commits racing for the store: a double click, two directors, two processes.

Whatever the timing, a file is loaded at most once and no half-written state
is left: exactly one submission per file, with counts that agree with the
figures. Real DuckDB files in a temporary folder, real threads and processes.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from etl.ingest.load import AlreadyLoaded, Prepared, StalePreview, commit, prepare, preview
from etl.store.database import Store, StoreBusy
from etl.store.queries import current_values, submissions
from tests.workbooks import xlsx

TODAY = dt.date(2017, 6, 15)
HEADER = ["indicator", "period", "value"]
FILE_A = xlsx([HEADER, ["LAC_COUNT", "2016-04", 401], ["LAC_COUNT", "2016-05", 402]])
FILE_B = xlsx([HEADER, ["LAC_COUNT", "2016-05", 503], ["LAC_COUNT", "2016-06", 504]])


def _prepared(content: bytes, name: str = "month.xlsx") -> Prepared:
    return prepare(name, content, today=TODAY)


def _race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions on threads released at the same moment; each outcome or its exception."""
    start = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        start.wait()
        try:
            outcomes[i] = action()
        except Exception as err:  # the outcome under test, not a failure of the harness
            outcomes[i] = err

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "cyps.duckdb")
    with store.connect():
        pass  # the schema exists before the race, as in a running app
    return store


def _figures(store: Store) -> dict[str, float]:
    return {f"{r.period:%Y-%m}": r.value for r in current_values(store).itertuples()}


def test_a_double_click_loads_the_file_once(store: Store) -> None:
    prepared = _prepared(FILE_A)
    base = preview(store, prepared).base_version
    outcomes = _race(
        lambda: commit(store, prepared, "dee", expected_version=base),
        lambda: commit(store, prepared, "dee", expected_version=base),
    )
    loaded = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(loaded) == 1 and loaded[0].submission_id == 1
    assert len(refused) == 1 and isinstance(refused[0], AlreadyLoaded | StalePreview)
    assert len(submissions(store)) == 1
    assert _figures(store) == {"2016-04": 401, "2016-05": 402}
    rows = store.query("SELECT count(*) AS n FROM observations")["n"].iloc[0]
    assert rows == 2  # nothing half-written by the refused commit


def test_the_same_file_under_two_names_still_loads_once(store: Store) -> None:
    outcomes = _race(
        lambda: commit(store, _prepared(FILE_A, "a.xlsx"), "dee"),
        lambda: commit(store, _prepared(FILE_A, "a (1).xlsx"), "sam"),
    )
    assert sum(isinstance(o, AlreadyLoaded) for o in outcomes) == 1
    assert len(submissions(store)) == 1


def test_two_directors_confirming_the_same_preview_base_one_is_asked_to_look_again(
    store: Store,
) -> None:
    a, b = _prepared(FILE_A, "a.xlsx"), _prepared(FILE_B, "b.xlsx")
    base = preview(store, a).base_version
    assert preview(store, b).base_version == base
    outcomes = _race(
        lambda: commit(store, a, "dee", expected_version=base),
        lambda: commit(store, b, "sam", expected_version=base),
    )
    assert sum(isinstance(o, StalePreview) for o in outcomes) == 1
    assert len(submissions(store)) == 1


def test_two_different_files_racing_both_land_one_after_the_other(store: Store) -> None:
    outcomes = _race(
        lambda: commit(store, _prepared(FILE_A, "a.xlsx"), "dee"),
        lambda: commit(store, _prepared(FILE_B, "b.xlsx"), "sam"),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)]
    subs = submissions(store).sort_values("id")
    assert subs["id"].tolist() == [1, 2]
    # Whichever landed second saw the first: 3 distinct figures, May given twice.
    assert subs["values_added"].sum() == 3 and subs["values_changed"].sum() == 1
    assert subs["values_added"].tolist() == [2, 1] and subs["values_changed"].tolist() == [0, 1]
    second = subs.iloc[1]["file_name"]
    may = 503 if second == "b.xlsx" else 402
    assert _figures(store) == {
        "2016-04": 401,
        "2016-05": may,
        "2016-06": 504,
    }


# --- two processes: DuckDB lets one hold the file; the other waits, then finds it loaded ----


def _commit_in_process(path: str, content: bytes, go: object, results: object) -> None:
    """Child process: prepare, wait for the starting signal, commit; report what happened."""
    store = Store(path)
    prepared = prepare("month.xlsx", content, today=TODAY)
    go.wait(30)
    try:
        outcome = f"loaded {commit(store, prepared, 'child').submission_id}"
    except AlreadyLoaded as err:
        outcome = f"already {err.submission_id}"
    except StoreBusy:
        outcome = "busy"
    results.put(outcome)


def test_two_processes_committing_the_same_file_leave_one_submission(store: Store) -> None:
    ctx = multiprocessing.get_context("spawn")
    go, results = ctx.Event(), ctx.Queue()
    children = [
        ctx.Process(target=_commit_in_process, args=(str(store.path), FILE_A, go, results))
        for _ in range(2)
    ]
    for child in children:
        child.start()
    go.set()
    outcomes = sorted(results.get(timeout=90) for _ in children)
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0
    assert outcomes[-1] == "loaded 1"
    if outcomes[0] == "busy":  # the other waited past the retry limit: it tries again and sees
        with pytest.raises(AlreadyLoaded):
            commit(store, _prepared(FILE_A), "parent")
    else:
        assert outcomes[0] == "already 1"
    assert len(submissions(store)) == 1
    assert _figures(store) == {"2016-04": 401, "2016-05": 402}
