"""Issue 13 §1: a page survives an absurd figure already in the database.

Uploads refuse non-finite and implausible values, but a database restored from an
older release, or edited by hand, may still hold one. The Overview and the family
page that shows it must draw with the figure (or a message), never an exception.
"""

from __future__ import annotations

import pytest

from etl.sample.bundled import SAMPLE_SUBMITTER
from etl.store.database import Store
from etl.store.queries import current_values
from tests.pages.screens import screen
from ui import access

ABSURD = 1e300


def _store_absurd(store: Store) -> None:
    """A new month of referrals holding 1e300, written as a submission straight into the store."""
    with store.writing() as con:
        sid = con.execute(
            """INSERT INTO submissions (file_name, sha256, submitted_by, submitted_at, layout,
                 values_added, values_changed, values_unchanged, values_skipped, targets_changed)
               VALUES ('absurd.xlsx', 'absurd', ?, now(), 'long', 1, 0, 0, 0, 0)
               RETURNING id""",
            [SAMPLE_SUBMITTER],  # as the sample's own loader: demo mode stays open
        ).fetchall()[0][0]
        con.execute(
            """INSERT INTO observations (submission_id, indicator, period, breakdown, value,
                 source_sheet, source_row)
               VALUES (?, 'REFERRALS', DATE '2017-04-01', '', ?, 'data', 2)""",
            [sid, ABSURD],
        )


@pytest.mark.parametrize("page", ["overview", "referrals"])
def test_a_page_draws_despite_an_absurd_stored_figure(
    page: str, sample_db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    monkeypatch.setenv("CYPS_DEMO", "on")
    _store_absurd(sample_db)
    at = screen(page, 60)
    at.session_state[access.DEMO_ROLE_KEY] = "director"
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.markdown or at.dataframe or at.get("html")


def test_the_absurd_figure_is_the_current_one_the_pages_meet(sample_db: Store) -> None:
    _store_absurd(sample_db)
    latest = current_values(sample_db, ["REFERRALS"]).sort_values("period").iloc[-1]
    assert (str(latest["period"]), latest["value"]) == ("2017-04-01", ABSURD)
