"""The synthetic front door and workforce: referrals, assessments and caseloads by month.

Each series follows the public facts in `data/sample/README.md` and draws its noise
from its own seeded generator, so reshaping one leaves the others' figures alone.
"""

from __future__ import annotations

import numpy as np

from etl.sample.shape import MONTHS, PINNED, TEAMS, Team, curve, fit, ratio_rows, rng, row


def front_door() -> list[dict]:
    """Referrals, and the two percentages of them: responded within 24 hours, re-referred.

    Referrals rise after the November 2014 inspection (more awareness) and dip in
    August and December. A pinned month may nudge that month's referral count so
    the published percentage is exact; both percentages and REFERRALS then use the
    nudged count, so numerator / denominator agree across the three.
    """
    draw = rng(1)
    level = curve([(0, 300), (7, 305), (13, 350), (35, 352)])
    season = np.array([{8: 0.84, 12: 0.87, 4: 0.96}.get(m.month, 1.0) for m in MONTHS])
    counts = np.clip(np.round(level * season * draw.normal(1, 0.035, len(MONTHS))), 250, 400)
    referrals = [int(c) for c in counts]

    fast = curve([(0, 34.5), (7, 37.0), (8, 36.7), (12, 58), (16, 84), (20, 98.6), (35, 98)])
    fast += draw.normal(0, 0.8, len(MONTHS))
    later = np.arange(len(MONTHS)) > 20
    fast[later] = np.clip(97.8 + draw.normal(0, 0.6, later.sum()), 96.2, 98.8)
    rereferred = curve([(0, 25.2), (11, 26.3), (16, 28.4), (23, 26.2), (24, 24.1), (35, 22.6)])
    rereferred = np.clip(rereferred + draw.normal(0, 0.6, len(MONTHS)), 21.5, 29.0)

    for (code, period), target in PINNED.items():
        if code in ("REF_24H", "REREF_12M"):
            i = MONTHS.index(period)
            referrals[i] = fit(target, referrals[i])[1]
    counts_rows = [row("REFERRALS", p, n) for p, n in zip(MONTHS, referrals, strict=True)]
    return (
        counts_rows
        + ratio_rows("REF_24H", fast, referrals)
        + ratio_rows("REREF_12M", rereferred, referrals)
    )


def assessments() -> list[dict]:
    """Assessments within 45 working days: about 70% in 2014, 85-93% from 2016."""
    draw = rng(2)
    completed = [int(n) for n in np.round(draw.normal(275, 18, len(MONTHS)))]
    pct = curve([(0, 70.5), (8, 69.0), (13, 75), (19, 84), (22, 88), (35, 90.5)])
    pct += draw.normal(0, 1.0, len(MONTHS))
    pct[21:] = np.clip(pct[21:], 85.5, 92.5)
    return ratio_rows("ASSESS_45WD", pct, completed)


def _team_month(
    team: Team, progress: float, offsets: np.ndarray, draw: np.random.Generator
) -> tuple[int, int, int]:
    """Cases held, headcount and workers over 22 for one team in one month.

    Individual caseloads are simulated (a lasting per-worker offset plus monthly
    noise) so the count over 22 agrees with the average rather than being drawn apart.
    """
    workers = round(team.workers_from + (team.workers_to - team.workers_from) * progress)
    average = team.load_from + (team.load_to - team.load_from) * progress
    loads = np.clip(np.round(average + offsets[:workers] + draw.normal(0, 1, workers)), 1, None)
    return int(loads.sum()), workers, int((loads > 22).sum())


def caseloads() -> list[dict]:
    """Caseloads by team and for the whole authority, falling as posts were added."""
    draw = rng(3)
    offsets = {t.name: draw.normal(0, 3.0, t.workers_to) for t in TEAMS}
    t = np.clip((np.arange(len(MONTHS)) - 8) / 22, 0, 1)
    progress = t * t * (3 - 2 * t)  # starts after the inspection, settles by late 2016
    rows = []
    for period, p in zip(MONTHS, progress, strict=True):
        figures = {team.name: _team_month(team, p, offsets[team.name], draw) for team in TEAMS}
        cases, workers, over = (sum(f[i] for f in figures.values()) for i in range(3))
        rows.append(row("CASELOAD_AVG", period, round(cases / workers, 1)))
        rows.append(row("CASELOAD_OVER_22", period, over))
        for name, (c, w, o) in figures.items():
            rows.append(row("CASELOAD_AVG", period, round(c / w, 1), breakdown=name))
            rows.append(row("CASELOAD_OVER_22", period, o, breakdown=name))
    return rows
