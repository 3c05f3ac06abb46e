"""A return carrying every issue-14 measure loads, and one carrying a derived rate is refused.

Real workbooks through `prepare`/`commit` and through `python -m etl load`, a real DuckDB
file, and the extract read back: every figure sent is in the extract exactly, and the rates
per 10,000 appear beside them, worked out from the count and the population just sent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from core.catalogue import catalogue
from etl.cli.main import main
from etl.ingest.load import commit, prepare
from etl.ingest.problems import Invalid
from etl.outputs.extract import extract
from etl.outputs.extract_filter import build_filter
from etl.store.database import Store
from tests.workbooks import LONG_HEADER, xlsx

CAT = catalogue()
TODAY = dt.date(2017, 6, 15)
MONTH = dt.date(2016, 4, 1)
FIRST_NEW = CAT.codes.index("REF_RATE")  # issue 14's indicators follow the first eleven
NEW = [i for i in CAT.uploadable if CAT.codes.index(i.code) >= FIRST_NEW]


def figure(code: str, n: int) -> float:
    """A distinct, valid figure for each indicator: counts whole, percentages to one place."""
    ind = CAT.get(code)
    if code == "POP_0_17":
        return 56_000
    return float(11 + 7 * n) if ind.unit == "count" else round(40 + 1.3 * n, 1)


def return_rows() -> list[list[object]]:
    rows: list[list[object]] = [
        [ind.code, MONTH, None, figure(ind.code, n)] for n, ind in enumerate(NEW)
    ]
    rows.append(["LAC_COUNT", MONTH, None, 448])
    return rows


def test_every_new_uploadable_code_is_in_the_return() -> None:
    codes = {i.code for i in NEW}
    assert len(codes) == 25 and "POP_0_17" in codes and "CASES_UNALLOCATED" in codes
    assert not codes & {"CP_RATE", "LAC_RATE", "REF_RATE"}


def test_a_return_with_every_new_code_loads_and_each_figure_is_in_the_extract_exactly(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "cyps.duckdb")
    prepared = prepare("every-code.xlsx", xlsx([LONG_HEADER, *return_rows()]), today=TODAY)
    assert len(prepared.observations) == len(NEW) + 1
    commit(store, prepared, "Dee Director")
    rows = extract(store, build_filter()).rows.set_index("indicator")
    for n, ind in enumerate(NEW):
        assert rows.loc[ind.code, "value"] == figure(ind.code, n), ind.code
    cp_plans = figure("CP_PLANS", [i.code for i in NEW].index("CP_PLANS"))
    assert rows.loc["CP_RATE", "value"] == round(cp_plans / 56_000 * 10_000, 1)
    assert rows.loc["LAC_RATE", "value"] == 80.0  # 448 / 56,000 x 10,000
    assert "REF_RATE" not in rows.index  # one month of referrals is not twelve


def test_the_command_line_loads_the_same_return_and_extracts_it_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "every-code.xlsx"
    path.write_bytes(xlsx([LONG_HEADER, *return_rows()]))
    db = str(tmp_path / "cli.duckdb")
    assert main(["load", "--db", db, "--user", "tester", str(path)]) == 0
    assert f"{len(NEW) + 1} new" in capsys.readouterr().out
    out = tmp_path / "extract.csv"
    assert main(["extract", "--db", db, "--output", str(out)]) == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        text = fh.read()
    found = {r["indicator"]: r["value"] for r in csv.DictReader(io.StringIO(text))}
    for n, ind in enumerate(NEW):
        assert float(found[ind.code]) == figure(ind.code, n), ind.code
    assert float(found["LAC_RATE"]) == 80.0


@pytest.mark.parametrize("code", ["CP_RATE", "LAC_RATE", "REF_RATE"])
def test_a_return_carrying_a_derived_rate_is_refused_with_a_sentence(code: str) -> None:
    rows = [LONG_HEADER, ["CP_PLANS", MONTH, None, 350], [code, MONTH, None, 62.5]]
    with pytest.raises(Invalid) as err:
        prepare("rates.xlsx", xlsx(rows), today=TODAY)
    (problem,) = err.value.problems
    derivation = CAT.get(code).derivation
    assert derivation is not None
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "data",
        3,
        "A (indicator)",
        code,
    )
    assert "works out itself" in problem.message and "cannot be uploaded" in problem.message
    assert f"send {derivation.numerator} and POP_0_17 instead" in problem.message


def test_a_derived_rate_named_in_a_wide_scorecard_is_refused_too() -> None:
    name = CAT.get("CP_RATE").name
    rows = [["indicator", MONTH, dt.date(2016, 5, 1)], [name, 62.5, 63.1], ["CP_PLANS", 350, 354]]
    with pytest.raises(Invalid) as err:
        prepare("scorecard.xlsx", xlsx(rows), today=TODAY)
    messages = {p.message for p in err.value.problems}
    assert len(messages) == 1 and "CP_RATE" in messages.pop()


def test_the_command_line_refuses_a_derived_rate_and_loads_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rates.xlsx"
    path.write_bytes(xlsx([LONG_HEADER, ["CP_RATE", MONTH, None, 62.5]]))
    db = tmp_path / "cli.duckdb"
    assert main(["load", "--db", str(db), "--user", "tester", str(path)]) == 1
    err = capsys.readouterr().err
    assert "refused, nothing was loaded" in err and "cannot be uploaded" in err
    count = Store(db).query("SELECT count(*) AS n FROM observations")["n"].iloc[0]
    assert count == 0
