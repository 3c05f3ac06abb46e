"""Overview: the scorecard councillors read first, for a chosen month ("as at").

Above the fold, the headline (`ui.headline`): how many indicators are on, near and off
target, how many got better or worse, and a linked sentence per changed status. Then
every indicator, grouped by family, with its latest figure, target, RAG status and
direction of travel in words and icons (colour only repeats them), a 13-month
sparkline, and a link to its chart on the family page; at phone width a card per
indicator instead of the table (`ui.style`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.headline import build_headline
from analysis.scorecard import (
    LOCAL_MEASURE,
    NOT_LOADED,
    benchmark_table,
    display_table,
    months_with_data,
)
from core.catalogue import catalogue
from core.periods import add_months, long_label
from presentation.palette import BLACK, DARK_BLUE, STATUS_GREEN, STATUS_RED, STATUS_YELLOW
from ui import cached as data
from ui.frame import in_frame, no_data_message
from ui.headline import scorecard_cards, show_headline, table_container
from ui.navigation import page_handle

STATUS_STYLE = {
    "✔": f"background-color: {STATUS_GREEN}; color: white",
    "▲": f"background-color: {STATUS_YELLOW}; color: {BLACK}",
    "✖": f"background-color: {STATUS_RED}; color: white",
}
# Streamlit's data grid wraps a cell's text only in rows taller than 64px: long indicator
# names then wrap onto a second line instead of being cut off (issue 16 §2).
WRAPPING_ROW_HEIGHT = 72
# Column widths in pixels that together fit the page at 1440×900 beside the sidebar, so
# every column shows without sideways scrolling; the grid stretches them on wider screens.
WIDTHS = {
    "Indicator": 160, "Better if": 66, "Latest": 60, "Target": 64, "Status": 100,
    "On last month": 100, "On a year ago": 100, "Last 13 months": 80,
    "Variation (SPC)": 80, "Assurance (SPC)": 80, "Note": 64,
}  # fmt: skip


def _status_style(text: str) -> str:
    return STATUS_STYLE.get(str(text)[:1], "")


def _table(rows: pd.DataFrame, key: str) -> None:
    shown = rows.drop(columns=["code"])
    styled = shown.style.map(_status_style, subset=["Status"])
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        key=key,
        row_height=WRAPPING_ROW_HEIGHT,
        column_config={
            "Indicator": st.column_config.TextColumn(width=WIDTHS["Indicator"]),
            "Latest": st.column_config.TextColumn(
                width=WIDTHS["Latest"], help="The figure for the month chosen"
            ),
            "Target": st.column_config.TextColumn(
                width=WIDTHS["Target"], help="The target in force that month"
            ),
            "Status": st.column_config.TextColumn(
                width=WIDTHS["Status"],
                help="On target (green ✔), near target: within the amber tolerance "
                "(amber ▲), off target (red ✖)",
            ),
            "On last month": st.column_config.TextColumn(
                width=WIDTHS["On last month"],
                help="Direction of travel against the month before, judged by which way is better",
            ),
            "On a year ago": st.column_config.TextColumn(
                width=WIDTHS["On a year ago"],
                help="Direction of travel against the same month a year earlier",
            ),
            "Last 13 months": st.column_config.LineChartColumn(
                width=WIDTHS["Last 13 months"],
                help="The month chosen and the twelve before it; gaps are missing months",
                color=DARK_BLUE,
            ),
            "Better if": st.column_config.TextColumn(
                width=WIDTHS["Better if"],
                help="Good performance is a higher or a lower figure; 'Neither' for context "
                "measures such as the number of referrals",
            ),
            "Variation (SPC)": st.column_config.TextColumn(
                width=WIDTHS["Variation (SPC)"],
                help="Statistical process control: is the latest month a real change (special "
                "cause) or the usual ups and downs (common cause)? Needs 12 months of figures.",
            ),
            "Assurance (SPC)": st.column_config.TextColumn(
                width=WIDTHS["Assurance (SPC)"],
                help="Statistical process control: will the process, as it runs now, reliably "
                "meet the target (P), reliably miss it (F), or sometimes hit and miss (?)",
            ),
            "Note": st.column_config.TextColumn(width=WIDTHS["Note"]),
        },
    )


def _benchmarks(rows: pd.DataFrame, key: str) -> None:
    """The latest published national figures for the family's indicators that have them."""
    compared = rows[rows["Published year"] != ""]
    local = rows[rows["Comparison"] == LOCAL_MEASURE]
    not_loaded = rows[rows["Comparison"] == NOT_LOADED]
    if not compared.empty:
        st.markdown("**How we compare: the latest published national figures (DfE, annual)**")
        st.dataframe(
            compared.drop(columns=["code"]),
            hide_index=True,
            width="stretch",
            key=key,
            column_config={
                "Quartile band": st.column_config.TextColumn(
                    help="Where the council's published figure falls among all councils in "
                    "England, by quarter: A is the best quarter, whichever way is better"
                ),
                "Neighbours (mean)": st.column_config.TextColumn(
                    help="The mean of the council's ten statistical neighbours with a figure "
                    "(DfE statistical-neighbour model)"
                ),
            },
        )
    if not not_loaded.empty:
        st.caption(
            "The DfE publishes national figures for "
            + "; ".join(not_loaded["Indicator"])
            + ", but none are loaded in this database yet. A director can load the DfE's "
            "files on the Upload figures page, or with `python -m etl benchmarks load FILE`."
        )
    if not local.empty:
        many = len(local) > 1
        st.caption(
            "No national comparator exists for "
            + "; ".join(local["Indicator"])
            + (": these are local measures" if many else ": this is a local measure")
            + ", not collected nationally."
        )


