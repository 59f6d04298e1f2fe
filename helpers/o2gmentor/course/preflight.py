"""``preflight(host)``: can an application reach this O2G? DNS, TCP, TLS, certificate, discovery, login.

Each step says ✅ / ❌ / ⚠️ / ⏭ (skipped because an earlier step failed) with what it saw and, when
something is wrong, *what to do*. The verdict fits one screen::

    >>> report = preflight("o2g.bluewave.example", ca_bundle="bluewave-ca.pem", login="oxe1001")
    >>> report.ok, report.cause        # (False, "expired") — the first failure's cause
    >>> report.step("certificate").advice

TLS verification is never disabled. When a verified handshake fails, the server's certificate is read a
second time *without* trusting it, only to say what is wrong with it (expired, which names, which issuer);
nothing is sent on that connection, and no credential is ever sent unless every TLS check passed.
"""

from __future__ import annotations

import datetime as dt
import html
import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.oid import NameOID

__all__ = ["preflight", "PreflightResult", "Step", "split_host", "read_pem", "CAUSES", "OK", "FAIL", "WARN",
           "SKIP"]

TIMEOUT = 3.0          # seconds, for each network step: a preflight answers quickly or says why not
WARN_DAYS = 30         # a certificate expiring sooner than this is a warning
DEFAULT_PORT = 443     # O2G's HTTPS entry point (o2g-domain.md §2.2)

OK, FAIL, WARN, SKIP = "ok", "fail", "warn", "skip"
MARKS = {OK: "✅", FAIL: "❌", WARN: "⚠️", SKIP: "⏭"}
COLOURS = {OK: "#2e7d32", FAIL: "#c62828", WARN: "#8d6e00", SKIP: "#757575"}

#: The causes a failed (or warning) step can name: the vocabulary of the verdict and of exercise 11-2.
CAUSES = {
    "unresolvable": "the host name does not resolve",
    "refused": "nothing listens on that port",
    "timeout": "no answer in time (a firewall drops the packets, or the host is down)",
    "unreachable": "no route to the host",
    "not-tls": "the port answers, but not with TLS",
    "untrusted": "the certificate's chain does not lead to a CA you trust",
    "expired": "the certificate has expired",
    "not-yet-valid": "the certificate is not valid yet",
    "name-mismatch": "the certificate names another host",
    "expiring-soon": "the certificate expires soon",
    "tls-failed": "the TLS handshake failed",
    "not-o2g": "the server does not answer GET /api/rest as an O2G does",
    "fqdn-unresolvable": "O2G's own FQDN (in its URLs) does not resolve",
    "login-refused": "the login or password is refused",
    "no-password": "no password for the login",
    "session-failed": "the session could not be opened",
}

# OpenSSL verification codes (x509_vfy.h) seen when a handshake is refused
_UNTRUSTED_CODES = {2, 18, 19, 20, 21, 27, 28, 24, 32}
_EXPIRED, _NOT_YET_VALID = 10, 9
_NAME_CODES = {62, 64}


@dataclass
class Step:
    """One line of the verdict."""

    name: str
    title: str
    status: str
    detail: str
    advice: str = ""
    cause: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def mark(self) -> str:
        return MARKS[self.status]

    def __repr__(self) -> str:
        line = f"{self.mark} {self.title:<12} {self.detail}"
        if self.advice:
            line += f"\n   {'':<12} → {self.advice}"
        return line


