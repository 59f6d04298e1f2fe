"""The client's TLS errors say which check failed — expired, not yet valid, another name, an untrusted chain.

Before, every TLS failure said "not signed by the CA … or does not name this host", even for an expired
certificate; an application's error message is often all a customer sends, so it must point at the right fix.
"""

from __future__ import annotations

import pytest

from o2gmentor.client import O2G, O2GConnectionError
from o2gmentor.client.transport import tls_failure
from o2gmentor.course.standins import start_standin


def first_request_fails(host: str, ca_bundle: str | None) -> O2GConnectionError:
    with pytest.raises(O2GConnectionError) as caught:
        O2G(host, "nobody", "unused", ca_bundle=ca_bundle).discover()
    return caught.value


@pytest.mark.parametrize("fault, reason, hint", [
    ("expired", "the server's certificate has expired", "issue a new certificate"),
    ("not-yet-valid", "the server's certificate is not valid yet", "check the clocks (NTP)"),
    ("name-mismatch", "the server's certificate names another host", "a name the certificate carries"),
    ("untrusted", "unable to get local issuer certificate", "does not lead to a CA in"),
])
def test_each_tls_failure_has_its_own_reason_and_hint(fault, reason, hint):
    with start_standin(fault) as bad:
        error = first_request_fails(bad.host, bad.ca_bundle)
    assert error.reason.startswith("TLS check failed") and reason in error.reason, error.reason
    assert hint in error.hint and "never disable checks" in error.hint
    if fault != "untrusted":
        assert "not signed by" not in error.hint and "does not lead to a CA" not in error.hint


def test_a_missing_intermediate_is_an_untrusted_chain():
    with start_standin("healthy", intermediate=True) as chained:
        error = first_request_fails(chained.host, chained.ca_bundle)
    assert "does not lead to a CA in" in error.hint and "intermediate" in error.hint


def test_without_a_certificate_verdict_the_handshake_itself_is_blamed():
    reason, hint = tls_failure(None, ConnectionResetError("reset during the handshake"))
    assert reason == "TLS handshake failed (ConnectionResetError)" and "host and port" in hint
