"""Issue 13 §1: one upload must never take the service down (the workbook reader).

A sheet's used range is read from its XML before any value is asked for, and a
range past `[workbook] max_cells_per_sheet` is refused: python-calamine reads a
sheet as one dense grid from A1, so a stray cell at AZ1048576 costs gigabytes and
XFD1048576 aborts the whole process. The huge cases run in a child process with
its address space capped, so a missing guard fails the test instead of the machine,
and the refusal is shown to come before the reader is asked. The workbook's XML is
parsed by defusedxml, never by regular expressions.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from core.roles import User
from core.settings import ROOT, settings
from etl.ingest.load import commit, prepare
from etl.ingest.problems import FileRefused
from etl.ingest.workbook import read_workbook
from etl.store.database import Store
from tests.etl.ingest.hostile_files import LONG, SHEET1, rewrite, snapshot
from tests.workbooks import xlsx
from ui.upload_flow import check_upload

DIRECTOR = User("Dee Director", "dee@council.gov.uk", "director")
ADDRESS_SPACE = 1536 * 1024 * 1024  # the child's cap: far below the 2.3 GB a stray cell costs
# Runs prepare() on each file in a child whose memory is capped; prints one verdict per file.
CHILD = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from etl.ingest.load import prepare
from etl.ingest.problems import FileRefused
for name in sys.argv[1:]:
    try:
        prepare(Path(name).name, Path(name).read_bytes())
        print("LOADED", flush=True)
    except FileRefused as err:
        print("REFUSED", err, flush=True)
"""


def figures() -> bytes:
    return xlsx([LONG, ["LAC_COUNT", "2016-04", "", 410]])


def with_dimension(content: bytes, ref: str) -> bytes:
    """The same workbook whose sheet declares the used range `ref` in <dimension>."""

    def change(xml: bytes) -> bytes:
        start = xml.index(b"<dimension ")
        end = xml.index(b"/>", start) + 2
        return xml[:start] + f'<dimension ref="{ref}"/>'.encode() + xml[end:]

    return rewrite(content, SHEET1, change)


def stray_cell(ref: str) -> bytes:
    """Figures plus one keystroke at `ref` (one Ctrl+Down, a letter, Enter)."""
    book = openpyxl.load_workbook(io.BytesIO(figures()))
    book["data"][ref] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def verdicts(tmp_path: Path, files: dict[str, bytes]) -> list[str]:
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(cap=ADDRESS_SPACE), *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"the child died (exit {done.returncode}):\n{done.stderr[-2000:]}"
    return done.stdout.strip().splitlines()


def test_huge_used_ranges_are_refused_before_the_reader_is_asked(tmp_path: Path) -> None:
    at_az = stray_cell("AZ1048576")
    assert b'ref="A1:AZ1048576"' in zipfile.ZipFile(io.BytesIO(at_az)).read(SHEET1)
    files = {
        "stray-cell.xlsx": at_az,  # openpyxl declares the range too
        "stray-cell-undeclared.xlsx": with_dimension(at_az, "A1:D2"),  # the cell alone tells
        "declared-xfd.xlsx": with_dimension(figures(), "A1:XFD1048576"),
        "cell-at-xfd.xlsx": with_dimension(stray_cell("XFD1048576"), "A1:D2"),
        "ordinary.xlsx": figures(),
    }
    lines = verdicts(tmp_path, files)
    assert len(lines) == len(files), lines
    *refusals, ordinary = lines
    assert ordinary == "LOADED"
    limit = f"{int(settings()['workbook']['max_cells_per_sheet']):,}"
    for line, cell in zip(
        refusals, ["AZ1048576", "AZ1048576", "XFD1048576", "XFD1048576"], strict=True
    ):
        assert line.startswith("REFUSED The sheet 'data' in '"), line
        assert f"reaches cell {cell}" in line and f"more than the {limit} a sheet may have" in line


def test_the_upload_page_refuses_a_large_range_in_a_sentence_and_changes_nothing(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "cyps.duckdb")
    commit(store, prepare("a.xlsx", figures()), "dee")
    before = snapshot(store)
    content = with_dimension(figures(), "A1:XFD1048576")  # refused before calamine is asked
    check = check_upload(store, DIRECTOR, "wide.xlsx", content)
    assert check.refused and "reaches cell XFD1048576" in check.refused
    assert "Ctrl+End" in check.refused
    assert snapshot(store) == before
    refused = store.query("SELECT outcome FROM audit_log WHERE action = 'upload'")
    assert refused["outcome"].tolist() == ["refused"]


def test_the_limit_counts_the_grid_from_a1_to_the_last_cell() -> None:
    content = xlsx([LONG[:4], ["LAC_COUNT", "2016-04", "", 410]])  # A1:D2, 8 cells
    assert read_workbook("f.xlsx", content, "xlsx", max_cells=8).sheet("data") is not None
    with pytest.raises(FileRefused, match="reaches cell D2, so reading it would mean 8 cells"):
        read_workbook("f.xlsx", content, "xlsx", max_cells=7).sheet("data")


def test_only_the_sheets_needed_are_read() -> None:
    book = openpyxl.Workbook()
    book.active.title = "data"
    book.active.append(LONG[:4])
    book.active.append(["LAC_COUNT", "2016-04", "", 410])
    book.create_sheet("scratch")["AZ1048576"] = "x"  # a huge sheet nobody asked for
    out = io.BytesIO()
    book.save(out)
    prepared = prepare("two.xlsx", out.getvalue())
    assert prepared.sheet == "data" and len(prepared.observations) == 1


def test_a_workbook_with_an_entity_bomb_is_refused_in_a_sentence() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def change(xml: bytes) -> bytes:
        body = xml[xml.index(b"?>") + 2 :] if xml.startswith(b"<?xml") else xml
        return bomb + body.replace(b"<sheets>", b"<sheets>&lol2;", 1)

    content = rewrite(figures(), "xl/workbook.xml", change)
    with pytest.raises(FileRefused, match="could not be read as an Excel workbook"):
        prepare("bomb.xlsx", content)


def test_xml_that_made_the_old_regular_expressions_quadratic_is_read_in_linear_time() -> None:
    # 400 KB of unclosed cell tags with formulas inside an XML comment: well-formed XML that
    # a real parser skips, while the old pattern searched to the end from each of them
    # (about a minute for this file). Numbered, so it compresses as a real sheet does.
    noise = b"".join(f'<c r="A{n}"><f>{n * 7919 % 10007}'.encode() for n in range(24_000))

    def change(xml: bytes) -> bytes:
        return xml.replace(b"<sheetData>", b"<!-- " + noise + b" --><sheetData>", 1)

    content = rewrite(figures(), SHEET1, change)
    assert len(zipfile.ZipFile(io.BytesIO(content)).read(SHEET1)) > 400_000
    started = time.perf_counter()
    prepared = prepare("comment.xlsx", content)
    assert time.perf_counter() - started < 5
    assert prepared.observations["value"].tolist() == [410]


def test_no_regular_expression_reads_the_workbook_xml() -> None:
    for module in ("workbook.py", "xlsx_parts.py"):
        source = (ROOT / "etl" / "ingest" / module).read_text()
        assert "import re\n" not in source and "re.compile" not in source, module
