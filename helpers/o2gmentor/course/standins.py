"""Deliberately broken O2G stand-ins on loopback, to show (and practise diagnosing) the classic mistakes.

A stand-in is a tiny HTTPS server on 127.0.0.1 that answers ``GET /api/rest`` like an O2G, with a
certificate made for the purpose by a stand-in CA (``cryptography``)::

    >>> with start_standin("expired") as bad:
    ...     preflight(bad.host, ca_bundle=bad.ca_bundle)     # ❌ Certificate: expired 12 days ago …

Faults: ``healthy``, ``expired``, ``not-yet-valid`` (its start date is next week), ``untrusted`` (signed by a
CA you were not given), ``name-mismatch`` (the certificate names ``o2g.bluewave.example`` only),
``fqdn-unresolvable`` (O2G's URLs name a host that does not resolve), ``refused`` (a port where nothing
listens). With ``intermediate=True`` the certificate is issued by an intermediate CA under a root CA, the
server sends only its own certificate, and the CA file you were given holds the root only (exercise 11-2).
Nothing here leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import shutil
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["StandIn", "start_standin", "closed_port", "customer_case", "without_suffix", "FAULTS", "CASES",
           "CUSTOMER_FILES"]

FAULTS = ("healthy", "expired", "not-yet-valid", "untrusted", "name-mismatch", "fqdn-unresolvable", "refused")
FQDN = "o2g.bluewave.example"          # the name the stand-ins' certificates give O2G (.example never resolves)
#: The stand-in CAs' names all end in "(stand-in)", so nobody mistakes them for real ones; checks accept a
#: name with or without that suffix.
STANDIN_SUFFIX = " (stand-in)"
CA_NAME = "Bluewave Issuing CA" + STANDIN_SUFFIX
ROOT_CA_NAME = "Bluewave Root CA" + STANDIN_SUFFIX
ROGUE_CA_NAME = "Bluewave Lab CA" + STANDIN_SUFFIX
EXPIRED_DAYS_AGO = 12
NOT_YET_VALID_IN_DAYS = 7
#: The PEM files the customer's PKI team sent in exercise 11-2 (``StandIn.files``): file name → CA.
CUSTOMER_FILES = {"bluewave-root-ca.pem": ROOT_CA_NAME, "bluewave-issuing-ca.pem": CA_NAME,
                  "bluewave-lab-ca.pem": ROGUE_CA_NAME}

#: Exercise 11-2's customer cases: case number → (fault left once the chain is trusted, O2G's FQDN). In every
#: case the CA file the customer uses holds only the root CA, and the certificate comes from an intermediate.
CASES = {1: ("not-yet-valid", FQDN), 2: ("fqdn-unresolvable", "o2g-lyon.bluewave.example"), 3: ("name-mismatch", FQDN)}


def closed_port(host: str = "127.0.0.1") -> int:
    """A loopback port where nothing listens (bound once to get a free number, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Bluewave Logistics (course stand-in)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _ca(common: str, issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None = None
        ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A CA: self-signed (a root), or issued by ``issuer`` (an intermediate CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    signer_name, signer_key = (issuer[0].subject, issuer[1]) if issuer else (_name(common), key)
    builder = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(signer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=400)).not_valid_after(now + dt.timedelta(days=3650)))
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()), critical=False)
    cert = (builder
            .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(signer_key, hashes.SHA256()))
    return cert, key


def _leaf(names: list[str], issuer: x509.Certificate, issuer_key: ec.EllipticCurvePrivateKey, *,
          not_before: dt.datetime, not_after: dt.datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(issuer.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(entries), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                           critical=False)
            .sign(issuer_key, hashes.SHA256()))
    return cert, key


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], context: ssl.SSLContext, descriptor_host: str) -> None:
        self.context = context
        self.descriptor_host = descriptor_host
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The handshake runs in the connection's own thread, so a client that fails it blocks nobody.
        request.settimeout(3.0)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except OSError:
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up mid-request are expected here; say nothing."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: a stand-in prints nothing in a notebook."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path.split("?")[0].rstrip("/") == "/api/rest":
            port = self.server.server_address[1]
            url = f"https://{self.server.descriptor_host}:{port}/api/rest/authenticate?version=1.0"
            body = {"serverInfo": {"productName": "O2G Solution (stand-in)", "productType": "O2G",
                                   "productVersion": {"major": "2.7", "minor": "000.000"}, "haMode": False},
                    "versions": [{"id": "1.0", "status": "CURRENT", "publicUrl": url, "internalUrl": url}],
                    "custoFeatures": []}
            self._send(200, body)
        else:
            self._send(404, {"httpStatus": "NOT_FOUND", "helpMessage": "a stand-in answers only GET /api/rest"})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@dataclass
