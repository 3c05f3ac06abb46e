"""How a derived indicator is worked out from uploaded ones: a rate per so many children.

Rates per 10,000 children are how the DfE and members compare councils of different sizes,
but nobody should type one into a return: it would drift from the count and population it
came from. So a derived indicator's recipe is data (an `[indicator.derived]` table in
`data/indicators.toml`), the dashboard works it out from the current figures, and an upload
that carries one is refused (`upload_refusal`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from core.errors import CypsError, Kind


class DerivationError(CypsError, ValueError):
    """A derived indicator's recipe that cannot be followed (the catalogue names the file)."""

    kind = Kind.CONFIGURATION


@dataclass(frozen=True)
class Derivation:
    """`numerator` (summed over `months` months to the month) per `per` of `population`.

    The population figure used is the latest at or before the month: a director enters the
    ONS mid-year estimate once, for the month it applies from.
    """

    numerator: str  # an uploaded count: CP_PLANS, LAC_COUNT, REFERRALS
    population: str  # the count it is a rate of: POP_0_17
    per: float = 10_000.0
    months: int = 1  # 1: the month's own figure; 12: the sum over the 12 months to the month

    @property
    def inputs(self) -> tuple[str, str]:
        return (self.numerator, self.population)

    def in_words(self) -> str:
        """'CP_PLANS ÷ POP_0_17 × 10,000', as the About page and a refusal say it."""
        top = (
            self.numerator
            if self.months == 1
            else f"{self.numerator} summed over {self.months} months"
        )
        return f"{top} ÷ {self.population} × {self.per:,.0f}"


class _Described(Protocol):
    """What the checks need of a catalogue indicator (read-only, as the catalogue's are)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def derivation(self) -> Derivation | None: ...


def parse_derivation(raw: Any) -> Derivation | None:
    """An `[indicator.derived]` table as a Derivation; None when the indicator is uploaded."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw.get("numerator") or not raw.get("population"):
        raise DerivationError("derived must be a table with numerator and population codes")
    per, months = raw.get("per", 10_000), raw.get("months", 1)
    if not isinstance(per, int | float) or per <= 0:
        raise DerivationError(f"derived.per must be a number above zero, not {per!r}")
    if not isinstance(months, int) or isinstance(months, bool) or months < 1:
        raise DerivationError(f"derived.months must be a whole number of months, not {months!r}")
    return Derivation(str(raw["numerator"]), str(raw["population"]), float(per), months)


def check_derivations(indicators: Iterable[_Described]) -> None:
    """Every recipe names uploaded counts in the catalogue, never another derived figure."""
    by_code = {i.code: i for i in indicators}
    for ind in by_code.values():
        if ind.derivation is None:
            continue
        for code in ind.derivation.inputs:
            used = by_code.get(code)
            if used is None or used.derivation is not None or used.unit != "count":
                raise DerivationError(
                    f"{ind.code} is derived from '{code}', which must be an uploaded count "
                    "indicator in the catalogue"
                )


def upload_refusal(ind: _Described) -> str:
    """Why a return may not carry a derived figure, and what to send instead."""
    d = ind.derivation
    assert d is not None
    return (
        f"is {ind.code} ({ind.name}), which the dashboard works out itself "
        f"({d.in_words()}), so it cannot be uploaded. Remove the row and send "
        f"{d.numerator} and {d.population} instead: the rate follows them, "
        "revisions and rollbacks included."
    )
