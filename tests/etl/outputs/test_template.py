"""The upload template is made from the catalogue, and a correctly filled template always loads.

Each test fills the real generated workbook with openpyxl, as Excel would save
it, and runs it through `etl.ingest.load.prepare`: the same door the page and the
command line use.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.catalogue import Catalogue, Indicator, catalogue
from core.periods import ACCEPTED_FORMS, current_month
from etl.cli.main import main as cli_main
from etl.ingest.load import prepare
from etl.ingest.problems import Invalid
from etl.outputs.template import DATA_COLUMNS, TARGET_HEADERS, build_template, example_rows

CAT = catalogue()
TEMPLATE = build_template(CAT)


def _book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(TEMPLATE))


def _filled(rows: list[tuple], targets: list[tuple] = ()) -> bytes:
    """The template with `rows` on its data sheet (and `targets`), saved as Excel would."""
    book = _book()
    for row in rows:
        book["data"].append([None if v == "" else v for v in row])
    for row in targets:
        book["targets"].append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_has_the_four_sheets_in_order() -> None:
    assert _book().sheetnames == ["instructions", "data", "targets", "indicators"]


def test_the_data_sheet_has_the_long_layout_header_and_no_rows() -> None:
    ws = _book()["data"]
    assert [c.value for c in ws[1]] == list(DATA_COLUMNS)
    assert ws.max_row == 1  # nothing to delete: an example left here would load as a figure


def test_the_indicator_column_has_a_drop_down_of_every_code() -> None:
    book = _book()
    lists = [dv for dv in book["data"].data_validations.dataValidation if dv.type == "list"]
    codes = next(dv for dv in lists if "A2" in str(dv.sqref))
    # Every code a return may carry: the rates per 10,000 are worked out, never uploaded.
    uploadable = [i.code for i in CAT.uploadable]
    assert codes.formula1 == f"=indicators!$A$2:$A${len(uploadable) + 1}"
    listed = [r[0].value for r in book["indicators"].iter_rows(min_row=2, max_col=1)]
    assert listed == uploadable and "CP_RATE" not in listed


def test_the_period_column_shows_months_and_prompts_the_accepted_forms() -> None:
    ws = _book()["data"]
    assert ws.column_dimensions["B"].number_format == "mmm yyyy"
    prompts = [dv.prompt for dv in ws.data_validations.dataValidation if "B2" in str(dv.sqref)]
    assert prompts and "Apr 2015" in prompts[0]


def test_the_instructions_name_every_indicator_unit_and_breakdown_value() -> None:
    text = " ".join(
        str(c.value) for row in _book()["instructions"].iter_rows() for c in row if c.value
    )
    assert ACCEPTED_FORMS in text
    assert "percent points" in text and "n/a" in text
    for ind in CAT.uploadable:  # derived rates are not entered, so not listed
        assert ind.code in text and ind.name in text
    for values in CAT.breakdown_values.values():
        for value in values:
            assert value in text


def test_the_targets_sheet_has_its_header_only() -> None:
    ws = _book()["targets"]
    assert [c.value for c in ws[1]] == list(TARGET_HEADERS)
    assert ws.max_row == 1


def test_the_empty_template_is_refused_with_one_plain_problem() -> None:
    with pytest.raises(Invalid) as err:
        prepare("template.xlsx", TEMPLATE, CAT)
    assert len(err.value.problems) == 1
    assert "has no figures to load" in err.value.problems[0].message


def test_the_worked_examples_load_when_copied_to_the_data_sheet() -> None:
    examples = example_rows(CAT)
    prepared = prepare("examples.xlsx", _filled(examples), CAT)
    assert prepared.layout == "long"
    assert len(prepared.observations) == len(examples) - 1  # the n/a row is skipped, not zero
    assert prepared.skipped == 1
    assert prepared.targets.empty  # the empty targets sheet is ignored


def test_a_targets_only_template_loads_its_targets() -> None:
    content = _filled([], targets=[("REF_24H", dt.date(2016, 4, 1), 96, 4)])
    prepared = prepare("targets.xlsx", content, CAT)
    assert prepared.observations.empty
    assert prepared.targets.to_dict("records") == [
        {
            "indicator": "REF_24H",
            "effective_from": dt.date(2016, 4, 1),
            "target": 96.0,
            "amber_tolerance": 4.0,
        }
    ]


def test_the_command_line_writes_the_same_template(tmp_path: Path, capsys) -> None:
    out = tmp_path / "template.xlsx"
    assert cli_main(["template", "--output", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["instructions", "data", "targets", "indicators"]
    assert "Template written" in capsys.readouterr().out


# --- property: any correctly filled template loads --------------------------------------

TEAMS = ("Central", "North Locality", "South & East", "Team 4", "Duty and Assessment")
FIRST_MONTH = dt.date(2000, 4, 1)  # the first financial year in data/settings.toml


def _months() -> list[dt.date]:
    last = current_month()
    return [
        dt.date(y, m, 1)
        for y in range(FIRST_MONTH.year, last.year + 1)
        for m in range(1, 13)
        if FIRST_MONTH <= dt.date(y, m, 1) <= last
    ]


MONTHS = _months()


def _period_cell(month: dt.date, form: int) -> object:
    """The month as a director might type it: a date cell or one of the accepted texts."""
    return [
        month,
        dt.datetime(month.year, month.month, 15),
        f"{month:%Y-%m}",
        f"{month:%b-%y}",
        f"{month:%b %Y}",
        f"{month:%B %Y}",
        f"01/{month:%m/%Y}",
    ][form]


@st.composite
def figure_row(draw: st.DrawFn, ind: Indicator, breakdown: str) -> tuple:
    """One valid row for `ind`: value in range, ratio that agrees, optional commentary."""
    month = draw(st.sampled_from(MONTHS))
    period = _period_cell(month, draw(st.integers(0, 6)))
    numerator = denominator = None
    if ind.unit == "count":
        value: float = draw(st.integers(0, int(ind.max_value or 100_000)))
    elif draw(st.booleans()):
        denominator = draw(st.integers(1, 5000))
        numerator = draw(st.integers(0, denominator if ind.is_percent else 50 * denominator))
        value = round(numerator / denominator * (100 if ind.is_percent else 1), 1)
    elif ind.is_percent:
        value = draw(st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 1)))
    else:
        top = min(500, ind.max_value or 500)  # the catalogue's plausible bound
        value = draw(st.floats(0, top, allow_nan=False).map(lambda v: round(v, 2)))
    commentary = draw(
        st.one_of(
            st.none(),
            st.text(
                st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn")),
                min_size=1,
                max_size=60,
            ).filter(lambda text: not text.startswith("=")),  # Excel would make it a formula
        )
    )
    return (ind.code, period, breakdown or None, value, numerator, denominator, commentary), month


def _breakdowns(ind: Indicator, cat: Catalogue) -> st.SearchStrategy[str]:
    if ind.breakdown == "none":
        return st.just("")
    values = cat.breakdown_values.get(ind.breakdown, ())
    return st.sampled_from(values) if values else st.sampled_from(("", *TEAMS))


@st.composite
def filled_rows(draw: st.DrawFn) -> list[tuple]:
    rows, seen = [], set()
    for _ in range(draw(st.integers(1, 12))):
        ind = draw(st.sampled_from(CAT.uploadable))  # a derived rate is refused on upload
        breakdown = draw(_breakdowns(ind, CAT))
        row, month = draw(figure_row(ind, breakdown))
        key = (ind.code, month, breakdown)
        if key not in seen:  # a figure may appear once per file
            seen.add(key)
            rows.append(row)
    return rows


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(filled_rows())
def test_any_correctly_filled_template_loads(rows: list[tuple]) -> None:
    prepared = prepare("filled.xlsx", _filled(rows), CAT)
    assert len(prepared.observations) == len(rows)
    assert prepared.skipped == 0
    by_key = prepared.observations.set_index(["indicator", "row"])["value"]
    for excel_row, row in enumerate(rows, start=2):
        assert by_key[(row[0], excel_row)] == pytest.approx(row[3])
