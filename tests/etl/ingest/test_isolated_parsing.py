"""Issue 13 §1: an uploaded file is read in a worker process with time and memory limits.

A file that makes the reader run away stops only its worker: the director is told in a
sentence, the attempt is audited, nothing is stored, and the server carries on. The limits
come from `[parsing]` in data/settings.toml; the tests set them tiny (a real workbook
cannot be read in a millisecond, nor in one more megabyte) rather than imitate the reader.
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.roles import User
from core.settings import DATA_DIR, settings
from etl.ingest.isolated import ParsingLimits, prepare_isolated
from etl.ingest.load import prepare
from etl.ingest.problems import FileRefused, Invalid
from etl.store.database import Store
from tests.etl.ingest.hostile_files import LONG, snapshot
from tests.pages.screens import screen, shown
from tests.workbooks import xlsx
from ui import access
from ui.upload_flow import check_upload

DIRECTOR = User("Dee Director", "dee@council.gov.uk", "director")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAMPLE = DATA_DIR / "sample" / "cyps-sample-2016-17.xlsx"
TOO_SLOW = {"timeout_seconds": 0.001, "cpu_seconds": 60, "memory_mb": 1024}
TOO_BIG = {"timeout_seconds": 60, "cpu_seconds": 60, "memory_mb": 1}
LIMITS = {
    "too slow": (TOO_SLOW, "could not be read within 0.001 seconds"),
    "too big": (TOO_BIG, "needed more memory than an upload may use (1 MB)"),
}


# A real return of 5,000 rows: reading it needs some megabytes and some milliseconds.
RETURN = xlsx(
    [LONG]
    + [
        ["REFERRALS", f"{2000 + m // 12}-{m % 12 + 1:02d}", f"Team {t}", t]
        for m in range(200)
        for t in range(25)
    ]
)


def new_figures() -> bytes:
    return xlsx([LONG, ["REFERRALS", "2017-04", "", 333]])


WITH_TARGETS = xlsx(
    [LONG, ["REFERRALS", "2017-04", "", 333], ["REF_24H", "2017-04", "", 96.5]],
    extra_sheets={
        "targets": [
            ["indicator", "effective_from", "target", "amber_tolerance"],
            ["REF_24H", "2017-04", 97, 2],
        ]
    },
)


@pytest.mark.parametrize(
    "name, content", [(SAMPLE.name, SAMPLE.read_bytes()), ("targets.xlsx", WITH_TARGETS)]
)
def test_a_real_workbook_read_in_the_worker_is_the_same_as_read_in_the_server(
    name: str, content: bytes
) -> None:
    here, there = prepare(name, content), prepare_isolated(name, content)
    assert len(there.observations) >= 2
    for frame in ("observations", "targets"):
        pd.testing.assert_frame_equal(getattr(here, frame), getattr(there, frame))
    plain = [f.name for f in dataclasses.fields(here) if f.name not in ("observations", "targets")]
    assert {n: getattr(here, n) for n in plain} == {n: getattr(there, n) for n in plain}
    if name == "targets.xlsx":
        assert there.targets["target"].tolist() == [97] and there.targets_sheet == "targets"


def test_the_worker_gives_the_same_problems_and_refusals_as_the_server() -> None:
    bad = xlsx([LONG, ["NOPE", "Foo 2016", "", "abc"], ["REF_24H", "2016-04", "", 140]])
    with pytest.raises(Invalid) as here:
        prepare("bad.xlsx", bad)
    with pytest.raises(Invalid) as there:
        prepare_isolated("bad.xlsx", bad)
    assert there.value.problems == here.value.problems and len(here.value.problems) >= 3
    with pytest.raises(FileRefused) as refused:
        prepare_isolated("figures.xlsx", b"hello")
    with pytest.raises(FileRefused) as same:
        prepare("figures.xlsx", b"hello")
    assert str(refused.value) == str(same.value)


def test_the_worker_reads_with_the_servers_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """One verdict: a setting the server holds (here a smaller sheet area) binds the worker."""
    monkeypatch.setitem(settings(), "workbook", {"max_cells_per_sheet": 4})
    with pytest.raises(FileRefused) as refused:
        prepare_isolated("small.xlsx", new_figures())
    assert "small.xlsx" in str(refused.value) and "data" in str(refused.value)


@pytest.mark.parametrize("case", sorted(LIMITS))
def test_a_file_past_a_limit_is_refused_in_a_sentence_and_the_server_carries_on(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    limits, sentence = LIMITS[case]
    monkeypatch.setitem(settings(), "parsing", limits)
    with pytest.raises(FileRefused) as refused:
        prepare_isolated("return.xlsx", RETURN)
    assert sentence in str(refused.value) and "nothing was loaded" in str(refused.value)
    assert "Traceback" not in str(refused.value)
    monkeypatch.undo()  # this process is unharmed: the next file is read as ever
    assert len(prepare_isolated("next.xlsx", new_figures()).observations) == 1


def test_a_worker_stopped_by_its_cpu_limit_is_refused_as_too_slow() -> None:
    """Past `cpu_seconds` the kernel stops the worker itself, even if the server is gone."""
    rows = [[f"x{r}"] * 40 for r in range(40_000)]  # a real sheet that takes seconds to read
    content = xlsx([LONG, *rows])
    with pytest.raises(FileRefused) as refused:
        prepare_isolated("wide.xlsx", content, parsing=ParsingLimits(120, 1, 4096))
    assert "could not be read within 120 seconds" in str(refused.value)


def test_check_upload_audits_a_file_the_worker_could_not_read(
    sample_db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(sample_db)
    monkeypatch.setitem(settings(), "parsing", TOO_SLOW)
    check = check_upload(sample_db, DIRECTOR, "slow.xlsx", RETURN)
    assert check.refused and "could not be read within" in check.refused and not check.ok
    assert snapshot(sample_db) == before
    row = sample_db.query(
        "SELECT action, outcome, detail FROM audit_log ORDER BY id DESC LIMIT 1"
    ).iloc[0]
    assert (row["action"], row["outcome"]) == ("upload", "refused")
    assert "could not be read within" in json.loads(row["detail"])["reasons"][0]


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("error", "info", "success", "warning") for e in at.get(kind)]
    return shown("\n".join(str(p) for p in parts))


@pytest.mark.parametrize("case", sorted(LIMITS))
def test_the_upload_page_says_why_a_file_could_not_be_read_and_answers_the_next(
    case: str, sample_db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    monkeypatch.setenv("CYPS_DEMO", "on")
    limits, sentence = LIMITS[case]
    before = snapshot(sample_db)
    audited = len(sample_db.query("SELECT id FROM audit_log"))
    at = screen("upload", 60)
    at.session_state[access.DEMO_ROLE_KEY] = "director"
    at.run()
    with monkeypatch.context() as limited:
        limited.setitem(settings(), "parsing", limits)
        at.file_uploader[0].set_value(("runaway.xlsx", RETURN, XLSX)).run()
    assert not at.exception, at.exception
    assert sentence in _texts(at) and not at.metric
    assert snapshot(sample_db) == before
    log = sample_db.query("SELECT username, outcome, detail FROM audit_log ORDER BY id")
    assert len(log) > audited
    last = log.iloc[-1]
    assert last["outcome"] == "refused" and sentence in last["detail"]
    assert last["username"] == "demo-director@example.invalid"
    # The same server, the same session: the next file is read and previewed as ever.
    at.file_uploader[0].set_value(("next.xlsx", new_figures(), XLSX)).run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["New values"] == "1"
