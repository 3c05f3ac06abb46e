"""How a council compares: national rank, quartile band and its statistical neighbours.

These follow the DfE's Local Authority Interactive Tool (LAIT), the comparison councillors
already know, so the dashboard's answer matches the national tool's:

- Rank: 1 = best by the measure's polarity, over councils with a figure (suppressed or missing
  figures are not ranked). Ties share the best (lowest) rank number, as LAIT does with R's
  `rank(ties.method = "min")` and SQL's RANK(): two councils at 1 are both 1st, the next is 3rd.
- Quartile band A-D, A = best quarter, exactly as LAIT's `calculate_quartile_band` gives it, so
  the band a councillor reads here is the band the DfE's tool gives. The cut points are the
  25th, 50th and 75th percentiles (Q1, median, Q3) of the councils' figures by linear
  interpolation (R's `quantile` default, as LAIT uses, and pandas'). Each band includes its
  upper cut point, whichever the polarity:
    lower is better:  value <= Q1 is A; <= median B; <= Q3 C; above Q3 D.
    higher is better: value <= Q1 is D; <= median C; <= Q3 B; above Q3 A.
  So a figure exactly on a cut point takes the better band when lower is better and the worse
  band when higher is better (a council exactly on Q3 of a higher-is-better measure is B, and
  councils tied at the national maximum are B when they hold a quarter or more of the figures).
- Top-quartile threshold: the cut point of band A (Q1 when lower is better: a figure at or below
  it is in band A; Q3 when higher is better: a figure above it is in band A), the line council
  scorecards print.
- Neighbours: LAIT shows the mean of the ten statistical neighbours, the DfE outcomes dashboard
  the median; both are given, over the neighbours with a figure, with how many that was.

A measure where neither direction is better (a count of referrals, say) has no rank, band or
best neighbour: those come back as None with the reason.

Input is a frame with one row per council: `area_code`, `value` (NaN when suppressed or
missing), and optionally `area_name`, `symbol` and `geographic_level` (rows other than
'Local authority' are ignored, so England and regions never take a rank).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

POLARITIES = ("higher", "lower", "neither")
BANDS = ("A", "B", "C", "D")
NO_POLARITY = "neither higher nor lower is better for this measure, so it is not ranked"


@dataclass(frozen=True)
class Quartiles:
    q1: float  # 25th percentile
    median: float
    q3: float  # 75th percentile


@dataclass(frozen=True)
class NationalPosition:
    value: float | None
    rank: int | None  # 1 = best; ties share the lowest number
    ranked: int  # councils with a figure (suppressed and missing excluded)
    band: str | None  # 'A' (best quarter) to 'D'
    quartiles: Quartiles | None
    top_quartile_threshold: float | None
    reason: str = ""  # why rank or band is None; "" when both are given


@dataclass(frozen=True)
class NeighbourSummary:
    neighbours: int  # neighbours in the model
    with_values: int  # neighbours whose figure is a number
    mean: float | None  # LAIT's statistical-neighbour average
    median: float | None  # the DfE outcomes dashboard's
    best_code: str | None
    best_name: str | None
    best_value: float | None
    without_values: tuple[str, ...]  # names (or codes) of neighbours with no figure
    reason: str = ""  # why mean or best is None; "" when given


def _check(values: pd.DataFrame, polarity: str) -> pd.DataFrame:
    """Councils only, with `value` as float; a wrong input is an error that says what to fix."""
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, not {polarity!r}")
    missing = {"area_code", "value"} - set(values.columns)
    if missing:
        raise ValueError(f"the values frame needs columns area_code and value; missing {missing}")
    frame = values
    if "geographic_level" in frame.columns:
        frame = frame[frame["geographic_level"] == "Local authority"]
    frame = frame.assign(
        area_code=frame["area_code"].astype(str),
        value=pd.to_numeric(frame["value"], errors="coerce").astype("float64"),
    )
    if frame["area_code"].duplicated().any():
        raise ValueError("each council may appear once; filter the values to one measure and year")
    return frame


def rank_councils(values: pd.DataFrame, polarity: str) -> pd.DataFrame:
    """The councils with `rank` (Int64, <NA> when unranked) and `band` added, best first."""
    frame = _check(values, polarity)
    if polarity == "neither":
        return frame.assign(rank=pd.array([None] * len(frame), dtype="Int64"), band=None)
    ranks = frame["value"].rank(method="min", ascending=polarity == "lower", na_option="keep")
    quartiles = quartile_points(frame["value"])
    bands = pd.Series(
        [quartile_band(v, quartiles, polarity) for v in frame["value"]],
        index=frame.index,
        dtype=object,
    )
    ranked = frame.assign(rank=ranks.astype("Int64"), band=bands)
    return ranked.sort_values(["rank", "area_code"], na_position="last", kind="stable")


def quartile_points(values: pd.Series) -> Quartiles | None:
    """25th, 50th and 75th percentiles of the figures (NaN ignored); None when there are none."""
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    if numbers.empty:
        return None
    q1, median, q3 = numbers.quantile([0.25, 0.5, 0.75], interpolation="linear")
    return Quartiles(float(q1), float(median), float(q3))


def quartile_band(value: float | None, quartiles: Quartiles | None, polarity: str) -> str | None:
    """A (best quarter) to D by LAIT's rule: each band includes its upper cut point, so a figure
    on a cut point is in the lower-valued band (better when lower is better, worse when higher
    is better)."""
    if value is None or quartiles is None or math.isnan(value) or polarity == "neither":
        return None
    order = BANDS if polarity == "lower" else BANDS[::-1]  # from the lowest values up
    cuts = (quartiles.q1, quartiles.median, quartiles.q3)
    return next((b for b, edge in zip(order, cuts, strict=False) if value <= edge), order[-1])


def top_quartile_threshold(quartiles: Quartiles | None, polarity: str) -> float | None:
    """Band A's cut point: band A is at or below it when lower is better, above it when higher
    is better (LAIT's rule)."""
    if quartiles is None or polarity == "neither":
        return None
    return quartiles.q1 if polarity == "lower" else quartiles.q3


def _describe_missing(row: pd.Series | None) -> str:
    if row is None:
        return "this council has no figure for this year"
    symbol = row.get("symbol") if "symbol" in row.index else None
    if isinstance(symbol, str) and symbol:
        return f"this council's figure is not published (shown as '{symbol}')"
    return "this council has no figure for this year"


def national_position(values: pd.DataFrame, la_code: str, polarity: str) -> NationalPosition:
    """Where one council stands among all councils for one measure and year."""
    ranked = rank_councils(values, polarity)
    count = int(ranked["value"].notna().sum())
    quartiles = quartile_points(ranked["value"])
    threshold = top_quartile_threshold(quartiles, polarity)
    match = ranked[ranked["area_code"] == str(la_code)]
    row = match.iloc[0] if len(match) else None
    value = None if row is None or pd.isna(row["value"]) else float(row["value"])
    if polarity == "neither":
        return NationalPosition(value, None, count, None, quartiles, None, NO_POLARITY)
    if value is None or row is None:
        return NationalPosition(
            None, None, count, None, quartiles, threshold, _describe_missing(row)
        )
    return NationalPosition(
        value=value,
        rank=int(row["rank"]),
        ranked=count,
        band=row["band"],
        quartiles=quartiles,
        top_quartile_threshold=threshold,
    )


def neighbour_summary(
    values: pd.DataFrame, neighbour_codes: list[str], polarity: str
) -> NeighbourSummary:
    """Mean, median and best of a council's statistical neighbours for one measure and year.

    Ties for best go to the closer neighbour (earlier in `neighbour_codes`, which is in the
    model's order), so the answer is the same every time.
    """
    frame = _check(values, polarity).set_index("area_code")
    codes = [str(c) for c in neighbour_codes]
    names = frame["area_name"] if "area_name" in frame.columns else pd.Series(dtype=object)
    figures = pd.Series(
        [frame["value"].get(c, float("nan")) for c in codes], index=codes, dtype="float64"
    )
    present = figures.dropna()
    without = tuple(str(names.get(c, c)) for c in codes if c not in present.index)
    if present.empty:
        return NeighbourSummary(
            len(codes), 0, None, None, None, None, None, without,
            "none of the neighbours has a figure for this year",
        )  # fmt: skip
    mean, median = float(present.mean()), float(present.median())
    if polarity == "neither":
        return NeighbourSummary(
            len(codes), len(present), mean, median, None, None, None, without, NO_POLARITY
        )
    best_code = present.idxmin() if polarity == "lower" else present.idxmax()
    return NeighbourSummary(
        neighbours=len(codes),
        with_values=len(present),
        mean=mean,
        median=median,
        best_code=best_code,
        best_name=str(names.get(best_code, best_code)),
        best_value=float(present[best_code]),
        without_values=without,
    )