class StandIn:
    """A running stand-in: where it listens, the CA bundle you were given for it, and its real fault."""

    fault: str
    host: str
    ca_bundle: str
    names: list[str] = field(default_factory=list)
    issuer: str = ""
    not_before: str = ""
    not_after: str = ""
    issuer_ca: str = ""                 # a PEM file that makes the chain trusted (the fix for untrusted)
    fqdn: str = FQDN                    # the FQDN in O2G's URLs (discovery)
    intermediate: bool = False          # issued by an intermediate CA the CA file does not hold
    files: Path | None = None           # exercise 11-2: the PEM files the customer's PKI team sent
    folder: Path | None = field(default=None, repr=False)
    _server: _Server | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        files = f", files={str(self.files)!r}" if self.files else ""
        return f"StandIn(host={self.host!r}, ca_bundle={self.ca_bundle!r}{files}, {state})"

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def fix(self) -> str:
        """The value that fixes the fault: the name to use, the CA to obtain, a date, the port."""
        return {"expired": self.not_after, "not-yet-valid": self.not_before,
                "name-mismatch": self.names[0] if self.names else "", "untrusted": self.issuer,
                "refused": self.host.rsplit(":", 1)[1], "fqdn-unresolvable": self.fqdn}.get(self.fault, "")

    def stop(self) -> None:
        """Stop the server and delete its certificates."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> StandIn:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_standin(fault: str = "healthy", *, fqdn: str = FQDN, intermediate: bool = False) -> StandIn:
    """Start a stand-in O2G on 127.0.0.1 (a free port) with the given ``fault``; ``stop()`` it after use.

    ``ca_bundle`` is the CA file a trainee would have been given: for ``untrusted`` it is not the CA that
    signed the server's certificate; with ``intermediate`` it holds the root CA only, while the certificate
    comes from an intermediate CA under it (``files`` then holds the PEMs the customer could send).
    """
    if fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; one of {', '.join(FAULTS)}")
    folder = Path(tempfile.mkdtemp(prefix="o2gmentor-standin-"))
    root = _ca(ROOT_CA_NAME) if intermediate else None
    ca, ca_key = _ca(CA_NAME, root)
    trusted = root[0] if root else ca                 # what the CA file you were given holds
    (folder / "ca.pem").write_bytes(_pem(trusted))
    if fault == "refused":
        return StandIn(fault, f"127.0.0.1:{closed_port()}", str(folder / "ca.pem"), folder=folder)
    now = dt.datetime.now(dt.timezone.utc)
    names = [fqdn, "127.0.0.1"]
    not_before, not_after = now - dt.timedelta(days=1), now + dt.timedelta(days=397)
    signer, signer_key = ca, ca_key
    if fault == "expired":
        not_before = now - dt.timedelta(days=400)
        not_after = now - dt.timedelta(days=EXPIRED_DAYS_AGO, hours=1)
    elif fault == "not-yet-valid":
        not_before = now + dt.timedelta(days=NOT_YET_VALID_IN_DAYS, hours=1)
        not_after = not_before + dt.timedelta(days=397)
    elif fault == "name-mismatch":
        names = [fqdn]
    elif fault == "untrusted":
        signer, signer_key = _ca(ROGUE_CA_NAME)
    leaf, leaf_key = _leaf(names, signer, signer_key, not_before=not_before, not_after=not_after)
    # the fix for an untrusted chain: the CA that signed it, and the root above it when it is an intermediate
    (folder / "issuer-ca.pem").write_bytes(_pem(signer) + (_pem(root[0]) if root and signer is ca else b""))
    files = None
    if intermediate:
        files = folder / "from-the-pki-team"
        files.mkdir()
        lab, _ = _ca(ROGUE_CA_NAME)
        for name, cert in zip(CUSTOMER_FILES, (root[0], ca, lab), strict=True):
            (files / name).write_bytes(_pem(cert))
    (folder / "server.pem").write_bytes(_pem(leaf))
    (folder / "server-key.pem").write_bytes(_key_pem(leaf_key))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(folder / "server.pem", folder / "server-key.pem")
    server = _Server(("127.0.0.1", 0), context, fqdn if fault == "fqdn-unresolvable" else "127.0.0.1")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
                              name=f"standin-{fault}")
    thread.start()
    return StandIn(fault, f"127.0.0.1:{server.server_address[1]}", str(folder / "ca.pem"), names=names,
                   issuer=str(signer.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value),
                   not_before=not_before.date().isoformat(), not_after=not_after.date().isoformat(),
                   issuer_ca=str(folder / "issuer-ca.pem"), fqdn=fqdn, intermediate=intermediate, files=files,
                   folder=folder, _server=server, _thread=thread)


def customer_case(number: int) -> StandIn:
    """Exercise 11-2: the customer's O2G as the trainee's laptop sees it.

    The CA file the customer uses (``ca_bundle``) holds only their root CA, while O2G's certificate comes from
    their intermediate CA: the chain is untrusted. Once a bundle with both is used, a second fault shows
    (``fault``): the certificate's start date, O2G's own FQDN, or the name used. ``files`` holds the PEMs
    the customer's PKI team sent (root, intermediate, and an old lab CA).
    """
    if number not in CASES:
        raise ValueError(f"case must be one of {sorted(CASES)}")
    fault, fqdn = CASES[number]
    return start_standin(fault, fqdn=fqdn, intermediate=True)


def without_suffix(name: str) -> str:
    """A stand-in CA's name without its " (stand-in)" suffix: the checks accept either."""
    text = str(name).strip()
    return text[: -len(STANDIN_SUFFIX)].rstrip() if text.lower().endswith(STANDIN_SUFFIX) else text
