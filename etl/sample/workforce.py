"""The synthetic workforce, quality and population series (issue 14).

Shaped on the model council's published figures (LAIT, `data/dfe/`, at 30 September): agency
social workers 25.1% in 2016 (pinned at September 2016) on the way to the 18.2% published for
September 2017, after the sample ends; vacancies 14.9% and turnover 9.6% in September 2016
(pinned). Unallocated cases fall as the new posts are filled, and case audits under the new
quality-assurance framework improve: both invented. The population of children aged 0 to 17
is entered once a year, each April, as a director enters the ONS estimate: about 56,000, set
so that the published child protection rates (65.3 in 2016, 64.9 in 2017) follow from the
published counts.
"""

from __future__ import annotations

import numpy as np

from etl.sample.measures import count_rows, denominators, month, percent_rows, value_rows
from etl.sample.shape import MONTHS, curve, rng, row

SEPTEMBER_2016 = month(2016, 9)
PUBLISHED_SEPTEMBER_2016 = {"SW_AGENCY": 25.1, "SW_VACANCY": 14.9, "SW_TURNOVER": 9.6}

# ONS mid-year estimates as a director would enter them, from the April they apply to.
POPULATION = {month(2014, 4): 56_120, month(2015, 4): 56_350, month(2016, 4): 56_550}


def social_workers() -> list[dict]:
    """Agency, vacancy and turnover rates (FTE, no counts given) and unallocated cases."""
    draw = rng(14_5)
    n = len(MONTHS)
    paths = {
        "SW_AGENCY": curve([(0, 31), (10, 33), (18, 29), (29, 25.1), (35, 20.5)]),
        "SW_VACANCY": curve([(0, 24), (12, 22), (29, 14.9), (35, 15.8)]),
        "SW_TURNOVER": curve([(0, 17), (12, 15), (29, 9.6), (35, 10.3)]),
    }
    spread = {"SW_AGENCY": 0.6, "SW_VACANCY": 0.8, "SW_TURNOVER": 0.4}
    rows: list[dict] = []
    for code, path in paths.items():
        values = np.clip(path + draw.normal(0, spread[code], n), 0, 100)
        pins = {SEPTEMBER_2016: PUBLISHED_SEPTEMBER_2016[code]}
        rows += value_rows(code, values, 1, pins)
    waiting = curve([(0, 48), (6, 55), (12, 30), (18, 12), (24, 4), (35, 2)])
    rows += count_rows("CASES_UNALLOCATED", waiting + draw.normal(0, 3, n))
    return rows


def case_audits() -> list[dict]:
    """Audited cases judged good or outstanding, and inadequate, of the same audits."""
    draw = rng(14_6)
    n = len(MONTHS)
    audited = denominators(draw, 40, 6, 20)
    good = np.clip(curve([(0, 18), (10, 22), (20, 35), (35, 48)]) + draw.normal(0, 3, n), 0, 100)
    bad = np.clip(curve([(0, 28), (10, 24), (20, 14), (35, 7)]) + draw.normal(0, 2, n), 0, 100)
    return percent_rows("AUDIT_GOOD", good, audited) + percent_rows(
        "AUDIT_INADEQUATE", bad, audited
    )


def population() -> list[dict]:
    """POP_0_17 once a year: every rate uses the latest figure at or before its month."""
    return [row("POP_0_17", period, count) for period, count in POPULATION.items()]
