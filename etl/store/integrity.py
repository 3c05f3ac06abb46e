"""`python -m etl check`: is this database file sound, and does its history add up?

The checks, each a plain sentence in the report:

- the file opens, and every table reads back whole (DuckDB checks each block's checksum);
- its schema version is one this release knows (older is fine: it is upgraded when opened);
- every submission has its commit in the audit log with the same file and counts, every
  rollback its event, every redaction its event, and no event names a submission that
  does not exist; every stored figure and target belongs to a submission;
- the current figures and targets the pages show can be derived again from the
  submissions (the views agree with a recomputation, and every figure is a finite number);
- the audit log's hash chain is intact.

It only reads (`Store.inspect`), so it can run beside the app, on a backup before a
restore, or on the nightly copy.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.store import chain, schema
from etl.store.database import SCHEMA_HOOKS, SchemaPart, Store
from etl.store.errors import StoreBusy, StoreError, damaged


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str


@dataclass
class Report:
    path: Path
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # submissions, figures, audit rows…

    @property
    def ok(self) -> bool:
        return bool(self.findings) and all(f.ok for f in self.findings)

    def add(self, ok: bool, text: str) -> bool:
        self.findings.append(Finding(ok, text))
        return ok

    def text(self) -> str:
        lines = [f"Checking {self.path}"]
        lines += [f"  {'ok     ' if f.ok else 'PROBLEM'}  {f.text}" for f in self.findings]
        problems = sum(not f.ok for f in self.findings)
        lines.append(
            "Check passed: the database is sound."
            if self.ok
            else f"Check failed: {problems} problem(s) above. Restore the latest backup that "
            "passes this check (python -m etl check --db BACKUP), or ask for help."
        )
        return "\n".join(lines)


def check(store: Store) -> Report:
    """Every check on `store`'s file; a busy file raises StoreBusy (try again)."""
    report = Report(store.path)
    try:
        with store.inspect() as con:
            _all_checks(con, report)
    except StoreBusy:
        raise
    except StoreError as err:
        report.add(False, str(err))
    return report


def _all_checks(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    if not _reads_back(con, report) or not _schema(con, report):
        return
    _history_agrees(con, report)
    _current_derivable(con, report)
    _chain(con, report)


def _reads_back(con: duckdb.DuckDBPyConnection, report: Report) -> bool:
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
        ).fetchall()
    ]
    try:
        for table in tables:  # hashing whole rows makes DuckDB read (and checksum) every column
            con.execute(f'SELECT count(*), sum(hash(t)) FROM "{table}" t').fetchall()
    except duckdb.Error:
        return report.add(False, str(damaged(report.path)))
    return report.add(True, f"The file opens and all {len(tables)} tables read back whole.")


def _schema(con: duckdb.DuckDBPyConnection, report: Report) -> bool:
    have = schema.installed(con)
    if have is None:
        return report.add(False, "It has no schema_info table: it is not this application's.")
    parts = [SchemaPart.of(h) for h in SCHEMA_HOOKS]
    words, older = [], []
    for part in parts:
        found = have.get(part.component)
        words.append(f"{part.component} {found if found is not None else '(none yet)'}")
        if found is not None and found < part.version:
            older.append(f"{part.component} {found} to {part.version}")
    if have.get(schema.CORE) is None:
        return report.add(False, "The schema has no core version: it is not this application's.")
    note = (
        f" Older than this release's: it is upgraded ({', '.join(older)}) when the application "
        "next opens it, after a copy is taken beside it."
        if older
        else " This release's."
    )
    return report.add(True, f"Schema versions: {', '.join(words)}.{note}")


def _events(con: duckdb.DuckDBPyConnection, action: str, outcome: str) -> list[dict]:
    rows = con.execute(
        "SELECT id, detail FROM audit_log WHERE action = ? AND outcome = ? ORDER BY id",
        [action, outcome],
    ).fetchall()
    found = []
    for row_id, detail in rows:
        try:
            found.append({"_row": row_id, **json.loads(detail or "{}")})
        except (ValueError, TypeError):
            found.append({"_row": row_id})
    return found


