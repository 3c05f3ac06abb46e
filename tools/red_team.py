"""`python -m tools.red_team`: rerun issue 13's attack classes and print the red-team table.

Issue 13 asks its closing note for the red-team table (attempts, held, failed, data lost)
from a rerun of the attacks. Each attack is a test that writes its hostile file, so the
rerun is one pytest run of the tests that tools/red_team.toml lists for each class, read
back from pytest's JUnit XML. "Data lost" counts the failed tests that assert the database
is unchanged (or every row kept): those are the only attempts whose failure could mean a
figure lost or changed; the mapping file says which they are, decided by reading them.
Exit status: 0 when every attempt held, 1 when any failed, 2 when the rerun could not be
made (the mapping names a test that no longer exists, or pytest did not run).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "tools" / "red_team.toml"
NO_STORE = "n/a (no attempt writes to a database)"


@dataclass(frozen=True)
class AttackClass:
    """One class of attack from issue 13 and the tests that replay it."""

    name: str
    section: str
    what: str
    tests: tuple[str, ...]
    store_checks: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    """One test case as pytest reported it."""

    file: str  # tests/...py
    function: str  # the test function, without parameters
    name: str  # as reported, parameters included
    result: str  # "passed", "failed" or "skipped"


@dataclass
class Row:
    """One line of the table."""

    attack: AttackClass
    attempts: int = 0
    held: int = 0
    failed: list[Outcome] = field(default_factory=list)
    skipped: int = 0
    checks_run: int = 0
    lost: list[Outcome] = field(default_factory=list)


def read_mapping(path: Path = MAPPING) -> list[AttackClass]:
    """The classes in `path`, in its order."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        AttackClass(
            name=str(c["name"]),
            section=str(c["section"]),
            what=str(c["what"]),
            tests=tuple(str(t) for t in c["tests"]),
            store_checks=frozenset(str(s) for s in c.get("store_checks", [])),
        )
        for c in raw["class"]
    ]


def mapping_problems(classes: Sequence[AttackClass], root: Path = ROOT) -> list[str]:
    """Sentences for each path in the mapping that does not exist (before anything is run)."""
    problems = []
    for attack in classes:
        if not attack.tests:
            problems.append(f"The class '{attack.name}' lists no tests.")
        for entry in attack.tests:
            file = entry.split("::")[0]
            if not (root / file).exists():
                problems.append(f"The class '{attack.name}' lists {file}, which does not exist.")
    return problems


def _file_of(classname: str, root: Path) -> str:
    """The test file of a JUnit classname (`tests.etl.test_x` or `tests.etl.test_x.TestY`)."""
    parts = classname.split(".")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if (root / candidate).is_file():
            return candidate
    return "/".join(parts) + ".py"


def read_junit(xml_path: Path, root: Path = ROOT) -> list[Outcome]:
    """Every test case in pytest's JUnit XML, with its file and result."""
    outcomes = []
    for case in ElementTree.parse(xml_path).getroot().iter("testcase"):
        name = case.get("name", "")
        classname = case.get("classname", "")
        if not classname:  # a file that could not be collected: its module is the name
            classname, name = name, "collection"
        if case.find("skipped") is not None:
            result = "skipped"
        elif case.find("failure") is not None or case.find("error") is not None:
            result = "failed"
        else:
            result = "passed"
        function = re.sub(r"\[.*\]$", "", name)
        outcomes.append(Outcome(_file_of(classname, root), function, name, result))
    return outcomes


def _belongs(outcome: Outcome, entry: str) -> bool:
    file, _, function = entry.partition("::")
    if function:
        return outcome.file == file and outcome.function in (function, "collection")
    file = file.rstrip("/")
    return outcome.file == file or outcome.file.startswith(file + "/")


def tabulate(classes: Sequence[AttackClass], outcomes: Iterable[Outcome]) -> list[Row]:
    """One row per class: what its tests did, and which failures could mean data lost."""
    seen = list(outcomes)
    rows = []
    for attack in classes:
        row = Row(attack)
        for outcome in seen:
            if not any(_belongs(outcome, entry) for entry in attack.tests):
                continue
            checks_store = outcome.function in attack.store_checks
            if outcome.result == "skipped":
                row.skipped += 1
                continue
            row.attempts += 1
            row.checks_run += checks_store
            if outcome.result == "passed":
                row.held += 1
            else:
                row.failed.append(outcome)
                if checks_store:
                    row.lost.append(outcome)
        rows.append(row)
    return rows


