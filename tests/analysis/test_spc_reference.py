"""`analysis.spc.xmr` agrees with a line-by-line port of the reference on any series.

The port below follows NHSRplotthedots' R (R/ptd_spc_standard.R and R/ptd_calculate_point_type.R)
statement by statement, 1-based indexes turned into 0-based, with none of `xmr`'s own
structure: if the two ever disagree about a limit, a rule or a point's type, one has drifted
from Making Data Count. The reference assumes no missing months, so the series here have none.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import assume, given
from hypothesis import strategies as st

from analysis.spc import MIN_POINTS, xmr
from core.catalogue import ChangePoint
from core.periods import add_months

LIMIT = 2.66
LIMIT_CLOSE = 2 * (LIMIT / 3)


def _standard(y: list[float], fix_after: int | None) -> dict[str, object]:
    """ptd_spc_standard for one rebase group."""
    fix_y = [v if fix_after is None or i < fix_after else np.nan for i, v in enumerate(y)]
    mean = float(np.nanmean(fix_y))
    mr = [np.nan] + [abs(fix_y[i] - fix_y[i - 1]) for i in range(1, len(y))]
    amr = float(np.nanmean(mr))
    lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
    nlpl, nupl = mean - LIMIT_CLOSE * amr, mean + LIMIT_CLOSE * amr
    outside = [v > upl or v < lpl for v in y]
    return {
        "mean": mean,
        "lpl": lpl,
        "upl": upl,
        "outside": outside,
        "relative_to_mean": [int(np.sign(v - mean)) for v in y],
        "close": [not o and (v < nlpl or v > nupl) for v, o in zip(y, outside, strict=True)],
    }


def _seven_point_one_side_mean(v: list[int]) -> list[int]:
    vp = [0] * 6 + v
    return [
        int(all(vp[j + 6] == vp[j + 6 - k] for k in range(1, 7)) and vp[j + 6] != 0)
        for j in range(len(v))
    ]


def _part_of_seven_trend(v: list[int]) -> list[int]:
    vp = v + [0] * 6
    return [int(any(abs(x) == 1 for x in vp[j : j + 7])) for j in range(len(v))]


def _seven_point_trend(y: list[float]) -> list[int]:
    if len(y) < 7:
        return [0] * len(y)
    out = [0] * 6
    for i in range(6, len(y)):
        d = [int(np.sign(y[i - k] - y[i - k - 1])) for k in range(6)]  # sign(diff(y[i-0:6]))*-1
        out.append(1 if all(x == 1 for x in d) else -1 if all(x == -1 for x in d) else 0)
    return out


def _two_in_three(v: list[bool], rtm: list[int]) -> list[int]:
    vp = [0, 0, *map(int, v), 0, 0]
    rp = [0, 0, *rtm, 0, 0]

    def window(start: int) -> bool:
        return sum(vp[start : start + 3]) >= 2 and abs(sum(rp[start : start + 3])) == 3

    return [int(window(j) or window(j + 1) or window(j + 2)) for j in range(len(v))]


def _special_cause_type(y: list[float], std: dict) -> list[str]:
    rtm, close, outside = std["relative_to_mean"], std["close"], std["outside"]
    trend = _part_of_seven_trend(_seven_point_trend(y))
    two = [int(a == 1 and c) for a, c in zip(_two_in_three(close, rtm), close, strict=True)]
    shift = _part_of_seven_trend(_seven_point_one_side_mean(rtm))
    sdy = [int(np.sign(y[i + 1] - y[i])) for i in range(len(y) - 1)]
    right, left = [*sdy, sdy[-1]], [0, *sdy]
    nxt = [*trend[1:], 0]
    sdy = [r if (n and t) else lf for r, lf, n, t in zip(right, left, nxt, trend, strict=True)]
    types = []
    for i in range(len(y)):
        above = "Above" if rtm[i] > 0 else "Below"
        if outside[i]:
            types.append("Above UCL" if rtm[i] == 1 else "Below LCL")
        elif trend[i]:
            types.append(f"7 Point Trend ({'In' if sdy[i] == 1 else 'De'}creasing)")
        elif two[i]:
            types.append(f"2 in 3 {above} CL")
        elif shift[i]:
            types.append(f"7 Points {above} CL")
        else:
            types.append("Common Cause")
    return types


def _point_type(kind: str, direction: int) -> str:
    high = "Above" in kind or "Increasing" in kind
    low = "Below" in kind or "Decreasing" in kind
    v = 1 if high else -1 if low else 0
    if direction == 0:
        return {1: "neither", -1: "neither", 0: "common"}[v]
    return {1: "improvement", -1: "concern", 0: "common"}[v * direction]


RULES = {"UCL": "outside", "LCL": "outside", "Trend": "trend", "2 in 3": "two_of_three"}


def _rule(kind: str) -> str:
    if kind == "Common Cause":
        return ""
    return next((name for key, name in RULES.items() if key in kind), "shift")


def _far_from_ties(y: list[float], std: dict) -> bool:
    """No value within rounding of a limit, a near-limit line, or (unless equal) the mean."""
    amr = (std["upl"] - std["mean"]) / LIMIT
    lines = [std["mean"] + s * f * amr for s in (1, -1) for f in (LIMIT, LIMIT_CLOSE)]
    return all(abs(v - line) > 1e-6 for v in y for line in lines)


@given(
    values=st.lists(st.integers(0, 12), min_size=MIN_POINTS, max_size=40),
    walk=st.booleans(),  # a random walk (running total) has more trends and shifts
    polarity=st.sampled_from(["higher", "lower", "neither"]),
    fix_after=st.one_of(st.none(), st.integers(MIN_POINTS, 20)),
    rebase=st.one_of(st.none(), st.integers(MIN_POINTS, 28)),
)
def test_xmr_agrees_with_a_port_of_the_reference(values, walk, polarity, fix_after, rebase):
    y = [float(v) for v in (np.cumsum(np.array(values) - 6) if walk else values)]
    groups = [y] if rebase is None or len(y) - rebase < MIN_POINTS else [y[:rebase], y[rebase:]]
    direction = {"higher": 1, "lower": -1, "neither": 0}[polarity]
    expected_rule, expected_type, expected_mean = [], [], []
    for group in groups:
        std = _standard(group, fix_after)
        assume(_far_from_ties(group, std))
        kinds = _special_cause_type(group, std)
        expected_rule += [_rule(k) for k in kinds]
        expected_type += [_point_type(k, direction) for k in kinds]
        expected_mean += [std["mean"]] * len(group)

    start = dt.date(2015, 4, 1)
    frame = pd.DataFrame({"period": [add_months(start, n) for n in range(len(y))], "value": y})
    changes = [add_months(start, len(groups[0]))] if len(groups) == 2 else []
    if fix_after is None:
        chart = xmr(frame, polarity, changes)
    else:  # the reference's fix_after_n_points applies within every rebase group
        points = [ChangePoint("*", start, "fixed", fix_after)]
        points += [ChangePoint("*", m, "rebase", fix_after) for m in changes]
        chart = xmr(frame, polarity, points)
    np.testing.assert_allclose(chart["mean"], expected_mean)
    assert chart["rule"].tolist() == expected_rule
    assert chart["variation"].tolist() == expected_type
