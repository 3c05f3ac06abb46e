"""Renderers: pure functions from the analysis model to Plotly figures and report documents.

No Streamlit and no database here: a renderer is given what it draws.
"""
