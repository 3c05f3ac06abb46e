"""Issue 12 §5: the public committee report discloses no child; the exempt one shows every
figure under the Schedule 12A marking, and only officers and directors may produce it (the page's
builder and the command line alike)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from core.catalogue import catalogue
from etl.ingest.load import Prepared, commit
from etl.ingest.validate import OBSERVATION_COLUMNS
from etl.outputs.extract import extract
from etl.outputs.extract_filter import build_filter
from etl.outputs.report_figures import EXEMPT_MARKING
from etl.store.audit import events
from etl.store.database import Store
from etl.store.revisions import TARGET_COLUMNS
from presentation.report.cli import main as report_cli
from presentation.report.html import build_report_html

CAT = catalogue()
MARCH_2017 = dt.date(2017, 3, 1)
FAR = "Over 100 miles"
ROW = f"{CAT.get('LAC_DISTANCE').name}: {FAR.lower()}"  # the summary table's row for it
MARKER = "March 2017: 3 ("  # the chart point's title for the 3 children


@pytest.fixture
def three_far(sample_db: Store) -> Store:
    """The sample with a file loaded that puts 3 children over 100 miles in March 2017."""
    records = [("LAC_DISTANCE", MARCH_2017, FAR, 3.0, None, None, None, "data", 2)]
    frame = pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
    digest = hashlib.sha256(repr(records).encode()).hexdigest()
    prepared = Prepared(
        "far.xlsx", digest, "long", "data", frame, pd.DataFrame(columns=TARGET_COLUMNS)
    )
    commit(sample_db, prepared, "Test loader")
    return sample_db


def summary_cells(html: str, row: str) -> list[str]:
    """The summary table's cells (after the name) for the row named `row`."""
    found = re.search(rf'<th scope="row">{re.escape(row)}</th>(.*?)</tr>', html)
    assert found, row
    return re.findall(r"<td[^>]*>(.*?)</td>", found.group(1))


def article(html: str, code: str) -> str:
    return html[html.index(f'id="ind-{code}"') :].split("</article>", 1)[0]


def test_the_public_report_shows_c_where_the_published_extract_does(three_far: Store) -> None:
    published = extract(three_far, build_filter(first=MARCH_2017, last=MARCH_2017, published=True))
    far = published.rows[
        (published.rows["indicator"] == "LAC_DISTANCE") & (published.rows["breakdown"] == FAR)
    ]
    assert list(far["value"]) == ["c"]  # the extract's verdict, which the report must match
    html = build_report_html(three_far, MARCH_2017)
    cells = summary_cells(html, ROW)
    assert cells[1] == "c" and cells[3] == "c"  # Latest and Status
    assert "3" not in cells[1:4]
    section = unescape(article(html, "LAC_DISTANCE"))
    assert MARKER not in html
    assert "is suppressed (c) to protect children's confidentiality" in section
    assert "Suppressed (c), so not drawn: March 2017." in section
    assert "'c' marks a figure suppressed" in unescape(html)  # the symbol explained
    assert EXEMPT_MARKING not in html


def test_the_exempt_report_shows_the_3_and_is_marked_on_every_page(three_far: Store) -> None:
    html = build_report_html(three_far, MARCH_2017, exempt=True)
    assert summary_cells(html, ROW)[1] == "3"
    assert MARKER in article(html, "LAC_DISTANCE")
    sections = html.count("<section")
    assert html.count(f'<p class="exempt-marking"><strong>{EXEMPT_MARKING}</strong>') == sections
    assert "@top-center" in html and "@bottom-center" in html  # running header and footer
    assert html.count(f'content: "{EXEMPT_MARKING}"') == 2
    assert f"<title>{EXEMPT_MARKING}." in html


@pytest.fixture
def roles_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A roles file granting one member and one officer by e-mail, as the command line reads."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "roles.toml").write_text(
        '[emails]\n"cllr@example.gov.uk" = "member"\n"Officer@example.gov.uk" = "officer"\n'
    )
    monkeypatch.setattr("core.roles.DATA_DIR", folder)
    return folder / "roles.toml"


def test_the_command_line_writes_both_versions_and_refuses_a_member_the_exempt_one(
    three_far: Store, roles_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db = str(three_far.path)
    public, exempt = tmp_path / "public.html", tmp_path / "exempt.html"
    common = ["--month", "2017-03", "--format", "html", "--db", db]
    assert report_cli([*common, "--output", str(public), "--user", "cllr@example.gov.uk"]) == 0
    text = public.read_text()
    assert summary_cells(text, ROW)[1] == "c" and MARKER not in text
    refused = tmp_path / "refused.html"
    member = ["--exempt", "--output", str(refused), "--user", "cllr@example.gov.uk"]
    assert report_cli([*common, *member]) != 0
    assert not refused.exists()
    assert "does not allow this: exempt report" in capsys.readouterr().err
    officer = ["--exempt", "--output", str(exempt), "--user", "officer@example.gov.uk"]
    assert report_cli([*common, *officer]) == 0
    text = exempt.read_text()
    assert summary_cells(text, ROW)[1] == "3" and EXEMPT_MARKING in text
    log = events(three_far)
    reports = log[log["action"] == "extract"]
    assert list(reports["outcome"].head(3)) == ["done", "refused", "done"]
    assert "exempt" in str(reports["detail"].iloc[0])  # newest first
