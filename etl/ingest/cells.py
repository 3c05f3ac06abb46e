"""What one cell says: empty, a number (and whether it is a percentage), or text to show back.

Shared by the row checker, its fast path and the targets sheet, so a cell means the
same thing wherever it is read. A number is only taken when it can mean one thing:
a comma or a space must group thousands (1,234 or 12 345 678), since `18,2` (a decimal
comma) or `1,2,3,4` would otherwise be stored as 182 or 1234; and it must be finite,
since `1E+309` reads as infinity.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from core.errors import CypsError, Kind

MISSING_MARKERS = {"", "n/a", "na", "-", "..", "x", ":"}
# Characters Excel and web pages put inside numbers as thousands separators.
_GROUP_SEPARATORS = (",", " ", "\u00a0", "\u202f", "\u2009")
# An optional sign, digits grouped in threes by one separator, optional decimals, optional %.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:(?P<sep>[, \u00a0\u202f\u2009])\d{3})(?:(?P=sep)\d{3})*")


class NotANumber(CypsError, ValueError):
    """A cell that is not a figure; `reason` (when set) says why in a director's words."""

    kind = Kind.INVALID_CONTENT

    def __init__(self, value: object, reason: str = ""):
        super().__init__(value)
        self.value = value
        self.reason = reason


def is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING_MARKERS


def not_finite_reason(value: object) -> str:
    """Why a cell that reads as infinity or 'not a number' is refused."""
    if isinstance(value, float) and math.isnan(value):
        return "is not a number (the file stores it as NaN). Enter the month's figure itself."
    return (
        f"is {shown(value)}, which is not a figure (a number this large reads as "
        "infinity). Enter the month's figure itself."
    )


def to_number(value: object, percent_cell: bool = False) -> tuple[float, bool]:
    """A cell as a number, and whether it was written as a percentage.

    Returns (number, was_percent): a cell formatted as a percentage in Excel
    (0.37 shown as 37%) or text such as '37%' is given in percent points (37).
    Raises NotANumber for anything else, including infinity and 'not a number'.
    """
    if isinstance(value, bool | dt.date):
        raise NotANumber(value)
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise NotANumber(value, not_finite_reason(value))
        if percent_cell:
            return round(number * 100, 10), True
        return number, False
    text = str(value).strip()
    was_percent = text.endswith("%")
    digits = text[:-1].rstrip() if was_percent else text
    if any(sep in digits for sep in _GROUP_SEPARATORS):
        digits = _ungrouped(value, digits)
    if "_" in digits or digits.lower().lstrip("+-").startswith(("inf", "nan")):
        raise NotANumber(value)  # float() accepts 1_000 and 'infinity'; a director never means it
    try:
        number = float(digits)
    except ValueError:
        raise NotANumber(value) from None
    if not math.isfinite(number):
        raise NotANumber(value, not_finite_reason(value))
    return number, was_percent


def _ungrouped(value: object, digits: str) -> str:
    """`digits` without its thousands separators, or NotANumber saying what was read."""
    bare = "".join(ch for ch in digits if ch not in _GROUP_SEPARATORS)
    if not bare.lstrip("+-").replace(".", "", 1).isdigit():
        raise NotANumber(value)  # words, not a number written with separators
    whole, point, decimals = digits.partition(".")
    match = _GROUPED.fullmatch(whole)
    if match is None or any(sep in decimals for sep in _GROUP_SEPARATORS):
        shown_sep = "a comma" if "," in digits else "a space"
        raise NotANumber(
            value,
            f"was read as '{digits}', which has {shown_sep} that does not separate thousands, "
            "so it could mean more than one number. Write decimals with a point (18.2, not "
            "18,2) and thousands as 1,234 or 1234; if the file uses commas for decimals, "
            "save it again with a point.",
        )
    return whole.replace(match.group("sep"), "") + point + decimals


def shown(value: object) -> str:
    """A cell's content as the director would recognise it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float) and not math.isfinite(value):
        return "infinity" if value > 0 else "minus infinity" if value < 0 else "not a number"
    return str(value)


def _decimals(number: float) -> int:
    text = repr(number)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def agrees(value: float, numerator: float, denominator: float, percent: bool) -> bool:
    """Does the value match numerator/denominator, allowing for the rounding it was given at?"""
    expected = numerator / denominator * (100 if percent else 1)
    places = min(_decimals(value), 3)
    return abs(expected - value) <= 0.5 * 10**-places + 1e-9


def hashable(value: object) -> bool:
    return isinstance(value, str | float | int | dt.date)
