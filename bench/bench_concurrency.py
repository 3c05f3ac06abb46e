"""Thirty councillors at once: `python -m bench.bench_concurrency` (part of `make bench`).

Drives the dashboard the way a room of devices does, over Streamlit's own websocket protocol
(bench/ws_sessions.py), on a fresh database holding the illustrative sample, in demo mode
(so every session is a member, as a councillor is). For each set-up below it opens 30
sessions, warms them (each session's first run; then one session per process walks every
page, so every process's caches are warm), and then, for N = 1, 10 and 30, has the first N
sessions ask for each page at the same moment, timing each session's run from its request
to its `script_finished`. It prints p50, p95 and max per page and N, and the errors.

The set-ups, in this order (each Streamlit process is started fresh):

- floor, one process: a one-line Streamlit script (`st.title`): what Streamlit's websocket,
  rerun machinery and this load generator cost by themselves under the same load;
- app, one process: the dashboard, sessions straight to its port;
- floor and app, two processes behind nginx with the shipped configuration
  (deploy/serve.py, over HTTPS, each session with its own routing cookie; the cookies are
  chosen so that the sessions split evenly across the processes, as many devices do on
  average).

Beside each p95 is its ratio to the one-process floor's p95 at the same N (issue 17: every
page within 2x that floor with one process, and below it with two). Each row shows the
1-minute load average when it ended: the machine is shared and noisy, so compare ratios
within one run, never absolute times across runs. After the N = 30 rounds it prints the
resident memory (now and peak) of every Streamlit process.

Traffic goes only to 127.0.0.1; every wait has a timeout and every loop a count. Not a test:
exits 0 unless a set-up fails to start. `--levels 1,10` and `--pages overview,referrals`
make a quicker run; `--data scaled` serves ten years of every indicator with twenty teams
instead of the sample (bench/bench_concurrency_scaled.py, also in `make bench`).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.ws_sessions import Run, Session, all_ask, open_all
from deploy.serve import Running, free_ports, serve

ROOT = Path(__file__).resolve().parent.parent
LEVELS = (1, 10, 30)
SETUP_DEADLINE = 1200.0  # seconds for one set-up's whole measurement
ROUTE_PROBES = 400  # routing keys tried to split the sessions evenly
FLOOR_SCRIPT = 'import streamlit as st\n\nst.title("Floor")\n'
FLOOR = "(floor)"
# The floor again with Streamlit's own default of a full garbage collection after every run,
# which the deployment's .streamlit/config.toml turns off (runner.postScriptGC): the floor
# issue 17 measured, and the ratio it asked for.
DEFAULT_FLOOR = "floor, Streamlit defaults"
STREAMLIT_DEFAULTS = ("--runner.postScriptGC", "true")


@dataclass
class Setup:
    label: str
    script: str
    processes: int
    proxied: bool
    pages: list[str]  # url paths; the default page is asked for as "" (its address is /)
    levels: tuple[int, ...] = LEVELS
    default: str = FLOOR
    args: tuple[str, ...] = ()  # extra Streamlit options on the command line

    def page_name(self, page: str) -> str:
        return "" if page == self.default else page


@dataclass
class Measured:
    setup: Setup
    runs: dict[tuple[int, str], list[Run]] = field(default_factory=dict)
    # The one-line page's runs in the one-process floor, asked just before each round of
    # this set-up's page: the same moment's machine, so the ratio survives a noisy host.
    beside: dict[tuple[int, str], list[Run]] = field(default_factory=dict)
    # CPU seconds the set-up's Streamlit processes spent per session run in each round:
    # what a page costs the server, which a busy host barely moves (wall-clock it stretches).
    cpu: dict[tuple[int, str], float] = field(default_factory=dict)
    load: dict[tuple[int, str], float] = field(default_factory=dict)
    memory: list[tuple[str, int, int]] = field(default_factory=list)  # (process, rss, peak) MB
    split: list[int] = field(default_factory=list)  # sessions per process
    opening_errors: int = 0


def member_pages() -> tuple[list[str], str]:
    """The url paths of every page a member (a councillor) sees, in menu order; and which
    is the default page."""
    from core.roles import User
    from ui.navigation import specs_for

    member = User("Bench member", "bench@example.invalid", "member", demo=True)
    specs = specs_for(member)
    return [spec.url_path for spec in specs], next(s.url_path for s in specs if s.default)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of the processes so far, from /proc/PID/stat."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> tuple[int, int]:
    """(resident now, resident peak) in MB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.split()
    return int(fields["VmRSS"][0]) // 1024, int(fields["VmHWM"][0]) // 1024


