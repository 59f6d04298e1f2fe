"""Lesson 11's exercises: Bluewave's installation worksheet (11-1), and "the app cannot connect" (11-2)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from o2gmentor.course.checks import Trial, exercise
from o2gmentor.course.preflight import CAUSES, preflight
from o2gmentor.course.standins import StandIn
from o2gmentor.course.worksheet import Flow, OxeNode, Worksheet, canonical_licence, prefix_length

#: The site brief of exercise 11-1, as values (the notebook tells it in words).
BLUEWAVE = Worksheet(
    customer="Bluewave Logistics",
    fqdn="o2g.bluewave.example",
    private_ip="192.0.2.20",
    netmask="255.255.255.0",
    gateway="192.0.2.1",
    dns_servers=["192.0.2.53", "192.0.2.54"],
    ntp_servers=["192.0.2.123"],
    oxe_nodes=[OxeNode("1", "192.0.2.10", "192.0.2.11", "LYON-OXE1")],
    ha=True,
    ha_addresses=["192.0.2.21", "192.0.2.22"],
    certificate_ca="Bluewave Issuing CA",
    certificate_san=["o2g.bluewave.example", "o2g-a.bluewave.example", "o2g-b.bluewave.example"],
    configuration="FULL_SERVICES",
    licence_mode="CAPEX",
    licence_server="192.0.2.40",
    services=["telephony", "routing", "eventsummary", "ccd-agent", "ccd-pilot"],
    licences=["TELEPHONY_ADVANCED", "CONTACTCENTER_AGENT", "CONTACTCENTER_SERVICE"],
    admin_login="admin",
    user_logins=["oxe2001", "oxe2002", "oxe2003", "oxe2004", "oxe2005", "oxe2006", "oxe2090"],
    flows=[Flow("crm.bluewave.example", "o2g.bluewave.example", 443, "TCP", "REST and event channel"),
           Flow("o2g.bluewave.example", "192.0.2.10", None, "TCP", "CTI and management links to the OXE"),
           Flow("o2g.bluewave.example", "192.0.2.11", None, "TCP", "the same, to the standby call server"),
           Flow("o2g.bluewave.example", "192.0.2.40", None, "TCP", "FlexLM licence server")],
)
APP_HOST = "crm.bluewave.example"
SERVICE_HINTS = {
    "telephony": "the softphone places and answers calls: call control is `telephony`",
    "routing": "\"forward my calls\" is the `routing` service",
    "eventsummary": "the missed-calls counter comes from `eventsummary`",
    "ccd-agent": "the agent desk (log on, ready, withdraw) is `ccd-agent`",
    "ccd-pilot": "the wallboard that watches the Sales and Support pilots is `ccd-pilot`",
}


def _ips(values: Any) -> set[str]:
    out = set()
    for value in values or []:
        try:
            out.add(str(ipaddress.ip_address(str(value).strip())))
        except ValueError:
            out.add(str(value).strip().lower())
    return out


def _same(a: Any, b: Any) -> bool:
    return str(a or "").strip().lower().rstrip(".") == str(b or "").strip().lower().rstrip(".")


@exercise("11-1", "Bluewave's installation worksheet")
def _worksheet(t: Trial, sheet: Any) -> None:
    t.attempted(sheet)
    if isinstance(sheet, dict):
        sheet = Worksheet.from_dict(sheet)
    t.expect(isinstance(sheet, Worksheet), "the worksheet is a Worksheet",
             f"`sheet` should be a Worksheet(...) — it is a {type(sheet).__name__}")
    errors = sheet.errors()
    t.expect(not errors, "validate() finds no error",
             f"validate() still finds {len(errors)} error(s), first: {errors[0]!r}" if errors else "")
    want = BLUEWAVE
    t.expect(_same(sheet.fqdn, want.fqdn), "O2G's FQDN is the one the brief gives",
             f"fqdn: the brief names O2G {want.fqdn}, not {sheet.fqdn}")
    t.expect(sheet.ha is True, "the site runs a local HA pair",
             "ha: the brief says two O2G nodes share one address — that is HA")
    t.expect(_ips([sheet.private_ip]) == {want.private_ip}, "the shared address is O2G's private_ip",
             f"private_ip: with HA, private_ip is the address the pair shares ({want.private_ip}); the nodes' "
             "own addresses go in ha_addresses" if _ips([sheet.private_ip]) & set(want.ha_addresses)
             else f"private_ip: the brief gives the shared address {want.private_ip}")
    t.expect(_ips(sheet.ha_addresses) == set(want.ha_addresses), "each HA node's own address is there",
             f"ha_addresses: the two nodes are o2g-a and o2g-b, at {' and '.join(want.ha_addresses)}")
    t.expect(prefix_length(sheet.netmask) == 24 and _ips([sheet.gateway]) == {want.gateway}, "netmask and gateway",
             f"netmask / gateway: the brief gives a /24 ({want.netmask}) and the gateway {want.gateway}")
    t.expect(_ips(sheet.dns_servers) == set(want.dns_servers), "both DNS servers",
             f"dns_servers: the brief lists two, {', '.join(want.dns_servers)}")
    t.expect(_ips(sheet.ntp_servers) == set(want.ntp_servers), "the NTP server",
             f"ntp_servers: the brief gives {want.ntp_servers[0]}")
    nodes = {(str(n.node), str(n.address), str(n.secondary or "")) for n in sheet.oxe_nodes}
    expected_nodes = {(n.node, n.address, n.secondary or "") for n in want.oxe_nodes}
    t.expect(nodes == expected_nodes, "the OXE node, its call server and its standby",
             "oxe_nodes: one node, number 1, main call server 192.0.2.10, standby (spatial redundancy) 192.0.2.11")
    t.expect("bluewave issuing ca" in str(sheet.certificate_ca).lower(), "the certificate comes from Bluewave's CA",
             "certificate_ca: the brief says Bluewave's PKI team issues it from 'Bluewave Issuing CA'")
    san = {str(s).lower() for s in sheet.certificate_san}
    missing = [n for n in want.certificate_san if n not in san]
    t.expect(not missing, "the SAN names the FQDN and both nodes",
             f"certificate_san: add {', '.join(missing)} — the PKI team's proposal named the nodes, but clients "
             "connect to the shared name")
    t.expect(str(sheet.licence_mode).upper() in ("CAPEX", "FLEXLM") and _ips([sheet.licence_server]) ==
             {want.licence_server}, "CAPEX licences on the FlexLM server",
             f"licence_mode / licence_server: Bluewave buys its licences (CAPEX); the FlexLM server is "
             f"{want.licence_server}")
    services = set(sheet.services)
    for service in want.services:
        t.expect(service in services, f"service {service}", f"services: {SERVICE_HINTS[service]}")
    extra = services - set(want.services)
    t.expect(not extra, "no service the integration does not use",
             f"services: the brief does not use {', '.join(sorted(extra))}")
    ordered = {canonical_licence(n) for n in sheet.licences}
    t.expect(ordered == set(want.licences), "exactly the licences those services need",
             f"licences: order {', '.join(want.licences)} — no more, no less (the licence table of lesson 11)")
    t.expect(_same(sheet.admin_login, want.admin_login) and set(sheet.user_logins) == set(want.user_logins),
             "the administrator and the seven contact-center logins",
             "admin_login / user_logins: the administrator account is `admin`; the users are the six agents "
             "oxe2001…oxe2006 and the supervisor oxe2090")
    app = [f for f in sheet.flows if _same(f.source, APP_HOST) and str(f.destination).lower() in sheet.o2g_names
           and f.port == 443]
    t.expect(app, "the application server reaches O2G on TCP 443",
             f"flows: add Flow('{APP_HOST}', '{want.fqdn}', 443, 'TCP', 'REST and event channel')")
    oxe = {str(f.destination) for f in sheet.flows} & {"192.0.2.10", "192.0.2.11"}
    t.expect(len(oxe) == 2, "O2G reaches both OXE call servers",
             "flows: O2G must reach the main and the standby call server (port: ALE's guide, so port=None)")
    t.expect(any(str(f.destination) == want.licence_server for f in sheet.flows), "O2G reaches the FlexLM server",
             f"flows: add O2G → {want.licence_server} (the FlexLM server; port: ALE's guide, so port=None)")


@exercise("11-2", "The customer's app cannot connect")
def _diagnosis(t: Trial, case: Any, cause: Any, fix: Any) -> None:
    t.attempted(cause, fix)
    t.expect(isinstance(case, StandIn), "the customer's case is running",
             "pass the `case` the setup cell started, unchanged (re-run that cell if you stopped it)")
    vocabulary = ", ".join(f'"{c}"' for c in ("unresolvable", "refused", "timeout", "untrusted", "expired",
                                             "name-mismatch"))
    t.expect(isinstance(cause, str) and cause in CAUSES, "the cause is a word of the vocabulary",
             f"cause must be one of {vocabulary} — you gave {cause!r}")
    if case.running:
        seen = preflight(case.host, ca_bundle=case.ca_bundle)
        t.expect(seen.cause == case.fault, "preflight still shows the fault",
                 "the case changed under you: re-run the setup cell and preflight again")
    hints = {
        ("untrusted", "name-mismatch"): "the TLS trust line is ✅ — the chain is fine; read the Certificate line",
        ("untrusted", "expired"): "the TLS trust line is ✅ — the chain is fine; read the Certificate line's dates",
        ("expired", "untrusted"): "the dates are fine; look at who issued the certificate, and what you trust",
        ("name-mismatch", "untrusted"): "the names are fine; look at who issued the certificate, and what you trust",
    }
    t.expect(cause == case.fault, f"the cause: {case.fault}",
             hints.get((cause, case.fault), f"not {cause!r}: run preflight on case.host with case.ca_bundle and "
                                            "read the first ❌ line"))
    value = fix.isoformat() if isinstance(fix, (dt.date, dt.datetime)) else str(fix).strip()
    if case.fault == "name-mismatch":
        host = case.host.rsplit(":", 1)[0]
        t.expect(_same(value, case.fix), f"the name to use: {case.fix}",
                 "that is the address you connected to; the fix is the name the certificate carries"
                 if _same(value, host) else "fix: the name the certificate names (preflight's Certificate line)")
    elif case.fault == "expired":
        t.expect(value[:10] == case.fix, f"the certificate expired on {case.fix}",
                 "fix: the certificate's notAfter date, as YYYY-MM-DD (preflight's Certificate line)")
    elif case.fault == "untrusted":
        t.expect(_same(value, case.fix), f"the CA to ask the customer for: {case.fix}",
                 "that is the CA you were given; the fix is the CA that really issued the certificate"
                 if "issuing" in value.lower() else
                 "fix: the name of the CA that issued the certificate (preflight's TLS trust line)")
    else:
        t.expect(_same(value, case.fix), f"the value to act on: {case.fix}", "fix: read preflight's first ❌ line")
