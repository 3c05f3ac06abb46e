"""`python -m etl benchmarks ...`: import the DfE's published files as benchmarks.

    python -m etl benchmarks load [--db DB] [--user NAME] [--model NAME] FILE...
    python -m etl benchmarks list [--db DB]
    python -m etl benchmarks compare --indicator CODE [--year 2016/17] [--format csv|table]

One summary line per file on stdout; a file that cannot be imported gets one sentence on stderr
and a non-zero exit status, and nothing from it is stored. The database is opened, used and
closed again, so the dashboard can open it as soon as the command ends.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from etl.benchmarks.releases import load_file
from etl.cli.benchmarks_compare import add_compare
from etl.cli.common import acting_user, common_parent, print_table, run
from etl.cli.errors import EXIT_INVALID
from etl.ingest.problems import FileRefused
from etl.store.audit import log_attempt
from etl.store.benchmark_releases import releases
from etl.store.database import Store

ACTION = "benchmarks_load"  # the audit log's action, as the upload page records it


def cmd_load(args: argparse.Namespace) -> int:
    """Load each file in turn; a bad file does not stop the others."""
    status = 0
    store, user = Store(args.db), acting_user(args)
    with store.connect() as con:
        for name in args.files:
            path = Path(name)
            try:
                if not path.is_file():
                    raise FileRefused(f"'{name}' does not exist or is not a file.")
                result = load_file(con, path, user=user, model=args.model)
                print(result.summary())
                outcome, reasons = result.status.replace(" ", "_"), []
            except (FileRefused, ValueError) as err:
                print(f"{path.name}: refused, nothing was loaded: {err}", file=sys.stderr)
                status = EXIT_INVALID
                outcome, reasons = "refused", [str(err)]
            log_attempt(store, user, path.name, outcome, reasons, via="command line", action=ACTION)
    return status


def cmd_list(args: argparse.Namespace) -> int:
    """The releases loaded so far, newest first."""
    with Store(args.db).connect() as con:
        frame = releases(con).drop(columns=["sha256"])
    print_table(frame, "No benchmark files loaded yet.")
    return 0


def add_subcommand(subparsers: argparse._SubParsersAction) -> None:
    """Add `benchmarks load` and `benchmarks list` to the `python -m etl` parser."""
    common = common_parent()
    bench = subparsers.add_parser("benchmarks", help="import DfE published data as benchmarks")
    sub = bench.add_subparsers(dest="benchmarks_command", required=True)

    load = sub.add_parser(
        "load",
        parents=[common],
        help="import DfE tidy, LAIT, SFR or neighbour-model CSVs, or a comparators file",
    )
    load.add_argument("--user", help="who is loading, for the history (default: login name)")
    load.add_argument(
        "--model", help="name for a statistical-neighbour model (default: year in file name)"
    )
    load.add_argument("files", nargs="+", metavar="FILE")
    load.set_defaults(func=cmd_load)

    lst = sub.add_parser("list", parents=[common], help="list loaded benchmark releases")
    lst.set_defaults(func=cmd_list)
    add_compare(sub, common)  # the How we compare page's figures (issue 14)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks commands on their own (`python -m etl.cli.benchmarks benchmarks ...`)."""
    parser = argparse.ArgumentParser(prog="python -m etl")
    add_subcommand(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return run(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