@dataclass
class PreflightResult:
    """The verdict: the steps in order; ``ok`` when none failed (warnings and skipped login allowed)."""

    host: str
    port: int
    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(s.status == FAIL for s in self.steps)

    @property
    def failures(self) -> list[Step]:
        return [s for s in self.steps if s.status == FAIL]

    @property
    def cause(self) -> str | None:
        """The first failure's cause (a key of ``CAUSES``), or None when nothing failed."""
        return self.failures[0].cause if self.failures else None

    @property
    def fix(self) -> str | None:
        """The value to act on for the first failure (e.g. the name the certificate carries), if any."""
        return self.failures[0].data.get("fix") if self.failures else None

    def step(self, name: str) -> Step:
        """One step by its name: dns, tcp, tls, certificate, discovery, login."""
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(f"no step {name!r}; steps: {', '.join(s.name for s in self.steps)}")

    def _summary(self) -> str:
        if self.ok:
            warned = sum(s.status == WARN for s in self.steps)
            return "ready" + (f", with {warned} warning(s)" if warned else "")
        return f"not ready: {len(self.failures)} problem(s) — fix the first ❌ first"

    def __repr__(self) -> str:
        head = f"Preflight of {_join(self.host, self.port)}: {self._summary()}"
        return "\n".join([head] + [repr(s) for s in self.steps])

    def _repr_html_(self) -> str:
        rows = []
        for s in self.steps:
            advice = (f"<div style='color:#444;margin-top:2px'>→ {html.escape(s.advice)}</div>"
                      if s.advice else "")
            rows.append(f"<tr><td style='padding:3px 8px;vertical-align:top'>{s.mark}</td>"
                        f"<td style='padding:3px 8px;vertical-align:top;color:{COLOURS[s.status]}'>"
                        f"<b>{html.escape(s.title)}</b></td>"
                        f"<td style='padding:3px 8px'>{html.escape(s.detail)}{advice}</td></tr>")
        colour = COLOURS[OK] if self.ok else COLOURS[FAIL]
        return (f"<div style='border-left:6px solid {colour};padding:4px 10px;color:#222'>"
                f"<b>Preflight of {html.escape(_join(self.host, self.port))}</b>: "
                f"<span style='color:{colour}'>{html.escape(self._summary())}</span>"
                f"<table style='border-collapse:collapse;margin-top:4px'>{''.join(rows)}</table></div>")


