"""HTTP for the O2G client: one ``requests`` session, TLS verified against a chosen CA bundle.

``requests`` lets the ``REQUESTS_CA_BUNDLE`` environment variable override ``Session.verify``,
which would silently ignore a private CA; so ``verify`` is passed on every request instead.
"""

from __future__ import annotations

import json
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

import requests

from o2gmentor.client.errors import O2GConnectionError, O2GError, retry_after

TIMEOUT = (10.0, 30.0)


#: OpenSSL verification codes (x509_vfy.h) → what went wrong with the server's certificate.
_EXPIRED, _NOT_YET_VALID = 10, 9
_NAME_MISMATCH = {62, 64}          # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH


def _verify_error(exc: BaseException | None) -> ssl.SSLCertVerificationError | None:
    """The certificate verification error inside a ``requests`` SSLError (it nests urllib3's errors)."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        error = stack.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, ssl.SSLCertVerificationError):
            return error
        reason = getattr(error, "reason", None)  # urllib3's wrapped error; an ssl.SSLError's is a string
        stack += [error.__cause__, error.__context__, reason if isinstance(reason, BaseException) else None,
                  *(a for a in error.args if isinstance(a, BaseException))]
    return None


def tls_failure(ca_bundle: str | None, exc: BaseException | None = None) -> tuple[str, str]:
    """(reason, hint) for a failed TLS check: expired, not yet valid, another name, or an untrusted chain."""
    error = _verify_error(exc)
    code = getattr(error, "verify_code", None)
    if code == _EXPIRED:
        return ("TLS check failed: the server's certificate has expired",
                "the customer's CA must issue a new certificate for O2G; if it should still be valid, check the "
                "clocks (NTP) of this machine and of the O2G — never disable checks")
    if code == _NOT_YET_VALID:
        return ("TLS check failed: the server's certificate is not valid yet",
                "check the clocks (NTP) of this machine and of the O2G, or wait for the certificate's start date "
                "— never disable checks")
    if code in _NAME_MISMATCH:
        return ("TLS check failed: the server's certificate names another host",
                "connect with a name the certificate carries in its SAN (O2G's FQDN, not its IP address), or have "
                "it reissued with the name you use — never disable checks")
    if error is None:  # no certificate verdict: the handshake itself failed
        return (f"TLS handshake failed ({exc.__class__.__name__ if exc else 'SSLError'})",
                "check the host and port: the server there did not complete a TLS 1.2+ handshake — never disable "
                "checks")
    return f"TLS check failed: {error.verify_message}", tls_hint(ca_bundle)


def tls_hint(ca_bundle: str | None) -> str:
    """What to do when the server's certificate chain does not lead to a CA we trust."""
    if ca_bundle:
        return (f"the server's certificate chain does not lead to a CA in {ca_bundle}: get the PEM of the CA that "
                "issued it (and any intermediate) — never disable checks")
    return "give the CA bundle that signed the gateway's certificate (O2G_CA_BUNDLE) — never disable checks"


LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def connection_failure(url: str, exc: BaseException) -> tuple[str, str]:
    """What went wrong when no HTTP answer came (DNS, refused, unreachable), and what to do about it."""
    parts = urlsplit(url)
    host, port = parts.hostname or "?", parts.port or 443
    causes = []
    seen: BaseException | None = exc
    while seen is not None and len(causes) < 10:
        causes.append(seen)
        seen = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args and
                                                      isinstance(seen.args[0], BaseException) else None)
    text = " ".join(f"{c.__class__.__name__} {c}" for c in causes)
    if any(isinstance(c, socket.gaierror) for c in causes) or "NameResolution" in text \
            or "Name or service not known" in text or "nodename nor servname" in text:
        return (f"the name {host} does not resolve (DNS)",
                "check the host name, your DNS or hosts file; O2G's FQDN must resolve for every client")
    loopback = host in LOOPBACK
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text.lower():
        if loopback:
            return (f"connection refused on {host}:{port}",
                    "nothing listens there — is the simulator running? Run setup() again (or `o2gmentor sim`)")
        return (f"connection refused on {host}:{port}",
                "the host answers but nothing listens on that port — check the port (O2G's HTTPS is 443 by "
                "default) and that O2G is running")
    return (f"{host}:{port} is unreachable",
            "check the address, the route and any firewall between you and the gateway"
            + (" — for the simulator, run setup() again" if loopback else ""))


class Transport:
    """Sends requests to one O2G, keeping its cookies; parses JSON answers; raises ``O2GError``."""

    def __init__(self, ca_bundle: str | None = None, timeout: tuple[float, float] = TIMEOUT) -> None:
        self.http = requests.Session()
        self.verify: str | bool = ca_bundle or True
        self.ca_bundle = ca_bundle
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"Transport(verify={self.verify!r})"

    def request(self, method: str, url: str, *, json_body: Any = None, params: dict[str, Any] | None = None,
                auth: requests.auth.AuthBase | None = None, expect_json: bool = False,
                ok_empty: bool = True, with_headers: bool = False) -> Any:
        """Send one request; return the parsed JSON body (None when empty).

        With ``with_headers``, return ``(body, headers)`` (e.g. for the ``Location`` of a new call).
        """
        headers = {"Accept": "application/json"}
        data = None
        if json_body is not None:
            data = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        response = self.send(method, url, data=data, params=params, headers=headers, auth=auth)
        body = self.parse(response, expect_json=expect_json, ok_empty=ok_empty)
        return (body, response.headers) if with_headers else body

    def download(self, url: str, params: dict[str, Any] | None = None) -> bytes:
        """A file (a voice message, a statistics export): its bytes, TLS checked as for every request."""
        response = self.send("GET", url, params=params, headers={"Accept": "*/*"})
        if not response.ok:
            self.parse(response)
        return response.content

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One HTTP exchange with the CA bundle's check; no answer at all is an ``O2GConnectionError``."""
        try:
            return self.http.request(method, url, verify=self.verify, timeout=self.timeout, **kwargs)
        except requests.exceptions.SSLError as exc:
            reason, hint = tls_failure(self.ca_bundle, exc)
            raise O2GConnectionError(url, reason, hint) from None
        except requests.exceptions.ConnectionError as exc:
            reason, hint = connection_failure(url, exc)
            raise O2GConnectionError(url, reason, hint) from None
        except requests.exceptions.Timeout:
            raise O2GConnectionError(url, "no answer in time", "the gateway is slow or unreachable") from None
        except requests.exceptions.RequestException as exc:
            raise O2GConnectionError(url, f"the request failed ({exc.__class__.__name__})",
                                     "check the URL and the network") from None

    @staticmethod
    def parse(response: requests.Response, *, expect_json: bool = False, ok_empty: bool = True) -> Any:
        body: Any = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                body = response.text
        if not response.ok:
            raise O2GError(response.status_code, response.request.method or "?", response.url, body,
                           retry_after=retry_after(response.headers.get("Retry-After")))
        if body is None and expect_json and not ok_empty:
            raise O2GError(response.status_code, response.request.method or "?", response.url,
                           {"helpMessage": "expected a JSON body, got nothing"})
        return body
