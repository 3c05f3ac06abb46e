"""The upload and history pages, driven through Streamlit's AppTest as a director would.

Demo mode (no sign-in configured) and a real DuckDB file per test holding the
illustrative sample (four submissions), as a new deployment has. The pages are
run directly, so they are tested as doors of their own; the navigation test
runs the whole dashboard and skips until every page file in it exists.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from core.roles import NotAllowed
from etl.ingest.load import prepare, preview
from etl.outputs.template import build_template
from etl.store.database import Store
from etl.store.queries import current_values, submissions
from tests.pages.screens import app, shown
from ui import access
from ui.navigation import NAVIGATION as NAVIGATION_TABLE
from ui.upload_flow import check_upload, commit_upload, rollback_submission, template_for

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAMPLE_SUBMISSIONS = 4


def _template_with(rows: list[tuple], targets: list[tuple] = ()) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    for row in rows:
        book["data"].append(list(row))
    for row in targets:
        book["targets"].append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = _template_with(
    [
        ("REF_24H", dt.date(2017, 3, 1), None, 97.0, None, None, "Corrected after audit"),
        ("REFERRALS", dt.date(2017, 4, 1), None, 333),
    ],
    targets=[("REF_24H", dt.date(2017, 4, 1), 97, 2)],
)
BAD = _template_with(
    [("NOPE", "Foo 2016", None, "abc"), ("REF_24H", dt.date(2016, 4, 1), None, 140)]
)


@pytest.fixture
def db(sample_db: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    monkeypatch.setenv("CYPS_DEMO", "on")  # the demo opt-in, as `make run` sets it
    return sample_db


def _page(script: str, role: str | None = None) -> AppTest:
    at = app(script, TIMEOUT)
    if role:
        at.session_state[access.DEMO_ROLE_KEY] = role
    at.run()
    assert not at.exception, at.exception
    return at


def _upload_page(role: str | None = "director") -> AppTest:
    return _page("pages/upload.py", role)


def _missing_pages() -> list[str]:
    return [spec.source for spec in NAVIGATION_TABLE if not (ROOT / spec.source).exists()]


def _texts(at: AppTest) -> str:
    """Every alert's words as the director reads them (file-derived text reaches it escaped)."""
    parts = [e.value for kind in ("error", "info", "success", "warning") for e in at.get(kind)]
    return shown("\n".join(str(p) for p in parts))


def test_a_director_uploads_previews_confirms_and_sees_one_new_submission(db: Store) -> None:
    at = _upload_page()
    assert len(submissions(db)) == SAMPLE_SUBMISSIONS
    assert "25 MB" in at.file_uploader[0].help
    at.file_uploader[0].set_value(("march.xlsx", GOOD, XLSX)).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "New values": "1",
        "Changed values": "1",
        "Unchanged values": "0",
        "Targets set or changed": "1",
    }
    assert len(submissions(db)) == SAMPLE_SUBMISSIONS  # nothing written by the preview
    commit_button = at.button(key="upload_commit")
    assert commit_button.disabled  # not until the director says they checked
    at.checkbox(key="upload_confirm").check().run()
    at.button(key="upload_commit").click().run()
    assert not at.exception, at.exception
    assert "submission 5 loaded: 1 new, 1 changed" in _texts(at)
    subs = submissions(db)
    assert len(subs) == SAMPLE_SUBMISSIONS + 1
    assert subs.iloc[0]["submitted_by"] == "demo-director@example.invalid"
    assert [link.label for link in at.get("page_link")][:1] == ["Referrals and assessments"]
    # The uploader is emptied and the check is gone: a rerun (refresh) cannot commit again.
    assert at.file_uploader[0].value is None
    assert not _has_key(at, "upload_commit")
    at.run()
    assert len(submissions(db)) == SAMPLE_SUBMISSIONS + 1
    note = current_values(db, ["REF_24H"]).set_index("period").loc[dt.date(2017, 3, 1)]
    assert note["commentary"] == "Corrected after audit" and note["value"] == 97.0


def _has_key(at: AppTest, key: str) -> bool:
    return any(getattr(b, "key", None) == key for b in at.button)


def test_the_same_file_again_says_it_is_already_loaded(db: Store) -> None:
    at = _upload_page()
    at.file_uploader[0].set_value(("march.xlsx", GOOD, XLSX)).run()
    at.checkbox(key="upload_confirm").check().run()
    at.button(key="upload_commit").click().run()
    at.file_uploader[0].set_value(("march copy.xlsx", GOOD, XLSX)).run()
    # moments after its own load: the director is told it is loaded and that again is a no-op
    assert "submission 5 loaded" in _texts(at)
    assert "Loading the same file again would change nothing." in _texts(at)
    assert not _has_key(at, "upload_commit")
    assert len(submissions(db)) == SAMPLE_SUBMISSIONS + 1


def test_a_bad_file_shows_every_problem_and_loads_nothing(db: Store) -> None:
    at = _upload_page()
    at.file_uploader[0].set_value(("bad.xlsx", BAD, XLSX)).run()
    assert not at.exception, at.exception
    assert "4 problems found in bad.xlsx. Nothing was loaded." in _texts(at)
    table = at.dataframe[0].value
    assert table.columns.tolist() == [
        "Sheet",
        "Row",
        "Column",
        "Value",
        "What is wrong and how to fix it",
    ]
    assert len(table) == 4
    assert {"NOPE", "Foo 2016", "abc", "140"} == set(table["Value"])
    assert not at.metric and not _has_key(at, "upload_commit")
    assert len(submissions(db)) == SAMPLE_SUBMISSIONS
    refused = db.query("SELECT detail FROM audit_log WHERE outcome = 'refused'")
    assert len(refused) == 1 and '"problems": 4' in refused["detail"].iloc[0]


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_a_sentence(db: Store) -> None:
    at = _upload_page()
    at.file_uploader[0].set_value(("figures.xlsx", b"hello", XLSX)).run()
    assert not at.exception
    assert "not a real Excel workbook" in _texts(at) and "Nothing was loaded" in _texts(at)