# ---------------------------------------------------------------------------- helpers
def split_host(host: str) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` or an ``https://`` URL → (name or address, port)."""
    text = host.strip()
    if "://" in text:
        parts = urlsplit(text)
        if not parts.hostname:
            raise ValueError(f"no host in {host!r}")
        return parts.hostname, parts.port or DEFAULT_PORT
    if text.startswith("["):
        name, _, rest = text[1:].partition("]")
        return name, int(rest[1:]) if rest.startswith(":") else DEFAULT_PORT
    if text.count(":") == 1:
        name, _, port = text.partition(":")
        return name, int(port)
    return text, DEFAULT_PORT


def _join(name: str, port: int) -> str:
    return f"[{name}]:{port}" if ":" in name else f"{name}:{port}"


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _within(seconds: float, work: Callable[[], Any]) -> Any:
    """Run ``work`` in a daemon thread; raise TimeoutError if it takes longer (getaddrinfo has no timeout)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer in {seconds:.0f} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def resolve(name: str, port: int = DEFAULT_PORT, timeout: float = TIMEOUT) -> list[str]:
    """Every address ``name`` resolves to (an IP literal resolves to itself)."""
    infos = _within(timeout, lambda: socket.getaddrinfo(name, port, type=socket.SOCK_STREAM))
    seen: list[str] = []
    for info in infos:
        address = info[4][0]
        if address not in seen:
            seen.append(address)
    return seen


def _names_of(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    """(SAN DNS names, SAN IP addresses) of a certificate."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return list(san.get_values_for_type(x509.DNSName)), [str(a) for a in san.get_values_for_type(x509.IPAddress)]


def _name_matches(host: str, dns_names: list[str], ips: list[str]) -> bool:
    if _is_ip(host):
        return str(ipaddress.ip_address(host)) in {str(ipaddress.ip_address(a)) for a in ips}
    host = host.lower().rstrip(".")
    for pattern in (n.lower().rstrip(".") for n in dns_names):
        if pattern == host:
            return True
        if pattern.startswith("*.") and "." in host and host.split(".", 1)[1] == pattern[2:]:
            return True
    return False


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def read_pem(path: Any) -> list[dict[str, Any]]:
    """What a PEM file holds: each certificate's subject, issuer, whether it is a CA (and self-signed: a root).

    A CA bundle is one or more PEM certificates one after the other; this is how to see which CAs it trusts.
    An unreadable file gives an empty list.
    """
    try:
        with open(path, "rb") as source:
            certificates = x509.load_pem_x509_certificates(source.read())
    except (OSError, ValueError, TypeError):
        return []
    rows = []
    for cert in certificates:
        try:
            is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        rows.append({"subject": _common_name(cert.subject), "issuer": _common_name(cert.issuer), "ca": is_ca,
                     "self-signed": cert.issuer == cert.subject,
                     "not_after": cert.not_valid_after_utc.date().isoformat()})
    return rows


def _fetch_unverified(name: str, address: str, port: int) -> x509.Certificate | None:
    """The server's certificate, read WITHOUT trusting it — for diagnosis only.

    This connection is used for nothing else: no request, no credential is ever sent on it. Its only
    purpose is to say *why* the verified handshake failed (expired? which names? which issuer?).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # diagnosis only: see the docstring
    try:
        with socket.create_connection((address, port), timeout=TIMEOUT) as raw, \
                context.wrap_socket(raw, server_hostname=None if _is_ip(name) else name) as tls:
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError):
        return None
    return x509.load_der_x509_certificate(der) if der else None


# ---------------------------------------------------------------------------- the steps
class _Run:
    def __init__(self, host: str, ca_bundle: str | None, login: str | None, password: Any) -> None:
        self.name, self.port = split_host(host)
        self.ca_bundle = ca_bundle
        self.login = login
        self.password = password
        self.result = PreflightResult(self.name, self.port)
        self.addresses: list[str] = []
        self.address: str | None = None
        self.cert: x509.Certificate | None = None
        self.verified = False

    @property
    def where(self) -> str:
        return _join(self.name, self.port)

    @property
    def trust(self) -> str:
        return self.ca_bundle or "the system's CA store"

    def add(self, name: str, title: str, status: str, detail: str, advice: str = "", cause: str | None = None,
            **data: Any) -> Step:
        step = Step(name, title, status, detail, advice, cause, data)
        self.result.steps.append(step)
        return step

    def skip(self, names: list[tuple[str, str]], why: str) -> None:
        for name, title in names:
            self.add(name, title, SKIP, f"skipped: {why}")

    # 1 ---------------------------------------------------------------- DNS
    def dns(self) -> bool:
        if _is_ip(self.name):
            self.addresses = [self.name]
            self.add("dns", "DNS", OK, f"{self.name} is an IP address: nothing to resolve "
                     "(O2G's own FQDN must still resolve — see Discovery)", addresses=self.addresses)
            return True
        try:
            self.addresses = resolve(self.name, self.port)
        except socket.gaierror as exc:
            self.add("dns", "DNS", FAIL, f"{self.name} does not resolve ({exc.strerror})",
                     "the name does not resolve: check the DNS record (or the hosts file) on this machine, "
                     "and the spelling; O2G's FQDN must be in the customer's DNS", "unresolvable", fix=self.name)
            return False
        except TimeoutError:
            self.add("dns", "DNS", FAIL, f"no DNS answer for {self.name} in {TIMEOUT:.0f} s",
                     "the DNS server does not answer: check this machine's DNS servers", "timeout")
            return False
        self.add("dns", "DNS", OK, f"{self.name} → {', '.join(self.addresses)}", addresses=self.addresses)
        return True

    # 2 ---------------------------------------------------------------- TCP
    def tcp(self) -> bool:
        errors: list[tuple[str, BaseException]] = []
        for address in self.addresses:
            try:
                with socket.create_connection((address, self.port), timeout=TIMEOUT):
                    pass
            except OSError as exc:
                errors.append((address, exc))
                continue
            self.address = address
            self.add("tcp", "TCP", OK, f"{_join(address, self.port)} accepts connections", address=address)
            return True
        address, exc = errors[0]
        where = _join(address, self.port)
        if isinstance(exc, ConnectionRefusedError):
            self.add("tcp", "TCP", FAIL, f"connection refused on {where}",
                     f"nothing listens on port {self.port} there — check the port (O2G's HTTPS is "
                     f"{DEFAULT_PORT} by default) and that O2G is running", "refused", fix=str(self.port))
        elif isinstance(exc, (TimeoutError, socket.timeout)):
            self.add("tcp", "TCP", FAIL, f"no answer from {where} in {TIMEOUT:.0f} s",
                     "a firewall drops the packets, or the host is down — ask the network team to open "
                     f"this machine → O2G on TCP {self.port}", "timeout", fix=str(self.port))
        else:
            self.add("tcp", "TCP", FAIL, f"cannot reach {where}: {exc.strerror or exc}",
                     "no route to the host — check the address, the routes and the VPN", "unreachable")
        return False

    # 3 + 4 ---------------------------------------------------------- TLS and certificate
    def tls(self) -> bool:
        assert self.address is not None
        try:
            context = ssl.create_default_context(cafile=self.ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            shown = str(self.ca_bundle)
            if "-----BEGIN" in shown or len(shown) > 120:
                shown = (shown[:40] + "…") if len(shown) > 40 else shown
                advice = "give the PATH of a PEM file (write the PEM text into a file first), not the text itself"
                reason = "the CA bundle is PEM text, not a file path"
            else:
                advice = "give the PEM file of the CA that signed O2G's certificate"
                reason = f"{exc.__class__.__name__}: {getattr(exc, 'strerror', None) or exc}"
            self.add("tls", "TLS trust", FAIL, f"cannot read the CA bundle {shown!r}: {reason}", advice, "untrusted")
            self.skip([("certificate", "Certificate")], "no CA bundle to check it with")
            return False
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        failure: ssl.SSLError | None = None
        try:
            with socket.create_connection((self.address, self.port), timeout=TIMEOUT) as raw, \
                    context.wrap_socket(raw, server_hostname=self.name) as tls:
                version = tls.version()
                self.cert = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
        except ssl.SSLCertVerificationError as exc:
            failure = exc
        except ssl.SSLError as exc:
            reason = exc.reason or str(exc)
            if "WRONG_VERSION_NUMBER" in reason or "RECORD_LAYER" in reason or "PACKET_LENGTH" in reason:
                self.add("tls", "TLS trust", FAIL, f"{self.where} answers, but not with TLS ({reason})",
                         "this port speaks plain HTTP or another protocol — use O2G's HTTPS port "
                         f"({DEFAULT_PORT} by default)", "not-tls")
            else:
                self.add("tls", "TLS trust", FAIL, f"TLS handshake with {self.where} failed: {reason}",
                         "the server refused our TLS 1.2+ handshake — check O2G's TLS settings", "tls-failed")
            self.skip([("certificate", "Certificate")], "no TLS handshake")
            return False
        except OSError as exc:
            self.add("tls", "TLS trust", FAIL, f"the connection to {self.where} dropped during the handshake: {exc}",
                     "something on the way (a proxy, a load balancer) or the server closed it", "tls-failed")
            self.skip([("certificate", "Certificate")], "no TLS handshake")
            return False
        if failure is None:
            self.verified = True
            issuer = _common_name(self.cert.issuer)
            self.add("tls", "TLS trust", OK,
                     f"{version}; chain verified: issued by '{issuer}', trusted by {self.trust}", issuer=issuer)
            return self.certificate()
        # The verified handshake failed: read the certificate without trust to say why (see _fetch_unverified).
        self.cert = _fetch_unverified(self.name, self.address, self.port)
        code = failure.verify_code
        chain_ok = code not in _UNTRUSTED_CODES
        if chain_ok:
            issuer = _common_name(self.cert.issuer) if self.cert else "?"
            self.add("tls", "TLS trust", OK, f"chain trusted: issued by '{issuer}', which {self.trust} holds "
                     "(but the handshake is refused — see Certificate)", issuer=issuer)
        else:
            self.untrusted(failure)
        if self.cert is None:
            self.add("certificate", "Certificate", FAIL, f"handshake refused: {failure.verify_message}",
                     "the certificate could not be read for diagnosis", _cause_of(code))
            return False
        self.certificate(refused=failure if chain_ok else None, diagnosed=True)
        return False

    def untrusted(self, failure: ssl.SSLCertVerificationError) -> None:
        cert = self.cert
        issuer = _common_name(cert.issuer) if cert else "?"
        never = "never verify=False: it would send passwords to whoever answers"
        rows = read_pem(self.ca_bundle) if self.ca_bundle else []
        held = [row["subject"] for row in rows]
        above = next((row["issuer"] for row in rows if row["subject"] == issuer and not row["self-signed"]), None)
        fix = issuer
        if cert is not None and cert.issuer == cert.subject:
            detail = f"the certificate is self-signed ('{issuer}'): {self.trust} does not trust it"
            advice = ("have the customer's CA issue O2G's certificate (or, for a lab, add this certificate's PEM "
                      f"to your CA bundle) — {never}")
        elif above is not None and above not in held:
            # the bundle holds the intermediate that issued the certificate, but not the root above it
            detail = (f"issued by '{issuer}', which {self.trust} holds, but not the CA that issued '{issuer}': "
                      f"'{above}' ({failure.verify_message})")
            advice = f"add the PEM certificate of the root CA '{above}' to the bundle, next to '{issuer}' — {never}"
            fix = above
        else:
            holds = f"; the bundle holds {', '.join(repr(h) for h in held)}" if held else ""
            detail = f"issued by '{issuer}', a CA that {self.trust} does not hold ({failure.verify_message}{holds})"
            advice = (f"get the PEM certificate of the CA '{issuer}' from the customer — and, if it is an "
                      "intermediate CA, the root CA above it — and give them, one after the other in one file, as "
                      f"the CA bundle (--ca-bundle / O2G_CA_BUNDLE) — {never}")
        self.add("tls", "TLS trust", FAIL, detail, advice, "untrusted", fix=fix, issuer=issuer)

    def certificate(self, *, refused: ssl.SSLCertVerificationError | None = None,
                    diagnosed: bool = False) -> bool:
        cert = self.cert
        assert cert is not None
        dns_names, ips = _names_of(cert)
        names = dns_names + ips
        shown = ", ".join(names) if names else f"no SAN (CN {_common_name(cert.subject)} only)"
        not_after = cert.not_valid_after_utc
        not_before = cert.not_valid_before_utc
        now = dt.datetime.now(dt.timezone.utc)
        # whole days left; once expired, minus the whole days since (so "expired 12 days ago" is days_left -12)
        days = (not_after - now).days if now <= not_after else -(now - not_after).days
        data: dict[str, Any] = {"names": names, "not_after": not_after.date().isoformat(), "days_left": days,
                                "issuer": _common_name(cert.issuer)}
        read = " (read without trust, for diagnosis only)" if diagnosed else ""
        if not names:
            advice = (f"the certificate has no subjectAltName: clients ignore the CN since RFC 2818 — reissue it "
                      f"with {self.name} in its SAN")
            self.add("certificate", "Certificate", FAIL, f"names no host in a SAN{read}", advice, "name-mismatch",
                     fix=_common_name(cert.subject), **data)
            return False
        problems: list[tuple[str, str, str, str]] = []  # (cause, detail, advice, fix)
        if now > not_after:
            ago = -days
            problems.append(("expired", f"expired {ago} day{'s' * (ago != 1)} ago (notAfter {data['not_after']})",
                             "have the customer's CA issue a new certificate and install it on the O2G (ALE's "
                             "installation guide gives the procedure); if the date looks wrong, check the clocks "
                             "(NTP) of this machine and of the O2G", data["not_after"]))
        elif now < not_before:
            problems.append(("not-yet-valid", f"not valid before {not_before.date().isoformat()}",
                             "check the clocks (NTP) of this machine and of the O2G, or wait for the start date",
                             not_before.date().isoformat()))
        if not _name_matches(self.name, dns_names, ips):
            problems.append(("name-mismatch", f"the certificate names {shown}, not {self.name}",
                             "use the FQDN the certificate names, or reissue it with this name in its SAN",
                             (dns_names or ips)[0]))
        if problems:
            cause, detail, advice, fix = problems[0]
            for _, more, extra, _ in problems[1:]:
                detail += f"; and {more}"
                advice += f"; and: {extra}"
            self.add("certificate", "Certificate", FAIL, detail + read, advice, cause, fix=fix, **data)
            return False
        if refused is not None:  # OpenSSL refused it for a reason not covered above
            self.add("certificate", "Certificate", FAIL,
                     f"handshake refused: {refused.verify_message}{read}",
                     "read the certificate with `openssl x509 -text` and compare with the checks above",
                     _cause_of(refused.verify_code), **data)
            return False
        if days < WARN_DAYS:
            self.add("certificate", "Certificate", WARN,
                     f"names {shown}; expires in {days} days (notAfter {data['not_after']})",
                     "renew it before it expires: an expired certificate stops every application at once",
                     "expiring-soon", fix=data["not_after"], **data)
            return True
        self.add("certificate", "Certificate", OK, f"names {shown}; valid {days} more days "
                 f"(until {data['not_after']}){read}", **data)
        return True

    # 5 ---------------------------------------------------------------- discovery
    def discovery(self) -> bool:
        from o2gmentor.client import O2GConnectionError, O2GError
        from o2gmentor.client.transport import Transport

        url = f"https://{self.where}/api/rest"
        transport = Transport(self.ca_bundle, timeout=(TIMEOUT, TIMEOUT))
        try:
            body = transport.request("GET", url, expect_json=True)
        except O2GError as exc:
            self.add("discovery", "Discovery", FAIL, f"GET /api/rest → {exc.status}",
                     "this is not an O2G's REST entry point — check the host and port", "not-o2g")
            return False
        except O2GConnectionError as exc:
            self.add("discovery", "Discovery", FAIL, f"GET /api/rest: {exc.reason}", exc.hint, "not-o2g")
            return False
        if not isinstance(body, dict) or "versions" not in body:
            self.add("discovery", "Discovery", FAIL, "GET /api/rest did not return an O2G descriptor",
                     "this is not an O2G's REST entry point — check the host and port", "not-o2g")
            return False
        info = body.get("serverInfo") or {}
        version = info.get("productVersion") or {}
        offered = [v.get("id") for v in body.get("versions", [])]
        detail = (f"{info.get('productName', '?')} {version.get('major', '?')}.{version.get('minor', '?')}"
                  f"{' (HA)' if info.get('haMode') else ''}; API versions {', '.join(map(str, offered)) or 'none'}")
        data = {"productName": info.get("productName"), "productVersion": version, "versions": offered,
                "haMode": info.get("haMode")}
        if "1.0" not in offered:
            self.add("discovery", "Discovery", FAIL, detail, "API version 1.0, which the SDKs use, is not offered",
                     "not-o2g", **data)
            return False
        hosts: dict[str, str] = {}
        for entry in body.get("versions", []):
            for kind in ("internalUrl", "publicUrl"):
                name = urlsplit(entry.get(kind) or "").hostname
                if name:
                    hosts.setdefault(name, kind)
        unresolved: dict[str, str] = {}
        for name, kind in hosts.items():
            try:
                resolve(name)
            except (OSError, TimeoutError):
                unresolved[name] = kind
        data["url_hosts"] = sorted(hosts)
        internal_bad = [n for n, k in unresolved.items() if k == "internalUrl"]
        if internal_bad:
            name = internal_bad[0]
            self.add("discovery", "Discovery", FAIL, f"{detail}; but O2G sends clients to {name}, which does not "
                     "resolve from here", f"add {name} to the DNS (for a test, to the hosts file): the SDKs follow "
                     "O2G's URLs and fail even when you connect by IP address", "fqdn-unresolvable", fix=name, **data)
            return False
        names_seen = ", ".join(sorted(hosts)) or "—"
        if unresolved:
            name = next(iter(unresolved))
            self.add("discovery", "Discovery", WARN, f"{detail}; public URL host {name} does not resolve here",
                     "fine on the LAN; applications outside it need that name in the public DNS", "fqdn-unresolvable",
                     **data)
            return True
        if self.cert is not None:
            dns_names, ips = _names_of(self.cert)
            uncovered = [n for n in hosts if not _name_matches(n, dns_names, ips)]
            if uncovered:
                self.add("discovery", "Discovery", WARN, f"{detail}; O2G's URLs name {', '.join(uncovered)}, "
                         "which the certificate does not", "reissue the certificate with that name in its SAN: "
                         "clients following O2G's URLs will fail the name check", "name-mismatch", **data)
                return True
        self.add("discovery", "Discovery", OK, f"{detail}; URLs name {names_seen} (resolves)", **data)
        return True

    # 6 ---------------------------------------------------------------- login
    def login_step(self) -> None:
        from o2gmentor.client import O2G, O2GConnectionError, O2GError
        from o2gmentor.client.session import Secret

        password = self.password
        if password is None:
            from o2gmentor.course.config import load_settings

            password = load_settings().password_for(self.login)
        if isinstance(password, Secret):
            password = password.value
        if not password:
            self.add("login", "Login", FAIL, f"no password for {self.login}",
                     f"set O2G_PASSWORD_{self.login.upper()} in the environment or the untracked .env",
                     "no-password")
            return
        client = O2G(self.where, self.login, password, ca_bundle=self.ca_bundle, keepalive=False,
                     application="o2gmentor-preflight")
        del password
        try:
            client.connect()
        except O2GError as exc:
            if exc.status == 401:
                self.add("login", "Login", FAIL, f"{self.login}: 401 — login or password refused",
                         "check the login (users: oxe + number by convention) and the password (a user's is "
                         "the set's secret code)", "login-refused")
            else:
                self.add("login", "Login", FAIL, f"{self.login}: {exc.method} → {exc.status} {exc.message}".strip(),
                         exc.hint, "session-failed")
            return
        except O2GConnectionError as exc:
            self.add("login", "Login", FAIL, f"{self.login}: {exc.reason}", exc.hint, "session-failed")
            return
        info = client.session_info
        try:
            client.close()
            closed = "closed"
        except (O2GError, O2GConnectionError):
            closed = "not closed (it ends by itself after its time to live)"
        self.add("login", "Login", OK, f"{self.login} authenticated; session opened "
                 f"({'administrator' if info.get('admin') else 'user'}, {len(info.get('services', []))} services, "
                 f"timeToLive {info.get('timeToLive')} s) and {closed}",
                 admin=bool(info.get("admin")), services=[s.get("serviceName") for s in info.get("services", [])])


def _cause_of(code: int) -> str:
    if code == _EXPIRED:
        return "expired"
    if code == _NOT_YET_VALID:
        return "not-yet-valid"
    if code in _NAME_CODES:
        return "name-mismatch"
    if code in _UNTRUSTED_CODES:
        return "untrusted"
    return "tls-failed"


def preflight(host: str, ca_bundle: str | None = None, login: str | None = None, password: Any = None, *,
              auth: Any = None) -> PreflightResult:
    """Check, in order, that an application can reach the O2G at ``host`` (``host[:port]``, default port 443).

    DNS (all addresses) → TCP → TLS chain against ``ca_bundle`` (else the system store) → the certificate's
    dates and names → ``GET /api/rest`` (and whether O2G's own URLs resolve) → with ``login``: authenticate,
    open and close a session. ``password`` defaults to the course settings (``O2G_PASSWORD_<LOGIN>``…);
    ``auth`` takes ``course.basic_auth(login)`` instead of a login and password. Passwords are never shown.
    """
    if auth is not None:
        login, password = auth.login, auth.password
    run = _Run(host, ca_bundle, login, password)
    later = [("tcp", "TCP"), ("tls", "TLS trust"), ("certificate", "Certificate"), ("discovery", "Discovery"),
             ("login", "Login")]
    if not run.dns():
        run.skip(later, "the host name does not resolve")
        return run.result
    if not run.tcp():
        run.skip(later[1:], "no TCP connection")
        return run.result
    tls_ok = run.tls()
    if not (tls_ok and run.verified):
        run.skip(later[3:], "no verified TLS connection — nothing is sent to an unverified server")
        return run.result
    if not run.discovery():
        run.skip(later[4:], "discovery failed")
        return run.result
    if login:
        run.login_step()
    else:
        run.add("login", "Login", SKIP, "skipped: no login given (add one to test authentication and a session)")
    return run.result
