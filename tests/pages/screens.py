"""Run the app as AppTest sees it: the whole entry, or one screen inside its frame.

A page file holds only its own content: the guard, the header and the footer are drawn
by `ui.frame` around it (as `dashboard.py` does for the page the menu chose). So a test
that wants one screen runs it through `ui.frame.run_page`, with the same frame.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def app(script: str, timeout: float = 60) -> AppTest:
    """`dashboard.py`, or `pages/NAME.py` drawn in its frame by its navigation url_path."""
    if script.endswith("dashboard.py"):
        return AppTest.from_file(str(ROOT / script), default_timeout=timeout)
    return screen(Path(script).stem, timeout)


def screen(url_path: str, timeout: float = 60) -> AppTest:
    """One screen by its address, framed exactly as the menu draws it."""
    return AppTest.from_string(
        f"from ui.frame import run_page\nrun_page({url_path!r})\n", default_timeout=timeout
    )


def shown(markdown: object) -> str:
    """What a reader sees of a markdown string: escapes resolved (`\\(` reads as `(`).

    Text from files reaches the page escaped (`presentation.markup.md`); tests that look
    for words compare what is shown, not the markdown source.
    """
    import html
    import re

    return html.unescape(re.sub(r"\\(.)", r"\1", str(markdown)))


class _Tables(HTMLParser):
    """Reads every `<table>` in some HTML into rows of cell text (an image's `alt` counts)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []
        elif tag == "img" and self._cell is not None:
            self._cell.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every HTML table the run drew with `st.html`, as frames of the text a reader sees
    (the first row is the header)."""
    frames = []
    for element in at.get("html"):
        reader = _Tables()
        reader.feed(element.proto.body)
        frames += [pd.DataFrame(t[1:], columns=t[0]) for t in reader.tables if t]
    return frames


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_preview(workbook: bytes, name: str = "correction.xlsx", timeout: float = 60) -> AppTest:
    """The Upload page as a demo director sees it after choosing `workbook`: the preview."""
    from ui import access

    page = app("pages/upload.py", timeout)
    page.session_state[access.DEMO_ROLE_KEY] = "director"
    page.run()
    page.file_uploader[0].set_value((name, workbook, XLSX)).run()
    return page
