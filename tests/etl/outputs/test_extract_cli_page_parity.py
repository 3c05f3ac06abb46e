"""The extract page and `python -m etl extract` are twins: the same filters, the same rows.

Hypothesis draws random page choices over the sample data; the same choices are
written as command-line arguments. Both must build the same ExtractFilter, and
the CLI's file must be byte-for-byte the page's CSV (and, for Excel, the same
data sheet: the about sheet differs only in when the file was made).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.catalogue import catalogue
from core.periods import add_months, financial_year_label, format_period
from etl.cli.main import build_parser, extract_filter_from_args, main
from etl.outputs.extract_files import NothingMatches, produce
from etl.sample.generate import TEAMS
from etl.store.database import Store
from pages.extract import KIND_OPTIONS, MONTHS, YEARS, PageChoices, choices_to_filter

CAT = catalogue()
SAMPLE_MONTHS = [add_months(dt.date(2014, 4, 1), n) for n in range(36)]
KIND_ARGS = {"none": "whole authority", "team": "teams", "distance_band": "distance bands"}
BREAKDOWN_OPTIONS = KIND_OPTIONS + [
    ("value", name) for name in [*CAT.breakdown_values["distance_band"], *(t.name for t in TEAMS)]
]
USER = "parity@example.gov.uk"


@st.composite
def page_choices(draw: st.DrawFn) -> PageChoices:
    mode = draw(st.sampled_from([MONTHS, YEARS]))
    first = draw(st.sampled_from(SAMPLE_MONTHS))
    last = draw(st.sampled_from([m for m in SAMPLE_MONTHS if m >= first]))
    return PageChoices(
        families=draw(st.lists(st.sampled_from([f.key for f in CAT.families]), unique=True)),
        indicators=draw(st.lists(st.sampled_from(CAT.codes), max_size=3, unique=True)),
        period_mode=mode,
        first=first,
        last=last,
        years=draw(st.lists(st.sampled_from([2013, 2014, 2015, 2016]), max_size=2, unique=True)),
        breakdowns=draw(st.lists(st.sampled_from(BREAKDOWN_OPTIONS), max_size=3, unique=True)),
        published=draw(st.booleans()),
        spc=draw(st.booleans()),
    )


def cli_args(choices: PageChoices) -> list[str]:
    """The same choices as an officer would type them."""
    args = [arg for key in choices.families for arg in ("--family", key)]
    args += [arg for code in choices.indicators for arg in ("--indicator", code)]
    if choices.period_mode == MONTHS:
        args += ["--from", format_period(choices.first), "--to", format_period(choices.last)]
    else:
        args += [a for y in choices.years for a in ("--financial-year", financial_year_label(y))]
    for kind, name in choices.breakdowns:
        args += ["--breakdown", KIND_ARGS[name] if kind == "kind" else name]
    args += ["--spc"] if choices.spc else []
    return [*args, "--published"] if choices.published else args


@pytest.fixture(scope="module")
def parity_db(_sample_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("parity") / "cyps.duckdb"
    shutil.copyfile(_sample_db_file, path)
    return Store(path)


def run_cli(store: Store, args: list[str], out: Path) -> int:
    out.unlink(missing_ok=True)
    return main(["extract", "--db", str(store.path), "--user", USER, *args, "--output", str(out)])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choices=page_choices())
def test_page_and_command_line_give_identical_csv(
    choices: PageChoices, parity_db: Store, tmp_path: Path
) -> None:
    args = cli_args(choices)
    page_filter = choices_to_filter(choices)
    assert extract_filter_from_args(build_parser().parse_args(["extract", *args])) == page_filter
    out = tmp_path / "cli.csv"
    code = run_cli(parity_db, ["--format", "csv", *args], out)
    try:
        page = produce(parity_db, page_filter, "csv", USER)
    except NothingMatches:
        assert code == 1 and not out.exists()
        return
    assert code == 0
    assert out.read_bytes() == page.content


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choices=page_choices())
def test_page_and_command_line_give_the_same_excel_data_sheet(
    choices: PageChoices, parity_db: Store, tmp_path: Path
) -> None:
    args = cli_args(choices)
    out = tmp_path / "cli.xlsx"
    code = run_cli(parity_db, ["--format", "xlsx", *args], out)
    try:
        page = produce(parity_db, choices_to_filter(choices), "xlsx", USER)
    except NothingMatches:
        assert code == 1 and not out.exists()
        return
    assert code == 0
    for part in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml"):
        cli_part = zipfile.ZipFile(out).read(part)
        assert cli_part == zipfile.ZipFile(io.BytesIO(page.content)).read(part), part


def test_the_issue_example_gives_the_issue_file_name(parity_db: Store, tmp_path: Path) -> None:
    choices = PageChoices(
        indicators=["REF_24H", "REREF_12M"], period_mode=YEARS, years=[2015], published=False
    )
    page = produce(parity_db, choices_to_filter(choices), "csv", USER)
    assert page.file_name == "cyps-extract_REF_24H-REREF_12M_2015-04_2016-03_illustrative.csv"
    assert run_cli(parity_db, ["--format", "csv", *cli_args(choices)], tmp_path / "x.csv") == 0
    assert main(["extract", "--db", str(parity_db.path), *cli_args(choices), "--format", "xlsx",
                 "--output", str(tmp_path)]) == 0  # fmt: skip
    assert (tmp_path / page.file_name.replace(".csv", ".xlsx")).exists()
