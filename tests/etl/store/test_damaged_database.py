"""A damaged database file, or one held by another program, is a sentence, never a traceback.

The store turns DuckDB's errors about the file into its own (`etl.store.errors`), so the
command line prints what happened and what to do (restore from backup; try again), the
pages show the same sentence, and the file itself is left exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.cli.main import main
from etl.store import audit
from etl.store.database import Store, StoreBusy, StoreDamaged
from etl.store.queries import current_values
from tests.etl.store.store_files import (
    DEMO_DIRECTOR,
    checkpointed,
    figures_store,
    hold,
    overwritten_block,
    random_bytes_file,
    release,
    sha256,
    truncated_copy,
)
from tests.pages.screens import screen
from ui import access

RESTORE_WORDS = "restore the latest backup"


@pytest.fixture
def sound(tmp_path: Path) -> Path:
    return checkpointed(figures_store(tmp_path / "sound.duckdb", DEMO_DIRECTOR))


@pytest.fixture(params=["random bytes", "truncated halfway", "the figures' block overwritten"])
def damaged(request: pytest.FixtureRequest, sound: Path, tmp_path: Path) -> Path:
    """Three ways a file goes bad: never a database, cut short, and one block scribbled over
    (the file opens, and only reading the figures meets the damage)."""
    path = tmp_path / "cyps.duckdb"
    if request.param == "random bytes":
        return random_bytes_file(path)
    if request.param == "truncated halfway":
        return truncated_copy(sound, path)
    return overwritten_block(sound, path, "observations")


def test_the_store_says_the_file_is_damaged_and_leaves_it_alone(damaged: Path) -> None:
    before = sha256(damaged)
    with pytest.raises(StoreDamaged, match=RESTORE_WORDS) as raised:
        current_values(Store(damaged))
    assert str(damaged) in str(raised.value)
    assert "python -m etl restore" in str(raised.value)
    assert sha256(damaged) == before
    assert not damaged.with_name(damaged.name + ".wal").exists()


@pytest.mark.parametrize(
    "command",
    [["extract", "--indicator", "LAC_COUNT"], ["check"]],
)
def test_the_command_line_prints_a_sentence_and_exits_one(
    damaged: Path, command: list[str], capsys
) -> None:
    before = sha256(damaged)
    assert main([*command, "--db", str(damaged)]) == 1
    captured = capsys.readouterr()
    assert RESTORE_WORDS in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert "IO Error" not in captured.err and "checksum" not in captured.err
    assert sha256(damaged) == before


def test_loading_into_a_damaged_file_loads_nothing_and_says_why(
    damaged: Path, tmp_path: Path, capsys
) -> None:
    from tests.workbooks import xlsx

    good = tmp_path / "april.xlsx"
    good.write_bytes(xlsx([["indicator", "period", "value"], ["LAC_COUNT", "2015-04", 410]]))
    before = sha256(damaged)
    assert main(["load", "--db", str(damaged), str(good)]) == 1
    assert RESTORE_WORDS in capsys.readouterr().err
    assert sha256(damaged) == before


def test_a_database_held_longer_than_the_wait_is_the_busy_sentence_on_the_command_line(
    sound: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr("etl.store.database.BUSY_RETRY_SECONDS", 0.5)
    holder = hold(sound)
    try:
        assert main(["submissions", "--db", str(sound)]) == 3
        captured = capsys.readouterr()
        assert "in use by another program" in captured.err and "Try again" in captured.err
        assert "Traceback" not in captured.err
        with pytest.raises(StoreBusy):
            audit.log(Store(sound), "dee", "sign_in", "signed_in")
    finally:
        release(holder)
    assert len(current_values(Store(sound))) == 2  # and usable again once released


def _director_page(url_path: str, db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CYPS_DB", str(db))
    monkeypatch.setenv("CYPS_DEMO", "on")
    at = screen(url_path, 60)
    at.session_state[access.DEMO_ROLE_KEY] = "director"
    return at


def _errors(at) -> str:
    return "\n".join(str(e.value) for e in at.error)


def test_a_page_over_a_damaged_file_shows_the_sentence_not_an_error_box(
    damaged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sha256(damaged)
    at = _director_page("history", damaged, monkeypatch).run()
    assert not at.exception, at.exception
    assert "restore the latest backup" in _errors(at).replace("\\", "")
    assert sha256(damaged) == before


def test_a_page_over_a_held_file_shows_the_busy_sentence(
    sound: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("etl.store.database.BUSY_RETRY_SECONDS", 0.5)
    holder = hold(sound)
    try:
        at = _director_page("overview", sound, monkeypatch).run()
    finally:
        release(holder)
    assert not at.exception, at.exception
    assert "in use by another program" in _errors(at)
    assert "Try again in a minute" in _errors(at).replace("\\", "")


def test_a_new_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "new.duckdb")
    audit.log(store, "dee", "sign_in", "signed_in")
    assert store.path.stat().st_mode & 0o777 == 0o600


def test_a_file_made_by_another_program_is_refused_not_filled_with_our_tables(
    tmp_path: Path, capsys
) -> None:
    import duckdb

    other = tmp_path / "someone-elses.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE invoices AS SELECT 1 AS n, DATE '2017-01-01' AS due")
    con.close()
    before = sha256(other)
    assert main(["submissions", "--db", str(other)]) == 1
    err = capsys.readouterr().err
    assert "not one this application made" in err and "Traceback" not in err
    assert sha256(other) == before
