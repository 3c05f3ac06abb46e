"""The DfE's statistical-neighbour models: each council's ten closest councils, in order.

Both published layouts are read (the April 2021 file and the 2025 wide file); a council's
neighbours are what LAIT and the DfE dashboards average over.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from etl.benchmarks.dfe_files import BenchmarkFileError, detect_kind

NEIGHBOUR_COLUMNS = [
    "model",
    "la_code",
    "la_name",
    "neighbour_rank",
    "neighbour_code",
    "neighbour_name",
    "closeness",
]


def read_neighbours(
    path: Path | str, model: str | None = None, raw: bytes | None = None
) -> tuple[str, pd.DataFrame]:
    """A statistical-neighbour model as one row per (council, neighbour rank).

    Both published layouts are read: April 2021 (LA num, LA Name, ..., SN1, SNP, ...) and the
    2025 wide file (old_la_code, la_name, ..., SN_1, SN_1P, ...). Neighbour names come from the
    same file. The model is named by the year in the file name unless `model` is given.
    """
    path = Path(path)
    text = (path.read_bytes() if raw is None else raw).decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]] if rows else []
    if detect_kind(header, path.name) != "sn_model":
        raise BenchmarkFileError(f"{path.name} is not a statistical-neighbour model.")
    if model is None:
        found = re.findall(r"(20\d\d)", path.name)
        if not found:
            raise BenchmarkFileError(
                f"{path.name} has no year in its name; name the neighbour model with --model."
            )
        model = found[-1]
    rank_at = {
        int(m.group(1)): i for i, h in enumerate(header) if (m := re.fullmatch(r"SN_?(\d+)", h))
    }
    # Council rows have a three-digit code first; headings and the blank lines between the
    # current councils and the 'Old SNs' (pre-reorganisation councils) are skipped.
    councils = [r for r in rows[1:] if r and re.fullmatch(r"\d{3}", r[0].strip())]
    names = {r[0].strip(): r[1].strip() for r in councils}
    records = []
    for r in councils:
        for rank, at in sorted(rank_at.items()):
            code = r[at].strip() if at < len(r) else ""
            if not code:
                continue
            closeness = r[at + 1].strip() if at + 1 < len(r) else ""
            records.append(
                (model, r[0].strip(), r[1].strip(), rank, code, names.get(code), closeness)
            )
    if not records:
        raise BenchmarkFileError(f"{path.name} lists no councils with neighbours.")
    return model, pd.DataFrame.from_records(records, columns=NEIGHBOUR_COLUMNS)
