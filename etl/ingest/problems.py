"""The structured problems a spreadsheet can have, shared by the CLI and the upload page.

Every rule produces a `Problem` that names where it is (sheet, Excel row, column)
and what to do about it, so a director can fix the file without help.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from core.errors import CypsError, Kind


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # as Excel numbers it (1-based, header included); None for the whole file
    column: str  # the column's header, or its letter when it has none; "" for the whole sheet
    value: str  # the offending value as the director typed it
    message: str  # what is wrong and how to fix it, in plain words

    def describe(self) -> str:
        where = [f"sheet '{self.sheet}'"] if self.sheet else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        value = f" (value: {self.value!r})" if self.value != "" else ""
        return f"{', '.join(where)}: {self.message}{value}" if where else self.message + value

    def as_dict(self) -> dict:
        return asdict(self)


class FileRefused(CypsError):
    """The file cannot be read at all (not a spreadsheet, encrypted, too large...).

    The message is one sentence a director can act on; nothing has been loaded.
    """

    kind = Kind.REFUSED_FILE


class Invalid(CypsError):
    """The file was read but breaks one or more rules; nothing has been loaded."""

    kind = Kind.INVALID_CONTENT

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) found; nothing was loaded")
        self.problems = problems


def column_letter(index: int) -> str:
    """Excel's column letter for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