def test_a_stale_preview_is_refused_with_a_sentence_and_checked_again(db: Store) -> None:
    at = _upload_page()
    at.file_uploader[0].set_value(("march.xlsx", GOOD, XLSX)).run()
    at.checkbox(key="upload_confirm").check().run()
    other = prepare("other.xlsx", _template_with([("LAC_COUNT", dt.date(2017, 4, 1), None, 490)]))
    from etl.ingest.load import commit

    commit(db, other, "another-demo-director@example.invalid")  # another director lands first
    at.button(key="upload_commit").click().run()
    assert not at.exception, at.exception
    assert "The figures changed after your preview" in _texts(at)
    assert len(submissions(db)) == SAMPLE_SUBMISSIONS + 1  # only the other director's
    assert _has_key(at, "upload_commit")  # a fresh preview, ready to confirm again


@pytest.mark.parametrize("role", ["member", "officer"])
def test_only_a_director_can_reach_the_upload_and_history_pages(db: Store, role: str) -> None:
    missing = _missing_pages()
    if missing:
        pytest.skip(f"pages not written yet: {', '.join(missing)}")
    at = _page("dashboard.py", role)
    for page in ("pages/upload.py", "pages/history.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    director = _page("dashboard.py", "director")
    director.switch_page("pages/upload.py").run()
    assert not director.exception and director.file_uploader


def test_a_member_running_the_upload_page_directly_is_refused(db: Store) -> None:
    at = _page("pages/upload.py", "member")
    assert not at.exception
    assert "does not allow this: upload" in _texts(at)
    assert not at.file_uploader and not at.get("download_button")
    history = _page("pages/history.py", "member")
    assert "does not allow this: rollback" in _texts(history) and not history.dataframe


def test_every_action_refuses_a_member_even_when_called_directly(db: Store) -> None:
    member, director = access.demo_user("member"), access.demo_user("director")
    with pytest.raises(NotAllowed):
        check_upload(db, member, "march.xlsx", GOOD)
    checked = preview(db, prepare("march.xlsx", GOOD))
    with pytest.raises(NotAllowed, match="commit"):
        commit_upload(db, member, checked)
    with pytest.raises(NotAllowed, match="rollback"):
        rollback_submission(db, member, 1)
    with pytest.raises(NotAllowed, match="download template"):
        template_for(member)
    assert template_for(director)[:2] == b"PK"
    assert len(submissions(db)) == SAMPLE_SUBMISSIONS


def test_the_history_lists_submissions_and_rolls_back_after_confirmation(db: Store) -> None:
    at = _upload_page()
    at.file_uploader[0].set_value(("march.xlsx", GOOD, XLSX)).run()
    at.checkbox(key="upload_confirm").check().run()
    at.button(key="upload_commit").click().run()
    at = _page("pages/history.py", "director")
    listing = at.dataframe[0].value
    assert listing["Submission"].tolist() == [5, 4, 3, 2, 1]
    assert at.selectbox(key="history_pick").value == 5
    tables = [d.value for d in at.dataframe]
    restore = next(t for t in tables if "Month" in t and "After rollback" in t)
    assert restore.columns.tolist() == ["Indicator", "Month", "Breakdown", "Now", "After rollback"]
    target = next(t for t in tables if "From" in t and "After rollback" in t)
    assert target.to_dict("records") == [
        {
            "Indicator": "Referrals responded to within 24 hours",
            "From": "April 2017",
            "Now": "97.0% (amber within 2.0%)",
            "After rollback": "none set from this month",
        }
    ]
    assert sorted(restore["After rollback"]) == ["97.4%", "no figure"]
    assert at.button(key="history_rollback_5").disabled
    at.checkbox(key="history_confirm_5").check().run()
    at.button(key="history_rollback_5").click().run()
    assert not at.exception, at.exception
    assert "Submission 5 was rolled back: 2 figure(s) and 1 target(s) restored" in _texts(at)
    subs = submissions(db).set_index("id")
    assert len(subs) == SAMPLE_SUBMISSIONS + 1  # never deleted
    assert subs.loc[5, "rolled_back_by"] == "demo-director@example.invalid"
    assert at.dataframe[0].value.set_index("Submission").loc[5, "Status"].startswith("Rolled back")
    assert not _has_key(at, "history_rollback_5")


def test_the_preview_says_which_sheet_was_read_and_flags_a_new_team(db: Store) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Figures"
    book.active.append(["indicator", "period", "breakdown", "value"])
    book.active.append(["CASELOAD_AVG", "2017-03", "Edge of Care", 19.5])
    hidden = book.create_sheet("lookup")
    hidden.append(["a helper sheet, hidden, and left alone"])
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    at = _upload_page()
    at.file_uploader[0].set_value(("teams.xlsx", out.getvalue(), XLSX)).run()
    assert not at.exception, at.exception
    assert "Read figures from the sheet 'Figures' (long layout)." in [t.value for t in at.text]
    assert "never been loaded before" in _texts(at) and "'Edge of Care'" in _texts(at)
    assert len(submissions(db)) == SAMPLE_SUBMISSIONS  # nothing written by the preview
