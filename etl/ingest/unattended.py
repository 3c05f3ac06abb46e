"""Loading a file with nobody at the upload page: the same checks, flags in place of ticks.

On the page a director reads the preview's warnings and ticks a box before
anything is stored. The command line (`python -m etl load`) prints the same
warnings, and refuses what the page would make a person confirm unless the
operator says so: `--force` for figures that look wrong (percentages typed as
fractions, moves far beyond the usual), `--allow-new-breakdowns` for team names
never seen before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.errors import CypsError, Kind
from etl.ingest.load import CommitResult, Preview, commit, prepare, preview
from etl.store.database import Store


class NeedsConfirmation(CypsError):
    """The preview found something a person must confirm; `reasons` say what, and how."""

    kind = Kind.INVALID_CONTENT

    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


def confirmations_needed(
    checked: Preview, force: bool = False, allow_new_breakdowns: bool = False
) -> list[str]:
    """What stops an unattended load of a previewed file, in sentences (empty: nothing)."""
    if not checked.changes_anything:
        return []
    reasons = []
    if checked.new_breakdowns and not allow_new_breakdowns:
        names = ", ".join(repr(n) for n in checked.new_breakdowns)
        reasons.append(
            f"New breakdown name(s) {names}: correct them, add them to [breakdowns] in "
            "data/settings.toml, or give --allow-new-breakdowns if they are new teams."
        )
    if checked.doubts and not force:
        reasons.append(
            f"{len(checked.doubts)} figure warning(s) above need a second look, as the upload "
            "page's tick does: correct the file, or give --force if the figures are right."
        )
    return reasons


def load_path(
    store: Store,
    path: Path,
    user: str,
    force: bool = False,
    allow_new_breakdowns: bool = False,
    warn: Callable[[str], None] | None = None,
) -> CommitResult:
    """Prepare, preview and commit one file from disk (the command line's `load`).

    Every preview warning goes to `warn`; the commit is refused (NeedsConfirmation)
    when one needs a flag that was not given, and (StalePreview) when another load
    landed between the preview and the commit.
    """
    prepared = prepare(path.name, path.read_bytes())
    checked = preview(store, prepared)
    if checked.already_loaded is None:
        for warning in checked.warnings:
            (warn or (lambda _text: None))(warning)
    reasons = confirmations_needed(checked, force, allow_new_breakdowns)
    if reasons:
        raise NeedsConfirmation(reasons)
    return commit(store, prepared, user, expected_version=checked.base_version)
