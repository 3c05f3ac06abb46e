"""Sources in plain words (issue 16 §5): the publication a councillor reads, without the file
and column the import records, and the publications listed from data/benchmarks."""

from __future__ import annotations

from etl.benchmarks.release_dates import load_releases
from etl.benchmarks.sources import plain_source, publications


def test_the_file_and_column_are_dropped_and_the_publication_kept() -> None:
    stored = (
        "DfE, Characteristics of children in need, table C1 "
        "(c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv, rereferral_percent)"
    )
    assert plain_source(stored) == "DfE, Characteristics of children in need, table C1"


def test_a_worked_out_column_with_brackets_is_dropped_whole() -> None:
    stored = "DfE, SFR tables (SFR50_CLA2017.csv, 100 x (CLA_InLA_LTE20 + CLA_OutLA_LTE20) / CLA)"
    assert plain_source(stored) == "DfE, SFR tables"


def test_several_sources_are_each_cleaned_and_said_once() -> None:
    stored = "DfE, A (a_1.csv, x_y); Mean of neighbours (DfE model 2021); DfE, A"
    assert plain_source(stored) == "DfE, A; Mean of neighbours (DfE model 2021)"


def test_a_council_source_with_brackets_of_its_own_is_left_alone() -> None:
    assert plain_source("Council survey (own, 2016)") == "Council survey (own, 2016)"


def test_every_release_is_a_publication_with_an_https_link() -> None:
    names = {p.name for p in publications()}
    assert {r.title for r in load_releases().values()} <= names
    assert all(p.url.startswith("https://") for p in publications())
