"""Text from files and people, made safe for the markdown and HTML it is shown in.

Everything the dashboard did not write itself (a file name, a cell's value, an area or
source name from an uploaded DfE or comparators file, an address from a sign-in token, a
sentence from `etl` that quotes any of these) is plain text. Streamlit renders markdown in
`st.markdown`, `st.caption`, `st.write`, `st.success` and their kind, so such text goes
through `md()` first: a crafted name then shows as the characters it is, never as a link,
an image, a form or an iframe. The committee report's HTML uses `html()` likewise.
"""

from __future__ import annotations

import html as _html
import re

# Every ASCII punctuation mark CommonMark or Streamlit gives a meaning to: emphasis, code,
# links and images, headings, lists, tables, block quotes, `:red[...]` and `:emoji:`
# directives, and `$` maths. CommonMark lets a backslash escape any of them.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$=^\"'])")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def md(value: object) -> str:
    """`value` as markdown that renders as exactly its own characters.

    Line breaks are kept; each line loses its leading spaces (four would make a code
    block) and any control character (never meant to be seen).
    """
    lines = []
    for line in _CONTROL.sub("", str(value).replace("\r\n", "\n")).split("\n"):
        line = line.lstrip(" \t").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines.append(_MARKDOWN_SPECIAL.sub(r"\\\1", line))
    return "\n".join(lines)


def html(value: object) -> str:
    """`value` as HTML text (and attribute) content."""
    return _html.escape(str(value), quote=True)
