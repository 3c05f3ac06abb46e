"""Download figures (officers and directors): choose, preview, then CSV or Excel.

The page only turns widget choices into an `ExtractFilter` (`choices_to_filter`,
the twin of the command line's argument parsing) and lays out what `etl.outputs.extract`
returns. The files are made when a download button is pressed, on another
thread, so each callable re-checks the user's role there and opens its own
store connection; every file made is recorded in the audit log.

The page body runs only when Streamlit runs this file as a page (it is then
`__main__`), so tests can import `choices_to_filter` without drawing anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.catalogue import WHOLE_AUTHORITY, Catalogue, catalogue
from core.periods import financial_year_label, financial_year_start, long_label
from core.roles import User, require
from etl.outputs.extract import Extract
from etl.outputs.extract_files import FORMATS, file_name, produce
from etl.outputs.extract_filter import ExtractFilter, FilterError, build_filter, describe
from etl.outputs.publication import PublicationRules
from etl.store.database import Store
from presentation.markup import md
from ui import cached as data
from ui.access import reconfirm
from ui.frame import in_frame, no_data_message

MONTHS, YEARS = "Months", "Financial years"
PREVIEW_ROWS = 20
# Breakdown options: ("kind", kind) for a whole kind, ("value", name) for one team or band.
KIND_OPTIONS = [("kind", "none"), ("kind", "team"), ("kind", "distance_band")]
KIND_OPTION_LABELS = {
    "none": "Whole authority",
    "team": "All teams",
    "distance_band": "All distance bands",
}


@dataclass(frozen=True)
class PageChoices:
    """What the widgets hold, in the page's own terms."""

    families: Sequence[str] = ()  # family keys
    indicators: Sequence[str] = ()  # indicator codes
    period_mode: str = MONTHS  # MONTHS or YEARS
    first: dt.date | None = None  # months mode
    last: dt.date | None = None
    years: Sequence[int] = ()  # financial-years mode: start years
    breakdowns: Sequence[tuple[str, str]] = ()  # KIND_OPTIONS and ("value", name)
    published: bool = False
    spc: bool = False


def choices_to_filter(choices: PageChoices, cat: Catalogue | None = None) -> ExtractFilter:
    """The page's half of the twin: the same ExtractFilter the command line builds."""
    months = choices.period_mode == MONTHS
    return build_filter(
        indicators=choices.indicators,
        families=choices.families,
        first=choices.first if months else None,
        last=choices.last if months else None,
        financial_years=() if months else choices.years,
        breakdowns=[name for kind, name in choices.breakdowns if kind == "value"],
        breakdown_kinds=[name for kind, name in choices.breakdowns if kind == "kind"],
        published=choices.published,
        spc=choices.spc,
        cat=cat,
    )


def breakdown_label(option: tuple[str, str]) -> str:
    kind, name = option
    return KIND_OPTION_LABELS[name] if kind == "kind" else name


def breakdown_options(values: pd.DataFrame, cat: Catalogue) -> list[tuple[str, str]]:
    """Whole kinds first, then each distance band in order, then each team A to Z."""
    kind_of = {i.code: i.breakdown for i in cat.indicators}
    named = values[values["breakdown"] != WHOLE_AUTHORITY]
    kinds = named["indicator"].map(kind_of)
    bands = [b for b in cat.breakdown_values.get("distance_band", ()) if b in set(named.breakdown)]
    teams = sorted(set(named.loc[kinds == "team", "breakdown"]))
    others = sorted(set(named["breakdown"]) - set(bands) - set(teams))
    return KIND_OPTIONS + [("value", name) for name in [*bands, *teams, *others]]


def _maker(user: User, store: Store, flt: ExtractFilter, file_format: str) -> Callable[[], bytes]:
    """The download callable: runs on another thread when the button is pressed."""

    def make() -> bytes:
        acting = require(reconfirm(user), "extract")  # the role is checked again, now
        return produce(
            store,
            flt,
            file_format,
            acting.audit_name,
            acting.role,
            via="page",
            extracted_by=acting.label if not acting.email else f"{acting.label}, {acting.email}",
        ).content

    return make


def _indicator_widgets(cat: Catalogue) -> tuple[list[str], list[str]]:
    st.markdown("**Indicators** (leave both empty for every indicator)")
    left, right = st.columns(2)
    with left:
        families = st.multiselect(
            "Indicator families",
            [f.key for f in cat.families],
            format_func=lambda key: cat.family(key).title,
            placeholder="All families",
            key="extract_families",
        )
    with right:
        indicators = st.multiselect(
            "Individual indicators",
            cat.codes,
            format_func=lambda code: f"{cat.get(code).name} ({code})",
            placeholder="Choose indicators one by one",
            key="extract_indicators",
        )
    return families, indicators


