"""Backup while the app runs, restore only what checks out, never over figures unless forced.

The restore drill of the README, run for real: back up, lose figures, restore, check.
"""

from __future__ import annotations

import getpass
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import ROOT
from etl.cli.main import main
from etl.store import audit
from etl.store.database import Store
from etl.store.integrity import check
from etl.store.queries import current_values, submissions
from tests.etl.store.store_files import figures_store, load, random_bytes_file, sha256


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return figures_store(tmp_path / "live" / "cyps.duckdb")


def _figures(store: Store) -> list[tuple]:
    frame = current_values(store)
    return sorted((r.indicator, str(r.period), r.breakdown, r.value) for r in frame.itertuples())


def _audit_rows(store: Store) -> list[tuple]:
    return store.query("SELECT action, outcome FROM audit_log ORDER BY id").values.tolist()


def test_a_backup_is_a_checked_owner_only_copy(store: Store, tmp_path: Path, capsys) -> None:
    out = tmp_path / "backups" / "tonight.duckdb"
    assert main(["backup", "--db", str(store.path), "--output", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"Backup written to {out}" in said and "2 submission(s)" in said
    assert "the copy is sound" in said
    assert out.stat().st_mode & 0o777 == 0o600
    assert _figures(Store(out)) == _figures(store)
    assert not list(out.parent.glob("*.partial"))


def test_a_backup_into_a_folder_is_named_by_the_time_and_never_overwrites(
    store: Store, tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "nightly"
    folder.mkdir()
    assert main(["backup", "--db", str(store.path), "--output", str(folder)]) == 0
    (made,) = folder.glob("cyps-*.duckdb")
    kept = sha256(made)
    assert main(["backup", "--db", str(store.path), "--output", str(made)]) == 1
    assert "backups are never overwritten" in capsys.readouterr().err
    assert sha256(made) == kept


WRITER = """
import sys, time
from etl.store import audit
from etl.store.database import Store
store, end = Store(sys.argv[1]), time.monotonic() + float(sys.argv[2])
n = 0
while time.monotonic() < end:
    audit.log(store, "app@council.gov.uk", "sign_in", "signed_in", {"n": n})
    n += 1
print(n)
"""


def test_a_backup_taken_while_the_app_writes_is_consistent(store: Store, tmp_path: Path) -> None:
    app = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store.path), "6"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    copies = []
    try:
        for n in range(3):
            out = tmp_path / f"during-{n}.duckdb"
            assert main(["backup", "--db", str(store.path), "--output", str(out)]) == 0
            copies.append(out)
    finally:
        written = int(app.communicate(timeout=60)[0])
    assert app.returncode == 0 and written > 0
    counts = []
    for copy in copies:
        report = check(Store(copy))
        assert report.ok, report.text()  # the chain is whole: no half-written row
        counts.append(report.counts["audit_rows"])
    assert counts == sorted(counts)
    assert check(store).counts["audit_rows"] == 2 + written


def test_restoring_over_figures_is_refused_without_force(
    store: Store, tmp_path: Path, capsys
) -> None:
    backup = tmp_path / "b.duckdb"
    main(["backup", "--db", str(store.path), "--output", str(backup)])
    load(store, [["LAC_COUNT", "2015-06", 420]], "june.xlsx")
    figures, subs = _figures(store), len(submissions(store))
    assert main(["restore", str(backup), "--db", str(store.path)]) == 1
    err = capsys.readouterr().err
    assert "is not empty (3 submission(s)" in err and "--force" in err
    assert "Nothing was changed" in err
    assert (_figures(store), len(submissions(store))) == (figures, subs)
    assert _audit_rows(store)[-1] == ["restore", "refused"]  # the attempt is on record


def test_a_damaged_backup_is_refused_and_the_database_left_alone(
    store: Store, tmp_path: Path, capsys
) -> None:
    bad = random_bytes_file(tmp_path / "bad-backup.duckdb")
    figures = _figures(store)
    assert main(["restore", str(bad), "--db", str(store.path), "--force"]) == 1
    err = capsys.readouterr().err
    assert "did not pass its check" in err and "damaged" in err
    assert _figures(store) == figures
    assert not list(store.path.parent.glob("*.replaced-*"))


def test_a_backup_with_a_broken_audit_chain_is_refused(
    store: Store, tmp_path: Path, capsys
) -> None:
    import duckdb

    backup = tmp_path / "edited.duckdb"
    main(["backup", "--db", str(store.path), "--output", str(backup)])
    con = duckdb.connect(str(backup))
    con.execute("UPDATE audit_log SET username = 'nobody' WHERE id = 1")
    con.close()
    target = tmp_path / "fresh" / "cyps.duckdb"
    assert main(["restore", str(backup), "--db", str(target)]) == 1
    assert "chain breaks at row 1" in capsys.readouterr().err
    assert not target.exists()


def test_the_restore_drill_brings_back_the_figures_and_is_audited(
    store: Store, tmp_path: Path, capsys
) -> None:
    backup = tmp_path / "nightly.duckdb"
    main(["backup", "--db", str(store.path), "--output", str(backup)])
    at_backup = _figures(store)
    load(store, [["LAC_COUNT", "2015-06", 999]], "a-mistake.xlsx")
    capsys.readouterr()

    code = main(["restore", str(backup), "--db", str(store.path), "--force", "--user", "it.ops"])
    said = capsys.readouterr().out
    assert code == 0, said
    assert "Check passed" in said
    assert _figures(store) == at_backup
    (aside,) = store.path.parent.glob("cyps.duckdb.replaced-*.duckdb")
    assert len(submissions(Store(aside))) == 3  # what it replaced is kept, not deleted
    assert f"kept at {aside}" in said
    last = audit.events(store).iloc[0]
    detail = json.loads(last["detail"])
    assert (last["action"], last["outcome"], last["username"]) == ("restore", "done", "it.ops")
    assert last["os_user"] == getpass.getuser()
    assert detail["backup"] == str(backup) and detail["backup_sha256"] == sha256(backup)
    assert main(["check", "--db", str(store.path)]) == 0


def test_restoring_into_a_new_place_needs_no_force(store: Store, tmp_path: Path) -> None:
    backup = tmp_path / "b.duckdb"
    main(["backup", "--db", str(store.path), "--output", str(backup)])
    target = Store(tmp_path / "new-server" / "cyps.duckdb")
    assert main(["restore", str(backup), "--db", str(target.path)]) == 0
    assert _figures(target) == _figures(store)
    assert target.path.stat().st_mode & 0o777 == 0o600


def test_the_check_finds_a_submission_the_audit_log_does_not_know(store: Store, capsys) -> None:
    with store.writing() as con:  # a figure slipped in with SQL, past the app
        con.execute(
            "INSERT INTO submissions (file_name, sha256, submitted_by, submitted_at, "
            "values_added, values_changed, values_unchanged, values_skipped, targets_changed) "
            "VALUES ('sql.xlsx', 'x', 'someone', now()::TIMESTAMP, 1, 0, 0, 0, 0)"
        )
    assert main(["check", "--db", str(store.path)]) == 1
    err = capsys.readouterr().err
    assert "submission 3 (sql.xlsx) has no commit in the audit log" in err
    assert "submission 3 stored 0 figures, fewer than it reports" in err


def test_the_check_finds_current_figures_that_do_not_follow_from_the_submissions(
    store: Store, capsys
) -> None:
    with store.writing() as con:  # a view quietly redefined to hide a rollback
        con.execute(
            "CREATE OR REPLACE VIEW current_observations AS SELECT o.*, s.submitted_at, "
            "s.submitted_by, s.file_name FROM observations o JOIN submissions s "
            "ON s.id = o.submission_id WHERE o.submission_id = 1"
        )
    assert main(["check", "--db", str(store.path)]) == 1
    assert "do not follow from the submissions: 2 figure(s)" in capsys.readouterr().err
