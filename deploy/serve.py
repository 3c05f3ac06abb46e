"""`make serve`: several Streamlit processes on loopback ports behind nginx, until Ctrl+C.

Python runs one core per process, so one Streamlit process cannot use a second core however
many people are waiting. This starts N processes of the dashboard (ports 8601, 8602, ...,
listening on 127.0.0.1 only) over the same database file, and nginx in front of them with
the shipped configuration (deploy/nginx/cyps.conf: TLS, security headers, sticky routing),
rendered into a run directory so that nginx runs as the current user. Without --cert and
--key it makes a self-signed certificate for the run (browsers will warn).

CYPS_DB and CYPS_DEMO come from the environment, as for `make run`; demo mode stays off
unless CYPS_DEMO=on. In demo mode an empty database is filled with the sample before the
processes start, so two processes never race to do it.

The tests (tests/deploy) and the load benchmark (bench/bench_concurrency.py) start the same
deployment on free ports with `serve(...)`.
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from deploy.nginx_conf import TEMP_DIRS, Site, access_entries, main_conf, render_site

ROOT = Path(__file__).resolve().parent.parent
FIRST_PORT = 8601
START_SECONDS = 90  # per deployment: N processes importing pandas and plotly on 2 cores
STOP_SECONDS = 10
NGINX_PATHS = ("/usr/sbin/nginx", "/usr/local/sbin/nginx")


class ServeError(RuntimeError):
    """The deployment could not start; the message says what to do."""


@dataclass
class Running:
    """A started deployment: where to reach it and where its logs are."""

    url: str  # https://address:port (through nginx)
    http_url: str  # the plain-HTTP port, which only redirects
    run_dir: Path
    cert: Path
    upstreams: list[str]  # "127.0.0.1:8601", ... in process order
    pids: list[int]  # Streamlit processes, in the same order
    logs: dict[str, Path] = field(default_factory=dict)  # upstream -> its Streamlit log
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)  # name -> process

    def stopped(self) -> list[str]:
        """The processes of this deployment that have exited (none while all is well)."""
        return [name for name, process in self.processes.items() if process.poll() is not None]

    @property
    def access_log(self) -> Path:
        return self.run_dir / "access.log"

    def served(self) -> list[dict[str, str]]:
        """What nginx served so far: {request, status, upstream, route} per request."""
        return access_entries(self.access_log)

    def upstream_of(self, route: str, timeout: float = 5.0) -> str:
        """The process that served the requests carrying routing cookie `route`.

        nginx logs a request just after answering it, so this waits (up to `timeout`) for the
        entry. Raises if none came or if the requests went to more than one process.
        """
        deadline = time.monotonic() + timeout
        while not (found := {e["upstream"] for e in self.served() if e["route"] == route}):
            if time.monotonic() > deadline:
                raise ServeError(f"nginx logged no request with routing cookie {route!r}.")
            time.sleep(0.05)
        if len(found) > 1:
            raise ServeError(f"Routing cookie {route!r} reached several processes: {found}")
        return found.pop()

    def tls_context(self) -> ssl.SSLContext:
        """A client context that trusts this run's own certificate (and nothing else)."""
        return ssl.create_default_context(cafile=str(self.cert))


def nginx_binary() -> str | None:
    """Debian's nginx (apt-get install nginx); /usr/sbin is not on an ordinary user's PATH."""
    found = shutil.which("nginx")
    return found or next((p for p in NGINX_PATHS if Path(p).is_file()), None)


def free_ports(count: int) -> list[int]:
    """`count` different loopback ports free now (each held until all are chosen)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _port_taken(port: int, address: str) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError:
            return True
    return False


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, valid for a week (openssl)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "7", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    key.chmod(0o600)
    return cert, key


def _worker_user() -> tuple[str, str] | None:
    """Started as root, nginx's workers drop to `nobody`; otherwise they stay who we are."""
    if os.geteuid() != 0:
        return None
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_name, grp.getgrgid(nobody.pw_gid).gr_name


