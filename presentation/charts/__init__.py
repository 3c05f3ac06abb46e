"""Plotly figure builders for the pages."""
