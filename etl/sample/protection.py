"""The synthetic child protection, exploitation and missing-children series (issue 14).

Shaped on the model council's published figures (LAIT, `data/dfe/`): 368 children on a child
protection plan at 31 March 2016 and 367 at 31 March 2017, which with the sample's population
figure give the published rates of 65.3 and 64.9 per 10,000; conferences within 15 working
days rising to about 84% in 2015/16 (84.3% published) and 89% in 2016/17 (88.7%); plans over
two years falling from about 4% to 2% (3.9% and 1.8%). The exploitation and missing series are
local measures with no published figure: their shapes follow the papers (CSE visits at 100%
after the commissioners arrived, return interviews improving) and are invented.
"""

from __future__ import annotations

import numpy as np

from etl.sample.measures import (
    count_rows,
    counts_of,
    denominators,
    month,
    percent_rows,
)
from etl.sample.shape import MONTHS, curve, rng

# The published counts at 31 March the plan series must hit (LAIT CPP_Num).
PLANS_AT_YEAR_END = {month(2016, 3): 368, month(2017, 3): 367}


def child_protection() -> list[dict]:
    """Plans, conferences on time, repeat plans, plans over two years and visits on time."""
    draw = rng(14_1)
    n = len(MONTHS)
    plans_path = curve([(0, 335), (7, 346), (14, 388), (20, 396), (23, 368), (29, 376), (35, 367)])
    plans = count_rows("CP_PLANS", plans_path + draw.normal(0, 4, n), PLANS_AT_YEAR_END)
    on_plan = counts_of(plans)

    conferences = denominators(draw, 38, 6, 20)
    timely = curve([(0, 62), (7, 60), (12, 72), (17, 84), (23, 85), (29, 88), (35, 89.5)])
    timely = np.clip(timely + draw.normal(0, 2.5, n), 0, 100)

    starting = denominators(draw, 40, 6, 22)
    repeat = curve([(0, 22.5), (12, 21), (23, 18.5), (35, 16)])
    repeat = np.clip(repeat + draw.normal(0, 3, n), 0, 100)

    ending = denominators(draw, 38, 6, 20)
    long_plans = curve([(0, 5.5), (11, 4.6), (23, 3.9), (35, 1.8)])
    long_plans = np.clip(long_plans + draw.normal(0, 1.2, n), 0, 100)

    seen = curve([(0, 78), (8, 76), (14, 88), (20, 95), (35, 97.5)])
    seen = np.clip(seen + draw.normal(0, 1.2, n), 0, 100)
    return (
        plans
        + percent_rows("CP_ICPC_15WD", timely, conferences)
        + percent_rows("CP_REPEAT", repeat, starting)
        + percent_rows("CP_2YRS", long_plans, ending)
        + percent_rows("CP_VISITS", seen, on_plan)
    )


def exploitation_and_missing() -> list[dict]:
    """Children at risk of CSE, CSE visits on time, missing episodes, return interviews.

    CSE visits reach 100% from December 2015 ("100% performance in relation to visits in
    response to CSE cases"); the children identified at risk rise as identification improves.
    Return interviews are a share of the episodes that ended, so their denominator is the
    month's episodes.
    """
    draw = rng(14_2)
    n = len(MONTHS)
    at_risk = curve([(0, 58), (8, 70), (14, 96), (24, 104), (35, 92)])
    risk = count_rows("CSE_RISK", at_risk + draw.normal(0, 4, n))

    referrals = denominators(draw, 11, 3, 4)
    visited = curve([(0, 82), (8, 80), (14, 95), (19, 100), (35, 100)])
    visited = np.clip(visited + draw.normal(0, 2, n), 0, 100)
    visited[20:] = 100.0  # every CSE referral visited in time from December 2015

    episodes_path = curve([(0, 58), (12, 72), (24, 80), (35, 76)])
    episodes = count_rows("MISSING_EPISODES", episodes_path + draw.normal(0, 6, n))
    interviews = curve([(0, 38), (8, 42), (16, 65), (24, 80), (35, 86)])
    interviews = np.clip(interviews + draw.normal(0, 3, n), 0, 100)
    returns = [max(e, 1) for e in counts_of(episodes)]
    return (
        risk
        + percent_rows("CSE_VISITS", visited, referrals)
        + episodes
        + percent_rows("MISSING_RHI", interviews, returns)
    )
