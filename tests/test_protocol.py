"""HTTP details: Allow on 405, a future If-Modified-Since, gunicorn's own error answers,
and the nginx front that serves https."""
import datetime as dt
import shutil
import socket
import subprocess
from email.utils import format_datetime

import pytest

from portal.headers import SECURITY_HEADERS
from tests.conftest import NOW
from tests.gunicorn import ROOT, Gunicorn

FEED = "/en/feeds/disclosures.atom"


def test_method_not_allowed_says_what_is_allowed(client):
    response = client.post("/en/guides/flood-safety")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.mimetype == "text/html" and response.headers["Content-Security-Policy"]


def test_if_modified_since_in_the_past_of_the_entry_still_gets_304(client):
    last_modified = client.get(FEED).headers["Last-Modified"]
    again = client.get(FEED, headers={"If-Modified-Since": last_modified})
    assert again.status_code == 304


def test_if_modified_since_in_the_future_is_ignored(client):
    # RFC 9110 13.1.3: a date later than the server's current time is invalid. Taking
    # it would let a client (or a cache fed one) pin a stale copy until that date.
    future = format_datetime(NOW + dt.timedelta(days=365), usegmt=False)
    response = client.get(FEED, headers={"If-Modified-Since": future})
    assert response.status_code == 200 and response.data


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    gunicorn = Gunicorn(tmp_path_factory.mktemp("gunicorn"), ROOT / "tests" / "content")
    try:
        gunicorn.wait_ready(workers=2)
        yield gunicorn
    finally:
        gunicorn.stop()


def raw(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, dict(line.split(": ", 1) for line in lines), body


BAD = {
    "414 request line too long": b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "431 too many header fields": b"GET / HTTP/1.1\r\nHost: x\r\n"
                                  + b"".join(b"X-F%d: 1\r\n" % i for i in range(60)) + b"\r\n",
    "400 malformed request": b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
    "400 bad header": b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: <script>\r\n\r\n",
}


@pytest.mark.parametrize("name", BAD)
def test_gunicorn_error_answers_carry_our_headers_and_no_echo(server, name):
    status, headers, body = raw(server.port, BAD[name])
    assert status.split()[1] == name.split()[0], status
    for header, value in SECURITY_HEADERS.items():
        assert headers.get(header) == value, header
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert int(headers["Content-Length"]) == len(body)
    assert b"aaaa" not in body and b"<script>" not in body and b"X-F" not in body
    assert body.startswith(b"<!doctype html>")


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_test(tmp_path, conf: str) -> subprocess.CompletedProcess:
    """nginx -t on the shipped file, with its machine paths pointed into tmp_path."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=portal.example", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    conf = (conf.replace("/etc/ssl/portal/fullchain.pem", str(cert))
                .replace("/etc/ssl/portal/privkey.pem", str(key))
                .replace("/var/cache/nginx/portal", str(tmp_path / "cache"))
                .replace("/run/nginx-portal.pid", str(tmp_path / "nginx.pid"))
                .replace("/var/log/nginx/portal-error.log", str(tmp_path / "error.log"))
                .replace("user www-data;", ""))
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    return subprocess.run([NGINX, "-t", "-c", str(path), "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True, timeout=30)


def test_nginx_accepts_the_shipped_configuration(tmp_path):
    assert shutil.which("nginx") or shutil.os.path.exists(NGINX), \
        "nginx is not installed: `make test` installs it (system-test-deps) when run as root"
    result = nginx_test(tmp_path, (ROOT / "deploy" / "nginx.conf").read_text())
    assert result.returncode == 0, result.stderr


def test_nginx_serves_https_with_hsts_and_bounds_slow_clients():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "listen 443 ssl" in conf
    assert "return 301 https://$host$request_uri;" in conf or \
           "return 301 https://$server_name$request_uri;" in conf
    assert 'Strict-Transport-Security "max-age=31536000; includeSubDomains" always' in conf
    for directive in ("client_header_timeout", "client_body_timeout", "send_timeout",
                      "limit_conn ", "proxy_buffering on", "proxy_request_buffering on"):
        assert directive in conf, directive


def test_gunicorn_500_answer_has_the_same_headers():
    from portal.worker import error_answer

    head, _, body = error_answer(500, "Internal Server Error").partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert lines[0] == "HTTP/1.1 500 Internal Server Error"
    assert all(headers[name] == value for name, value in SECURITY_HEADERS.items())
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
