"""The national comparators for the app's database: the bundled DfE files, once per process.

However the app runs (demo, a configured sign-in, CYPS_SAMPLE=off), a database without any
benchmark release gets the bundled DfE releases (`etl.benchmarks.bundled_releases`), so
*How we compare* is never empty in a real deployment.
"""

from __future__ import annotations

import streamlit as st

from etl.benchmarks.bundled_releases import ensure_bundled
from etl.store.database import Store


@st.cache_resource(show_spinner="Loading the national comparators…")
def ensure_comparators(path: str) -> int:
    """Load the bundled DfE files into the database at `path` if it has no release; how many."""
    return ensure_bundled(Store(path))
