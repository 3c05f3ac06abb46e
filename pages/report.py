"""Committee report: the monthly report for the select commission, in one click.

Choose the month (the latest with figures comes first, as on the Overview), then download the
report as a self-contained HTML file that prints on A4, or as a PDF where the server has
Chromium to print it. The report is built when the button is pressed, from the same functions
as the Overview and family pages, and the summary table is shown here first so the figures
can be checked before anything is sent.

Two versions (issue 12 §5): the public one, for anyone, with the published extracts' control of
small numbers of children; and, for roles that may `exempt_report` (officers and directors), the
exempt one with every figure, marked under Schedule 12A. Members are never offered the choice,
and the download's callable checks the role again when it runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from core.periods import long_label
from core.roles import User, may, require
from etl.outputs.report_figures import EXEMPT_MARKING
from etl.store.database import Store
from presentation.report.html import build_report_html, report_filename
from presentation.report.pdf import html_to_pdf, pdf_unavailable_reason
from presentation.scorecard_html import STYLE as SCORECARD_STYLE
from ui import cached as data
from ui.access import current_user, reconfirm
from ui.frame import in_frame, no_data_message
from ui.revisions_view import render as render_revisions


def _html_builder(
    user: User | None, path: str, as_at: dt.date, exempt: bool = False
) -> Callable[[], bytes]:
    """The download's callable: runs on another thread, so it re-checks the user itself."""

    def build() -> bytes:
        require(reconfirm(user), "exempt_report" if exempt else "view")
        return build_report_html(Store(path), as_at, exempt=exempt).encode("utf-8")

    return build


def _pdf_builder(
    user: User | None, path: str, as_at: dt.date, exempt: bool = False
) -> Callable[[], bytes]:
    def build() -> bytes:
        require(reconfirm(user), "exempt_report" if exempt else "view")
        return html_to_pdf(build_report_html(Store(path), as_at, exempt=exempt))

    return build


def main() -> None:
    version = in_frame().version
    path = str(data.store().path)
    months = data.months(path, version)
    if not months:
        no_data_message()
        return
    as_at = st.selectbox(
        "Report for the month",
        months,
        index=0,
        format_func=long_label,
        key="report_month",
        help="The latest month with figures is shown first.",
    )
    user = current_user()
    exempt = False
    if may(user, "exempt_report"):
        chosen = st.radio(
            "Version",
            ["Public", "Exempt"],
            index=0,
            horizontal=True,
            key="report_version",
            help="Public: small numbers of children are suppressed, as in published extracts. "
            "Exempt: every figure, for officers and directors, not for publication.",
        )
        exempt = chosen == "Exempt"
    if exempt:
        st.warning(EXEMPT_MARKING + ".", icon=":material/lock:")
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            "Download report (HTML)",
            data=_html_builder(user, path, as_at, exempt),
            file_name=report_filename(as_at, "html", exempt),
            mime="text/html",
            icon=":material/download:",
            key="report_html",
            help="One file with everything inside it: open it in any browser, offline, and "
            "print it on A4.",
        )
        reason = pdf_unavailable_reason()
        if reason is None:
            st.download_button(
                "Download report (PDF)",
                data=_pdf_builder(user, path, as_at, exempt),
                file_name=report_filename(as_at, "pdf", exempt),
                mime="application/pdf",
                icon=":material/picture_as_pdf:",
                key="report_pdf",
                help="The same report, printed to PDF on the server (takes a few seconds).",
            )
    if reason is not None:
        st.info(reason)

    render_revisions(path, version, as_at, exempt)  # what changed since the last report
    st.subheader(f"Summary of every indicator, {long_label(as_at)}")
    st.caption("This is the report's summary table, from the same figures as the Overview.")
    families, explanation = data.report_summary(path, version, as_at, exempt)
    if explanation:
        st.caption(explanation)
    st.html(SCORECARD_STYLE)  # once for the tables below
    for title, table_html in families:
        st.markdown(f"**{title}**")
        st.html(table_html)


if __name__ == "__main__":  # the frame runs pages as __main__; tests import the builders
    main()
