"""Extract, validate and load CYPS indicator returns into DuckDB.

This package knows nothing of Streamlit: the dashboard and the command line
(`python -m etl`) both call the same functions, so a file behaves identically
whichever way it arrives.
"""
