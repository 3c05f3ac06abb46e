"""`python -m etl backup | restore | check | audit verify | redact | compact`: the database's care.

    python -m etl backup [--db DB] --output PATH     a consistent snapshot, while the app runs
    python -m etl restore BACKUP --db DB [--force]   put a checked backup in place (audited)
    python -m etl check [--db DB]                    is the file sound; does its history add up
    python -m etl audit verify [--db DB]             the first broken link of the audit chain
    python -m etl redact --submission N --indicator CODE --period YYYY-MM --reason TEXT --user NAME
    python -m etl compact [--db DB]                  rewrite the file (after a redaction)

Exit status 0 means done (or sound); 1 refused, or a check that failed, with the reason on
stderr; 3 the database was held by another program for longer than the store waits. Each
prints sentences, never a traceback. Running these needs a login on the server: whoever can
run them can read and replace the whole database, so CLI access is server access.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core.periods import parse_period
from etl.cli.common import acting_user, common_parent, require_database
from etl.cli.errors import EXIT_INVALID
from etl.store.backup import NotRestored, backup, compact, restore
from etl.store.chain import verify
from etl.store.database import Store
from etl.store.integrity import check
from etl.store.redaction import NotRedacted, redact


def cmd_backup(args: argparse.Namespace) -> int:
    store = require_database(args.db)
    output = Path(args.output)
    if args.output.endswith(("/", os.sep)):  # a folder, as the nightly cron line gives it
        output.mkdir(parents=True, exist_ok=True)
    result = backup(store, output)
    print(result.summary())
    if not result.report.ok:
        print(
            "The copy was kept, but the database it was taken from failed its check:",
            file=sys.stderr,
        )
        print(result.report.text(), file=sys.stderr)
        return EXIT_INVALID
    print(f"Checked: the copy is sound. {result.report.findings[-1].text}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    user = acting_user(args)
    try:
        result = restore(Path(args.backup), Store(args.db), user, force=args.force)
    except NotRestored as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    print(result.summary())
    print(result.report.text())
    return 0 if result.report.ok else EXIT_INVALID


def cmd_check(args: argparse.Namespace) -> int:
    store = require_database(args.db)
    report = check(store)
    print(report.text(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else EXIT_INVALID


def cmd_audit_verify(args: argparse.Namespace) -> int:
    store = require_database(args.db)
    with store.inspect() as con:
        columns = {r[0] for r in con.execute("DESCRIBE audit_log").fetchall()}
        if "row_hash" not in columns:
            print(
                "This database's audit log predates the hash chain (an older schema): it gains "
                "the chain when this release first opens it to write (the app, or a load).",
                file=sys.stderr,
            )
            return EXIT_INVALID
        result = verify(con)
    print(result.sentence(), file=sys.stdout if result.intact else sys.stderr)
    return 0 if result.intact else EXIT_INVALID


def cmd_redact(args: argparse.Namespace) -> int:
    store = require_database(args.db)
    try:
        done = redact(
            store,
            args.submission,
            args.indicator,
            parse_period(args.period),
            args.reason,
            args.user,
            breakdown=args.breakdown,
        )
    except NotRedacted as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    print(done.summary())
    if not done.compacted:
        print(
            "The database file could not be rewritten, so the old text may remain in its free "
            "space until DuckDB reuses it. Finish with: python -m etl compact (when the app is "
            "quiet).",
            file=sys.stderr,
        )
    print("Backups taken before now still hold the old text: replace them or let them expire.")
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    store = require_database(args.db)
    compact(store)
    print(f"{store.path} was rewritten: replaced text no longer lingers in its free space.")
    return 0


def add_subcommands(subparsers: argparse._SubParsersAction) -> None:
    """Add backup, restore, check, audit verify and redact to the `python -m etl` parser."""
    db = common_parent()

    back = subparsers.add_parser(
        "backup", parents=[db], help="copy the database consistently, while the app runs"
    )
    back.add_argument(
        "--output", required=True, metavar="PATH", help="the copy to write, or a folder"
    )
    back.set_defaults(func=cmd_backup)

    put = subparsers.add_parser("restore", help="put a checked backup in place of the database")
    put.add_argument("backup", metavar="BACKUP")
    put.add_argument("--db", required=True, help="the database file to restore")
    put.add_argument("--force", action="store_true", help="replace a database that holds anything")
    put.add_argument("--user", help="who is restoring, for the audit log (default: login name)")
    put.set_defaults(func=cmd_restore)

    chk = subparsers.add_parser("check", parents=[db], help="check the database is sound")
    chk.set_defaults(func=cmd_check)

    audit = subparsers.add_parser("audit", help="the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    ver = audit_sub.add_parser(
        "verify", parents=[db], help="find the first row changed or removed after it was written"
    )
    ver.set_defaults(func=cmd_audit_verify)

    red = subparsers.add_parser(
        "redact",
        parents=[db],
        help="remove commentary that should not have been stored, in every version",
    )
    red.add_argument("--submission", type=int, required=True, metavar="N")
    red.add_argument("--indicator", required=True, metavar="CODE")
    red.add_argument("--period", required=True, metavar="YYYY-MM")
    red.add_argument("--breakdown", metavar="NAME", help="only this team or band")
    red.add_argument(
        "--reason", required=True, help="why (kept in the audit log; do not repeat the text)"
    )
    red.add_argument("--user", required=True, help="the director redacting (signed in the text)")
    red.set_defaults(func=cmd_redact)

    tidy = subparsers.add_parser(
        "compact", parents=[db], help="rewrite the file so redacted text leaves its free space"
    )
    tidy.set_defaults(func=cmd_compact)
