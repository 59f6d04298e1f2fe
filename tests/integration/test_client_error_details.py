"""What the client's errors carry, field by field, where an integrator's code or a trainee reads them: the host
refused in the wrong form, a service the session does not have, an empty answer where JSON was required, a request
that got no answer or no TLS handshake, a refused subscription (the transport against a scripted plain-HTTP
server)."""

from __future__ import annotations

import socket

import pytest

from o2gmentor.client import O2G, O2GConnectionError, O2GError
from o2gmentor.client.events import EventStream
from o2gmentor.client.transport import Transport
from tests.integration.test_client_contract import scripted, web  # noqa: F401 - the scripted server's fixtures


def test_a_host_given_as_a_url_is_refused_with_the_form_to_use():
    with pytest.raises(ValueError) as refused:
        O2G("https://o2g.example.com", "oxe1001", "not-used")
    assert str(refused.value) == "give the host as 'host[:port]', without https://"


def test_a_service_the_session_lacks_is_a_403_naming_the_service(connect):
    client = connect("oxe1001")  # a user: no PBX management, which is for administrators
    assert "telephony" in client.services and "pbxmanagement" not in client.services
    with pytest.raises(O2GError) as refused:
        client.service_url("pbxmanagement")
    err = refused.value
    assert (err.status, err.method, err.url) == (403, "-", "pbxmanagement")
    assert err.message == ("this session has no 'pbxmanagement' service — the account lacks the licence or "
                           "right, or the gateway lacks it")


def test_an_empty_answer_where_json_is_required_says_so(web):  # noqa: F811 - the fixture imported above
    web.script["/empty"] = (200, {}, b"")
    transport = Transport()
    assert transport.request("GET", web.url + "/empty", expect_json=True) is None, "an empty answer is fine by default"
    with pytest.raises(O2GError) as refused:
        transport.request("GET", web.url + "/empty", expect_json=True, ok_empty=False)
    err = refused.value
    assert (err.status, err.method, err.url) == (200, "GET", web.url + "/empty")
    assert err.message == "expected a JSON body, got nothing"
    assert str(err).startswith(f"GET {web.url}/empty → 200: expected a JSON body, got nothing")


def test_a_request_without_an_answer_names_its_url():
    with socket.socket() as probe:  # a port nothing listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"https://127.0.0.1:{port}/api/rest"
    with pytest.raises(O2GConnectionError) as refused:
        Transport().request("GET", url)
    err = refused.value
    assert err.url == url
    assert err.reason == f"connection refused on 127.0.0.1:{port}"
    assert "is the simulator running?" in err.hint


def test_https_to_a_plain_http_port_is_a_tls_handshake_failure_naming_its_url(web):  # noqa: F811 - imported
    """The wrong port (an HTTP one) is a mistake trainees make: it once raised a bare AttributeError."""
    url = web.url.replace("http://", "https://") + "/api/rest"
    with pytest.raises(O2GConnectionError) as refused:
        Transport().request("GET", url)
    err = refused.value
    assert err.url == url
    assert err.reason == "TLS handshake failed (SSLError)"
    assert "did not complete a TLS 1.2+ handshake" in err.hint


class RefusingO2G:
    """Just enough of an ``O2G`` for ``EventStream.subscribe``: the gateway refuses without saying why."""

    connected = True

    def request(self, method, path, **kwargs):
        return {"status": "REFUSED"}

    def service_url(self, key):
        return f"https://o2g.example.com/api/rest/1.0/{key}"


def test_a_refused_subscription_without_a_reason_says_refused_and_nothing_else():
    with pytest.raises(O2GError) as refused:
        EventStream(RefusingO2G(), ["telephony"]).subscribe()
    err = refused.value
    assert (err.status, err.method, err.url) == (403, "POST", "https://o2g.example.com/api/rest/1.0/subscriptions")
    assert err.message.rstrip() == "subscription refused: REFUSED", "no 'None' or filler for the missing reason"
