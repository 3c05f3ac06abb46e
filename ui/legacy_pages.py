"""Keep Streamlit's legacy `pages/` mode off, so only `dashboard.py` decides what is shown.

Streamlit 1.67 notices a folder named `pages` beside the entry script and, until
some session has called `st.navigation`, runs whichever page file the address
names directly, skipping `dashboard.py` and its role-based navigation (see
streamlit/streamlit#10276). The first visitor after a restart who follows a
bookmark to /upload would get every page file listed in the sidebar.

Every page imports `app` and calls `guard_page`, so this runs on such a request: it turns the
legacy mode off for the whole process and reruns the script, which then goes
through `dashboard.py` like every other run.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx


def use_navigation_only() -> None:
    if not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    if get_script_run_ctx() is not None:
        st.rerun()
