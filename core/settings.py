"""Where things live, and the deployment's tunable limits.

The database path is decided here and nowhere else, so a larger deployment can
point every part of the product at another file with one setting (`CYPS_DB`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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


@cache
def settings() -> dict:
    """The deployment settings in `data/settings.toml`, read once."""
    with open(DATA_DIR / "settings.toml", "rb") as fh:
        return tomllib.load(fh)


def upload_limits() -> UploadLimits:
    upload = settings()["upload"]
    return UploadLimits(
        max_file_bytes=int(upload["max_file_mb"] * 1024 * 1024),
        max_unzipped_bytes=int(upload["max_unzipped_mb"] * 1024 * 1024),
        max_compression_ratio=float(upload["max_compression_ratio"]),
    )
