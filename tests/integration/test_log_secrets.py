"""No credential ever in a log: malformed requests are one line without headers in a real ``o2gmentor sim`` log,
and the client's log records at DEBUG never hold a password, an Authorization value or a cookie."""

from __future__ import annotations

import base64
import logging
import secrets
import socket
import ssl
import time

import pytest
import requests

from o2gmentor.client import O2G
from o2gmentor.course import simproc
from o2gmentor.logsafe import redact
from o2gmentor.sim.control_client import SimControl


@pytest.fixture(scope="module")
def sim_process(tmp_path_factory):
    """A simulator started as ``o2gmentor sim`` in its own process, logging to ``sim.log``."""
    state = tmp_path_factory.mktemp("log-secrets-sim")
    info, _ = simproc.ensure_running(port=0, state_dir=state)
    try:
        yield info, state / "sim.log"
    finally:
        simproc.stop(state)


def _raw(info, payload: bytes) -> bytes:
    """Send raw bytes over TLS; return whatever comes back (the connection is closed after)."""
    context = ssl.create_default_context(cafile=info.ca)
    with socket.create_connection((info.host, info.port), timeout=5) as tcp, \
            context.wrap_socket(tcp, server_hostname=info.host) as tls:
        tls.sendall(payload)
        answer = b""
        try:
            while chunk := tls.recv(65536):
                answer += chunk
        except (TimeoutError, ssl.SSLError, ConnectionError):
            pass
        return answer


def test_malformed_requests_are_one_line_each_without_any_secret(sim_process):
    info, log_file = sim_process
    password = f"pw-{secrets.token_urlsafe(12)}"
    basic = base64.b64encode(f"oxe1001:{password}".encode()).decode()
    cookie = secrets.token_urlsafe(24)
    secrets_sent = [password, basic, cookie, info.token]
    headers = (f"Host: {info.address}\r\nAuthorization: Basic {basic}\r\nCookie: AlcUserId={cookie}\r\n"
               f"X-Sim-Token: {info.token}\r\n").encode()
    bad_requests = [
        b"GET /api/rest/1.0/users HTTP/1.1\r\n" + headers + b"this header line has no colon\r\n\r\n",
        b"GET /api/rest/authenticate HTTP/1.1\r\n" + headers.replace(b"Basic ", b"Basic \x01\x7f") + b"\r\n",
        b"GET /api/rest/1.0/users HTTP/1.1\r\n" + headers + b"X-Big: " + b"A" * 20_000 + b"\r\n\r\n",
        b"GET /sim/status HTTP/1.1\r\n" + headers + b"Content-Length: nope\r\n\r\n",
        b"NOT-HTTP " + basic.encode() + b" \x00\x01\r\n" + headers + b"\r\n",
    ]
    before = log_file.read_bytes() if log_file.exists() else b""
    for payload in bad_requests:
        answer = _raw(info, payload)
        assert answer[:10] in (b"HTTP/1.1 4", b"HTTP/1.0 4"), answer[:100]
    # ordinary refusals with the same secrets are not logged either
    auth = requests.get(f"{info.url}/api/rest/authenticate?version=1.0", auth=("oxe1001", password), verify=info.ca,
                        cookies={"AlcUserId": cookie}, timeout=5)
    assert auth.status_code == 401
    time.sleep(0.5)  # the simulator writes its log unbuffered; give it a moment
    added = log_file.read_bytes()[len(before):].decode("utf-8", "replace")
    for secret in secrets_sent:
        assert secret not in added, "a credential reached the simulator's log"
    assert "Authorization" not in added and "AlcUserId" not in added and "Traceback" not in added
    lines = [line for line in added.splitlines() if line.strip()]
    assert len(lines) <= len(bad_requests), f"more than one line per bad request:\n{added}"
    assert SimControl(info).alive(), "the simulator still serves"


def test_the_redaction_masks_every_kind_of_credential():
    text = ("Authorization: Basic b3hlMTAwMToxMDAx Cookie: AlcUserId=Zm9vYmFyYmF6 X-Sim-Token: tok3n-value "
            "{'Authorization': 'Bearer abc.def.123'} password=s3cret-pw")
    masked = redact(text)
    for secret in ("b3hlMTAwMToxMDAx", "Zm9vYmFyYmF6", "tok3n-value", "abc.def.123", "s3cret-pw"):
        assert secret not in masked
    assert redact("Basic authentication is required") == "Basic authentication is required"


def test_connect_logs_no_password_at_debug(fresh_sim, caplog):
    """Every record of a connect, a few requests and a close, at DEBUG, with the arguments formatted.

    The administrator's practice password is the distinctive one (a user's is its extension number)."""
    password = fresh_sim.state.pbx.site.admins["admin"].password
    basic = base64.b64encode(f"admin:{password}".encode()).decode()
    caplog.set_level(logging.DEBUG)
    client = O2G(fresh_sim.info.address, "admin", password, ca_bundle=str(fresh_sim.ca_path))
    client.connect()
    cookie = client.transport.http.cookies.get("AlcUserId")
    client.users.logins()
    events = client.subscribe({"telephony": ["oxe1001"]})
    events.stop()
    client.close()
    assert caplog.records, "DEBUG was on: the client and urllib3 logged something"
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + (record.exc_text or "")
        assert password not in text and basic not in text, f"{record.name} logged the password"
        assert cookie not in text, f"the AlcUserId cookie was logged by {record.name}"
        assert "Authorization" not in text
