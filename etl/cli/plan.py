"""`python -m etl plan ...`: the improvement plan from the command line, the upload page's twin.

    python -m etl plan template --output plan.xlsx
    python -m etl plan load [--db DB] [--user NAME] --as-at YYYY-MM FILE
    python -m etl plan status [--db DB] [--as-at YYYY-MM] --format csv|table [--output PATH]
    python -m etl plan actions [--db DB] [--as-at YYYY-MM] [--status S ...] --format csv|xlsx
                               [--output PATH]

`load` exits 0 when the snapshot is loaded (or was already), 1 when the file is refused (every
problem on stderr, nothing stored), 3 when another load got there first. `status` counts the
plan as `analysis.plan` defines it; `actions` is the officer's extract (`etl.outputs.plan_extract`).
Without --as-at, `status` and `actions` use the latest snapshot's month.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

import pandas as pd

from analysis.plan import status_by_theme
from core.periods import long_label, parse_period
from etl.cli.common import (
    acting_user,
    common_parent,
    deliver,
    listed,
    require_database,
    write_text,
)
from etl.cli.errors import EXIT_BUSY, EXIT_INVALID, EXIT_USAGE
from etl.ingest.load import StalePreview
from etl.ingest.plan_load import PlanAlreadyLoaded, commit_plan, prepare_plan
from etl.ingest.problems import FileRefused, Invalid
from etl.outputs.plan_extract import NoPlan, UnknownStatus, plan_download, plan_state, statuses_from
from etl.outputs.plan_template import build_plan_template
from etl.store.audit import MAX_REASONS, log
from etl.store.database import Store, StoreBusy

LOAD_PLAN_FIRST = ", or load a plan first with: python -m etl plan load --as-at YYYY-MM FILE.xlsx"


def cmd_template(args: argparse.Namespace) -> int:
    path = Path(args.output)
    path.write_bytes(build_plan_template())
    print(f"Improvement plan template written to {path}.")
    return 0


def _record(store: Store, args: argparse.Namespace, outcome: str, reasons: list[str]) -> None:
    """A load that stored nothing still leaves its trace in the audit log (never raises)."""
    detail: dict[str, object] = {"kind": "improvement plan", "file": Path(args.file).name}
    detail["via"] = "command line"
    if reasons:
        detail |= {"reasons": reasons[:MAX_REASONS], "reason_count": len(reasons)}
    with contextlib.suppress(StoreBusy, OSError):
        log(store, acting_user(args), "upload", outcome, detail)


def cmd_load(args: argparse.Namespace) -> int:
    path = Path(args.file)
    as_at = parse_period(args.as_at)
    store = Store(args.db)
    try:
        if not path.is_file():
            raise FileRefused(f"'{args.file}' does not exist or is not a file.")
        prepared = prepare_plan(path.name, path.read_bytes())
        for warning in prepared.warnings:
            print(f"{path.name}: warning: {warning}", file=sys.stderr)
        result = commit_plan(store, prepared, as_at, acting_user(args))
    except PlanAlreadyLoaded as err:
        _record(store, args, "already_loaded", [str(err)])
        print(f"{path.name}: {err}")
        return 0
    except FileRefused as err:
        _record(store, args, "refused", [str(err)])
        print(f"{path.name}: refused: {err}", file=sys.stderr)
        return EXIT_INVALID
    except Invalid as err:
        _record(store, args, "refused", [p.describe() for p in err.problems])
        print(
            f"{path.name}: refused, nothing was loaded. {len(err.problems)} problem(s):",
            file=sys.stderr,
        )
        for problem in err.problems:
            print(f"  - {problem.describe()}", file=sys.stderr)
        return EXIT_INVALID
    except StalePreview as err:
        _record(store, args, "refused", [str(err)])
        print(
            f"{path.name}: not loaded: another load landed meanwhile. Run it again.",
            file=sys.stderr,
        )
        return EXIT_BUSY
    print(result.summary())
    return 0


def status_table(store: Store, as_at: str | None) -> tuple[pd.DataFrame, str]:
    """The `plan status` rows and a title line saying which month and snapshot they count."""
    state, month, snapshot = plan_state(store, parse_period(as_at) if as_at else None)
    title = f"Improvement plan as at {long_label(month)} (snapshot as at {long_label(snapshot)})"
    return status_by_theme(state, month), title


def cmd_status(args: argparse.Namespace) -> int:
    store = require_database(args.db, LOAD_PLAN_FIRST)
    try:
        table, title = status_table(store, args.as_at)
    except NoPlan as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    shown = table.assign(
        percent_complete=[
            f"{p:.1f}" if p is not None and p == p else "" for p in table["percent_complete"]
        ]
    )
    if args.format == "csv":
        text = shown.to_csv(index=False)
    else:
        with pd.option_context("display.width", 200, "display.max_columns", 10):
            text = f"{title}\n{shown.to_string(index=False)}\n"
    write_text(text, args.output, "Plan status written to")
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    store = require_database(args.db, LOAD_PLAN_FIRST)
    try:
        statuses = statuses_from(listed(args.status))
        month = parse_period(args.as_at) if args.as_at else None
        download = plan_download(
            store, month, statuses, args.format, acting_user(args), "command line"
        )
    except UnknownStatus as err:
        print(str(err), file=sys.stderr)
        return EXIT_USAGE
    except NoPlan as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    deliver(download, args.output, args.format, "actions")
    return 0


def add_subcommand(subparsers: argparse._SubParsersAction) -> None:
    """Add `plan template|load|status|actions` to the `python -m etl` parser."""
    common = common_parent()
    plan = subparsers.add_parser("plan", help="the improvement plan: template, load, status")
    sub = plan.add_subparsers(dest="plan_command", required=True)

    template = sub.add_parser("template", help="write the plan template (status drop-down)")
    template.add_argument("--output", required=True, metavar="PATH", help="the .xlsx to write")
    template.set_defaults(func=cmd_template)

    load = sub.add_parser("load", parents=[common], help="check and load a plan snapshot")
    load.add_argument("--as-at", required=True, metavar="YYYY-MM", help="the snapshot's month")
    load.add_argument("--user", help="who is loading, for the history (default: login name)")
    load.add_argument("file", metavar="FILE")
    load.set_defaults(func=cmd_load)

    status = sub.add_parser("status", parents=[common], help="actions complete, by theme")
    status.add_argument("--as-at", metavar="YYYY-MM", help="default: the latest snapshot")
    status.add_argument("--format", choices=["csv", "table"], default="table")
    status.add_argument("--output", metavar="PATH", help="file to write (default: stdout)")
    status.set_defaults(func=cmd_status)

    actions = sub.add_parser("actions", parents=[common], help="extract the action list")
    actions.add_argument("--as-at", metavar="YYYY-MM", help="default: the latest snapshot")
    actions.add_argument(
        "--status", action="append", metavar="STATUS", help="e.g. 'Off track'; repeatable"
    )
    actions.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    actions.add_argument("--output", metavar="PATH", help="file or folder (default: CSV to stdout)")
    actions.add_argument("--user", help="who is extracting, for the audit log")
    actions.set_defaults(func=cmd_actions)