def balanced_routes(running: Running, per_process: int) -> tuple[list[str], list[int], list[int]]:
    """Routing cookies, interleaved across the processes (A, B, A, B, ...), `per_process` each;
    the index of the first session on each process (who walks every page to warm it); and
    how many cookies reach each process."""
    found: dict[str, list[str]] = {upstream: [] for upstream in running.upstreams}
    tls = running.tls_context()
    for n in range(ROUTE_PROBES):
        if all(len(keys) >= per_process for keys in found.values()):
            break
        route = f"bench-{n}"
        request = urllib.request.Request(
            f"{running.url}/_stcore/health", headers={"Cookie": f"cyps_route={route}"}
        )
        with urllib.request.urlopen(request, timeout=30, context=tls):
            pass
        upstream = running.upstream_of(route)
        if len(found[upstream]) < per_process:
            found[upstream].append(route)
    columns = list(found.values())
    routes = [keys[i] for i in range(per_process) for keys in columns if i < len(keys)]
    split = [len(keys) for keys in columns]
    return [f"cyps_route={r}" for r in routes], list(range(len(columns))), split


async def walk(session: Session, pages: list[str]) -> int:
    errors = 0
    for page in pages:
        errors += (await session.ask(page)).errors
    return errors


async def measure(
    result: Measured,
    url: str,
    cookies: list[str],
    walkers: list[int],
    pids: list[int],
    tls,
    floor_url: str | None = None,
) -> None:
    pages = [result.setup.page_name(p) for p in result.setup.pages]
    sessions = [Session(url, cookie, tls) for cookie in cookies]
    floor = [Session(floor_url, "", None) for _ in cookies] if floor_url else []
    try:
        opened = await open_all(sessions)
        result.opening_errors = sum(r.errors for r in opened)
        warm = await asyncio.gather(*(walk(sessions[i], pages) for i in walkers))
        result.opening_errors += sum(warm)
        await open_all(floor)
        for n in result.setup.levels:
            for page in result.setup.pages:
                if floor:  # the floor's round first, at the same N, then the page's
                    result.beside[(n, page)] = await all_ask(floor[:n], "")
                spent = cpu_seconds(pids)
                result.runs[(n, page)] = await all_ask(sessions[:n], result.setup.page_name(page))
                result.cpu[(n, page)] = (cpu_seconds(pids) - spent) / n
                result.load[(n, page)] = os.getloadavg()[0]
        result.memory = [(f"pid {pid}", *memory_mb(pid)) for pid in pids]
    finally:
        await asyncio.gather(*(s.close() for s in [*sessions, *floor]), return_exceptions=True)


