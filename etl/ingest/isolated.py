"""Read an uploaded file in a worker process of its own, with memory, CPU and time limits.

Whatever a file makes the reader do (allocate a dense grid of empty cells, abort
inside the Rust reader, loop for minutes), it does it in a child process: the web
server and every other session carry on, and the director is told in a sentence
that the file could not be read in time or needed more memory than an upload may
use. The limits live in `[parsing]` in data/settings.toml.

The worker is a fresh interpreter (`python -m etl.ingest.isolated`), never a fork of
the server: the server runs threads, and Streamlit swaps `__main__` for the page being
run, which multiprocessing would run again in its child. The file and the server's
settings and catalogue go in on its standard input and the verdict comes back on its
standard output, pickled, so the worker reaches exactly the verdict `prepare` would
reach in the server and sends back the same `Prepared` or the same refusal.

The command line calls `prepare` directly: a command-line run is a process of its
own, so a file that takes it down takes down nothing else.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import resource
import signal
import subprocess
import sys
import traceback
from dataclasses import dataclass
from typing import Any

from core.catalogue import Catalogue
from core.settings import ROOT, UploadLimits, settings
from etl.ingest.load import Prepared, prepare
from etl.ingest.problems import FileRefused, Invalid

MB = 1024 * 1024


@dataclass(frozen=True)
class ParsingLimits:
    """How long, how much CPU and how much more memory reading one file may take."""

    timeout_seconds: float
    cpu_seconds: int
    memory_mb: float

    @classmethod
    def from_settings(cls) -> ParsingLimits:
        parsing = settings()["parsing"]
        return cls(
            timeout_seconds=float(parsing["timeout_seconds"]),
            cpu_seconds=max(1, int(parsing["cpu_seconds"])),
            memory_mb=float(parsing["memory_mb"]),
        )


def too_slow(file_name: str, seconds: float) -> FileRefused:
    return FileRefused(
        f"'{file_name}' could not be read within {seconds:g} seconds, so reading it was "
        "stopped and nothing was loaded. Check that it holds only the figures (no stray "
        "cells far below or to the right of them, no very large sheets), save it again, "
        "and upload it again; if it still cannot be read, send it to the performance team."
    )


def too_big(file_name: str, megabytes: float) -> FileRefused:
    return FileRefused(
        f"'{file_name}' needed more memory than an upload may use ({megabytes:g} MB) to be "
        "read, so reading it was stopped and nothing was loaded. Check that it holds only "
        "the figures (no stray cells far below or to the right of them, no very large "
        "sheets), save it again, and upload it again."
    )


def _address_space_in_use() -> int:
    """This process's mapped memory now, in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[0])
    return pages * resource.getpagesize()


def _limit(resource_kind: int, soft: int) -> None:
    _, hard = resource.getrlimit(resource_kind)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource_kind, (soft, hard))


def _lift_memory_limit() -> None:
    """Give back the memory allowance, so the verdict itself can still be sent."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def serve() -> None:
    """The worker: read the request, take the server's settings, set the limits, `prepare`,
    and write one pickled reply."""
    reply_to = sys.stdout.buffer
    sys.stdout = sys.stderr  # anything a library prints goes to the log, not into the reply
    request = pickle.loads(sys.stdin.buffer.read())
    mine = settings()
    mine.clear()
    mine.update(request["settings"])  # one verdict: the same settings as the server
    limits: ParsingLimits = request["parsing"]
    _limit(resource.RLIMIT_CPU, limits.cpu_seconds)
    _limit(resource.RLIMIT_AS, _address_space_in_use() + int(limits.memory_mb * MB))
    reply: tuple[str, Any]
    try:
        reply = ("prepared", prepare(*request["args"]))
    except MemoryError:
        _lift_memory_limit()
        traceback.print_exc()  # to the server's log: where the reader ran out
        reply = ("memory", None)
    except Invalid as err:
        reply = ("invalid", err.problems)
    except FileRefused as err:
        reply = ("refused", str(err))
    except Exception as err:  # a fault in the reader: the server records and shows it
        reply = ("error", err)
    try:
        data = pickle.dumps(reply)
    except MemoryError:
        _lift_memory_limit()
        data = pickle.dumps(("memory", None))
    except Exception as err:  # an exception that does not pickle: its words are enough
        data = pickle.dumps(("error", RuntimeError(f"{type(err).__name__}: {err}")))
    reply_to.write(data)
    reply_to.flush()


def _died(exitcode: int | None, file_name: str, parsing: ParsingLimits) -> Exception:
    """Why a worker stopped without a verdict: killed by a signal is the file's doing."""
    if exitcode == -signal.SIGXCPU:
        return too_slow(file_name, parsing.timeout_seconds)
    if exitcode is not None and exitcode < 0:  # aborted by the reader or killed for its memory
        return too_big(file_name, parsing.memory_mb)
    return RuntimeError(
        f"The worker reading '{file_name}' stopped with exit code {exitcode} before it gave "
        "a verdict (see the server log)."
    )


def prepare_isolated(
    file_name: str,
    content: bytes,
    cat: Catalogue | None = None,
    today: dt.date | None = None,
    limits: UploadLimits | None = None,
    parsing: ParsingLimits | None = None,
) -> Prepared:
    """`prepare` in a worker process: the same Prepared, Invalid or FileRefused, or a
    FileRefused saying the file took too long or needed too much memory to read."""
    parsing = parsing or ParsingLimits.from_settings()
    request = {
        "settings": settings(),
        "parsing": parsing,
        "args": (file_name, content, cat, today, limits),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "etl.ingest.isolated"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        # Arrow's own allocator reserves gigabytes of address space up front, which a memory
        # limit refuses at once; the system allocator asks only for what it uses.
        env={**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "system"},
    )
    try:
        out, _ = worker.communicate(pickle.dumps(request), timeout=parsing.timeout_seconds)
    except subprocess.TimeoutExpired:
        raise too_slow(file_name, parsing.timeout_seconds) from None
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    if not out:
        raise _died(worker.returncode, file_name, parsing)
    kind, payload = pickle.loads(out)  # our own worker's reply, never the file's bytes
    if kind == "prepared":
        return payload
    if kind == "invalid":
        raise Invalid(payload)
    if kind == "refused":
        raise FileRefused(payload)
    if kind == "memory":
        raise too_big(file_name, parsing.memory_mb)
    raise payload


if __name__ == "__main__":
    from etl.ingest.isolated import serve as _serve  # the module by its own name, for pickle

    _serve()
