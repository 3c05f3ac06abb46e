"""Run the app as AppTest sees it: the whole entry, or one screen inside its frame.

A page file holds only its own content: the guard, the header and the footer are drawn
by `ui.frame` around it (as `dashboard.py` does for the page the menu chose). So a test
that wants one screen runs it through `ui.frame.run_page`, with the same frame.
"""

from __future__ import annotations

from pathlib import Path

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