def run_setup(
    setup: Setup, env: dict[str, str], run_root: Path, floor_url: str | None = None
) -> Measured:
    *ports, https_port, http_port = free_ports(setup.processes + 2)
    result = Measured(setup)
    sessions = max(setup.levels)
    print(f"  {setup.label}: starting", flush=True)
    with serve(
        setup.processes, ports=ports, https_port=https_port, http_port=http_port, env=env,
        script=setup.script, run_dir=run_root / setup.label.replace(" ", "-").replace("'", ""),
        streamlit_args=setup.args,
    ) as running:  # fmt: skip
        if setup.proxied:
            url = running.url.replace("https://", "wss://") + "/_stcore/stream"
            per = math.ceil(sessions / setup.processes)
            cookies, walkers, result.split = balanced_routes(running, per)
            tls = running.tls_context()
        else:
            url = f"ws://{running.upstreams[0]}/_stcore/stream"
            cookies, walkers, tls = [""] * sessions, [0], None
            result.split = [sessions]
        start = time.perf_counter()
        asyncio.run(
            asyncio.wait_for(
                measure(result, url, cookies, walkers, running.pids, tls, floor_url),
                SETUP_DEADLINE,
            )
        )
        print(f"  {setup.label}: measured in {time.perf_counter() - start:.0f} s", flush=True)
    return result


def _beside_ratio(result: Measured, n: int, page: str) -> float | None:
    """The page's p95 over the p95 of the one-process floor's round asked just before it."""
    floor = result.beside.get((n, page))
    runs = result.runs.get((n, page))
    if not floor or not runs:
        return None
    return p95([r.seconds for r in runs]) / p95([r.seconds for r in floor])


def _cpu_ratio(result: Measured, floor: Measured, n: int, page: str) -> str:
    """Server CPU per session run against the one-process floor's at the same N."""
    base = floor.cpu.get((n, FLOOR))
    return f"{result.cpu[(n, page)] / base:.1f}x" if base else ""


def _beside(result: Measured, n: int, page: str) -> str:
    ratio = _beside_ratio(result, n, page)
    return "" if ratio is None else f"{ratio:.1f}x"


