"""The nginx site of deploy/ in front of the two nodes of the production run: its configuration as shipped (only
the ports, paths and certificate of this test machine changed), HTTP sent to HTTPS, static files served by nginx,
uploads never served from disk, and the requests shared by both nodes."""

import os
import re
import shutil
import subprocess

import pytest
import requests

from tests.load.conftest import PORTS, ROOT, STATE


HTTP_PORT, HTTPS_PORT = 8180, 8443
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian puts it in sbin, off a non-root user's PATH


def site_for_this_machine(folder):
    """deploy/nginx/portail.conf with this machine's ports, static folder and a self-signed certificate."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "privkey.pem"),
                    "-out", str(folder / "fullchain.pem")], check=True, capture_output=True)  # fmt: skip
    site = (ROOT / "deploy/nginx/portail.conf").read_text()
    for shipped, here in (
        ("127.0.0.1:8000", f"127.0.0.1:{PORTS[0]}"),
        ("127.0.0.1:8001", f"127.0.0.1:{PORTS[1]}"),
        ("listen 80;", f"listen 127.0.0.1:{HTTP_PORT};"),
        ("listen 443 ssl", f"listen 127.0.0.1:{HTTPS_PORT} ssl"),
        ("/etc/ssl/portail/", f"{folder}/"),
        ("/srv/portail/var/static/", f"{STATE / 'static'}/"),
    ):
        assert shipped in site, f"{shipped} is no longer in deploy/nginx/portail.conf: update this test"
        site = site.replace(shipped, here)
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)  # no IPv6 listener on the test machine
    (folder / "portail.conf").write_text(site)
    conf = folder / "nginx.conf"
    conf.write_text(f"""
        user root;
        pid {folder}/nginx.pid;
        error_log {folder}/error.log;
        events {{ worker_connections 256; }}
        http {{
            include /etc/nginx/mime.types;
            access_log {folder}/access.log;
            client_body_temp_path {folder}/body;
            proxy_temp_path {folder}/proxy;
            include {folder}/portail.conf;
        }}
    """)
    return conf


@pytest.fixture
def nginx(platform, tmp_path):
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed: scripts/load installs Debian's nginx")
    conf = site_for_this_machine(tmp_path)
    checked = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    subprocess.run([NGINX, "-c", str(conf)], check=True)
    yield tmp_path
    subprocess.run([NGINX, "-c", str(conf), "-s", "stop"], check=False)


def node_hits(port):
    return (STATE / "log" / f"gunicorn-{port}.access.log").read_text().count("/healthz?through-nginx")


def test_the_shipped_nginx_site_serves_the_two_nodes(nginx):
    https = f"https://127.0.0.1:{HTTPS_PORT}"
    certificate = str(nginx / "fullchain.pem")
    plain = requests.get(f"http://127.0.0.1:{HTTP_PORT}/mes-demarches/", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"] == "https://127.0.0.1/mes-demarches/"

    before = [node_hits(port) for port in PORTS]
    for _ in range(20):
        answer = requests.get(f"{https}/healthz?through-nginx", verify=certificate, timeout=10)
        assert answer.status_code == 200
    after = [node_hits(port) for port in PORTS]
    shares = [later - earlier for earlier, later in zip(before, after, strict=True)]
    assert sum(shares) == 20 and all(shares), f"requests per node: {shares}"

    home = requests.get(f"{https}/", verify=certificate, timeout=10)
    assert home.status_code == 200 and "Content-Security-Policy" in home.headers
    css = re.search(r'href="(/static/[^"]+\.css)"', home.text)[1]
    static = requests.get(f"{https}{css}", verify=certificate, timeout=10)
    # Served by nginx's static location (its `expires 30d` and headers), not by a node.
    assert static.status_code == 200 and "max-age=2592000" in static.headers["Cache-Control"]
    assert "immutable" in static.headers["Cache-Control"] and static.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(f"{https}/media/dossiers/1/x.pdf", verify=certificate, timeout=10).status_code == 404
    print(f"\nnginx {subprocess.run([NGINX, '-v'], capture_output=True, text=True).stderr.strip()}: "
          f"HTTP → HTTPS, 20 requests shared {shares[0]} / {shares[1]} by the nodes, static files and /media/ as "
          "configured")  # fmt: skip
