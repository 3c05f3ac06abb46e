"""The audit log is tamper-evident, complete in its export, and names the server account.

Each row's hash covers the previous row's hash and its own content, so a row edited or
deleted with SQL afterwards breaks the chain at that row (or the next), and
`python -m etl audit verify` names it.
"""

from __future__ import annotations

import csv
import getpass
import io
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.runtime.secrets import Secrets

from core.roles import OFFICER, User
from etl.cli.main import main
from etl.store import audit, chain
from etl.store.database import Store
from tests.etl.store.store_files import figures_store
from ui import access, audit_log


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = figures_store(tmp_path / "cyps.duckdb")
    for n in range(3):
        audit.log(store, f"user{n}@council.gov.uk", "sign_in", "signed_in", {"n": n})
    return store


def _raw(store: Store, sql: str, params: list | None = None) -> None:
    """What someone with the file and DuckDB's own tools could do, behind the app's back."""
    con = duckdb.connect(str(store.path))
    con.execute(sql, params or [])
    con.close()


def _verify(store: Store, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["audit", "verify", "--db", str(store.path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_every_row_is_chained_to_the_one_before(store: Store, capsys) -> None:
    rows = store.query("SELECT * FROM audit_log ORDER BY id")
    assert len(rows) == 5 and rows["row_hash"].notna().all()
    previous = chain.GENESIS
    for row in rows.itertuples():
        values = [getattr(row, c) for c in chain.HASHED_COLUMNS]
        values[1] = values[1].to_pydatetime()
        assert row.row_hash == chain.link(previous, values)
        previous = row.row_hash
    code, text = _verify(store, capsys)
    assert code == 0
    assert "intact: 5 rows" in text and previous in text  # the head, to keep elsewhere


def test_an_edited_row_is_named_with_its_time(store: Store, capsys) -> None:
    _raw(store, "UPDATE audit_log SET username = 'someone.else' WHERE id = 3")
    when = store.query("SELECT occurred_at FROM audit_log WHERE id = 3")["occurred_at"].iloc[0]
    code, text = _verify(store, capsys)
    assert code == 1
    assert "chain breaks at row 3" in text
    assert f"{when:%d %B %Y at %H:%M:%S}" in text


def test_a_deleted_row_breaks_the_chain_at_the_row_after_it(store: Store, capsys) -> None:
    _raw(store, "DELETE FROM audit_log WHERE id = 2")
    code, text = _verify(store, capsys)
    assert code == 1 and "chain breaks at row 3" in text


def test_a_row_slipped_in_without_a_hash_is_found(store: Store, capsys) -> None:
    _raw(
        store,
        "INSERT INTO audit_log (id, occurred_at, username, action, outcome, detail) "
        "VALUES (99, now()::TIMESTAMP, 'ghost', 'rollback', 'done', '{}')",
    )
    code, text = _verify(store, capsys)
    assert code == 1 and "chain breaks at row 99" in text


def test_the_check_fails_on_a_broken_chain_too(store: Store, capsys) -> None:
    _raw(store, "UPDATE audit_log SET detail = '{}' WHERE id = 1")
    assert main(["check", "--db", str(store.path)]) == 1
    assert "chain breaks at row 1" in capsys.readouterr().err


def test_the_command_line_records_the_server_account_beside_the_user_it_names(
    tmp_path: Path, capsys
) -> None:
    db = tmp_path / "cli.duckdb"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a spreadsheet")
    assert main(["load", "--db", str(db), "--user", "claimed.name", str(bad)]) == 1
    row = Store(db).query("SELECT username, os_user, action, outcome FROM audit_log").iloc[0]
    assert (row.username, row.os_user) == ("claimed.name", getpass.getuser())
    assert (row.action, row.outcome) == ("upload", "refused")


@pytest.fixture
def demo_officer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> User:
    """An officer in demo mode (exports re-confirm the role; demo mode is the simplest door)."""
    roles = tmp_path / "roles.toml"
    roles.write_text("[emails]\n[groups]\n[demo]\nenabled = true\n")
    monkeypatch.setattr(access, "ROLES_FILE", roles)
    monkeypatch.setenv("CYPS_DEMO", "on")
    monkeypatch.setenv("CYPS_DB", str(tmp_path / "busy-year.duckdb"))
    secrets = Secrets()
    secrets._secrets = {}
    monkeypatch.setattr(st, "secrets", secrets)
    access._roles_cache.clear()
    yield access.demo_user(OFFICER)
    access._roles_cache.clear()


def test_the_export_holds_every_row_not_the_first_five_thousand(
    tmp_path: Path, demo_officer: User
) -> None:
    store = Store(tmp_path / "busy-year.duckdb")
    with store.writing() as con:  # a busy year of sign-ins, chained as the upgrade chains them
        con.execute(
            "INSERT INTO audit_log (id, occurred_at, username, action, outcome, detail, os_user) "
            "SELECT nextval('audit_ids'), now()::TIMESTAMP, 'user' || (i % 40) || '@council', "
            "'sign_in', 'signed_in', '{}', ? FROM range(5200) t(i)",
            [getpass.getuser()],
        )
        chain.rehash(con)
    exported = audit_log.export_csv(store, demo_officer, audit_log.AuditFilter())
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert len(rows) == 5_200
    assert len(audit.events(store)) == 5_201  # and the export's own event
    assert {r["os_user"] for r in rows} == {getpass.getuser()}