def stale_checks(rows: Sequence[Row], outcomes: Iterable[Outcome]) -> list[str]:
    """Sentences for store checks named in the mapping that are not tests of their class."""
    seen = list(outcomes)
    problems = []
    for row in rows:
        ran = {o.function for o in seen if any(_belongs(o, e) for e in row.attack.tests)}
        for name in sorted(row.attack.store_checks - ran):
            problems.append(
                f"The class '{row.attack.name}' names {name} as a store check, but no test of "
                "that name ran in the class: correct tools/red_team.toml."
            )
        if not ran:
            problems.append(f"No test of the class '{row.attack.name}' ran.")
    return problems


def _lost_cell(row: Row) -> str:
    if not row.attack.store_checks:
        return NO_STORE
    if not row.lost:
        return "0"
    return f"{len(row.lost)} (a failed store check: see below)"


def markdown_table(rows: Sequence[Row]) -> str:
    """The red-team table in Markdown, with a total line."""
    lines = [
        "| Class (issue 13 §) | Attempts | Held | Failed | Data lost | Tests that check the "
        "database is unchanged |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        checks = f"{row.checks_run} of {row.attempts}" if row.attack.store_checks else "none"
        lines.append(
            f"| {row.attack.name} (§{row.attack.section}) | {row.attempts} | {row.held} | "
            f"{len(row.failed)} | {_lost_cell(row)} | {checks} |"
        )
    attempts = sum(r.attempts for r in rows)
    held = sum(r.held for r in rows)
    failed = sum(len(r.failed) for r in rows)
    lost = sum(len(r.lost) for r in rows)
    checks_run = sum(r.checks_run for r in rows)
    lines.append(
        f"| **All classes** | **{attempts}** | **{held}** | **{failed}** | **{lost}** | "
        f"**{checks_run} of {attempts}** |"
    )
    return "\n".join(lines)


def notes(rows: Sequence[Row]) -> list[str]:
    """What the table cannot say: skipped tests, and each failure by name."""
    said = []
    for row in rows:
        if row.skipped:
            said.append(f"{row.attack.name}: {row.skipped} test(s) skipped, not counted.")
        for outcome in row.failed:
            check = " (checks the database is unchanged)" if outcome in row.lost else ""
            said.append(f"{row.attack.name}: FAILED {outcome.file}::{outcome.name}{check}")
    return said


def _pytest_targets(classes: Sequence[AttackClass]) -> list[str]:
    """Each path once, a whole file or folder standing for any of its single tests."""
    entries = list(dict.fromkeys(e for c in classes for e in c.tests))
    whole = [e for e in entries if "::" not in e]
    return [
        e
        for e in entries
        if "::" not in e
        or not any(_belongs(Outcome(e.split("::")[0], "", "", ""), w) for w in whole)
    ]


def run_pytest(
    classes: Sequence[AttackClass], workers: int, xml_path: Path, root: Path = ROOT
) -> int:
    """One pytest run of every class's tests, its JUnit XML written to `xml_path`."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not browser",
        f"--junitxml={xml_path}",
    ]
    if workers > 1:
        command += ["-n", str(workers)]
    command += _pytest_targets(classes)
    return subprocess.run(command, cwd=root, check=False).returncode


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.red_team",
        description="Rerun issue 13's attack classes and print the red-team table.",
    )
    parser.add_argument("--mapping", type=Path, default=MAPPING, help="the class-to-test file")
    parser.add_argument(
        "--workers", type=int, default=2, help="pytest worker processes (1 runs in one process)"
    )
    parser.add_argument(
        "--junit", type=Path, help="read this JUnit XML from an earlier run instead of running"
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the folder the mapping's paths are under"
    )
    args = parser.parse_args(argv)
    classes = read_mapping(args.mapping)
    problems = mapping_problems(classes, args.root)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="red-team-") as folder:
        xml_path = args.junit or Path(folder) / "red-team.xml"
        if args.junit is None:
            code = run_pytest(classes, args.workers, xml_path, args.root)
            if not xml_path.exists():
                print(f"pytest did not run (exit {code}): no results to count.", file=sys.stderr)
                return 2
        outcomes = read_junit(xml_path, args.root)
    rows = tabulate(classes, outcomes)
    print()
    print(markdown_table(rows))
    for line in notes(rows):
        print(f"- {line}")
    stale = stale_checks(rows, outcomes)
    if stale:
        print("\n".join(stale), file=sys.stderr)
        return 2
    return 1 if any(r.failed for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
