"""The store: the DuckDB file, its schema, versioned writes, read-only queries and the audit log.

The only package that imports `duckdb` (an import-linter contract checks it).
"""
