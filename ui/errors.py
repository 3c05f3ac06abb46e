"""The pages' one table from an error's kind to how it is shown.

Any project error that reaches the frame (`ui.frame.errors_as_sentences`) is shown as its
sentence, never a traceback or Streamlit's redacted error box, in the style its kind
calls for, with what to do next when the sentence cannot know it.
"""

from __future__ import annotations

import logging

import streamlit as st

from core.errors import CypsError, Kind
from presentation.markup import md

LOG = logging.getLogger(__name__)

# kind -> (Streamlit call, icon, what to do next)
SHOWN_AS: dict[Kind, tuple[str, str, str]] = {
    Kind.REFUSED_FILE: ("error", "⛔", "Nothing was loaded."),
    Kind.INVALID_CONTENT: ("error", "⛔", "Nothing was changed."),
    Kind.INVALID_REQUEST: ("warning", "⚠️", "Change the choices above and try again."),
    Kind.CONFLICT: ("warning", "⚠️", "Look at the page again, then try once more."),
    Kind.NOT_FOUND: ("info", "ℹ️", ""),
    Kind.DATABASE_BUSY: ("error", "⏳", "Try again in a moment."),
    Kind.DATABASE_DAMAGED: ("error", "⚠️", ""),
    Kind.NOT_ALLOWED: ("error", "🔒", "If you need it, ask for access."),
    Kind.CONFIGURATION: ("error", "⚙️", "The team that runs the dashboard needs to correct it."),
    Kind.UNAVAILABLE: ("warning", "⚠️", ""),
}


def show(error: CypsError) -> None:
    """Show an error as its sentence, styled by its kind; the detail goes to the server log."""
    call, icon, next_step = SHOWN_AS[error.kind]
    LOG.warning("Shown to the user (%s): %s", error.kind.value, error)
    text = md(error) + (f" {next_step}" if next_step else "")
    getattr(st, call)(text, icon=icon)
