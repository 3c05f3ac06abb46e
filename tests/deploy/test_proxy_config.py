"""The shipped nginx configuration agrees with the app it fronts (no nginx needed to check).

The upload limit is the one data/settings.toml sets; the Content-Security-Policy's script
hash is that of the inline script in the installed Streamlit's page, and it allows nothing
from another site; and the renderer that `make serve` and the tests use changes only the
ports, certificate and log paths of the shipped file.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import re
import tomllib
from pathlib import Path

import pytest
import streamlit

from core.settings import DATA_DIR, ROOT
from deploy.nginx_conf import SHIPPED, Site, render_site

CONF = SHIPPED.read_text(encoding="utf-8")
KEYWORDS = {"'self'", "'none'", "'unsafe-inline'", "'wasm-unsafe-eval'"}


def csp() -> dict[str, list[str]]:
    (policy,) = re.findall(r'add_header Content-Security-Policy "([^"]+)" always;', CONF)
    directives = [d.split() for d in policy.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def test_the_proxy_accepts_exactly_the_upload_size_the_app_allows() -> None:
    with open(DATA_DIR / "settings.toml", "rb") as fh:
        max_mb = tomllib.load(fh)["upload"]["max_file_mb"]
    with open(ROOT / ".streamlit" / "config.toml", "rb") as fh:
        assert tomllib.load(fh)["server"]["maxUploadSize"] == max_mb
    (body,) = re.findall(r"client_max_body_size (\d+)m;", CONF)
    # Streamlit accepts a body of maxUploadSize plus 1 MB for the multipart framing.
    assert int(body) == max_mb + 1


def test_the_policy_allows_the_inline_script_of_the_installed_streamlit_page_by_its_hash() -> None:
    page = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    inline = [
        m["body"]
        for m in re.finditer(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", page, re.S)
        if "src=" not in m["attrs"]
    ]
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in inline
    }
    allowed = {s for s in csp()["script-src"] if s.startswith("'sha256-")}
    assert allowed == hashes, (
        "Streamlit's index.html changed its inline scripts: put these hashes in "
        f"deploy/nginx/cyps.conf's script-src: {sorted(hashes)}"
    )


def test_the_policy_allows_nothing_from_another_site_and_no_framing() -> None:
    policy = csp()
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    for directive, sources in policy.items():
        for source in sources:
            assert source in KEYWORDS or source == "data:" or source.startswith("'sha256-"), (
                f"{directive} allows {source}"
            )
    assert "'unsafe-inline'" not in policy["script-src"]


def test_a_run_changes_only_the_ports_certificate_and_log_of_the_shipped_file() -> None:
    site = Site(
        [9001, 9002, 9003], 9080, 9443, Path("/run/c.pem"), Path("/run/k.pem"), Path("/run/a.log")
    )
    rendered = render_site(site)
    changed = [
        line[0] + line[1:].strip()
        for line in difflib.unified_diff(CONF.splitlines(), rendered.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert sorted(changed) == sorted(
        [
            "-server 127.0.0.1:8601;", "-server 127.0.0.1:8602;",
            "+server 127.0.0.1:9001;", "+server 127.0.0.1:9002;", "+server 127.0.0.1:9003;",
            "-listen 80;", "-listen [::]:80;", "+listen 127.0.0.1:9080;",
            "-listen 443 ssl;", "-listen [::]:443 ssl;", "+listen 127.0.0.1:9443 ssl;",
            "-return 301 https://$host$request_uri;",
            "+return 301 https://$host:9443$request_uri;",
            "-ssl_certificate     /etc/ssl/certs/cyps.pem;",
            "+ssl_certificate     /run/c.pem;",
            "-ssl_certificate_key /etc/ssl/private/cyps.key;",
            "+ssl_certificate_key /run/k.pem;",
            "-access_log /var/log/nginx/cyps-access.log cyps_upstream;",
            "+access_log /run/a.log cyps_upstream;",
        ]
    )  # fmt: skip


def test_a_run_on_every_interface_keeps_the_ipv6_listeners() -> None:
    site = Site([9001], 9080, 9443, Path("c"), Path("k"), Path("a"), address=None)
    rendered = render_site(site)
    assert "listen 9443 ssl;" in rendered and "listen [::]:9443 ssl;" in rendered
    assert "listen 9080;" in rendered and "listen [::]:9080;" in rendered


def test_a_shipped_file_the_renderer_cannot_follow_is_refused_with_a_sentence() -> None:
    site = Site([9001], 9080, 9443, Path("c"), Path("k"), Path("a"))
    edited = CONF.replace("listen 443 ssl;", "listen 443 ssl http2;")
    with pytest.raises(ValueError, match="no longer has exactly one match for 'listen 443 ssl;'"):
        render_site(site, edited)
