"""The one error root: every error a user can meet has a kind and a sentence.

Errors are raised where they are found (a file refused by ingest, a busy database in the
store, a role that may not act) and turned into an answer in exactly two places: the
command line maps each kind to an exit code (`etl.cli.errors`), the pages map each kind to
how it is shown (`ui.errors`). The kind answers the question both ask: can the person fix
this themselves, should they try again, or must someone else act?

Each project error subclasses `CypsError` (often beside the built-in it always was, such
as `ValueError`, so existing `except` clauses keep working) and sets `kind`.
"""

from __future__ import annotations

from enum import Enum


class Kind(Enum):
    """What kind of trouble, which decides the exit code and how a page shows it."""

    REFUSED_FILE = "refused file"  # not a spreadsheet, too big, hostile: send another file
    INVALID_CONTENT = "invalid content"  # cells or values that break a rule: fix them
    INVALID_REQUEST = "invalid request"  # a question that makes no sense: months reversed
    CONFLICT = "conflict"  # already loaded, changed since the preview: look again, then retry
    NOT_FOUND = "not found"  # no database, nothing matches, no plan for that month
    DATABASE_BUSY = "database busy"  # another program holds the file: try again shortly
    DATABASE_DAMAGED = "database damaged"  # unreadable or from a newer release: restore/upgrade
    NOT_ALLOWED = "not allowed"  # the role may not do this: ask for access
    CONFIGURATION = "configuration"  # a file in data/ or the secrets is wrong: an admin fixes it
    UNAVAILABLE = "unavailable"  # a part of the machine is missing (Chromium for PDFs)


# Whether the person who met the error can put it right themselves.
USER_CAN_FIX = frozenset(
    {Kind.REFUSED_FILE, Kind.INVALID_CONTENT, Kind.INVALID_REQUEST, Kind.CONFLICT, Kind.NOT_FOUND}
)
# Whether the same request may succeed if simply tried again later.
RETRYABLE = frozenset({Kind.DATABASE_BUSY, Kind.CONFLICT})


class CypsError(Exception):
    """An error with a kind and a sentence a director or a councillor can act on.

    `str(error)` is the sentence: plain words, naming the file, sheet, row, column or
    value where there is one, and what to do next. Never a traceback.
    """

    kind: Kind = Kind.INVALID_CONTENT

    @property
    def sentence(self) -> str:
        return str(self)

    @property
    def user_can_fix(self) -> bool:
        return self.kind in USER_CAN_FIX

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE
