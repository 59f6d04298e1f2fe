"""The installation worksheet: the customer site's values for an O2G install, checked, then a checklist.

The trainee fills a ``Worksheet`` with what the customer gave (or must give); ``validate()`` finds real
problems (a name that is not an FQDN, a loopback address, no NTP, HA without its second node, a certificate
whose SAN lacks the FQDN, a service without its licence…) and ``checklist()`` renders what the customer
must prepare and who does it, in Markdown (or HTML in a notebook).

Licences per service follow o2g-domain.md §2.5 (the SDKs' service docs). Port numbers that are not public
(O2G → OXE CSTA/CMIS, licence server) stay ``None``: "see ALE's installation guide".
"""

from __future__ import annotations

import html
import ipaddress
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

__all__ = ["Worksheet", "OxeNode", "Flow", "Problem", "Checklist", "SERVICES", "LICENCE_ALIASES"]

#: Service the integration uses → the O2G licence it needs (None: no specific licence), o2g-domain.md §2.5.
SERVICES: dict[str, str | None] = {
    "telephony-basic": None,                 # basicMakeCall / basicAnswerCall / basicDropMe only
    "telephony": "TELEPHONY_ADVANCED",       # call control, and telephony events
    "routing": "TELEPHONY_ADVANCED",         # forward, overflow, DND
    "comlog": "TELEPHONY_ADVANCED",
    "messaging": "TELEPHONY_ADVANCED",       # voice mail
    "directory": "TELEPHONY_ADVANCED",
    "eventsummary": "TELEPHONY_ADVANCED",
    "ccd-agent": "CONTACTCENTER_AGENT",
    "ccd-pilot": "CONTACTCENTER_SERVICE",
    "ccd-realtime": "CONTACTCENTER_SERVICE",
    "ccd-statistics": "CONTACTCENTER_SERVICE",
    "ccd-management": "CONTACTCENTER_SERVICE",
    "rsi": "CONTACTCENTER_RSI",
    "management": "MANAGEMENT",               # the OXE object model (PBX management)
    "analytics": "ANALYTICS",                 # also an administrator login and SSH on the OXE
    "users": None, "usermanagement": None, "maintenance": None, "phonesetprogramming": None,
}
#: Names that mean the same licence: the SDKs' README tables and service docs disagree (§2.5, [?]);
#: in OPEX, "40 api-tel-f subscriptions" stand for the contact-center services licence.
LICENCE_ALIASES = {"CONTACTCENTER_SVCS": "CONTACTCENTER_SERVICE"}
OPEX_EQUIVALENTS = {"CONTACTCENTER_SERVICE": {"API_TEL_F"}}
#: Services that need devices monitored and telephony events: not in a PBX_MANAGEMENT configuration (§1).
TELEPHONY_SERVICES = {"telephony-basic", "telephony", "routing", "comlog", "messaging", "eventsummary", "ccd-agent",
                      "ccd-pilot", "ccd-realtime", "rsi"}
LICENCE_MODES = {"CAPEX": "CAPEX", "FLEXLM": "CAPEX", "OPEX": "OPEX", "LMS": "OPEX"}
CONFIGURATIONS = ("FULL_SERVICES", "PBX_MANAGEMENT")
PRIVATE_NETS = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_LIST_FIELDS = ("dns_servers", "ntp_servers", "oxe_nodes", "ha_addresses", "certificate_san", "services", "licences",
                "user_logins", "flows")


@dataclass
class OxeNode:
    """An OXE node O2G serves: its node number, its call server's address (and the standby's, if duplicated)."""

    node: str
    address: str
    secondary: str | None = None
    name: str = ""


@dataclass
class Flow:
    """A firewall flow: ``port`` None means "the port is in ALE's installation guide" (not public)."""

    source: str
    destination: str
    port: int | None
    protocol: str = "TCP"
    purpose: str = ""


@dataclass
class Problem:
    """One thing wrong with the worksheet (``error``) or worth a second look (``warning``)."""

    field: str
    message: str
    severity: str = "error"

    def __repr__(self) -> str:
        return f"{'❌' if self.severity == 'error' else '⚠️'} {self.field}: {self.message}"


