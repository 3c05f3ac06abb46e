"""The command line's one table from an error's kind to its exit code.

Automation reads the exit code, people read the sentence on stderr: 0 done, 1 refused or
not possible as asked (the sentence says why), 2 the command itself was wrong (bad
arguments, or a configuration to correct), 3 the database was busy (try again shortly).
"""

from __future__ import annotations

from core.errors import CypsError, Kind

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_BUSY = 3

EXIT_CODES: dict[Kind, int] = {
    Kind.REFUSED_FILE: EXIT_INVALID,
    Kind.INVALID_CONTENT: EXIT_INVALID,
    Kind.CONFLICT: EXIT_INVALID,
    Kind.NOT_FOUND: EXIT_INVALID,
    Kind.DATABASE_DAMAGED: EXIT_INVALID,
    Kind.NOT_ALLOWED: EXIT_INVALID,
    Kind.UNAVAILABLE: EXIT_INVALID,
    Kind.INVALID_REQUEST: EXIT_USAGE,
    Kind.CONFIGURATION: EXIT_USAGE,
    Kind.DATABASE_BUSY: EXIT_BUSY,
}


def exit_code(error: CypsError) -> int:
    """The exit code for an error, by its kind."""
    return EXIT_CODES[error.kind]
