"""Through the shipped nginx configuration: security headers, blocked paths, HTTPS, routing.

Every request goes through nginx over HTTPS to two real Streamlit processes of the dashboard
(conftest.py); nothing is mocked. The checks that a browser can see the page and its
websocket through the proxy, and that an upload on one process is seen from the other,
are in tests/browser/test_proxy_browser.py (Playwright allows one Chromium per process,
and that one is the browser harness's).
"""

from __future__ import annotations

import http.client
import re
import urllib.request

import pytest

from deploy.serve import Running
from tests.deploy.proxy_fixtures import ROUTE_COOKIE, get, route_keys, served_by

pytestmark = pytest.mark.xdist_group("browser")  # shares the proxy tests' worker

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": "max-age=31536000",
}
METRICS_PATHS = [
    "/_stcore/metrics",
    "/_stcore/metrics?format=prometheus",
    "/_stcore/metrics/",
    "//_stcore/metrics",
    "/_stcore/%6detrics",
    "/_stcore/./metrics",
]
MB = 1024 * 1024


def asset_path(running: Running) -> str:
    """A static file the page loads (its main script), read from the page itself."""
    page = get(running, "/").body.decode()
    return "/" + re.search(r'src="\./(static/js/index\.[^"]+\.js)"', page)[1]


def test_every_response_through_the_proxy_carries_the_security_headers(
    deployment: Running,
) -> None:
    for path in ["/", "/referrals", asset_path(deployment), "/_stcore/health", "/_stcore/metrics"]:
        response = get(deployment, path)
        assert response.status in (200, 404), (path, response.status)
        for name, value in HEADERS.items():
            assert response.headers.get_all(name) == [value], (path, name)
        (policy,) = response.headers.get_all("Content-Security-Policy")
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path


def test_streamlit_metrics_are_served_to_nobody_through_the_proxy(deployment: Running) -> None:
    direct = f"http://{deployment.upstreams[0]}/_stcore/metrics"
    with urllib.request.urlopen(direct, timeout=10) as response:  # the loopback port: operators
        assert response.status == 200 and b"# TYPE" in response.read()
    for path in METRICS_PATHS:
        response = get(deployment, path)
        assert response.status in (403, 404), (path, response.status)
        assert b"# TYPE" not in response.body, path


def test_plain_http_is_sent_to_the_same_address_over_https(deployment: Running) -> None:
    host, port = deployment.http_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/referrals?month=2017-03")
        response = conn.getresponse()
    finally:
        conn.close()
    assert response.status == 301
    assert response.headers["Location"] == f"{deployment.url}/referrals?month=2017-03"


def test_a_new_browser_gets_one_routing_cookie_and_every_cookie_only_over_https(
    deployment: Running,
) -> None:
    first = get(deployment, "/")
    cookies = first.headers.get_all("Set-Cookie")
    (route,) = [c for c in cookies if c.startswith(f"{ROUTE_COOKIE}=")]
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= {p.strip() for p in route.split(";")}
    assert all("secure" in c.lower() for c in cookies), cookies  # Streamlit's too
    again = get(deployment, "/", cookie=route.split(";")[0])
    assert not [c for c in again.headers.get_all("Set-Cookie") or [] if ROUTE_COOKIE in c]


def test_one_routing_key_always_reaches_the_same_process_and_keys_reach_every_process(
    deployment: Running,
) -> None:
    keys = route_keys(deployment)
    assert sorted(keys) == sorted(deployment.upstreams)
    for upstream, route in keys.items():
        for path in ["/", "/_stcore/health", "/_stcore/host-config", "/overview"]:
            get(deployment, path, cookie=f"{ROUTE_COOKIE}={route}")
        assert served_by(deployment, route) == {upstream}


def test_an_upload_over_the_apps_limit_is_refused_by_the_proxy_and_one_within_it_passes(
    deployment: Running,
) -> None:
    path = "/_stcore/upload_file/no-such-session/file"
    too_big = get(deployment, path, method="PUT", body=b"0" * (27 * MB))
    assert too_big.status == 413
    within = get(deployment, path, method="PUT", body=b"0" * (25 * MB))
    assert within.status != 413  # Streamlit's own answer (no form token, no session)
