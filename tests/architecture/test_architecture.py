"""The house plan holds: the docs name every layer contract, and dashboard.py stays on top.

import-linter checks the packages (`make lint`); it cannot name `dashboard.py`, which is a
module, so its imports are checked here with `ast`.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "analysis", "etl", "presentation", "ui", "pages")


def _contracts() -> list[dict]:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["tool"]["importlinter"]["contracts"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_every_import_linter_contract_is_named_in_the_architecture_doc() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [c["name"] for c in _contracts() if c["name"] not in doc or c["id"] not in doc]
    assert not missing, f"docs/architecture.md does not name: {missing}"


def test_the_contracts_cover_the_four_rules_the_house_plan_asks_for() -> None:
    kinds = {c["id"]: c for c in _contracts()}
    assert kinds["layers"]["layers"] == ["pages", "ui", "presentation", "etl", "analysis", "core"]
    assert kinds["duckdb"]["forbidden_modules"] == ["duckdb"]
    assert "etl.store" not in kinds["duckdb"]["source_modules"]
    assert kinds["streamlit"]["forbidden_modules"] == ["streamlit"]
    assert set(kinds["streamlit"]["source_modules"]) == {"core", "analysis", "etl", "presentation"}
    assert kinds["pages"]["forbidden_modules"] == ["pages"]


def test_dashboard_imports_only_the_core_and_the_streamlit_glue() -> None:
    project = {m for m in _imports(ROOT / "dashboard.py") if m.split(".")[0] in PACKAGES}
    assert project, "dashboard.py should build the app from ui/"
    assert {m.split(".")[0] for m in project} <= {"core", "ui"}, project


def test_nothing_imports_the_entry_script() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "dashboard" in _imports(path)
    ]
    assert not offenders


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for folder in (*PACKAGES, "tests", "bench", "tools")
        for path in (ROOT / folder).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not long, f"split these (lines): {long}"
