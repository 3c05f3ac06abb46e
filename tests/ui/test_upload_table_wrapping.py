"""Fix text and warnings are read in full (issue 16 §8): the preview's tables get rows tall
enough for their longest text wrapped over lines, and keep ordinary rows when all is short."""

from __future__ import annotations

import pandas as pd

from ui.upload_tables import LINE_PX, MIN_WRAP_PX, wrapped_row_height


def test_short_texts_keep_the_tables_ordinary_rows() -> None:
    assert wrapped_row_height(pd.Series(["", "too big"])) is None
    assert wrapped_row_height(pd.Series([], dtype=object)) is None


def test_a_long_fix_gets_a_row_with_a_line_for_every_55_characters() -> None:
    fix = "x" * (55 * 5 + 1)  # six lines' worth
    height = wrapped_row_height(pd.Series(["short", fix]))
    assert height is not None and height > 64  # Streamlit wraps only rows over 64 px
    assert height >= 6 * LINE_PX and height >= MIN_WRAP_PX
    assert wrapped_row_height(pd.Series([fix]), chars_per_line=40) > height