def _period_widgets(months: list[dt.date]) -> dict:
    mode = st.radio("Period", [MONTHS, YEARS], horizontal=True, key="extract_period_mode")
    if mode == MONTHS:
        left, right = st.columns(2)
        with left:
            first = st.selectbox(
                "From month", months, index=0, format_func=long_label, key="extract_from"
            )
        with right:
            last = st.selectbox(
                "To month",
                months,
                index=len(months) - 1,
                format_func=long_label,
                key="extract_to",
            )
        return {"period_mode": MONTHS, "first": first, "last": last}
    years = sorted({financial_year_start(m) for m in months})
    chosen = st.multiselect(
        "Financial years (April to March)",
        years,
        default=years[-1:],
        format_func=financial_year_label,
        key="extract_years",
    )
    return {"period_mode": YEARS, "years": chosen}


def _choices(values: pd.DataFrame, cat: Catalogue) -> PageChoices:
    months = sorted(set(values["period"]))
    with st.container(border=True):
        families, indicators = _indicator_widgets(cat)
        period = _period_widgets(months)
        breakdowns = st.multiselect(
            "Breakdowns",
            breakdown_options(values, cat),
            format_func=breakdown_label,
            placeholder="All: whole authority, teams and distance bands",
            key="extract_breakdowns",
        )
        published = st.checkbox(
            "Published extract: for anything that leaves the council",
            key="extract_published",
            help="Suppresses small numbers of children and leaves out the submission, "
            "user, numerator, denominator and commentary columns.",
        )
        spc = st.checkbox(
            "Add the SPC reading of each month",
            key="extract_spc",
            help="Adds spc_mean, spc_lower, spc_upper, spc_variation and spc_rule, as the "
            "statistical process control chart drawn to the last month reads each month.",
        )
    return PageChoices(
        families, indicators, breakdowns=breakdowns, published=published, spc=spc, **period
    )


def _show_preview(ex: Extract, shown: pd.DataFrame) -> None:
    count = len(ex.rows)
    st.subheader("Preview")
    st.markdown(f"**{count:,} row{'s' if count != 1 else ''}** match these filters.")
    st.dataframe(shown, hide_index=True, width="stretch")
    if count > PREVIEW_ROWS:
        st.caption(f"The first {PREVIEW_ROWS} rows, as they will be in the file.")
    if ex.filter.published:
        st.info(PublicationRules.from_settings().explanation(), icon="🔒")
        hidden = sum(ex.suppressed.values())
        st.caption(f"{hidden:,} figure{'s' if hidden != 1 else ''} suppressed in this extract.")
    else:
        st.caption(
            "Internal extract: small numbers are not suppressed. Tick **Published extract** "
            "for anything that leaves the council."
        )


def _downloads(user: User, store: Store, ex: Extract) -> None:
    left, right = st.columns(2)
    for column, file_format, label in (
        (left, "csv", "Download CSV"),
        (right, "xlsx", "Download Excel (.xlsx)"),
    ):
        with column:
            name = file_name(ex, file_format)
            st.download_button(
                label,
                data=_maker(user, store, ex.filter, file_format),
                file_name=name,
                mime=FORMATS[file_format],
                on_click="ignore",
                icon=":material/download:",
                key=f"extract_download_{file_format}",
                help=f"Saved as {name}",  # a file name: not a caption (issue 16 §5)
            )


def render() -> None:
    here = in_frame()
    user, version = here.user, here.version
    store = data.store()
    cat = catalogue()
    values = data.current_values(str(store.path), version)
    if values.empty:
        no_data_message()
        return
    choices = _choices(values, cat)
    try:
        flt = choices_to_filter(choices, cat)
    except FilterError as err:
        st.error(md(err))
        return
    ex = data.extract_preview(str(store.path), version, flt)
    if ex.empty:
        words = "; ".join(f"{k}: {v}" for k, v in describe(flt, cat).items())
        st.warning(
            f"**No figures match these filters**, so there is nothing to download. ({words}.) "
            "Widen the months or breakdowns, or choose other indicators.",
            icon="⚠️",
        )
        return
    _show_preview(ex, data.extract_preview_text(str(store.path), version, flt, PREVIEW_ROWS))
    _downloads(user, store, ex)


if __name__ == "__main__":
    render()