def _temp_dir(run_dir: Path, worker: tuple[str, str] | None) -> Path:
    """Where nginx's workers keep request bodies (uploads) while passing them on.

    Under the run directory; but workers that dropped from root to `worker` must reach it,
    and a run directory may sit below folders only root can enter, so they then get a
    folder of their own in the system's temporary directory (which everyone can enter).
    """
    temp = Path(tempfile.mkdtemp(prefix="cyps-nginx-")) if worker else run_dir / "temp"
    for name in TEMP_DIRS:
        (temp / name).mkdir(parents=True, exist_ok=True)
        if worker:
            shutil.chown(temp / name, *worker)
    if worker:
        temp.chmod(0o711)  # the workers pass through to their own folders, and read nothing
    return temp


def _healthy(url: str, context: ssl.SSLContext | None = None) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2, context=context) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def _start(command: Sequence[str], log: Path, env: Mapping[str, str]) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def stop(process: subprocess.Popen, first: int = signal.SIGTERM) -> None:
    """Stop a process started here and anything it started (its own process group)."""
    for sig, wait in ((first, STOP_SECONDS), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _fill_sample_if_demo(env: Mapping[str, str]) -> None:
    if env.get("CYPS_DEMO", "").strip().strip("\"'").lower() != "on":
        return
    from etl.sample.bundled import load_sample_if_empty
    from etl.store.database import Store

    load_sample_if_empty(Store(env.get("CYPS_DB") or None))


def _wait_until(
    ready: list[tuple[str, ssl.SSLContext | None]], children: dict[str, tuple], deadline: float
) -> None:
    waiting = list(ready)
    while waiting:
        for name, (process, log) in children.items():
            if process.poll() is not None:
                tail = Path(log).read_text(errors="replace")[-3000:]
                raise ServeError(f"{name} stopped at start (exit {process.returncode}):\n{tail}")
        if time.monotonic() > deadline:
            raise ServeError(f"Not answering after {START_SECONDS} s: {[u for u, _ in waiting]}")
        waiting = [(url, ctx) for url, ctx in waiting if not _healthy(url, ctx)]
        if waiting:
            time.sleep(0.25)


@contextmanager
def serve(
    processes: int = 2,
    *,
    ports: Sequence[int] | None = None,
    https_port: int = 8443,
    http_port: int = 8080,
    address: str | None = "127.0.0.1",
    env: Mapping[str, str] | None = None,
    script: str = "dashboard.py",
    run_dir: Path | None = None,
    cert: Path | None = None,
    key: Path | None = None,
    streamlit_args: Sequence[str] = (),
) -> Iterator[Running]:
    """Start `processes` Streamlit processes of `script` and nginx in front; stop all after.

    `env` is the Streamlit processes' environment (default: this process's), which is where
    CYPS_DB and CYPS_DEMO come from. `address` None listens on every interface.
    `streamlit_args` are added to each process's command line (the benchmark's floor at
    Streamlit's default settings).
    """
    nginx = nginx_binary()
    if not nginx:
        raise ServeError("nginx is not installed: sudo apt-get install nginx")
    ports = list(ports or range(FIRST_PORT, FIRST_PORT + processes))
    listen = address or "0.0.0.0"
    for port in ports:
        if _port_taken(port, "127.0.0.1"):
            raise ServeError(f"Port {port} is in use (another `make serve`?): stop it first.")
    for port in (https_port, http_port):
        if _port_taken(port, listen):
            raise ServeError(f"Port {port} is in use: choose another (HTTPS_PORT, HTTP_PORT).")
    run_dir = Path(run_dir or tempfile.mkdtemp(prefix="cyps-serve-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    worker = _worker_user()
    temp_dir = _temp_dir(run_dir, worker)
    if not (cert and key):
        cert, key = make_certificate(run_dir)
    env = dict(os.environ if env is None else env)
    env |= {"PYTHONUNBUFFERED": "1"}
    _fill_sample_if_demo(env)

    site = Site(
        ports, http_port, https_port, Path(cert), Path(key), run_dir / "access.log", address
    )
    site_file = run_dir / "cyps.conf"
    site_file.write_text(render_site(site), encoding="utf-8")
    conf = run_dir / "nginx.conf"
    conf.write_text(main_conf(run_dir, site_file, temp_dir, worker), encoding="utf-8")

    children: dict[str, tuple[subprocess.Popen, Path]] = {}
    running = Running(
        url=f"https://{address or '127.0.0.1'}:{https_port}",
        http_url=f"http://{address or '127.0.0.1'}:{http_port}",
        run_dir=run_dir,
        cert=Path(cert),
        upstreams=[f"127.0.0.1:{p}" for p in ports],
        pids=[],
    )
    try:
        for port in ports:
            log = run_dir / f"streamlit-{port}.log"
            command = [
                sys.executable, "-m", "streamlit", "run", script,
                "--server.headless", "true", "--server.address", "127.0.0.1",
                "--server.port", str(port), "--server.fileWatcherType", "none",
                "--browser.gatherUsageStats", "false", *streamlit_args,
            ]  # fmt: skip
            children[f"Streamlit on port {port}"] = (_start(command, log, env), log)
            running.logs[f"127.0.0.1:{port}"] = log
        deadline = time.monotonic() + START_SECONDS
        _wait_until([(f"http://127.0.0.1:{p}", None) for p in ports], children, deadline)
        # nginx starts once every process answers, so its first requests find them up.
        nginx_args = ["-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "nginx-error.log")]
        test = subprocess.run(
            [nginx, "-t", "-q", *nginx_args], capture_output=True, text=True, check=False
        )
        if test.returncode:
            raise ServeError(f"nginx refused the configuration:\n{test.stderr}")
        nginx_log = run_dir / "nginx.out"
        children["nginx"] = (_start([nginx, *nginx_args], nginx_log, env), nginx_log)
        running.processes = {name: process for name, (process, _) in children.items()}
        running.pids = [process.pid for name, (process, _) in children.items() if name != "nginx"]
        _wait_until([(running.url, running.tls_context())], children, deadline)
        yield running
    finally:
        for name, (process, _) in reversed(children.items()):
            stop(process, signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        if worker:
            shutil.rmtree(temp_dir, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2, help="Streamlit processes (2)")
    parser.add_argument("--https-port", type=int, default=8443)
    parser.add_argument("--http-port", type=int, default=8080, help="redirects to HTTPS")
    parser.add_argument(
        "--address", default="127.0.0.1", help="where nginx listens; 0.0.0.0 for other devices"
    )
    parser.add_argument("--cert", type=Path, help="certificate (full chain), PEM")
    parser.add_argument("--key", type=Path, help="its private key, PEM")
    args = parser.parse_args(argv)
    if args.processes < 1 or bool(args.cert) != bool(args.key):
        parser.error("give at least one process, and --cert with --key (or neither)")
    address = None if args.address in ("", "0.0.0.0", "*") else args.address
    # Ctrl+C, a service manager's stop (SIGTERM) and a closed terminal (SIGHUP) all stop
    # every process this started, through the `finally` of `serve`.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    try:
        with serve(
            args.processes,
            https_port=args.https_port,
            http_port=args.http_port,
            address=address,
            cert=args.cert,
            key=args.key,
        ) as running:
            demo = os.environ.get("CYPS_DEMO", "off")
            print(
                f"Serving {args.processes} Streamlit processes ({', '.join(running.upstreams)}; "
                f"CYPS_DEMO={demo}) behind nginx at {running.url}"
            )
            print(f"Logs and the rendered configuration: {running.run_dir}")
            print("Press Ctrl+C to stop them all.", flush=True)
            while not running.stopped():
                time.sleep(1)
            print(
                f"make serve: {', '.join(running.stopped())} stopped; stopping the rest "
                f"(logs in {running.run_dir}).",
                file=sys.stderr,
            )
            return 1
    except ServeError as err:
        print(f"make serve: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
