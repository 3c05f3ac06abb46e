"""data/settings.toml is read through one door, checked, and documented.

Every declared setting is in the file and in the README's settings table; a mistyped key,
a missing one or a value of the wrong kind is refused with a sentence naming it.
"""

from __future__ import annotations

import copy
import tomllib

import pytest

from core.settings import DATA_DIR, ROOT, SETTINGS, SettingsError, check_settings, council_name


def _file() -> dict:
    with open(DATA_DIR / "settings.toml", "rb") as fh:
        return tomllib.load(fh)


def test_the_shipped_settings_file_matches_the_declaration() -> None:
    assert check_settings(_file()) == _file()


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f"[{s}] {k}" for s, k in SETTINGS if f"`[{s}] {k}`" not in readme]
    assert not missing, f"add to the README's settings table: {missing}"


def test_a_mistyped_key_is_refused_naming_it() -> None:
    raw = copy.deepcopy(_file())
    raw["upload"]["max_file_mbs"] = 30
    with pytest.raises(SettingsError, match=r"\[upload\] max_file_mbs is not a setting"):
        check_settings(raw)


def test_a_missing_key_is_refused_naming_it() -> None:
    raw = copy.deepcopy(_file())
    del raw["contact"]["email"]
    with pytest.raises(SettingsError, match=r"\[contact\] email is missing"):
        check_settings(raw)


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("upload", "max_file_mb", "25"),
        ("publication", "suppress_max", True),
        ("council", "name", 5),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_naming_it(section, key, value) -> None:
    raw = copy.deepcopy(_file())
    raw[section][key] = value
    with pytest.raises(SettingsError, match=rf"\[{section}\] {key} = {value!r} should be"):
        check_settings(raw)


def test_the_council_is_named_once() -> None:
    assert council_name() == _file()["council"]["name"]
