"""Outputs that leave the council: extracts (CSV, Excel), the upload template, publication rules."""
