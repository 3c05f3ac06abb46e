"""Streamlit glue shared by the pages: session, access, cached reads and page furniture.

Nothing here computes an indicator: that is `analysis/` and `etl/`.
"""

from ui.legacy_pages import use_navigation_only

use_navigation_only()
