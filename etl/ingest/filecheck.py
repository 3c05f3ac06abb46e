"""Refuse unreadable or hostile files quickly, before any parser touches them.

Each check reads only the file's first bytes or the zip directory, so even a
huge or malicious upload is turned away in bounded time and memory.
"""

from __future__ import annotations

import io
import zipfile

from core.settings import UploadLimits, upload_limits
from etl.ingest.problems import FileRefused

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx and legacy .xls
ZIP_SIGNATURE = b"PK\x03\x04"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def sniff_kind(name: str, content: bytes, limits: UploadLimits | None = None) -> str:
    """Return 'xlsx' or 'csv' for a file worth parsing, or raise FileRefused."""
    limits = limits or upload_limits()
    if not content:
        raise FileRefused(f"'{name}' is empty. Choose the spreadsheet with this month's figures.")
    if len(content) > limits.max_file_bytes:
        raise FileRefused(
            f"'{name}' is {_mb(len(content))}, larger than the {_mb(limits.max_file_bytes)} "
            "limit. Remove unused sheets or split the file, then upload again."
        )
    if content.startswith(OLE_SIGNATURE):
        raise FileRefused(
            f"'{name}' is password-protected or an old-style .xls workbook. Remove the "
            "password (File, Info, Protect Workbook) and save it as an Excel Workbook (.xlsx)."
        )
    if content.startswith(ZIP_SIGNATURE):
        _check_zip(name, content, limits)
        return "xlsx"
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise FileRefused(f"'{name}' is not a real Excel workbook. Save it again as .xlsx.")
    if b"\x00" in content[:8192]:
        raise FileRefused(
            f"'{name}' is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file."
        )
    return "csv"


def _check_zip(name: str, content: bytes, limits: UploadLimits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRefused(
            f"'{name}' is damaged and cannot be opened. Save it again as .xlsx."
        ) from None
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        raise FileRefused(
            f"'{name}' is a zip file but not an Excel workbook. Upload an .xlsx or CSV file."
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise FileRefused(
            f"'{name}' expands to {_mb(total)} when opened, more than the "
            f"{_mb(limits.max_unzipped_bytes)} limit. Remove unused sheets and upload again."
        )
    for info in infos:
        if (
            info.compress_size
            and info.file_size / info.compress_size > limits.max_compression_ratio
        ):
            raise FileRefused(
                f"'{name}' is compressed in a way that real workbooks never are, so it was "
                "refused for safety. Save it again from Excel and upload the new file."
            )
