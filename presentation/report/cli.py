"""`python -m presentation.report.cli`: the committee report from the command line, for scheduling.

The twin of the Committee report page (issue 12 §5): the same renderer, the same two versions
(public by default; `--exempt` for a `--user` whose e-mail address data/roles.toml grants a
role that may `exempt_report`), written to a file and recorded in the audit log as an extract.

Why not `python -m etl report`: the renderer lives in `presentation`, above `etl`, and the
import-linter contract lets no `etl` module import it (not even lazily). So the command is an
entry module here, reusing the etl command line's database check, exit codes and error words.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import CypsError
from core.periods import PeriodError, parse_period
from core.roles import NotAllowed, command_line_user, require
from etl.cli.errors import EXIT_INVALID, exit_code
from etl.cli.main import existing_store
from etl.store.audit import log, log_extract
from presentation.report.html import build_report_html, report_filename
from presentation.report.pdf import html_to_pdf

CLI = "command line"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m presentation.report.cli",
        description="Write the monthly committee report (public unless --exempt).",
    )
    parser.add_argument("--month", required=True, metavar="YYYY-MM", help="the report's month")
    parser.add_argument(
        "--exempt",
        action="store_true",
        help="every figure, marked exempt under Schedule 12A (officers and directors only)",
    )
    parser.add_argument("--format", choices=["html", "pdf"], default="html")
    parser.add_argument("--output", required=True, metavar="PATH", help="file or folder")
    parser.add_argument("--db", help="DuckDB file (default: $CYPS_DB or data/cyps.duckdb)")
    parser.add_argument(
        "--user",
        help="who is asking (default: login name); for --exempt, an e-mail address that "
        "data/roles.toml [emails] grants the officer or director role",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    month = parse_period(args.month)
    name = args.user or getpass.getuser()
    user = command_line_user(name)
    store = existing_store(args.db)
    if args.exempt:
        try:
            require(user, "exempt_report")
        except NotAllowed:  # a refusal is recorded too, as the page's refusals are
            detail = {"what": "committee report", "month": f"{month:%Y-%m}", "via": CLI}
            log(store, name, "extract", "refused", {**detail, "version": "exempt"}, user.role)
            raise
    html = build_report_html(store, month, exempt=args.exempt)
    content = html.encode("utf-8") if args.format == "html" else html_to_pdf(html)
    target = Path(args.output)
    if target.is_dir():
        target = target / report_filename(month, args.format, args.exempt)
    target.write_bytes(content)
    version = "exempt" if args.exempt else "public"
    log_extract(
        store,
        name,
        "committee report",
        0,
        args.format,
        user.role,
        {"month": f"{month:%Y-%m}", "version": version, "file": target.name, "via": CLI},
    )
    print(f"The {version} committee report for {month:%B %Y} was written to {target}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except PeriodError as err:
        print(f"That month {err}", file=sys.stderr)
        return exit_code(err)
    except CypsError as err:  # not allowed, no database, no Chromium: its sentence, its code
        print(str(err), file=sys.stderr)
        return exit_code(err)
    except OSError as err:
        where = f" {err.filename}" if err.filename else ""
        print(f"Could not use{where}: {err.strerror or err}.", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
