"""`make lint`'s type check: zero mypy errors below presentation, a shrinking baseline above.

The domain core, analysis and etl must type-check cleanly. The Streamlit and Plotly layers
(`presentation`, `ui`, `pages`, `dashboard.py`) lean on libraries without stubs, so they may
start from a committed baseline, `tools/mypy-baseline.txt`: one `path count` line per file.
A file may never gain errors; when a file loses some, the gate says so and
`python -m tools.mypy_gate --update` writes the smaller baseline to commit.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tools" / "mypy-baseline.txt"
STRICT = ("core/", "analysis/", "etl/")
ERROR_LINE = re.compile(r"^(?P<path>[^:\s]+\.py):\d+: error: ")


def run_mypy() -> tuple[str, Counter[str]]:
    """Run mypy with the project's configuration; return its output and errors per file."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    output = done.stdout + done.stderr
    counts: Counter[str] = Counter()
    for line in output.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            counts[match["path"]] += 1
    if done.returncode not in (0, 1):  # 2 is a crash or a configuration error
        raise SystemExit(f"mypy could not run:\n{output}")
    return output, counts


def read_baseline() -> Counter[str]:
    counts: Counter[str] = Counter()
    if BASELINE.exists():
        for line in BASELINE.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                path, count = line.split()
                counts[path] = int(count)
    return counts


def write_baseline(counts: Counter[str]) -> None:
    lines = ["# mypy errors allowed per file above etl (may only shrink; see tools/mypy_gate.py)"]
    lines += [f"{path} {count}" for path, count in sorted(counts.items()) if count]
    BASELINE.write_text("\n".join(lines) + "\n")


def main(argv: list[str]) -> int:
    output, counts = run_mypy()
    strict = {p: n for p, n in counts.items() if p.startswith(STRICT)}
    loose = Counter({p: n for p, n in counts.items() if not p.startswith(STRICT)})
    if "--update" in argv:
        write_baseline(loose)
        print(f"Wrote {BASELINE.relative_to(ROOT)}: {sum(loose.values())} errors allowed.")
    baseline = read_baseline()
    grown = {p: (baseline.get(p, 0), n) for p, n in loose.items() if n > baseline.get(p, 0)}
    shrunk = {p: (b, loose.get(p, 0)) for p, b in baseline.items() if loose.get(p, 0) < b}
    if strict or grown:
        print(output)
    for path, count in sorted(strict.items()):
        print(f"mypy: {path} has {count} error(s); core, analysis and etl must have none.")
    for path, (before, now) in sorted(grown.items()):
        print(f"mypy: {path} has {now} error(s), more than the baseline's {before}.")
    if shrunk and "--update" not in argv:
        print(
            "mypy: fewer errors than the baseline in "
            + ", ".join(sorted(shrunk))
            + ": run `python -m tools.mypy_gate --update` and commit the smaller baseline."
        )
    total = sum(counts.values())
    print(f"mypy: {total} error(s); {sum(strict.values())} in core/analysis/etl (must be 0).")
    return 1 if strict or grown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
