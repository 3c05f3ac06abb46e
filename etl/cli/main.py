"""`python -m etl`: the command line, also the contract for automation.

Exit status 0 means done; anything else means nothing was changed, with the
reasons on stderr in the same words the upload page uses. No tracebacks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from core.periods import parse_period
from etl.benchmarks.bundled_releases import ensure_bundled
from etl.cli import benchmarks as benchmarks_cli
from etl.cli import plan
from etl.cli.admin import add_subcommands as add_admin_subcommands
from etl.cli.benchmarks import add_subcommand as add_benchmarks_subcommand
from etl.cli.common import (
    acting_user,
    common_parent,
    deliver,
    listed,
    print_table,
    require_database,
    run,
)
from etl.cli.errors import EXIT_BUSY, EXIT_INVALID, EXIT_USAGE
from etl.cli.plan import add_subcommand as add_plan_subcommand
from etl.ingest.load import AlreadyLoaded, StalePreview
from etl.ingest.problems import FileRefused, Invalid
from etl.ingest.rollback import NotRolledBack, rollback
from etl.ingest.unattended import NeedsConfirmation, load_path
from etl.outputs.extract_files import NothingMatches, produce
from etl.outputs.extract_filter import ExtractFilter, FilterError, build_filter, describe
from etl.outputs.template import cmd_template
from etl.store.audit import log_attempt
from etl.store.database import Store, StoreError
from etl.store.queries import submissions

CLI = "command line"  # `via` in the audit rows the command line writes

# Subcommands that live with their own part of the ETL: functions taking the subparsers.
EXTENSIONS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_benchmarks_subcommand,
    add_plan_subcommand,
    add_admin_subcommands,
]


def _warner(file_name: str) -> Callable[[str], None]:
    """Print a preview warning about `file_name` to stderr."""

    def warn(text: str) -> None:
        print(f"{file_name}: warning: {text}", file=sys.stderr)

    return warn


def cmd_load(args: argparse.Namespace) -> int:
    store, user = Store(args.db), acting_user(args)
    status = 0
    for name in args.files:
        path = Path(name)
        try:
            if not path.is_file():
                raise FileRefused(f"'{name}' does not exist or is not a file.")
            result = load_path(
                store,
                path,
                user,
                force=args.force,
                allow_new_breakdowns=args.allow_new_breakdowns,
                warn=_warner(path.name),
            )
            print(result.summary())
            if result.submission_id is None:
                log_attempt(store, user, path.name, "unchanged", via=CLI)
        except AlreadyLoaded as err:
            print(f"{path.name}: {err}")
            log_attempt(store, user, path.name, "already_loaded", [str(err)], via=CLI)
        except NeedsConfirmation as err:
            log_attempt(store, user, path.name, "refused", err.reasons, via=CLI)
            print(f"{path.name}: refused, nothing was loaded.", file=sys.stderr)
            for reason in err.reasons:
                print(f"  - {reason}", file=sys.stderr)
            status = EXIT_INVALID
        except StalePreview as err:
            log_attempt(store, user, path.name, "refused", [str(err)], via=CLI)
            print(
                f"{path.name}: not loaded: another load landed while it was being checked. "
                "Run the command again.",
                file=sys.stderr,
            )
            status = EXIT_BUSY
        except FileRefused as err:
            log_attempt(store, user, path.name, "refused", [str(err)], via=CLI)
            print(f"{path.name}: refused: {err}", file=sys.stderr)
            status = EXIT_INVALID
        except Invalid as err:
            reasons = [p.describe() for p in err.problems]
            log_attempt(store, user, path.name, "refused", reasons, via=CLI)
            print(
                f"{path.name}: refused, nothing was loaded. {len(err.problems)} problem(s):",
                file=sys.stderr,
            )
            for problem in err.problems:
                print(f"  - {problem.describe()}", file=sys.stderr)
            status = EXIT_INVALID
        except Exception as err:  # a crash is recorded too (unless the store is the trouble)
            if not isinstance(err, StoreError):
                log_attempt(store, user, path.name, "failed", [repr(err)[:500]], via=CLI)
            raise
    return status


def _month(text: str | None) -> dt.date | None:
    return parse_period(text) if text else None


def extract_filter_from_args(args: argparse.Namespace) -> ExtractFilter:
    """The command line's half of the page/command-line twin: the same ExtractFilter."""
    return build_filter(
        indicators=listed(args.indicator),
        families=listed(args.family),
        first=_month(args.from_),
        last=_month(args.to),
        financial_years=listed(args.financial_year),
        breakdowns=args.breakdown or (),
        published=args.published,
        spc=args.spc,
    )


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        flt = extract_filter_from_args(args)
        download = produce(
            existing_store(args.db), flt, args.format, acting_user(args), via="command line"
        )
    except FilterError as err:
        print(str(err), file=sys.stderr)
        return EXIT_USAGE
    except NothingMatches as err:
        words = "; ".join(f"{k}: {v}" for k, v in describe(flt).items())
        print(f"{err} ({words})", file=sys.stderr)
        return EXIT_INVALID
    deliver(download, args.output, args.format, "rows")
    return 0


