"""How we compare: the council beside its statistical neighbours, the region and England.

The page only lays out what `etl.benchmarks.comparison` returns (one `Comparison` per measure and
year, the rank by year) and what `presentation.charts.benchmark` draws. Reads are cached on the
database path and its data version, so loading a new DfE release shows at once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.comparators import display_value, ordinal
from etl.benchmarks.comparison import Comparison
from etl.benchmarks.published import (
    Measure,
    benchmark_measures,
)
from etl.benchmarks.sources import plain_source
from presentation.charts.layout import CHART_CONFIG
from presentation.markup import md
from ui import cached as data
from ui.frame import in_frame

STATS = {"mean": "Mean (as LAIT shows)", "median": "Median (as the DfE outcomes dashboard shows)"}


def _fmt(m: Measure, value: float | None, symbol: str | None = None) -> str:
    return display_value(value, symbol, m.unit, m.decimals)


def _headline(c: Comparison) -> None:
    """Rank, band, best neighbour and top-quartile threshold, as council scorecards print them.

    Written as text, not st.metric, because a metric cuts long values ("Redcar and Clev…").
    """
    m, p, sn = c.measure, c.position, c.neighbours
    tied = f", shared with {c.tied - 1} other{'s' if c.tied > 2 else ''}" if c.tied > 1 else ""
    threshold = p.top_quartile_threshold
    sign = "at or below" if m.polarity == "lower" else "above"  # band A, as LAIT draws it
    rank = f"{ordinal(p.rank)} of {p.ranked}{tied}" if p.rank else "not ranked"
    best = f"{sn.best_name}, {_fmt(m, sn.best_value)}" if sn.best_name else "none"
    top = f"{sign} {_fmt(m, threshold)}" if threshold is not None else "none"
    items = [
        ("National rank (1 = best)", rank),
        ("Quartile band (A = best quarter)", p.band or "none"),
        ("Best statistical neighbour", best),
        ("Top-quartile threshold", top),
    ]
    # Plain markdown, never HTML: the best neighbour's name comes from an uploaded file.
    for col, (label, value) in zip(st.columns(4), items, strict=True):
        col.caption(label)
        col.markdown(f"#### {md(value)}")
    if p.reason:
        st.caption(f"No rank or band: {md(p.reason)}.")


def _neighbour_table(c: Comparison) -> pd.DataFrame:
    bars = c.bars
    return pd.DataFrame(
        {
            "Council": [
                f"{n} (this council)" if me else n
                for n, me in zip(bars["area_name"], bars["is_council"], strict=True)
            ],
            "Figure": bars["display"],
            "National rank": bars["rank"].astype("string").fillna("not ranked"),
            "Quartile band": bars["band"].fillna("none"),
            "Neighbour closeness (1 = closest)": bars["closeness_rank"].astype("string").fillna(""),
        }
    )


def _comparator_table(c: Comparison, stat: str) -> pd.DataFrame:
    m, sn, area = c.measure, c.neighbours, c.council
    n = f"{sn.with_values} of {sn.neighbours} with a figure"
    rows = [
        ("England", c.display(c.england)),
        (area.region_name or "Region (not known)", c.display(c.region)),
        (f"Statistical-neighbour mean ({n})", _fmt(m, sn.mean)),
        (f"Statistical-neighbour median ({n})", _fmt(m, sn.median)),
        ("Top-quartile threshold (all councils)", _fmt(m, c.position.top_quartile_threshold)),
    ]
    return pd.DataFrame(rows, columns=["Comparator", "Figure"])


def _height(table: pd.DataFrame) -> int:
    """Tall enough to show every row: a scrolling table hides councils from a printed page."""
    return 38 + 35 * len(table)


def _symbol_key(c: Comparison) -> None:
    shown = ", ".join(f"**{md(s)}** = {md(meaning)}" for s, meaning in c.symbol_meanings.items())
    st.caption(
        f"Symbols (DfE convention): {shown}; the meanings {md(c.symbol_source)} give them. "
        "A symbol is never a zero; a council with a symbol is not ranked."
    )


def _rank_section(c: Comparison, trend: pd.DataFrame, path: str, version: str) -> None:
    m = c.measure
    st.subheader("Rank over the years")
    if trend["rank"].isna().all():
        st.info(f"{md(m.name)} is not ranked, so there is no rank to follow over the years.")
        return
    fig = data.benchmark_rank_figure(path, version, m.key, c.year)
    st.plotly_chart(fig, width="stretch", config=CHART_CONFIG, key="rank_trend")
    with st.expander("View the rank chart as a table"):
        st.dataframe(
            pd.DataFrame(
                {
                    "Year": trend["period_label"],
                    c.council.name: trend["display"],
                    "National rank (1 = best)": trend["rank"].astype("string").fillna("not ranked"),
                    "Councils ranked": trend["ranked"],
                    "Quartile band": trend["band"].fillna("none"),
                }
            ),
            hide_index=True,
            width="stretch",
        )


def main() -> None:
    version = in_frame().version
    path = str(data.store().path)
    area = data.council_area_of(path, version)
    years_by_measure = data.benchmark_years(path, version)
    offered = [m for m in benchmark_measures() if years_by_measure.get(m.key)]
    if not offered:
        st.info(
            "No DfE comparator figures are loaded. A director can load the DfE's published "
            "files on the **Upload figures** page, in its section *National comparators (DfE "
            "published files)*."
        )
        return
    st.markdown(
        f"**These are real published figures, not illustrative.** Every figure on this page "
        f"is official statistics published by the Department for Education for {md(area.name)} "
        f"(local authority {md(area.la_code)}), England, the region and the council's ten "
        f"statistical neighbours (DfE model {md(area.neighbour_model)}). Figures are annual; the "
        "rest of the dashboard is monthly."
    )
    by_key = {m.key: m for m in offered}
    # Open on a measure with a national rank: a count (or a measure where neither way is
    # better) cannot be ranked, and a councillor's first question is "how do we rank?".
    ranked = [k for k, m in by_key.items() if m.polarity != "neither" and m.unit != "count"]
    with st.container(border=True):
        left, middle, right = st.columns([3, 2, 2])
        key = left.selectbox(
            "Measure",
            list(by_key),
            index=list(by_key).index(ranked[0]) if ranked else 0,
            format_func=lambda k: by_key[k].label,
            key="bm_measure",
            help="Dashboard indicators with a national counterpart, then measures only the "
            "DfE publishes (marked 'DfE measure').",
        )
        m = by_key[key]
        years = years_by_measure[key]
        trend = data.benchmark_rank_trend(path, version, key)
        labels = dict(zip(trend["year"], trend["period_label"], strict=True))
        year = middle.selectbox(
            "Year", years, format_func=lambda y: labels.get(y, str(y)), key=f"bm_year_{key}"
        )
        stat = right.radio(
            "Neighbour average", list(STATS), format_func=STATS.get, key="bm_stat",
            horizontal=False,
        )  # fmt: skip
    if m.dfe_only:
        st.info(f"**DfE measure, not a dashboard indicator.** {md(m.definition_note)}")
    c = data.benchmark_comparison(path, version, key, year, stat)

    st.markdown(f"**{md(c.sentence)}**")
    _headline(c)
    for note in c.notes:
        st.warning(md(note), icon="⚠️")

    fig = data.benchmark_bars_figure(path, version, key, year, stat)
    st.plotly_chart(fig, width="stretch", config=CHART_CONFIG, key="comparison_bars")
    england_line = "" if m.unit == "count" else "The dashed line is England; "
    st.caption(
        "The council's bar is orange with diagonal hatching and labelled 'this council'. "
        f"{england_line}the dotted line is the statistical-neighbour {stat}."
    )
    st.markdown("**The chart as a table** (best first)")
    for table in (_neighbour_table(c), _comparator_table(c, stat)):
        st.dataframe(table, hide_index=True, width="stretch", height=_height(table))
    _symbol_key(c)

    _rank_section(c, trend, path, version)

    st.subheader("Definition and source")
    st.markdown(f"**{md(m.name)}.** {md(m.definition_note)}")
    st.caption(  # the publication in words; its link is on the About page (issue 16 §5)
        f"Source: {md(plain_source(c.source))}, {md(c.period_label)}. Published by the "
        "Department for Education under the Open Government Licence v3.0. Neighbours: DfE "
        f"children's services statistical neighbours, model {md(area.neighbour_model)}. "
        "The About page links to each publication."
    )


main()
