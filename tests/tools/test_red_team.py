"""`python -m tools.red_team` counts issue 13's attacks honestly, and its mapping is current."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from tools.red_team import MAPPING, NO_STORE, ROOT, main, mapping_problems, read_mapping

ATTACKS = """
import pytest

@pytest.mark.parametrize("cell", ["1E+309", "18,2"])
def test_a_hostile_cell_is_refused(cell):
    assert cell

def test_a_refused_file_leaves_the_database_unchanged():
    assert "before" == "after", "the database changed"

def test_the_sentence_names_the_cell():
    assert True

@pytest.mark.skip(reason="needs nginx")
def test_through_the_proxy():
    pass
"""


def _project(tmp_path: Path, store_checks: list[str]) -> Path:
    """A folder with one test file of attacks and a mapping naming it as one class."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_fake_attacks.py").write_text(textwrap.dedent(ATTACKS))
    mapping = tmp_path / "red_team.toml"
    checks = ", ".join(f'"{c}"' for c in store_checks)
    mapping.write_text(
        '[[class]]\nname = "Hostile cells"\nsection = "2"\nwhat = "Cells."\n'
        f'tests = ["tests/test_fake_attacks.py"]\nstore_checks = [{checks}]\n'
    )
    return mapping


def _defined_tests(path: Path) -> set[str]:
    files = sorted(path.rglob("test_*.py")) if path.is_dir() else [path]
    return {
        node.name
        for file in files
        for node in ast.walk(ast.parse(file.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test")
    }


def test_every_path_in_the_mapping_exists_and_every_store_check_is_a_test_of_its_class() -> None:
    classes = read_mapping(MAPPING)
    assert len(classes) >= 14
    assert mapping_problems(classes) == []
    for attack in classes:
        defined: set[str] = set()
        for entry in attack.tests:
            file, _, function = entry.partition("::")
            tests = _defined_tests(ROOT / file)
            assert not function or function in tests, entry
            defined |= {function} if function else tests
        assert attack.store_checks <= defined, (attack.name, attack.store_checks - defined)


def test_a_failed_store_check_is_counted_as_data_lost_and_the_run_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = _project(tmp_path, ["test_a_refused_file_leaves_the_database_unchanged"])
    code = main(["--mapping", str(mapping), "--root", str(tmp_path), "--workers", "1"])
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "| Hostile cells (§2) | 4 | 3 | 1 | 1 (a failed store check: see below) | 1 of 4 |" in out
    )
    assert "Hostile cells: 1 test(s) skipped, not counted." in out
    assert (
        "FAILED tests/test_fake_attacks.py::test_a_refused_file_leaves_the_database_unchanged "
        "(checks the database is unchanged)" in out
    )


def test_a_class_whose_tests_write_no_database_says_so_instead_of_zero_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = _project(tmp_path, [])
    assert main(["--mapping", str(mapping), "--root", str(tmp_path), "--workers", "1"]) == 1
    assert f"| Hostile cells (§2) | 4 | 3 | 1 | {NO_STORE} | none |" in capsys.readouterr().out


def test_a_store_check_that_is_no_longer_a_test_stops_the_run_with_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = _project(tmp_path, ["test_a_renamed_check"])
    assert main(["--mapping", str(mapping), "--root", str(tmp_path), "--workers", "1"]) == 2
    assert "names test_a_renamed_check as a store check" in capsys.readouterr().err


def test_a_mapping_naming_a_missing_file_runs_nothing_and_says_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = _project(tmp_path, [])
    mapping.write_text(mapping.read_text().replace("test_fake_attacks", "test_gone"))
    assert main(["--mapping", str(mapping), "--root", str(tmp_path)]) == 2
    assert "lists tests/test_gone.py, which does not exist" in capsys.readouterr().err
