"""The DfE's published annual figures, imported as benchmarks for the monthly dashboard.

Councillors ask "how do we compare?": England, the region, the statistical neighbours and the
national rank answer it. The figures come from the DfE's own files (tidy open data, the LAIT
extract, legacy SFR tables and the statistical-neighbour models), kept exactly as published,
symbols included, with every release kept so a revision never hides the figure it replaced.

- `mapping`: which published column feeds which measure (data/benchmarks/mapping.csv) and whose
  dashboard this is (data/benchmarks/council.toml).
- `dfe_files`: readers that tell a file's kind from its header row.
- `comparators_file`: the council's own comparators (indicator, year, area, value, source) for
  figures the DfE does not publish, stored at the geographic level 'Comparator'.
- `store`: DuckDB tables (`ensure_schema`, `load_file`, queries).
- `cli`: `python -m etl benchmarks load|list`.

Like the rest of `etl`, nothing here imports Streamlit.
"""

SCHEMA_VERSION = (
    1  # for etl.store.database.SCHEMA_HOOKS: ("benchmarks", SCHEMA_VERSION, ensure_schema)
)
