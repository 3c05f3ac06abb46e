"""The illustrative sample: synthetic figures shaped on public facts, and loading them for demos."""
