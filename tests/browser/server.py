"""The app under test: Debian's Chromium, and dashboard.py served by Streamlit on a free port.

Each server's output goes to test-artifacts/streamlit-<port>.log, so a redacted
error box in the browser can be explained from the server's own traceback.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_SECONDS = 60
_SERVER_LOGS: dict[str, Path] = {}  # base URL -> the server's log file


# --- Chromium -----------------------------------------------------------------------


def chromium_path() -> str | None:
    """Debian's Chromium; CYPS_CHROMIUM=/path/to/chromium points elsewhere."""
    if os.environ.get("CYPS_CHROMIUM"):
        wanted = Path(os.environ["CYPS_CHROMIUM"])
        return str(wanted) if wanted.is_file() else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _require_chromium() -> str:
    path = chromium_path()
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed, and CI must run the browser tests.")
    pytest.skip("Chromium not installed: sudo apt-get install chromium")


# --- the app ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def serve_app(
    db: Path, *, demo: bool = True, port: int | None = None, args: Sequence[str] = ()
) -> Iterator[str]:
    """Serve dashboard.py over the database file `db` until the block ends; yields the URL.

    `app_url` uses it for the session's server; a test module that writes, or needs other
    data, overrides `app_url` with a server of its own (`own_db` is its copy of the sample).
    A deployment as a council runs it passes `demo=False`, the Streamlit options it adds
    (`args`, such as a secrets file) and, when those must name the address, the `port`.
    """
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "CYPS_DEMO"}
    env |= {"CYPS_DB": str(db), "PYTHONUNBUFFERED": "1"} | ({"CYPS_DEMO": "on"} if demo else {})
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-{port}.log"
    _SERVER_LOGS[url] = log_path
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        *args,
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"Streamlit did not start (exit code {server.poll()}):\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.25)
        yield url
    finally:
        _stop(server)


def server_traceback(page, chars: int = 3000) -> str:
    """The last traceback in the server's log: what a redacted error box is hiding."""
    log = next((p for url, p in _SERVER_LOGS.items() if page.url.startswith(url)), None)
    text = log.read_text(errors="replace") if log and log.exists() else ""
    start = text.rfind("Traceback (most recent call last)")
    return text[start:][-chars:] if start >= 0 else ""


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and anything it started (its whole process group)."""
    if server.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
