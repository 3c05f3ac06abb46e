"""The domain core: the indicator catalogue, periods, settings, roles and the error root.

Everything else may import this package; it imports nothing of the project above it and
reads `data/` only through `core.settings`.
"""
