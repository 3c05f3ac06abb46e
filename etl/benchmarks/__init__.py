"""The DfE's published annual figures, imported as benchmarks for the monthly dashboard.

Councillors ask "how do we compare?": England, the region, the statistical neighbours and the
national rank answer it. The figures come from the DfE's own files (tidy open data, the LAIT
extract, legacy SFR tables and the statistical-neighbour models), kept exactly as published,
symbols included, with every release kept so a revision never hides the figure it replaced.

- `mapping`: which published column feeds which measure (data/benchmarks/mapping.csv) and whose
  dashboard this is (data/benchmarks/council.toml).
- `dfe_files`: reading a published file as text and telling its kind from its header row;
  `dfe_geography` (areas and years of its rows), `dfe_values` (its figures, through the mapping),
  `neighbour_models` (the statistical-neighbour models).
- `comparators_file`: the council's own comparators (indicator, year, area, value, source) for
  figures the DfE does not publish, stored at the geographic level 'Comparator'.
- `published`: the measures on offer, the council's area and the stored figures;
  `chart_lines` (annual lines and notes for the monthly charts), `comparison` (one measure and
  year, and the rank over the years), `latest` (the comparators beside the scorecard).
- `releases`: a file read and stored as one release (`etl.store.benchmark_releases` holds the
  tables); loaded by `python -m etl benchmarks load|list`.

Like the rest of `etl`, nothing here imports Streamlit.
"""
