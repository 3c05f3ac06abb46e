"""Every attempt to load figures leaves a row in the audit log: accepted, refused or failed.

Before, a file refused on the command line and an upload that crashed left no trace. Each
test writes the file, makes the attempt and reads the log; the figures stay as they were.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from core.roles import DIRECTOR, User
from etl.cli import main as cli
from etl.ingest.load import AlreadyLoaded, StalePreview
from etl.store import audit
from etl.store.database import Store
from etl.store.queries import current_values
from tests.etl.store.store_files import figures_store, load
from tests.workbooks import xlsx
from ui import upload_flow

DIRECTOR_USER = User("Dee Director", "dee@council.gov.uk", DIRECTOR)
ROWS = [["indicator", "period", "value"], ["LAC_COUNT", "2015-06", 420]]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return figures_store(tmp_path / "cyps.duckdb")


def _last(store: Store) -> pd.Series:
    event = audit.events(store).iloc[0]
    return pd.concat([event, pd.Series({"info": json.loads(event["detail"])})])


def _written(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notes.xlsx", b"minutes of the meeting", "not a real Excel workbook"),
        ("bad.xlsx", xlsx([ROWS[0], ["NOPE", "2015-06", 1]]), "'NOPE'"),
        ("fractions.xlsx", xlsx([ROWS[0], ["REF_24H", "2015-06", 0.97]]), "--force"),
    ],
    ids=["not a spreadsheet", "invalid rows", "warnings needing --force"],
)
def test_a_file_refused_on_the_command_line_is_recorded_with_its_reasons(
    store: Store, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    before = current_values(store)
    path = _written(tmp_path, name, content)
    assert cli.main(["load", "--db", str(store.path), "--user", "ops", path]) == 1
    event = _last(store)
    assert (event["action"], event["outcome"], event["username"]) == ("upload", "refused", "ops")
    assert event["info"]["file"] == name and event["info"]["via"] == "command line"
    assert reason in " ".join(event["info"]["reasons"])
    pd.testing.assert_frame_equal(current_values(store), before)


def test_a_file_already_loaded_is_recorded_as_such(store: Store, tmp_path: Path) -> None:
    path = _written(tmp_path, "june.xlsx", xlsx(ROWS))
    assert cli.main(["load", "--db", str(store.path), path]) == 0
    assert cli.main(["load", "--db", str(store.path), path]) == 0
    assert (_last(store)["action"], _last(store)["outcome"]) == ("upload", "already_loaded")


def test_a_load_that_crashes_on_the_command_line_is_recorded_as_failed(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The red team's crashes (a reader exhausting memory) are now refused as files; the
    crash is injected here so the record of an unforeseen one is still tested."""

    def reader_runs_out_of_memory(*_args, **_kwargs):
        raise MemoryError("the spreadsheet reader asked for 512 GiB")

    monkeypatch.setattr(cli, "load_path", reader_runs_out_of_memory)
    path = _written(tmp_path, "huge.xlsx", xlsx(ROWS))
    with pytest.raises(MemoryError):
        cli.main(["load", "--db", str(store.path), path])
    event = _last(store)
    assert (event["action"], event["outcome"], event["info"]["file"]) == (
        "upload",
        "failed",
        "huge.xlsx",
    )
    assert "512 GiB" in event["info"]["reasons"][0]


def test_an_upload_that_crashes_on_the_page_is_recorded_as_failed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reader_crashes(*_args, **_kwargs):
        raise RecursionError("maximum recursion depth exceeded while parsing")

    monkeypatch.setattr(upload_flow, "prepare_isolated", reader_crashes)
    with pytest.raises(RecursionError):
        upload_flow.check_upload(store, DIRECTOR_USER, "deep.xlsx", xlsx(ROWS))
    event = _last(store)
    assert (event["action"], event["outcome"], event["role"]) == ("upload", "failed", DIRECTOR)
    assert event["info"]["file"] == "deep.xlsx" and event["info"]["error"] == "RecursionError"


def test_a_commit_refused_on_the_page_is_recorded(store: Store) -> None:
    checked = upload_flow.check_upload(store, DIRECTOR_USER, "june.xlsx", xlsx(ROWS))
    load(store, [["LAC_COUNT", "2015-07", 421]], "july.xlsx")  # lands between preview and commit
    with pytest.raises(StalePreview):
        upload_flow.commit_upload(store, DIRECTOR_USER, checked.preview)
    event = _last(store)
    assert (event["action"], event["outcome"]) == ("commit", "refused")
    assert "changed after your preview" in event["info"]["reasons"][0]
    fresh = upload_flow.check_upload(store, DIRECTOR_USER, "june.xlsx", xlsx(ROWS))
    upload_flow.commit_upload(store, DIRECTOR_USER, fresh.preview)
    with pytest.raises(AlreadyLoaded):
        upload_flow.commit_upload(store, DIRECTOR_USER, fresh.preview)
    assert (_last(store)["action"], _last(store)["outcome"]) == ("commit", "refused")


def test_benchmark_files_loaded_on_the_command_line_are_recorded_too(
    store: Store, tmp_path: Path
) -> None:
    import getpass

    from core.settings import DATA_DIR

    bad = _written(tmp_path, "not-dfe.csv", b"a,b\n1,2\n")
    good = str(DATA_DIR / "dfe" / "SFR36_CLA2013.csv")
    assert cli.main(["benchmarks", "load", "--db", str(store.path), "--user", "ops", bad]) == 1
    event = _last(store)
    assert (event["action"], event["outcome"], event["username"]) == (
        "benchmarks_load",
        "refused",
        "ops",
    )
    assert event["os_user"] == getpass.getuser() and event["info"]["reasons"]
    assert cli.main(["benchmarks", "load", "--db", str(store.path), good]) == 0
    assert (_last(store)["action"], _last(store)["outcome"]) == ("benchmarks_load", "loaded")
