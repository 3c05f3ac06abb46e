"""Files that are not spreadsheets, encrypted or hostile are refused quickly with one sentence."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from core.settings import UploadLimits
from etl.ingest.filecheck import OLE_SIGNATURE
from etl.ingest.load import prepare
from etl.ingest.problems import FileRefused
from tests.workbooks import xlsx

SMALL = UploadLimits(
    max_file_bytes=1_000_000, max_unzipped_bytes=20_000_000, max_compression_ratio=100
)


def refusal(name: str, content: bytes, limits: UploadLimits = SMALL) -> str:
    with pytest.raises(FileRefused) as err:
        prepare(name, content, limits=limits)
    message = str(err.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_password_protected_workbook() -> None:
    assert "password" in refusal("secret.xlsx", OLE_SIGNATURE + b"\x00" * 600)


def test_file_larger_than_the_limit() -> None:
    assert "larger than" in refusal("big.csv", b"a," * 600_000)


def test_not_a_spreadsheet() -> None:
    assert "not a spreadsheet" in refusal("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def test_renamed_file_that_is_not_a_workbook() -> None:
    assert "not a real Excel workbook" in refusal("figures.xlsx", b"just some text")


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "not an Excel workbook" in refusal("figures.xlsx", buffer.getvalue())


def test_damaged_workbook() -> None:
    good = xlsx([["indicator", "period", "value"]])
    assert "damaged" in refusal("figures.xlsx", good[: len(good) // 2])


def test_empty_file() -> None:
    assert "empty" in refusal("nothing.csv", b"")


def zip_bomb(unzipped_mb: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (unzipped_mb * 1024 * 1024))
    return buffer.getvalue()


def test_zip_bomb_is_refused_quickly_in_bounded_memory() -> None:
    bomb = zip_bomb(200)  # about 200 KB on disk, 200 MB inflated
    tracemalloc.start()
    started = time.perf_counter()
    message = refusal("bomb.xlsx", bomb)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "expands to" in message
    assert elapsed < 1.0 and peak < 10 * 1024 * 1024


def test_high_compression_ratio_is_refused_even_under_the_size_limit() -> None:
    limits = UploadLimits(
        max_file_bytes=1_000_000, max_unzipped_bytes=500_000_000, max_compression_ratio=100
    )
    assert "compressed in a way" in refusal("bomb.xlsx", zip_bomb(50), limits)


def test_csv_not_in_utf8() -> None:
    content = "indicator,period,value\nREFERRALS,Apr-15,3\nnote,caf\xe9,1\n".encode("latin-1")
    assert "UTF-8" in refusal("return.csv", content)
