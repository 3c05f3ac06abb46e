"""One error root: every error a person can meet has a kind, an exit code and a way to show.

Walks every module of the product, so a new exception class that forgets the root (and so
would reach a user as a traceback or the generic error box) fails here.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from core.errors import CypsError, Kind
from etl.cli.errors import EXIT_CODES
from ui.errors import SHOWN_AS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "analysis", "etl", "presentation", "ui")


def _exception_classes() -> list[type[BaseException]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                    cls = getattr(importlib.import_module(module), node.name)
                    if isinstance(cls, type) and issubclass(cls, BaseException):
                        found.append(cls)
    return found


CLASSES = _exception_classes()


def test_the_walk_finds_the_errors_users_meet() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"FileRefused", "Invalid", "StoreBusy", "NotAllowed", "PeriodError"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_project_error_has_the_root_and_a_kind(cls: type[BaseException]) -> None:
    assert issubclass(cls, CypsError), f"{cls.__name__} should subclass core.errors.CypsError"
    assert isinstance(cls.kind, Kind)


def test_every_kind_has_an_exit_code_and_a_way_to_be_shown() -> None:
    assert set(EXIT_CODES) == set(Kind)
    assert set(SHOWN_AS) == set(Kind)


def test_the_command_line_keeps_its_contract() -> None:
    """1 refused, 2 a wrong command, 3 busy: what automation already relies on."""
    assert EXIT_CODES[Kind.INVALID_CONTENT] == 1 and EXIT_CODES[Kind.REFUSED_FILE] == 1
    assert EXIT_CODES[Kind.INVALID_REQUEST] == 2
    assert EXIT_CODES[Kind.DATABASE_BUSY] == 3