def report(results: list[Measured]) -> None:
    floor = next(r for r in results if r.setup.label == "floor, one process")
    levels = floor.setup.levels
    top = max(levels)
    floor_p95 = {n: p95([x.seconds for x in floor.runs[(n, FLOOR)]]) for n in levels}
    print()
    print("Seconds from a session's request to the end of its run, all N sessions asking at once")
    print(
        "(p95 ÷ floor: against the one-line page in one process at the same N; ÷ beside: "
        "against that page's round asked just before this one, in a one-process floor kept "
        "running beside the app, the fairer ratio on a busy host; cpu ms: the server's CPU "
        "time per session run (every process of the set-up), which load barely moves, and "
        f"÷ floor, against the floor's; {os.cpu_count()} cores)"
    )
    header = f"{'set-up':<26}{'N':>3}  {'page':<22}{'p50':>7}{'p95':>7}{'max':>7}"
    print(
        header
        + f"{'p95÷floor':>11}{'÷beside':>10}{'cpu ms':>9}{'÷floor':>8}{'errors':>8}{'load':>7}"
    )
    for result in results:
        for n in levels:
            for page in result.setup.pages:
                runs = result.runs.get((n, page), [])
                if not runs:
                    continue
                times = [r.seconds for r in runs]
                ratio = p95(times) / floor_p95[n]
                print(
                    f"{result.setup.label:<26}{n:>3}  {page:<22}"
                    f"{statistics.median(times):>7.2f}{p95(times):>7.2f}{max(times):>7.2f}"
                    f"{ratio:>10.1f}x{_beside(result, n, page):>10}"
                    f"{result.cpu[(n, page)] * 1000:>9.0f}{_cpu_ratio(result, floor, n, page):>8}"
                    f"{sum(r.errors for r in runs):>8}{result.load[(n, page)]:>7.1f}"
                )
        print()
    default = next((r for r in results if r.setup.label == DEFAULT_FLOOR), None)
    default_p95 = p95([x.seconds for x in default.runs[(top, FLOOR)]]) if default else None
    print(f"Worst page at N = {top} (p95, and its ratio to the one-process floor's p95"
          + (f"; to the floor at Streamlit's defaults, {default_p95:.2f} s" if default_p95 else "")
          + "):")  # fmt: skip
    for result in results:
        seconds, page = max((p95([r.seconds for r in result.runs[(top, p)]]), p)
                            for p in result.setup.pages)  # fmt: skip
        worst_beside = max((_beside_ratio(result, top, p) or 0.0, p) for p in result.setup.pages)
        beside = (
            f"; worst beside its floor round: {worst_beside[1]} {worst_beside[0]:.1f}x"
            if result.beside
            else ""
        )
        versus_default = f" ({seconds / default_p95:.1f}x)" if default_p95 else ""
        print(f"  {result.setup.label:<26}{page:<22}{seconds:>6.2f} s "
              f"{seconds / floor_p95[top]:>5.1f}x{versus_default}{beside}")  # fmt: skip
    print(f"Memory of each Streamlit process after the N = {top} rounds (resident now / peak, "
          "MB), sessions per process, errors while opening and warming:")  # fmt: skip
    for result in results:
        memory = ", ".join(f"{rss} / {peak}" for _, rss, peak in result.memory)
        split = "+".join(str(s) for s in result.split)
        print(f"  {result.setup.label:<26}{memory:<24} sessions {split:<7} "
              f"errors {result.opening_errors}")  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Concurrent sessions over the websocket.")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--pages", default="", help="url paths (default: every member page)")
    parser.add_argument(
        "--data",
        choices=("sample", "scaled"),
        default="sample",
        help="the illustrative sample, or ten years of every indicator with twenty teams",
    )
    args = parser.parse_args(argv)
    levels = tuple(sorted(int(n) for n in args.levels.split(",")))
    every, default = member_pages()
    pages = [p for p in args.pages.split(",") if p] or every
    from etl.sample.bundled import load_bundled_benchmarks, load_sample_if_empty
    from etl.store.database import Store

    with tempfile.TemporaryDirectory(prefix="cyps-bench-") as folder:
        db = Path(folder) / "cyps.duckdb"
        if args.data == "scaled":
            from bench.scaled_data import build_scaled_db

            build_scaled_db(db)
            load_bundled_benchmarks(Store(db))
        else:
            load_sample_if_empty(Store(db))
        floor = Path(folder) / "floor.py"
        floor.write_text(FLOOR_SCRIPT)
        env = {k: v for k, v in os.environ.items() if k != "CYPS_DEMO"}
        env |= {"CYPS_DB": str(db), "CYPS_DEMO": "on"}
        setups = [
            Setup("floor, one process", str(floor), 1, False, [FLOOR], levels),
            Setup(DEFAULT_FLOOR, str(floor), 1, False, [FLOOR], levels, args=STREAMLIT_DEFAULTS),
            Setup("app, one process", "dashboard.py", 1, False, pages, levels, default),
            Setup("floor, 2 processes+nginx", str(floor), 2, True, [FLOOR], levels),
            Setup("app, 2 processes+nginx", "dashboard.py", 2, True, pages, levels, default),
        ]
        print(
            f"{max(levels)} sessions on the {args.data} data; pages: {', '.join(pages)}; "
            f"N = {levels}",
            flush=True,
        )
        runs = ROOT / "bench" / "out" / f"concurrency-{time.strftime('%Y%m%d-%H%M%S')}"
        results = [
            run_setup(setup, env, runs) for setup in setups if setup.script != "dashboard.py"
        ]
        *ports, https_port, http_port = free_ports(3)
        with serve(
            1, ports=ports, https_port=https_port, http_port=http_port, env=env,
            script=str(floor), run_dir=runs / "floor-beside",
        ) as beside:  # fmt: skip
            floor_url = f"ws://{beside.upstreams[0]}/_stcore/stream"
            results += [
                run_setup(setup, env, runs, floor_url)
                for setup in setups
                if setup.script == "dashboard.py"
            ]
    report(results)
    print(f"Each process's log (tracebacks of any errors) and nginx's: {runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
