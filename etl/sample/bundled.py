"""Load the bundled illustrative sample into an empty database, and tell when it is shown.

Sample submissions are recorded under a submitter name that says what they are,
so every page can show the "illustrative data" banner while any sample figure
is current, and stop showing it once real figures replace them all.
"""

from __future__ import annotations

from core.settings import SAMPLE_DIR
from etl.benchmarks.bundled_releases import holds_releases, load_bundled
from etl.ingest.load import AlreadyLoaded, commit, prepare
from etl.sample.generate import SAMPLE_FILES
from etl.sample.plan import load_sample_plan
from etl.store.database import Store

SAMPLE_SUBMITTER = "Sample data loader (illustrative figures)"


def is_empty(store: Store) -> bool:
    return store.query("SELECT count(*) AS n FROM submissions")["n"].iloc[0] == 0


def load_sample(store: Store) -> int:
    """Load every sample file in order; returns how many submissions were made."""
    made = 0
    for name in SAMPLE_FILES:
        path = SAMPLE_DIR / name
        try:
            result = commit(store, prepare(name, path.read_bytes()), SAMPLE_SUBMITTER)
        except AlreadyLoaded:
            continue
        made += result.submission_id is not None
    return made


def load_bundled_benchmarks(store: Store) -> int:
    """Load the published DfE files listed in data/benchmarks/bundled.toml; returns how many."""
    return len(load_bundled(store))


def load_sample_if_empty(store: Store) -> bool:
    """Fill an empty database with the illustrative sample, the bundled DfE benchmarks and the
    illustrative improvement plan."""
    if store.path.exists() and not is_empty(store):
        return False
    made = load_sample(store)
    if not holds_releases(store):  # as every new database gets them (etl.benchmarks...)
        load_bundled(store)
    if store.query("SELECT count(*) AS n FROM plan_snapshots")["n"].iloc[0] == 0:
        load_sample_plan(store, SAMPLE_SUBMITTER)  # the illustrative improvement plan
    return made > 0


DEMO_ADDRESS_SUFFIX = "@example.invalid"  # core.roles demo users' addresses


def real_submitters(store: Store) -> list[str]:
    """Who loaded figures other than the illustrative sample and demo users, if anyone.

    Demo mode must never run beside a council's real figures: one submission (or one
    improvement plan snapshot) by a person, through the app or the command line, is enough
    to refuse it.
    """
    if not store.path.exists():
        return []
    frame = store.query(
        "SELECT DISTINCT submitted_by FROM (SELECT submitted_by FROM submissions "
        "UNION ALL SELECT submitted_by FROM plan_snapshots) "
        "WHERE submitted_by <> ? AND NOT ends_with(submitted_by, ?) ORDER BY 1",
        [SAMPLE_SUBMITTER, DEMO_ADDRESS_SUFFIX],
    )
    return [str(v) for v in frame["submitted_by"]]


def showing_sample(store: Store) -> bool:
    """True while any current figure came from the illustrative sample."""
    if not store.path.exists():
        return False
    return bool(
        store.query(
            "SELECT count(*) AS n FROM current_observations WHERE submitted_by = ?",
            [SAMPLE_SUBMITTER],
        )["n"].iloc[0]
    )
