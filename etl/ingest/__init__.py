"""Ingest: from an uploaded file to checked figures, a preview, a commit and a rollback.

File checks, workbook reading, the two layouts, the row checker and its fast path, warnings.
"""
