"""What every `python -m etl` command shares: --db and --user, the missing-database refusal, output.

Each part of the command line (figures, plan, benchmarks, the database's care) offers the same
options in the same words and refuses a mistyped --db with the same sentence, so a person or a
script that has learnt one command has learnt how the others behave.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from core.errors import CypsError, Kind
from core.periods import PeriodError
from etl.cli.errors import EXIT_INVALID, exit_code
from etl.outputs.extract_files import Download
from etl.store.database import Store

DB_HELP = "DuckDB file (default: $CYPS_DB or data/cyps.duckdb)"


class NoDatabase(CypsError):
    """A command that reads figures was pointed at a database that does not exist."""

    kind = Kind.NOT_FOUND


def common_arguments(
    parser: argparse.ArgumentParser, user: str | None = None
) -> argparse.ArgumentParser:
    """Add --db to `parser` and, when `user` says what the name is recorded for, --user."""
    parser.add_argument("--db", help=DB_HELP)
    if user is not None:
        parser.add_argument("--user", help=user)
    return parser


def common_parent(user: str | None = None) -> argparse.ArgumentParser:
    """A parent parser holding the common arguments, for `add_parser(..., parents=[...])`."""
    return common_arguments(argparse.ArgumentParser(add_help=False), user)


def acting_user(args: argparse.Namespace) -> str:
    """Who is acting, for the history: --user when given, else the login name."""
    return getattr(args, "user", None) or getpass.getuser()


def require_database(db: str | None, then: str = "") -> Store:
    """The store for a command that only reads (or looks after it): never create one by mistake.

    A mistyped --db would otherwise make a new empty database and report "no figures". `then`
    ends the sentence with the command's own next step (", or load ... first with: ...").
    """
    store = Store(db)
    if not store.path.is_file():
        raise NoDatabase(f"There is no database at {store.path}. Check --db (or CYPS_DB){then}.")
    return store


def listed(values: Sequence[str] | None) -> list[str]:
    """Repeated options, each of which may also be a comma-separated list."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def print_table(frame: pd.DataFrame, empty: str) -> None:
    """Print `frame` as an aligned table wide enough not to wrap, or `empty` when it has no rows."""
    if frame.empty:
        print(empty)
    else:
        with pd.option_context("display.width", 200, "display.max_columns", 20):
            print(frame.to_string(index=False))


def write_text(text: str, output: str | None, written: str) -> None:
    """Write `text` to the file `output` (saying `written` and where), or to stdout."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"{written} {output}.")
    else:
        sys.stdout.write(text)


def deliver(download: Download, output: str | None, file_format: str, noun: str) -> None:
    """Put a download where the command was told: a file, a folder (its own name), or stdout.

    CSV with no --output goes to stdout, so it can be piped; Excel never does (it is binary),
    so it lands in the current folder under the download's own name.
    """
    target = Path(output) if output else None
    if target is None and file_format == "csv":
        sys.stdout.write(download.content.decode("utf-8-sig"))
        return
    if target is None or target.is_dir():
        target = (target or Path.cwd()) / download.file_name
    target.write_bytes(download.content)
    print(f"{download.rows} {noun} written to {target}")


def run(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run `command`, turning every error a person can meet into its sentence and exit code."""
    try:
        return command(args)
    except PeriodError as err:  # a month given as an argument
        print(f"That month {err}", file=sys.stderr)
        return exit_code(err)
    except CypsError as err:  # every other error a person can meet: its sentence, its code
        print(str(err), file=sys.stderr)
        return exit_code(err)
    except OSError as err:  # a file that cannot be read or written: say which, and why
        where = f" {err.filename}" if err.filename else ""
        print(f"Could not use{where}: {err.strerror or err}.", file=sys.stderr)
        return EXIT_INVALID