def _history_agrees(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    subs = con.execute(
        "SELECT id, file_name, values_added, values_changed, targets_changed, "
        "rolled_back_at IS NOT NULL, "
        "(SELECT count(*) FROM observations o WHERE o.submission_id = s.id), "
        "(SELECT count(*) FROM target_revisions t WHERE t.submission_id = s.id) "
        "FROM submissions s ORDER BY id"
    ).fetchall()
    commits = _events(con, "commit", "accepted")
    rollbacks = _events(con, "rollback", "done")
    by_commit = Counter(e.get("submission") for e in commits)
    commit_of = {e.get("submission"): e for e in commits}
    rolled = Counter(e.get("submission") for e in rollbacks)
    known = {s[0] for s in subs}
    problems = []
    for sid, file_name, added, changed, targets, is_back, n_obs, n_targets in subs:
        event = commit_of.get(sid)
        if event is None:
            problems.append(f"submission {sid} ({file_name}) has no commit in the audit log")
        elif by_commit[sid] > 1:
            problems.append(f"submission {sid} has {by_commit[sid]} commits in the audit log")
        elif (event.get("file"), event.get("added"), event.get("changed")) != (
            file_name,
            added,
            changed,
        ):
            problems.append(
                f"submission {sid} says {file_name}, {added} new, {changed} changed; its commit "
                f"(audit row {event['_row']}) says {event.get('file')}, {event.get('added')} "
                f"new, {event.get('changed')} changed"
            )
        if n_obs < added + changed:
            problems.append(f"submission {sid} stored {n_obs} figures, fewer than it reports")
        if n_targets != targets:
            problems.append(f"submission {sid} stored {n_targets} targets but reports {targets}")
        if is_back and rolled[sid] != 1:
            problems.append(f"submission {sid} is rolled back but the audit log has no rollback")
        if not is_back and rolled[sid]:
            problems.append(f"the audit log rolls back submission {sid}, which is not rolled back")
    for event in commits + rollbacks:
        if event.get("submission") not in known:
            problems.append(
                f"audit row {event['_row']} names submission {event.get('submission')}, "
                "which does not exist"
            )
    orphans = con.execute(
        "SELECT (SELECT count(*) FROM observations WHERE submission_id NOT IN "
        "(SELECT id FROM submissions)), (SELECT count(*) FROM target_revisions WHERE "
        "submission_id NOT IN (SELECT id FROM submissions))"
    ).fetchall()[0]
    if sum(orphans):
        problems.append(f"{orphans[0]} figure(s) and {orphans[1]} target(s) have no submission")
    problems += _redactions_agree(con)
    audit_rows = con.execute("SELECT count(*) FROM audit_log").fetchall()[0][0]
    report.counts.update(submissions=len(subs), audit_rows=audit_rows)
    if problems:
        shown = "; ".join(problems[:10]) + ("; …" if len(problems) > 10 else "")
        report.add(False, f"Submissions and the audit log disagree ({len(problems)}): {shown}.")
        return
    back = sum(s[5] for s in subs)
    report.add(
        True,
        f"{len(subs)} submission(s) ({back} rolled back) agree with the audit log "
        f"({audit_rows:,} rows): each has its commit, with the same file and counts.",
    )


def _redactions_agree(con: duckdb.DuckDBPyConnection) -> list[str]:
    has_table = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'redactions'"
    ).fetchall()[0][0]
    if not has_table:
        return []
    ids = {r[0] for r in con.execute("SELECT id FROM redactions").fetchall()}
    logged = {e.get("redaction") for e in _events(con, "redact", "done")}
    return [f"redaction {r} has no event in the audit log" for r in sorted(ids - logged)]


def _current_derivable(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    figures = """
        SELECT o.indicator, o.period, o.breakdown, o.submission_id, o.value
        FROM observations o JOIN submissions s ON s.id = o.submission_id
        WHERE s.rolled_back_at IS NULL
        QUALIFY o.submission_id = max(o.submission_id)
            OVER (PARTITION BY o.indicator, o.period, o.breakdown)"""
    targets = """
        SELECT t.indicator, t.effective_from, t.submission_id, t.target
        FROM target_revisions t JOIN submissions s ON s.id = t.submission_id
        WHERE s.rolled_back_at IS NULL
        QUALIFY t.submission_id = max(t.submission_id)
            OVER (PARTITION BY t.indicator, t.effective_from)"""
    try:
        differ = con.execute(
            f"""SELECT
                (SELECT count(*) FROM (({figures}) EXCEPT ALL (SELECT indicator, period,
                    breakdown, submission_id, value FROM current_observations))),
                (SELECT count(*) FROM ((SELECT indicator, period, breakdown, submission_id,
                    value FROM current_observations) EXCEPT ALL ({figures}))),
                (SELECT count(*) FROM (({targets}) EXCEPT ALL (SELECT indicator,
                    effective_from, submission_id, target FROM current_target_revisions))),
                (SELECT count(*) FROM ((SELECT indicator, effective_from, submission_id, target
                    FROM current_target_revisions) EXCEPT ALL ({targets}))),
                (SELECT count(*) FROM current_observations WHERE NOT isfinite(value)),
                (SELECT count(*) FROM current_observations),
                (SELECT count(*) FROM current_target_revisions)"""
        ).fetchall()[0]
    except duckdb.Error as err:
        report.add(False, f"The current figures cannot be derived: {err}")
        return
    missing, extra, t_missing, t_extra, infinite, n_figures, n_targets = differ
    report.counts.update(figures=n_figures, targets=n_targets)
    if missing or extra or t_missing or t_extra:
        report.add(
            False,
            f"The current figures do not follow from the submissions: {missing + extra} "
            f"figure(s) and {t_missing + t_extra} target(s) differ from a recomputation (the "
            "views current_observations or current_target_revisions were changed).",
        )
    elif infinite:
        report.add(False, f"{infinite} current figure(s) are not finite numbers.")
    else:
        report.add(
            True,
            f"The {n_figures:,} current figures and {n_targets:,} uploaded targets follow "
            "from the submissions (derived again, they agree).",
        )


def _chain(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    columns = {r[0] for r in con.execute("DESCRIBE audit_log").fetchall()}
    if "row_hash" not in columns:
        report.add(
            True,
            "The audit log has no hash chain yet (an older schema): it is added when the "
            "application next opens the file.",
        )
        return
    result = chain.verify(con)
    report.add(result.intact, result.sentence())