class Checklist:
    """The checklist to hand to the customer: Markdown, shown as HTML in a notebook."""

    def __init__(self, markdown: str, rows: list[dict[str, str]], problems: list[Problem]) -> None:
        self.markdown = markdown
        self.rows = rows
        self.problems = problems

    def __repr__(self) -> str:
        return self.markdown

    def _repr_markdown_(self) -> str:
        return self.markdown

    def html(self) -> str:
        """The same checklist as standalone HTML (e.g. to mail it)."""
        cell = "padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"
        head = "".join(f"<th style='{cell}'>{h}</th>" for h in ("#", "What to prepare", "Value", "Who", "Done"))
        body = "".join(
            f"<tr><td style='{cell}'>{i}</td><td style='{cell}'>{html.escape(r['what'])}</td>"
            f"<td style='{cell}'>{html.escape(r['value'])}</td><td style='{cell}'>{html.escape(r['who'])}</td>"
            f"<td style='{cell}'>☐</td></tr>" for i, r in enumerate(self.rows, start=1))
        issues = "".join(f"<li>{html.escape(repr(p))}</li>" for p in self.problems)
        warning = f"<p><b>Still to settle:</b></p><ul>{issues}</ul>" if issues else ""
        return (f"{warning}<table style='border-collapse:collapse'><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")