def main() -> None:
    version = in_frame().version
    path = str(data.store().path)
    values = data.current_values(path, version)
    months = months_with_data(values)
    if not months:
        no_data_message()
        return
    as_at = st.selectbox(
        "Figures as at",
        months,
        index=0,
        format_func=long_label,
        key="as_at",
        help="The latest month with figures is shown first.",
    )
    cat = catalogue()
    current = data.scorecard(path, version, as_at)
    before = add_months(as_at, -1)
    previous = data.scorecard(path, version, before) if before in months else current.iloc[0:0]
    show_headline(build_headline(current, previous, cat, as_at, before), cat)
    table = display_table(current, cat)
    national = benchmark_table(data.latest_benchmarks(path, version, as_at), cat)
    for family in cat.families:
        codes = [i.code for i in cat.in_family(family.key)]
        rows = table[table["code"].isin(codes)]
        if rows.empty:
            continue
        st.subheader(family.title)
        with table_container(family.key):
            _table(rows, key=f"scorecard_{family.key}")
        scorecard_cards(rows, family.key)
        _benchmarks(national[national["code"].isin(codes)], key=f"benchmarks_{family.key}")
        page = page_handle(family.url_path)
        with st.container(horizontal=True, gap="small"):
            for code, name in zip(rows["code"], rows["Indicator"], strict=True):
                indicator = cat.get(code)
                st.page_link(
                    page,
                    label=f"Chart: {name}",
                    icon=":material/show_chart:",
                    query_params={"indicator": indicator.name} if len(codes) > 1 else None,
                    help=f"Open the chart, summary and figures for {indicator.name}",
                )
    with st.expander("How to read this table"):
        st.markdown(
            "- **Status** compares the figure with the target in force that month: "
            "✔ on target, ▲ near target (worse than target but within the amber tolerance), "
            "✖ off target, – no target (some measures are context, with no better direction).\n"
            "- **On last month** and **On a year ago** say whether the figure got better (↑) "
            "or worse (↓), judged by which way is better for that measure. For a measure "
            "where neither is better they say up (↗) or down (↘).\n"
            "- **Variation (SPC)** and **Assurance (SPC)** come from statistical process "
            "control: the first says whether the latest month is a real change or ordinary "
            "noise, the second whether the target will be met reliably (P), missed reliably "
            "(F) or hit and miss (?). Each family page has an SPC view of every chart.\n"
            "- **How we compare** gives the latest year the DfE has published, labelled with "
            "that year: national figures are annual, so they are not for the month chosen.\n"
            "- Targets and tolerances are set by financial year. The About page explains "
            "every measure."
        )


main()
