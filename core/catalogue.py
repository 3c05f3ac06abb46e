"""The indicator catalogue, targets and key events, read from `data/`.

Everything that describes a measure (its name, unit, polarity, targets, the
breakdowns it may carry) is data, so adding an indicator needs no code change.
The files are checked when read: a mistake in them is reported by file and line.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from core.derivation import Derivation, DerivationError, check_derivations, parse_derivation
from core.errors import CypsError, Kind
from core.periods import PeriodError, parse_period
from core.settings import DATA_DIR

UNITS = ("percent", "count", "number")
POLARITIES = ("higher", "lower", "neither")
BREAKDOWN_KINDS = ("none", "team", "distance_band")
WHOLE_AUTHORITY = ""  # the breakdown value of a whole-authority figure


class CatalogueError(CypsError, ValueError):
    """A mistake in one of the catalogue files in `data/`."""

    kind = Kind.CONFIGURATION


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    polarity: str
    family: str
    breakdown: str
    decimals: int
    definition: str
    why_it_matters: str
    official_definition: str
    source: str
    national_comparator: bool
    comparator_note: str
    default_target: float | None = None
    amber_tolerance: float | None = None
    reference_line: float | None = None
    reference_label: str = ""
    counts_children: bool = False  # published extracts suppress small numbers of children
    denominator_indicator: str = ""  # the count a percentage is "of", when not stored with it
    max_value: float | None = None  # larger figures are refused on upload as implausible
    derivation: Derivation | None = None  # worked out from other figures, never uploaded

    @property
    def is_percent(self) -> bool:
        return self.unit == "percent"

    @property
    def better(self) -> str:
        """'Good performance is' in the words council scorecards use."""
        return {"higher": "Higher is better", "lower": "Lower is better"}.get(
            self.polarity, "Neither higher nor lower is better (context)"
        )

    def format_value(self, value: float | None) -> str:
        if value is None or value != value:  # NaN
            return "no figure"
        text = f"{value:,.{self.decimals}f}"
        return f"{text}%" if self.is_percent else text


@dataclass(frozen=True)
class Family:
    key: str
    title: str
    order: int
    url_path: str


@dataclass(frozen=True)
class Target:
    indicator: str
    effective_from: dt.date
    target: float
    amber_tolerance: float


@dataclass(frozen=True)
class Event:
    month: dt.date
    label: str
    description: str


@dataclass(frozen=True)
class ChangePoint:
    """From `month` on, an indicator's SPC mean and limits are recalculated, for `reason`.

    A known, sustained change in how the work is done, recorded in `change_points.csv` so
    an analyst can add one without a release. `baseline_months` fixes the new limits on the
    first N plotted months from `month`; None (the default) uses every plotted month.
    """

    indicator: str  # an indicator code, or "*" for every indicator
    month: dt.date
    reason: str
    baseline_months: int | None = None


@dataclass(frozen=True)
class Catalogue:
    indicators: tuple[Indicator, ...]
    families: tuple[Family, ...]
    breakdown_values: dict[str, tuple[str, ...]]
    breakdown_labels: dict[str, str]
    targets: tuple[Target, ...]
    events: tuple[Event, ...]
    change_points: tuple[ChangePoint, ...] = ()
    # kind -> {earlier label: the catalogue's value}: old wording still accepted on upload
    breakdown_aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    _by_key: dict[str, Indicator] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for ind in self.indicators:
            self._by_key[_key(ind.code)] = ind
            self._by_key[_key(ind.name)] = ind

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def get(self, code: str) -> Indicator:
        return self._by_key[_key(code)]

    def lookup(self, code_or_name: str) -> Indicator | None:
        """The indicator with this code or exact name (case and spacing ignored)."""
        return self._by_key.get(_key(code_or_name))

    def canonical_breakdown(self, kind: str, text: str) -> str | None:
        """The catalogue's own spelling of a breakdown value, or None when it is not one.

        Case, spaces and underscores are ignored, and an earlier label listed under the
        kind's aliases (say "Under 20 miles") gives the value it was renamed to ("20 miles
        or less"), so files written before a rename still load as the current wording.
        A kind that lists no values (team names are the council's own) keeps `text`.
        """
        allowed = self.breakdown_values.get(kind, ())
        if not allowed:
            return text
        wanted = _compact(text)
        aliases = self.breakdown_aliases.get(kind, {})
        candidates = [(a, a) for a in allowed] + list(aliases.items())
        return next((value for name, value in candidates if _compact(name) == wanted), None)

    @property
    def uploadable(self) -> list[Indicator]:
        """The indicators a return may carry: every one but the derived rates."""
        return [i for i in self.indicators if i.derivation is None]

    def in_family(self, family: str) -> list[Indicator]:
        return [i for i in self.indicators if i.family == family]

    def family(self, key: str) -> Family:
        return next(f for f in self.families if f.key == key)

    def default_targets(self) -> list[Target]:
        """Targets from targets.csv, plus an indicator's default for those with no rows."""
        with_rows = {t.indicator for t in self.targets}
        defaults = [
            Target(i.code, dt.date(1900, 1, 1), i.default_target, i.amber_tolerance or 0.0)
            for i in self.indicators
            if i.code not in with_rows and i.default_target is not None
        ]
        return [*self.targets, *defaults]


def _key(text: str) -> str:
    return re.sub(r"[\s_]+", " ", str(text).strip().lower())


def _indicator(raw: dict, where: str) -> Indicator:
    try:
        ind = Indicator(
            code=raw["code"],
            name=raw["name"],
            unit=raw["unit"],
            polarity=raw["polarity"],
            family=raw["family"],
            breakdown=raw.get("breakdown", "none"),
            decimals=int(raw.get("decimals", 1)),
            definition=raw["definition"],
            why_it_matters=raw.get("why_it_matters", ""),
            official_definition=raw.get("official_definition", ""),
            source=raw.get("source", ""),
            national_comparator=bool(raw.get("national_comparator", False)),
            comparator_note=raw.get("comparator_note", ""),
            default_target=raw.get("default_target"),
            amber_tolerance=raw.get("amber_tolerance"),
            reference_line=raw.get("reference_line"),
            reference_label=raw.get("reference_label", ""),
            counts_children=bool(raw.get("counts_children", False)),
            denominator_indicator=raw.get("denominator_indicator", ""),
            max_value=raw.get("max_value"),
            derivation=parse_derivation(raw.get("derived")),
        )
    except KeyError as missing:
        raise CatalogueError(f"{where}: missing field {missing}") from None
    except DerivationError as err:
        raise CatalogueError(f"{where}: {err}") from None
    for name, allowed in (
        ("unit", UNITS),
        ("polarity", POLARITIES),
        ("breakdown", BREAKDOWN_KINDS),
    ):
        if getattr(ind, name) not in allowed:
            raise CatalogueError(f"{where} ({ind.code}): {name} must be one of {allowed}")
    if ind.max_value is not None and not (
        isinstance(ind.max_value, int | float) and 0 < ind.max_value < float("inf")
    ):
        raise CatalogueError(f"{where} ({ind.code}): max_value must be a number above zero")
    return ind


def _data_rows(path: Path) -> list[tuple[int, dict]]:
    """Rows of a CSV in `data/`, with their line numbers; '#' lines are comments."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        numbered = [(n, line) for n, line in enumerate(fh, start=1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in numbered)
    return [(numbered[i + 1][0], row) for i, row in enumerate(reader)]


def _compact(text: object) -> str:
    """A breakdown value for matching: case, spaces and underscores ignored (as headers are)."""
    return re.sub(r"[\s_]+", "", str(text or "")).lower()


def _breakdown_aliases(breakdowns: dict, where: str) -> dict[str, dict[str, str]]:
    """Each kind's earlier labels, checked to name one of the kind's current values."""
    aliases: dict[str, dict[str, str]] = {}
    for kind, spec in breakdowns.items():
        values = spec.get("values", [])
        for old, new in spec.get("aliases", {}).items():
            if new not in values:
                raise CatalogueError(
                    f"{where} breakdowns.{kind}.aliases: '{old}' points to '{new}', "
                    f"which is not one of its values ({', '.join(values)})"
                )
            aliases.setdefault(kind, {})[old] = new
    return aliases


def _month(text: str, where: str) -> dt.date:
    try:
        return parse_period(text)
    except PeriodError as err:
        raise CatalogueError(f"{where}: month '{text}' {err}") from None


def _baseline_months(text: str, where: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) < 2:
        raise CatalogueError(
            f"{where}: baseline_months '{text}' must be a whole number of months, at least 2 "
            "(limits need one moving range), or blank to use every month"
        )
    return int(text)


def _change_points(path: Path, codes: list[str]) -> tuple[ChangePoint, ...]:
    """The SPC recalculation points, checked: known indicator, a month, a reason, once each."""
    if not path.exists():
        return ()
    points: dict[tuple[str, dt.date], ChangePoint] = {}
    for line, row in _data_rows(path):
        where = f"{path.name} line {line}"
        code = (row.get("indicator") or "").strip()
        if code != "*" and code not in codes:
            raise CatalogueError(f"{where}: unknown indicator '{code}'; give a code or '*' for all")
        month = _month((row.get("month") or "").strip(), where)
        reason = (row.get("reason") or "").strip()
        if not reason:
            raise CatalogueError(f"{where}: reason is blank; say what changed in the work")
        if (code, month) in points:
            raise CatalogueError(f"{where}: {code} already has a change point in {month:%Y-%m}")
        baseline = _baseline_months((row.get("baseline_months") or "").strip(), where)
        points[(code, month)] = ChangePoint(code, month, reason, baseline)
    return tuple(sorted(points.values(), key=lambda p: (p.month, p.indicator)))


def load_catalogue(data_dir: Path = DATA_DIR) -> Catalogue:
    """Read and check indicators.toml, targets.csv, events.csv and change_points.csv."""
    path = data_dir / "indicators.toml"
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    indicators = tuple(
        _indicator(item, f"{path.name} indicator {n}")
        for n, item in enumerate(raw.get("indicator", []), start=1)
    )
    families = tuple(
        sorted(
            (
                Family(key, f["title"], int(f["order"]), f.get("url_path", key))
                for key, f in raw.get("families", {}).items()
            ),
            key=lambda f: f.order,
        )
    )
    family_keys = {f.key for f in families}
    codes = [i.code for i in indicators]
    if len(set(codes)) != len(codes):
        raise CatalogueError(f"{path.name}: an indicator code is used twice")
    for ind in indicators:
        if ind.family not in family_keys:
            raise CatalogueError(f"{path.name} ({ind.code}): unknown family '{ind.family}'")
    try:
        check_derivations(indicators)
    except DerivationError as err:
        raise CatalogueError(f"{path.name}: {err}") from None
    breakdowns = raw.get("breakdowns", {})
    targets = []
    for line, row in _data_rows(data_dir / "targets.csv"):
        where = f"targets.csv line {line}"
        if row["indicator"] not in codes:
            raise CatalogueError(f"{where}: unknown indicator '{row['indicator']}'")
        targets.append(
            Target(
                row["indicator"],
                _month(row["effective_from"], where),
                float(row["target"]),
                float(row["amber_tolerance"] or 0),
            )
        )
    events = tuple(
        Event(_month(row["month"], f"events.csv line {line}"), row["label"], row["description"])
        for line, row in _data_rows(data_dir / "events.csv")
    )
    return Catalogue(
        indicators=indicators,
        families=families,
        breakdown_values={k: tuple(v.get("values", [])) for k, v in breakdowns.items()},
        breakdown_labels={k: v.get("label", k) for k, v in breakdowns.items()},
        breakdown_aliases=_breakdown_aliases(breakdowns, path.name),
        targets=tuple(targets),
        events=events,
        change_points=_change_points(data_dir / "change_points.csv", codes),
    )


@cache
def catalogue() -> Catalogue:
    """The project's catalogue, read once per process."""
    return load_catalogue()


def canonical_breakdown(kind: str, text: str) -> str | None:
    """The project catalogue's spelling of breakdown `text` for `kind` (see the method)."""
    return catalogue().canonical_breakdown(kind, text)