def cmd_submissions(args: argparse.Namespace) -> int:
    frame = submissions(existing_store(args.db)).drop(columns=["sha256"])
    if args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    else:
        print_table(frame, "No submissions yet.")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    try:
        plan = rollback(existing_store(args.db), args.id, acting_user(args))
    except NotRolledBack as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    print(
        f"Submission {args.id} rolled back: {len(plan)} figure(s) restored to their "
        "previous values (or to no figure where it was the first)."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__.splitlines()[0])
    common = common_parent(user="who is acting, for the history (default: login name)")
    sub = parser.add_subparsers(dest="command", required=True)

    load = sub.add_parser("load", parents=[common], help="validate and load spreadsheets")
    load.add_argument("files", nargs="+", metavar="FILE")
    load.add_argument(
        "--force", action="store_true", help="load figures the warnings question (as the tick)"
    )
    load.add_argument(
        "--allow-new-breakdowns", action="store_true", help="accept team names never seen before"
    )
    load.set_defaults(func=cmd_load)

    extract = sub.add_parser(
        "extract",
        parents=[common],
        help="write current figures (the twin of the Download figures page)",
        description="Write current figures as CSV or Excel. Filters combine: an indicator "
        "must be listed or in a listed family, a month within --from/--to and any "
        "--financial-year, a breakdown among those given. No filter means everything.",
    )
    extract.add_argument("--indicator", action="append", metavar="CODE", help="repeatable")
    extract.add_argument("--family", action="append", metavar="KEY", help="e.g. placements")
    extract.add_argument("--from", dest="from_", metavar="YYYY-MM")
    extract.add_argument("--to", metavar="YYYY-MM")
    extract.add_argument("--financial-year", action="append", metavar="2015/16")
    extract.add_argument(
        "--breakdown",
        action="append",
        metavar="WHICH",
        help="'whole authority', 'teams', 'distance bands', or a team or band name; repeatable",
    )
    extract.add_argument(
        "--published",
        action="store_true",
        help="for anything leaving the council: suppress small numbers of children, "
        "drop submission and user columns",
    )
    extract.add_argument(
        "--spc",
        action="store_true",
        help="add each month's SPC mean, limits, variation and rule (as the SPC chart reads it)",
    )
    extract.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    extract.add_argument(
        "--output", metavar="PATH", help="file or folder (default: CSV to stdout, Excel to ./NAME)"
    )
    extract.set_defaults(func=cmd_extract)

    subs = sub.add_parser("submissions", parents=[common], help="list submissions, id first")
    subs.add_argument("--format", choices=["table", "csv"], default="table")
    subs.set_defaults(func=cmd_submissions)

    back = sub.add_parser("rollback", parents=[common], help="withdraw a submission")
    back.add_argument("id", type=int)
    back.set_defaults(func=cmd_rollback)

    template = sub.add_parser("template", help="write the upload template for directors")
    template.add_argument("--output", required=True, metavar="PATH", help="the .xlsx to write")
    template.set_defaults(func=cmd_template)
    for extend in EXTENSIONS:
        extend(sub)
    return parser


def existing_store(db: str | None) -> Store:
    """The store for a command that reads figures (here and `presentation.report.cli`)."""
    return require_database(db, ", or load figures first with: python -m etl load FILE.xlsx")


def _creating_commands() -> set[Callable[[argparse.Namespace], int]]:
    """Commands that create the database when it is missing (the others refuse a missing one).

    Before one runs, a database that does not exist yet is created with the bundled DfE files
    (`etl.benchmarks.bundled_releases`), first, so a director's newer file loads after them.
    """
    return {
        cmd_load,
        benchmarks_cli.cmd_load,
        benchmarks_cli.cmd_list,
        plan.cmd_load,
    }


def _start(args: argparse.Namespace) -> int:
    if args.func in _creating_commands():  # a new database starts with the DfE files
        ensure_bundled(Store(args.db))
    return int(args.func(args))


def main(argv: Sequence[str] | None = None) -> int:
    return run(_start, build_parser().parse_args(argv))
