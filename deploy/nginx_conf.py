"""The shipped nginx configuration, rendered for one run on this host (ports, certificate, logs).

A council installs deploy/nginx/cyps.conf as it is (see its header). `make serve`, the tests
and the load benchmark run that same file under a private nginx: `render_site` changes only
the listening ports and address, the upstream ports, the certificate paths and the access
log's path, each by a pattern that must match, so an edit to the shipped file that these
runs could no longer follow fails loudly instead of testing something else. `main_conf`
wraps it in a top-level configuration whose pid file, logs and temporary files live in
directories of the run's own, so nginx runs as the current user.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent / "nginx" / "cyps.conf"
TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
ACCESS_LINE = re.compile(
    r'"(?P<request>[^"]*)" (?P<status>\d+) .*upstream=(?P<upstream>\S+) '
    r"route=(?P<route>\S+)"
)


@dataclass(frozen=True)
class Site:
    """Where one run listens, which Streamlit ports it routes to, and its files."""

    upstream_ports: Sequence[int]
    http_port: int
    https_port: int
    cert: Path
    key: Path
    access_log: Path
    address: str | None = "127.0.0.1"  # None: every interface, IPv4 and IPv6, as shipped


def _upstreams(ports: Sequence[int]) -> Callable[[re.Match[str]], str]:
    return lambda m: "".join(f"{m['indent']}server 127.0.0.1:{port};\n" for port in ports)


def render_site(site: Site, text: str | None = None) -> str:
    """The shipped site configuration (or `text`) with this run's ports and paths."""
    text = SHIPPED.read_text(encoding="utf-8") if text is None else text
    if not site.upstream_ports:
        raise ValueError("At least one Streamlit port is needed.")
    at = f"{site.address}:" if site.address else ""
    both = site.address is None  # a run on one address drops the [::] listens
    rules: list[tuple[str, str | Callable[[re.Match[str]], str]]] = [
        (r"(?m)^(?P<indent>[ \t]*)server 127\.0\.0\.1:\d+;\n(?:[ \t]*server 127\.0\.0\.1:\d+;\n)*",
         _upstreams(site.upstream_ports)),
        (r"listen 80;", f"listen {at}{site.http_port};"),
        (r"(?m)^[ \t]*listen \[::\]:80;\n", f"    listen [::]:{site.http_port};\n" if both else ""),
        (r"listen 443 ssl;", f"listen {at}{site.https_port} ssl;"),
        (r"(?m)^[ \t]*listen \[::\]:443 ssl;\n",
         f"    listen [::]:{site.https_port} ssl;\n" if both else ""),
        (r"return 301 https://\$host\$request_uri;",
         f"return 301 https://$host:{site.https_port}$request_uri;"),
        (r"ssl_certificate\s+\S+;", f"ssl_certificate     {site.cert};"),
        (r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {site.key};"),
        (r"access_log\s+\S+\s+cyps_upstream;", f"access_log {site.access_log} cyps_upstream;"),
    ]  # fmt: skip
    for pattern, replacement in rules:
        text, found = re.subn(pattern, replacement, text)
        if found != 1:
            raise ValueError(
                f"deploy/nginx/cyps.conf no longer has exactly one match for {pattern!r} "
                f"(found {found}); update deploy/nginx_conf.py with it."
            )
    return text


def main_conf(
    run_dir: Path, site_file: Path, temp_dir: Path, worker_user: tuple[str, str] | None = None
) -> str:
    """A top-level nginx.conf with its pid file and error log in `run_dir` and its temporary
    files (request bodies of uploads) in `temp_dir`.

    `worker_user` (user, group) is needed only when nginx starts as root: its workers then
    drop to that account, which must be able to write the temporary directories.
    """
    temp = "\n".join(f"    {name}_temp_path {temp_dir / name};" for name in TEMP_DIRS)
    user = f"user {worker_user[0]} {worker_user[1]};\n" if worker_user else ""
    return (
        f"# Written by deploy/serve.py for one run; the site is {site_file.name}.\n"
        f"{user}"
        "worker_processes 1;\n"
        "daemon off;\n"
        f"pid {run_dir / 'nginx.pid'};\n"
        f"error_log {run_dir / 'nginx-error.log'} warn;\n"
        "events {\n    worker_connections 1024;\n}\n"
        "http {\n"
        f"{temp}\n"
        "    default_type application/octet-stream;\n"
        f"    include {site_file};\n"
        "}\n"
    )


def access_entries(log: Path) -> list[dict[str, str]]:
    """The access log's lines as {request, status, upstream, route} (what served what)."""
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [m.groupdict() for line in lines if (m := ACCESS_LINE.search(line))]