# ---------------------------------------------------------------------------- value checks
def _ip(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(str(value).strip())
    except ValueError:
        return None


def is_fqdn(value: Any) -> bool:
    """A fully qualified host name: two labels or more, letters/digits/hyphens, not an IP address."""
    if not isinstance(value, str) or _ip(value) is not None:
        return False
    name = value.strip().lower().rstrip(".")
    labels = name.split(".")
    return (len(name) <= 253 and len(labels) >= 2 and all(_LABEL.match(label) for label in labels)
            and not labels[-1].isdigit())


def _host_ok(value: Any) -> bool:
    return is_fqdn(value) or _ip(value) is not None


def prefix_length(value: Any) -> int | None:
    """The prefix length of ``255.255.255.0``, ``/24`` or ``24``; None when it is not a netmask."""
    text = str(value).strip().lstrip("/")
    if text.isdigit():
        return int(text) if 0 < int(text) <= 32 else None
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{text}").prefixlen
    except ValueError:
        return None


def _san_covers(name: str, san: list[str]) -> bool:
    name = name.lower().rstrip(".")
    for entry in (str(s).lower().rstrip(".") for s in san):
        if entry == name or (entry.startswith("*.") and name.split(".", 1)[-1] == entry[2:]):
            return True
    return False


def canonical_licence(name: str) -> str:
    key = str(name).strip().upper().replace("-", "_").replace(" ", "_")
    return LICENCE_ALIASES.get(key, key)


@dataclass
class Worksheet:
    """The values of one customer site for installing O2G. Fill what you know; ``validate()`` the rest."""

    customer: str = ""
    fqdn: str = ""                     # the name applications use for O2G (it must be in the DNS)
    private_ip: str = ""               # O2G's LAN address (with HA: the pair's shared, virtual address)
    netmask: str = ""
    gateway: str = ""
    public_fqdn: str | None = None     # only with access from outside, through a reverse proxy
    public_ip: str | None = None
    dns_servers: list[str] = field(default_factory=list)
    ntp_servers: list[str] = field(default_factory=list)
    oxe_nodes: list[OxeNode] = field(default_factory=list)
    ha: bool = False
    ha_addresses: list[str] = field(default_factory=list)   # with HA: each O2G node's own address
    certificate_ca: str = ""           # who issues O2G's certificate
    certificate_san: list[str] = field(default_factory=list)
    configuration: str = "FULL_SERVICES"
    licence_mode: str = ""             # CAPEX (FlexLM server) or OPEX (LMS)
    licence_server: str = ""
    services: list[str] = field(default_factory=list)    # keys of SERVICES the integration uses
    licences: list[str] = field(default_factory=list)
    admin_login: str = ""
    user_logins: list[str] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)

    # ------------------------------------------------------------------ conversions
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Worksheet:
        values = dict(data)
        values["oxe_nodes"] = [n if isinstance(n, OxeNode) else OxeNode(**n) for n in values.get("oxe_nodes", [])]
        values["flows"] = [f if isinstance(f, Flow) else Flow(**f) for f in values.get("flows", [])]
        return cls(**values)

    @property
    def o2g_names(self) -> set[str]:
        """Every name or address that means "the O2G" in a flow."""
        names = {self.fqdn, self.private_ip, self.public_fqdn, self.public_ip, *self.ha_addresses}
        return {str(n).lower() for n in names if n}

    @property
    def needed_licences(self) -> dict[str, list[str]]:
        """Licence → the services of this worksheet that need it."""
        needed: dict[str, list[str]] = {}
        for service in self.services:
            licence = SERVICES.get(service)
            if licence:
                needed.setdefault(licence, []).append(service)
        return needed

    # ------------------------------------------------------------------ validation
    def validate(self) -> list[Problem]:
        """Every problem found: errors to fix before the install, warnings to look at.

        Values of the wrong kind (a tuple instead of a ``Flow``, one string instead of a list) are problems
        too, reported as such; the rest of the worksheet is still checked.
        """
        problems: list[Problem] = []
        self._shaped(problems)._check(problems)
        return problems

    def _shaped(self, problems: list[Problem]) -> Worksheet:
        """A copy whose list fields are lists of the right kind; what does not fit is reported and left out."""
        cleaned: dict[str, Any] = {}
        for name in _LIST_FIELDS:
            value = getattr(self, name)
            if value is None:
                cleaned[name] = []
            elif isinstance(value, str):
                parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
                problems.append(Problem(name, f"{value!r} is one string: give a list, e.g. {parts!r}"))
                cleaned[name] = [value]
            elif not isinstance(value, (list, tuple, set)):
                problems.append(Problem(name, f"a {type(value).__name__} where a list is expected"))
                cleaned[name] = []
            else:
                cleaned[name] = list(value)
        for name, kind, example in (("oxe_nodes", OxeNode, "OxeNode(node, address, secondary=…, name=…)"),
                                    ("flows", Flow, "Flow(source, destination, port, purpose=…)")):
            keep = []
            for index, item in enumerate(cleaned[name]):
                if isinstance(item, kind):
                    keep.append(item)
                else:
                    problems.append(Problem(name, f"{name}[{index}] is a {type(item).__name__}, not a "
                                            f"{kind.__name__}: write {example}"))
            cleaned[name] = keep
        return replace(self, **cleaned)

    def _check(self, problems: list[Problem]) -> None:
        """The checks of ``validate()``, on a worksheet whose fields have the right kinds."""

        def error(where: str, message: str) -> None:
            problems.append(Problem(where, message, "error"))

        def warning(where: str, message: str) -> None:
            problems.append(Problem(where, message, "warning"))

        def address(where: str, value: Any, *, required: bool = True) -> ipaddress.IPv4Address | None:
            if value in (None, ""):
                if required:
                    error(where, "missing")
                return None
            ip = _ip(value)
            if ip is None:
                error(where, f"{value!r} is not an IP address")
            elif ip.is_loopback:
                error(where, f"{value} is the loopback: other machines cannot reach it")
            elif ip.is_unspecified or ip.is_multicast or ip.is_link_local:
                error(where, f"{value} cannot be a host's address")
            else:
                return ip
            return None

        if not self.customer:
            warning("customer", "whose site is it? (it heads the checklist)")
        # -- O2G's name and addresses
        if not self.fqdn:
            error("fqdn", "missing: O2G needs a fully qualified name in the customer's DNS")
        elif _ip(self.fqdn) is not None:
            error("fqdn", f"{self.fqdn} is an IP address: O2G needs a name (clients follow the URLs O2G "
                  "builds from it, and the certificate names it)")
        elif not is_fqdn(self.fqdn):
            error("fqdn", f"{self.fqdn!r} is not a valid fully qualified name (host.domain, letters, digits, "
                  "hyphens)")
        ip = address("private_ip", self.private_ip)
        prefix = prefix_length(self.netmask) if self.netmask else None
        if not self.netmask:
            error("netmask", "missing")
        elif prefix is None:
            error("netmask", f"{self.netmask!r} is not a netmask (e.g. 255.255.255.0)")
        elif str(self.netmask).strip().count(".") != 3:
            dotted = ipaddress.IPv4Network(f"0.0.0.0/{prefix}").netmask
            warning("netmask", f"{self.netmask!r} is a prefix length: a netmask is written dotted, {dotted}")
        gateway = address("gateway", self.gateway)
        if ip is not None and gateway is not None and prefix is not None:
            network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
            if gateway == ip:
                error("gateway", "the gateway is O2G's own address")
            elif gateway not in network:
                error("gateway", f"{gateway} is not in O2G's subnet {network}: O2G could not reach it")
        if self.public_ip:
            public = address("public_ip", self.public_ip)
            if public is not None and any(public in net for net in PRIVATE_NETS):
                warning("public_ip", f"{public} is a private (RFC 1918) address: is it really the public one?")
            if not self.public_fqdn:
                error("public_fqdn", "a public address needs a public name too (in the public DNS and the SAN)")
        if self.public_fqdn and not is_fqdn(self.public_fqdn):
            error("public_fqdn", f"{self.public_fqdn!r} is not a valid fully qualified name")
        # -- DNS and NTP
        if not self.dns_servers:
            error("dns_servers", "no DNS server: O2G must resolve its own name and the OXE's")
        for server in self.dns_servers:
            address("dns_servers", server)
        if not self.ntp_servers:
            error("ntp_servers", "no NTP server: certificates, HA and logs need the right time on O2G and OXE")
        for server in self.ntp_servers:
            if not _host_ok(server):
                error("ntp_servers", f"{server!r} is neither an IP address nor a host name")
            elif _ip(server) is not None:
                address("ntp_servers", server)
        # -- OXE nodes
        if not self.oxe_nodes:
            error("oxe_nodes", "no OXE node: which call server(s) will O2G serve?")
        seen: set[str] = set()
        for node in self.oxe_nodes:
            where = f"oxe_nodes[{node.node}]"
            if not str(node.node).isdigit():
                error(where, f"node number {node.node!r} must be digits")
            elif str(node.node) in seen:
                error(where, "the same node number twice")
            seen.add(str(node.node))
            main = address(f"{where}.address", node.address)
            if node.secondary:
                secondary = address(f"{where}.secondary", node.secondary)
                if secondary is not None and secondary == main:
                    error(f"{where}.secondary", "the standby call server has the main one's address")
        # -- high availability
        if self.ha:
            pair = [a for a in self.ha_addresses if a]
            if len(pair) < 2:
                error("ha_addresses", "HA without a second address: ha_addresses holds each O2G node's own "
                      "address (two nodes, two addresses); private_ip holds the address the pair shares")
            for member in pair:
                if address("ha_addresses", member) is not None and ip is not None and _ip(member) == ip:
                    error("ha_addresses", f"{member} is the shared address; each node needs its own")
            if len(set(pair)) < len(pair):
                error("ha_addresses", "the two nodes have the same address")
        elif self.ha_addresses:
            warning("ha_addresses", "addresses for an HA pair, but ha is False")
        # -- certificate
        if not self.certificate_ca:
            error("certificate_ca", "who issues O2G's certificate? (the customer's CA, usually)")
        elif "self" in self.certificate_ca.lower():
            warning("certificate_ca", "a self-signed certificate must be trusted by every client one by one: "
                    "prefer the customer's CA")
        if not self.certificate_san:
            error("certificate_san", "no name in the certificate's SAN: clients will refuse it")
        for entry in self.certificate_san:
            if not (_host_ok(entry) or (str(entry).startswith("*.") and is_fqdn(str(entry)[2:]))):
                error("certificate_san", f"{entry!r} is neither a host name nor an IP address")
        for name, label in ((self.fqdn, "fqdn"), (self.public_fqdn, "public_fqdn")):
            if name and is_fqdn(name) and self.certificate_san and not _san_covers(name, self.certificate_san):
                error("certificate_san", f"the SAN lacks {label} {name}: every client would fail the name check")
        # -- configuration, licences, services
        if self.configuration not in CONFIGURATIONS:
            error("configuration", f"{self.configuration!r}: one of {', '.join(CONFIGURATIONS)}")
        mode = LICENCE_MODES.get(str(self.licence_mode).strip().upper())
        if mode is None:
            error("licence_mode", "CAPEX (a FlexLM licence server) or OPEX (LMS, Purple on Demand)")
        if not self.licence_server:
            warning("licence_server", "the address of the FlexLM server (CAPEX) or the LMS (OPEX): O2G must reach it")
        unknown = [s for s in self.services if s not in SERVICES]
        for service in unknown:
            error("services", f"unknown service {service!r}; one of: {', '.join(SERVICES)}")
        if self.configuration == "PBX_MANAGEMENT":
            live = [s for s in self.services if s in TELEPHONY_SERVICES]
            if live:
                error("configuration", f"PBX_MANAGEMENT does not monitor devices or telephony events, but the "
                      f"integration uses {', '.join(live)}: it needs FULL_SERVICES")
        ordered = {canonical_licence(name) for name in self.licences}
        for licence, services in self.needed_licences.items():
            accepted = {licence} | (OPEX_EQUIVALENTS.get(licence, set()) if mode == "OPEX" else set())
            if not accepted & ordered:
                error("licences", f"{', '.join(services)} need{'s' * (len(services) == 1)} the {licence} licence "
                      "(the SDKs' service documentation)")
        extra = ordered - set(self.needed_licences) - {e for s in OPEX_EQUIVALENTS.values() for e in s}
        for licence in sorted(extra):
            warning("licences", f"{licence}: no service of this worksheet needs it")
        if "analytics" in self.services:
            warning("services", "analytics also needs an administrator login and SSH enabled on each OXE node")
        # -- accounts
        if not self.admin_login:
            error("admin_login", "missing: the O2G administrator account the integration (or you) will use")
        if not self.user_logins and any(SERVICES.get(s) for s in self.services):
            warning("user_logins", "which users will the integration act for? (their logins, oxe + number)")
        # -- flows
        for flow in self.flows:
            if not flow.source or not flow.destination:
                error("flows", f"{flow}: a flow needs a source and a destination")
            if flow.port is not None and not (isinstance(flow.port, int) and 0 < flow.port < 65536):
                error("flows", f"{flow.source} → {flow.destination}: port {flow.port!r} is not a TCP/UDP port")
        to_o2g = [f for f in self.flows if str(f.destination).lower() in self.o2g_names]
        if not any(f.port == 443 for f in to_o2g):
            error("flows", "no flow from the application to O2G on TCP 443 (HTTPS: REST and the event channel)")
        oxe_addresses = {str(a).lower() for n in self.oxe_nodes for a in (n.address, n.secondary, n.name) if a}
        if self.oxe_nodes and not any(str(f.destination).lower() in oxe_addresses for f in self.flows):
            warning("flows", "no O2G → OXE flow (CTI/CSTA and CMIS links; SSH for a secured OXE): the ports are in "
                    "ALE's installation guide")
        private = oxe_addresses | ({str(self.licence_server).lower()} if self.licence_server else set())
        for flow in self.flows:
            if str(flow.destination).lower() in private and flow.port is not None:
                warning("flows", f"{flow.source} → {flow.destination} on port {flow.port}: the O2G → OXE and "
                        "licence-server ports are not public — write None (\"see ALE's firewall matrix\") unless "
                        "this port comes from that matrix")

    def errors(self) -> list[Problem]:
        return [p for p in self.validate() if p.severity == "error"]

    # ------------------------------------------------------------------ checklist
    def checklist(self) -> Checklist:
        """What the customer must prepare, the value, who does it — with the problems still open on top."""
        def show(values: Any) -> str:
            if isinstance(values, (list, tuple, set)):
                return ", ".join(str(v) for v in values) if values else "—"
            return str(values) if values not in (None, "") else "—"

        problems = self.validate()
        sheet = self._shaped([])            # what does not fit is already among the problems
        nodes = "; ".join(f"node {n.node}: {n.address}" + (f" (standby {n.secondary})" if n.secondary else "")
                          for n in sheet.oxe_nodes)
        flows = "; ".join(f"{f.source} → {f.destination} {f.protocol} {f.port or '(port: ALE guide)'}"
                          + (f" ({f.purpose})" if f.purpose else "") for f in sheet.flows)
        needed = ", ".join(f"{lic} (for {', '.join(s)})" for lic, s in sheet.needed_licences.items())
        rows = [
            {"what": "A server or VM for O2G: OS and sizing as ALE's O2G installation guide says (figures not public)",
             "value": "HA pair: two" if self.ha else "one", "who": "customer's virtualisation / server team"},
            {"what": "O2G's LAN address, netmask, gateway",
             "value": f"{show(self.private_ip)} / {show(self.netmask)}, gateway {show(self.gateway)}",
             "who": "customer's network team"},
            {"what": "DNS record: O2G's FQDN → its address (A record), resolvable by every client",
             "value": f"{show(self.fqdn)} → {show(self.private_ip)}", "who": "customer's network (DNS) team"},
        ]
        if self.public_fqdn or self.public_ip:
            rows.append({"what": "Public access through the reverse proxy: public name and address",
                         "value": f"{show(self.public_fqdn)} → {show(self.public_ip)}",
                         "who": "customer's network team"})
        if self.ha:
            rows.append({"what": "The HA pair: each O2G node's own address (the shared one is above)",
                         "value": show(sheet.ha_addresses), "who": "customer's network team"})
        rows += [
            {"what": "DNS servers O2G uses", "value": show(sheet.dns_servers), "who": "customer's network team"},
            {"what": "NTP servers O2G uses (same time on O2G, OXE and clients)", "value": show(sheet.ntp_servers),
             "who": "customer's network team"},
            {"what": "O2G's certificate, with every name in its SAN; and the CA certificates of its chain "
                     "(PEM: intermediate and root) for the applications",
             "value": f"CA: {show(self.certificate_ca)}; SAN: {show(sheet.certificate_san)}",
             "who": "customer's PKI / security team"},
            {"what": "OXE node(s) O2G serves, reachable from O2G, configured for O2G (lesson 14)",
             "value": nodes or "—", "who": "customer's OXE administrator (with the ALE partner)"},
            {"what": f"Licences ({show(LICENCE_MODES.get(str(self.licence_mode).upper(), self.licence_mode))}), "
                     "and the licence server O2G reaches",
             "value": f"needed: {needed or '—'}; ordered: {show(sheet.licences)}; licence server "
                      f"{show(self.licence_server)}",
             "who": "ALE business partner (order); customer (licence server)"},
            {"what": "Accounts: the O2G administrator, and the users the integration acts for",
             "value": f"administrator: {show(self.admin_login)}; users: {show(sheet.user_logins)}",
             "who": "customer's O2G / OXE administrator"},
            {"what": "Firewall flows opened", "value": flows or "—", "who": "customer's security team"},
        ]
        title = f"# O2G installation checklist — {self.customer or 'customer site'}\n"
        lines = [title]
        if problems:
            lines.append(f"**Still to settle ({len(problems)}):**\n")
            lines += [f"- {p!r}" for p in problems]
            lines.append("")
        lines.append("| # | What to prepare | Value | Who | Done |")
        lines.append("|---|---|---|---|---|")
        for number, row in enumerate(rows, start=1):
            cells = [row[k].replace("|", "\\|") for k in ("what", "value", "who")]
            lines.append(f"| {number} | {cells[0]} | {cells[1]} | {cells[2]} | ☐ |")
        return Checklist("\n".join(lines) + "\n", rows, problems)
