"""The committee report's renderers: HTML with inline SVG charts, and a PDF printed by Chromium."""
