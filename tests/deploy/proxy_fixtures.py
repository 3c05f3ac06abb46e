"""The shipped nginx configuration in front of two Streamlit processes, for the proxy tests.

`proxied_app` starts the deployment `make serve` starts (deploy/serve.py: the dashboard in
two processes, nginx with deploy/nginx/cyps.conf and a self-signed certificate made with
openssl) on free loopback ports over a database file of the test's own, in demo mode.
Its run directory (rendered configuration, nginx's access and error logs, each process's
log) is kept in test-artifacts/deploy-<port>/ for a failure to be read.

nginx is Debian's (`apt-get install nginx`; .ci/run installs it). Without it the proxy
tests skip on a developer's machine and fail under CI=true, like the browser tests.

The access log names the process that served each request (`upstream=`) and the routing
cookie it carried (`route=`): `route_keys` uses it to find a cookie value that reaches each
process, so a test can put two sessions on different processes on purpose.
"""

from __future__ import annotations

import http.client
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from deploy.serve import Running, ServeError, free_ports, nginx_binary, serve

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
ROUTE_COOKIE = "cyps_route"
ROUTE_TRIES = 40  # candidate cookie values tried to find one per process
LOG_WAIT_SECONDS = 10.0


def require_nginx() -> str:
    path = nginx_binary()
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(
            "nginx is not installed, and CI must run the proxy tests (.ci/run installs it)."
        )
    pytest.skip("nginx not installed: sudo apt-get install nginx")


@contextmanager
def proxied_app(db: Path, processes: int = 2) -> Iterator[Running]:
    """The dashboard over `db` in `processes` Streamlit processes behind nginx, demo mode on."""
    require_nginx()
    env = {k: v for k, v in os.environ.items() if k != "CYPS_DEMO"}
    env |= {"CYPS_DB": str(db), "CYPS_DEMO": "on"}
    *ports, https_port, http_port = free_ports(processes + 2)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with serve(
            processes, ports=ports, https_port=https_port, http_port=http_port, env=env,
            run_dir=ARTIFACTS / f"deploy-{https_port}",
        ) as running:  # fmt: skip
            yield running
    except ServeError as err:  # raised only while starting
        pytest.fail(f"The proxied app did not start: {err}")


def get(running: Running, path: str, cookie: str = "", method: str = "GET", body: bytes = b""):
    """One request through the proxy over HTTPS (no redirects followed); returns the response
    with its body read (`.body`)."""
    host, port = running.url.removeprefix("https://").split(":")
    conn = http.client.HTTPSConnection(host, int(port), context=running.tls_context(), timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        return response
    finally:
        conn.close()


def served_by(running: Running, route: str, request_starts: str = "") -> set[str]:
    """The processes (upstream addresses) that served requests carrying this routing key."""
    return {
        e["upstream"]
        for e in running.served()
        if e["route"] == route and e["request"].startswith(request_starts)
    }


def wait_for_log(running: Running, route: str, request_starts: str) -> set[str]:
    """As `served_by`, waiting for the entry: a websocket is logged only once it closes."""
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while not (found := served_by(running, route, request_starts)):
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return found


def route_keys(running: Running) -> dict[str, str]:
    """{upstream: a routing cookie value that nginx sends to that process}, for every process."""
    keys: dict[str, str] = {}
    for n in range(ROUTE_TRIES):
        route = f"test-route-{n}"
        assert get(running, "/_stcore/health", cookie=f"{ROUTE_COOKIE}={route}").status == 200
        keys.setdefault(running.upstream_of(route), route)
        if len(keys) == len(running.upstreams):
            return keys
    raise AssertionError(f"{ROUTE_TRIES} routing keys all reached {sorted(keys)}")
