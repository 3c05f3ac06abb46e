"""Where things live, and the deployment's tunable limits: the one door to data/settings.toml.

The database path is decided here and nowhere else, so a larger deployment can
point every part of the product at another file with one setting (`CYPS_DB`).

Every setting is declared below (`SETTINGS`: its type and what it is for), and the file
is checked against the declaration when first read: a mistyped key, a missing one or a
value of the wrong kind is refused with a sentence naming the file, the key and the
value, before any page or command uses it. `tests/core/test_settings.py` holds the
declaration, the file and the README's settings table in step.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.errors import CypsError, Kind

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
DEFAULT_DB = DATA_DIR / "cyps.duckdb"


def database_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The DuckDB file to use: an explicit path, else `CYPS_DB`, else `data/cyps.duckdb`."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CYPS_DB")
    return Path(env) if env else DEFAULT_DB


@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int
    max_unzipped_bytes: int
    max_compression_ratio: float


class SettingsError(CypsError, ValueError):
    """A mistake in data/settings.toml: the sentence names the key and the value."""

    kind = Kind.CONFIGURATION


# Every setting: (section, key) -> (the kinds of value allowed, what it is for).
SETTINGS: dict[tuple[str, str], tuple[tuple[type, ...], str]] = {
    ("upload", "max_file_mb"): ((int, float), "largest file a director may upload, in MB"),
    ("upload", "max_unzipped_mb"): ((int, float), "largest size an .xlsx may unzip to, in MB"),
    ("upload", "max_compression_ratio"): ((int, float), "zip-bomb guard for .xlsx parts"),
    ("preview", "unusual_change_factor"): ((int, float), "how unusual a change is flagged"),
    ("publication", "suppress_max"): ((int,), "counts of children 1 to this are suppressed"),
    ("publication", "suppression_symbol"): ((str,), "the symbol a suppressed figure shows"),
    ("contact", "team"): ((str,), "who answers questions about the figures"),
    ("contact", "email"): ((str,), "their address, on every page and in every extract"),
    ("sign_in", "max_age_minutes"): ((int, float), "how long a sign-in lasts (0: the token's own)"),
    ("council", "name"): ((str,), "the council's name on charts, pages and reports"),
    ("figures", "first_financial_year"): ((str,), "the first year figures may be for"),
    ("breakdowns", "team"): ((list,), "the council's team names"),
    ("workbook", "max_cells_per_sheet"): ((int,), "the largest sheet area read"),
    ("breakdowns", "max_distinct"): ((int,), "most distinct breakdowns one indicator may have"),
    ("parsing", "timeout_seconds"): ((int, float), "how long reading one upload may take"),
    ("parsing", "cpu_seconds"): ((int,), "how much CPU time reading one upload may use"),
    ("parsing", "memory_mb"): ((int, float), "how much memory reading one upload may use, in MB"),
}


def check_settings(raw: dict, source: str = "data/settings.toml") -> dict:
    """`raw` if it matches the declaration; otherwise a SettingsError saying what is wrong."""
    for section, table in raw.items():
        if not isinstance(table, dict):
            raise SettingsError(f"{source}: [{section}] must be a table of settings.")
        for key in table:
            if (section, key) not in SETTINGS:
                raise SettingsError(
                    f"{source}: [{section}] {key} is not a setting this release knows; "
                    "check its spelling against the README's settings table."
                )
    for (section, key), (kinds, _) in SETTINGS.items():
        if key not in raw.get(section, {}):
            raise SettingsError(f"{source}: [{section}] {key} is missing.")
        value = raw[section][key]
        if isinstance(value, bool) or not isinstance(value, kinds):
            wanted = " or ".join(k.__name__.replace("str", "text") for k in kinds)
            raise SettingsError(f"{source}: [{section}] {key} = {value!r} should be {wanted}.")
    return raw


@cache
def settings() -> dict:
    """The deployment settings in `data/settings.toml`, read and checked once."""
    path = DATA_DIR / "settings.toml"
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"data/settings.toml cannot be read: {err}.") from None
    return check_settings(raw)


def council_name() -> str:
    """The council's name, as charts, pages and reports say "where"."""
    return str(settings()["council"]["name"])


def upload_limits() -> UploadLimits:
    upload = settings()["upload"]
    return UploadLimits(
        max_file_bytes=int(upload["max_file_mb"] * 1024 * 1024),
        max_unzipped_bytes=int(upload["max_unzipped_mb"] * 1024 * 1024),
        max_compression_ratio=float(upload["max_compression_ratio"]),
    )
