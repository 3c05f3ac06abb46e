"""Issue 13 §1: a database already holding 1,392 teams for one indicator keeps Caseloads bounded.

Uploads now refuse a file that takes an indicator past `[breakdowns] max_distinct`, but
a database loaded before the cap existed may hold far more teams. Written here straight
into the store (as such a database would hold them), they must not all be drawn or
tabulated: the page shows at most the cap's teams, the worst in the latest month first,
and says how many were left out and where they are.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pandas as pd
import pytest

from etl.ingest.breakdowns import max_distinct
from etl.sample.bundled import SAMPLE_SUBMITTER
from etl.store.database import Store
from etl.store.queries import current_values
from tests.pages.screens import screen, shown
from ui import access

CODE = "CASELOAD_AVG"
TEAMS = 1392
SAMPLE_TEAMS = 6  # the sample's own teams for CASELOAD_AVG
MONTHS = [dt.date(2016, m, 1) for m in range(4, 13)] + [dt.date(2017, m, 1) for m in (1, 2, 3)]
LATEST = MONTHS[-1]


def _team(i: int) -> str:
    return f"Old team {i:04d}"


def _store_old_teams(store: Store) -> None:
    """1,386 more teams for CASELOAD_AVG (1,392 with the sample's six), a year of figures
    each, written as one submission straight into the store, bypassing the load-time cap.

    Team i's figure in the latest month is 20 + i / 20, so the highest caseloads (the
    worst, lower being better) are the teams with the highest numbers.
    """
    rows = [
        (CODE, month, _team(i), 20 + i / 20 - (LATEST.month != month.month) * 0.5, "old", n + 2)
        for i in range(TEAMS - SAMPLE_TEAMS)
        for n, month in enumerate(MONTHS)
    ]
    frame = pd.DataFrame(
        rows,
        columns=["indicator", "period", "breakdown", "value", "source_sheet", "source_row"],
    )
    with store.writing() as con:
        sid = con.execute(
            """INSERT INTO submissions (file_name, sha256, submitted_by, submitted_at, layout,
                 values_added, values_changed, values_unchanged, values_skipped, targets_changed)
               VALUES ('old-teams.xlsx', 'old-teams', ?, now(), 'long', ?, 0, 0, 0, 0)
               RETURNING id""",
            [SAMPLE_SUBMITTER, len(frame)],  # as the sample's own loader: demo mode stays open
        ).fetchall()[0][0]
        con.register("old_teams", frame)
        con.execute(
            """INSERT INTO observations (submission_id, indicator, period, breakdown, value,
                 source_sheet, source_row)
               SELECT ?, indicator, period, breakdown, value, source_sheet, source_row
               FROM old_teams""",
            [sid],
        )
        con.unregister("old_teams")


def _team_chart_traces(at: object) -> list[str]:
    """The names of the lines in the 'by team' chart the page drew."""
    for chart in at.get("plotly_chart"):  # type: ignore[attr-defined]
        spec = json.loads(chart.proto.spec)
        title = json.dumps(spec["layout"].get("title", ""))
        if "by team" in title:
            return [t.get("name", "") for t in spec["data"] if t.get("mode") == "lines+markers"]
    raise AssertionError("the page drew no chart by team")


def test_the_store_really_holds_1392_teams_for_one_caseload_indicator(sample_db: Store) -> None:
    _store_old_teams(sample_db)
    values = current_values(sample_db, [CODE])
    assert values.loc[values["breakdown"] != "", "breakdown"].nunique() == TEAMS


def test_caseloads_shows_at_most_the_cap_of_1392_teams_and_says_how_many_were_left_out(
    sample_db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYPS_DB", str(sample_db.path))
    _store_old_teams(sample_db)
    cap = max_distinct()
    assert cap < TEAMS

    started = time.monotonic()
    at = screen("caseloads", 120)
    at.session_state[access.DEMO_ROLE_KEY] = "director"
    at.query_params["indicator"] = "Average social worker caseload"
    at.run()
    took = time.monotonic() - started

    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert took < 60, f"the page took {took:.0f} s"  # a loose sanity bound, not a timing test

    lines = _team_chart_traces(at)
    assert len(lines) == cap
    assert _team(TEAMS - SAMPLE_TEAMS - 1) in lines  # the highest caseload last month
    assert _team(0) not in lines  # among the lowest: left out

    tables = [d.value for d in at.dataframe if "Old team 1385" in d.value.columns]
    assert len(tables) == 1
    assert len([c for c in tables[0].columns if c != "Month"]) == cap

    sentences = [shown(c.value) for c in at.caption if "left out" in str(c.value)]
    assert sentences, [c.value for c in at.caption]
    expected = (
        f"Showing {cap} of 1,392 teams: those with the highest figures in March 2017 "
        f"(lower is better here), then any without a figure that month. The other "
        f"{1392 - cap:,} teams are left out of this chart and table; every one is in the "
        "Download figures page's files."
    )
    assert expected in sentences
