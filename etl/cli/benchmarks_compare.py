"""`python -m etl benchmarks compare`: the How we compare page's figures on the command line.

    python -m etl benchmarks compare --indicator CODE [--year 2016/17]
                                     [--format csv|table] [--output PATH] [--db DB]

One row per published year (or the one year asked for) with the columns `indicator, year,
council, england, region, neighbours_mean, neighbours_median, rank, ranked, quartile_band`,
from the same functions the page uses (`etl.benchmarks.compare_table`). A question the
published figures cannot answer gets one sentence on stderr and exit status 1; the database
is only read, never created.
"""

from __future__ import annotations

import argparse
import sys

from etl.benchmarks.compare_table import CompareError, compare_rows
from etl.cli.common import require_database, write_text
from etl.cli.errors import EXIT_INVALID

NOTHING_TO_COMPARE = ": there is nothing to compare"


def cmd_compare(args: argparse.Namespace) -> int:
    """Write the comparison as CSV or an aligned table, to a file or stdout."""
    store = require_database(args.db, NOTHING_TO_COMPARE)
    try:
        frame = compare_rows(store, args.indicator, args.year)
    except CompareError as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    if args.format == "csv":
        text = frame.to_csv(index=False, lineterminator="\n")
    else:
        text = frame.to_string(index=False) + "\n"
    write_text(text, args.output, f"{len(frame)} row(s) written to")
    return 0


def add_compare(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `benchmarks compare` beside `benchmarks load` and `benchmarks list`."""
    compare = sub.add_parser(
        "compare",
        parents=[common],
        help="the How we compare figures for one indicator, one row per published year",
    )
    compare.add_argument(
        "--indicator", required=True, help="catalogue code (CL_EET) or DfE measure key"
    )
    compare.add_argument(
        "--year", help="one year, as 2016/17 or 2017 (the year the period ends); default: all"
    )
    compare.add_argument("--format", choices=("csv", "table"), default="table")
    compare.add_argument("--output", help="write to this file instead of the screen")
    compare.set_defaults(func=cmd_compare)
