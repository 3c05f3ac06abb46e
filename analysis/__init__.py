"""Pure analysis of indicator series: no Streamlit, no database."""
