"""The committee report as a PDF, where this machine has Chromium to print it.

The HTML report is the document; the PDF is Chromium's print of it, so the two cannot differ.
No Python PDF library is needed, and where no Chromium is installed the page offers the HTML
only and says why (`pdf_unavailable_reason`). Chromium is run headless with networking, sync
and updates off (it otherwise tries to reach the internet), on a temporary copy of the HTML,
with a time limit so a stuck browser cannot hang the page. No Streamlit here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from core.errors import CypsError, Kind

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
TIMEOUT_SECONDS = 60
FLAGS = (
    "--headless",
    "--no-sandbox",  # needed when the app runs as root in a container
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--no-pdf-header-footer",  # the report prints its own headings; no file path or date
)


class PdfError(CypsError, RuntimeError):
    """Chromium could not print the report; the message says what happened."""

    kind = Kind.UNAVAILABLE


def find_chromium() -> str | None:
    """The Chromium to print with: CYPS_CHROMIUM if set, else the first one installed."""
    configured = os.environ.get("CYPS_CHROMIUM", "").strip()
    for candidate in (configured, *CANDIDATES) if configured else CANDIDATES:
        found = shutil.which(candidate) if not os.path.isabs(candidate) else candidate
        if found and os.path.isfile(found) and os.access(found, os.X_OK):
            return found
    return None


def pdf_unavailable_reason() -> str | None:
    """None when a PDF can be made; otherwise the sentence the page shows."""
    if find_chromium() is None:
        return (
            "A PDF cannot be made on this server because Chromium is not installed. Download "
            "the HTML report and print it from your browser (choose A4 and 'Save as PDF')."
        )
    return None


def html_to_pdf(html: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Print `html` to PDF bytes with headless Chromium; raises PdfError with a plain reason."""
    browser = find_chromium()
    if browser is None:
        raise PdfError(pdf_unavailable_reason() or "Chromium is not installed.")
    with tempfile.TemporaryDirectory(prefix="cyps-report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            browser,
            *FLAGS,
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(
                f"Chromium took longer than {timeout:.0f} s to print the report."
            ) from None
        if not target.exists() or target.stat().st_size == 0:
            raise PdfError("Chromium did not produce a PDF; download the HTML report instead.")
        return target.read_bytes()
