"""Thirty councillors at once: many sessions opening one database file in one process.

DuckDB raised "Unique file handle conflict ... already attached" when two threads opened
the same file at the same moment while a third wrote (seen under the 30-session load
benchmark); opens are now one at a time per file. Without that, this test failed with a
few such errors in a run of this size.
"""

from __future__ import annotations

import threading

from etl.store import queries
from etl.store.database import Store


def test_readers_and_writers_in_many_threads_never_clash_on_opening(sample_db: Store) -> None:
    errors: list[str] = []

    def reader() -> None:
        for _ in range(20):
            try:
                store = Store(sample_db.path)
                store.data_version()
                queries.current_values(store)
                queries.targets(store)
            except Exception as err:  # every failure is collected and reported below
                errors.append(repr(err)[:200])

    def writer() -> None:
        for _ in range(10):
            try:
                with Store(sample_db.path).writing() as con:
                    con.execute("SELECT 1").fetchall()
            except Exception as err:
                errors.append(repr(err)[:200])

    threads = [threading.Thread(target=reader) for _ in range(12)]
    threads += [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, sorted(set(errors))[:3]
