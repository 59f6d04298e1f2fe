"""Lesson 11's exercises: Bluewave's installation worksheet (11-1), and "the app cannot connect" (11-2)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import Any

from o2gmentor.course.checks import NotAttempted, Trial, exercise
from o2gmentor.course.preflight import CAUSES, OK, preflight, read_pem
from o2gmentor.course.standins import CA_NAME, ROGUE_CA_NAME, ROOT_CA_NAME, StandIn, without_suffix
from o2gmentor.course.worksheet import Flow, OxeNode, Worksheet, canonical_licence

#: The network team's e-mail of exercise 11-1, as values (the notebook tells it in words).
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
    "telephony": "the softphone places and answers calls, so it must see a call ring (telephony events) and "
                 "hold or transfer it: that is `telephony` (TELEPHONY_ADVANCED)",
    "routing": "\"forward my calls\" is the `routing` service",
    "eventsummary": "the missed-calls counter comes from `eventsummary`",
    "ccd-agent": "the agent desk (log on, ready, withdraw) is `ccd-agent`",
    "ccd-pilot": "the wallboard that shows each call waiting at the Sales and Support pilots is pilot "
                 "monitoring, `ccd-pilot`",
}
#: A service the trainee may pick instead of the right one → why it is not the one.
INSTEAD = {
    ("telephony-basic", "telephony"): "`telephony-basic` is only basicMakeCall / basicAnswerCall / basicDropMe — a "
                                      "click-to-call button. A softphone must also see the call ring before it "
                                      "answers (telephony events need TELEPHONY_ADVANCED), and hold or transfer it: "
                                      "that is `telephony`",
    ("ccd-realtime", "ccd-pilot"): "`ccd-realtime` gives counters (service level, waiting calls…) refreshed every "
                                   "few seconds; a wallboard of each call waiting at a pilot, with its caller, follows "
                                   "the pilot's calls: that is `ccd-pilot`",
}
OXE_ADDRESSES = ("192.0.2.10", "192.0.2.11")


def _ips(values: Any) -> set[str]:
    out = set()
    for value in values if isinstance(values, (list, tuple, set)) else [values]:
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
        t.fail("`sheet` is a dict: build it with Worksheet(customer=…, fqdn=…, …) — the next cell calls "
               "sheet.checklist(), which only a Worksheet has (Worksheet.from_dict(your_dict) converts one)")
    t.expect(isinstance(sheet, Worksheet), "the worksheet is a Worksheet",
             f"`sheet` should be a Worksheet(...) — it is a {type(sheet).__name__}")
    errors = sheet.errors()
    t.expect(not errors, "validate() finds no error",
             f"validate() still finds {len(errors)} error(s), first: {errors[0]!r}" if errors else "")
    want = BLUEWAVE
    t.expect(_same(sheet.fqdn, want.fqdn), "O2G's FQDN is the one the e-mail gives",
             f"fqdn: the e-mail names O2G {want.fqdn}, not {sheet.fqdn}")
    t.expect(not sheet.public_fqdn and not sheet.public_ip, "no public name or address: the site is LAN only",
             "public_fqdn / public_ip: the e-mail says O2G is on the LAN only — nobody reaches it from the internet, "
             "so it has no public name or address (those come with a reverse proxy); leave them None")
    t.expect(sheet.ha is True, "the site runs a local HA pair",
             "ha: the e-mail says two O2G nodes share one address — that is HA")
    t.expect(_ips([sheet.private_ip]) == {want.private_ip}, "the shared address is O2G's private_ip",
             f"private_ip: with HA, private_ip is the address the pair shares ({want.private_ip}); the nodes' "
             "own addresses go in ha_addresses" if _ips([sheet.private_ip]) & set(want.ha_addresses)
             else f"private_ip: the e-mail gives the shared address {want.private_ip}")
    t.expect(_ips(sheet.ha_addresses) == set(want.ha_addresses), "each HA node's own address is there",
             f"ha_addresses: the two nodes are o2g-a and o2g-b, at {' and '.join(want.ha_addresses)}")
    t.expect(str(sheet.netmask).strip() == want.netmask, "the netmask, as a dotted mask",
             f"netmask: the e-mail gives the network as 192.0.2.0/24; the netmask field takes the dotted mask of a "
             f"/24, {want.netmask}")
    t.expect(_ips([sheet.gateway]) == {want.gateway}, "the gateway", f"gateway: the e-mail gives {want.gateway}")
    t.expect(_ips(sheet.dns_servers) == set(want.dns_servers), "both DNS servers",
             f"dns_servers: the e-mail lists two, {', '.join(want.dns_servers)}")
    t.expect(_ips(sheet.ntp_servers) == set(want.ntp_servers), "the NTP server",
             f"ntp_servers: the e-mail gives {want.ntp_servers[0]}")
    nodes = {(str(n.node), str(n.address), str(n.secondary or "")) for n in sheet.oxe_nodes}
    expected_nodes = {(n.node, n.address, n.secondary or "") for n in want.oxe_nodes}
    without_standby = {(n, a, "") for n, a, _ in expected_nodes}
    t.expect(nodes == expected_nodes, "the OXE node, its call server and its standby",
             "oxe_nodes: the OXE is duplicated — its standby call server 192.0.2.11 goes in "
             "OxeNode(..., secondary=...), so O2G can follow a switch-over" if nodes == without_standby else
             "oxe_nodes: one node, number 1, main call server 192.0.2.10, standby (spatial redundancy) 192.0.2.11")
    t.expect(_same(without_suffix(sheet.certificate_ca), want.certificate_ca),
             "the certificate comes from Bluewave's CA",
             "certificate_ca: the e-mail says Bluewave's PKI team issues it from 'Bluewave Issuing CA'")
    san = {str(s).lower() for s in sheet.certificate_san}
    missing = [n for n in want.certificate_san if n not in san]
    t.expect(not missing, "the SAN names the FQDN and both nodes",
             f"certificate_san: add {', '.join(missing)} — put the shared FQDN first (clients connect to it) and "
             "keep the nodes' names the PKI team planned (the e-mail asks for them)")
    t.expect(str(sheet.licence_mode).upper() in ("CAPEX", "FLEXLM") and _ips([sheet.licence_server]) ==
             {want.licence_server}, "CAPEX licences on the FlexLM server",
             f"licence_mode / licence_server: Bluewave buys its licences (CAPEX); the FlexLM server is "
             f"{want.licence_server}")
    services = set(sheet.services)
    for service in want.services:
        chosen = next((wrong for (wrong, right) in INSTEAD if right == service and wrong in services), None)
        t.expect(service in services, f"service {service}",
                 f"services: {INSTEAD[(chosen, service)] if chosen else SERVICE_HINTS[service]}")
    extra = services - set(want.services)
    t.expect(not extra, "no service the integration does not use",
             f"services: the e-mail does not use {', '.join(sorted(extra))}")
    ordered = {canonical_licence(n) for n in sheet.licences}
    t.expect(ordered == set(want.licences), "exactly the licences those services need",
             f"licences: order {', '.join(want.licences)} — no more, no less (the services table of lesson 11)")
    t.expect(_same(sheet.admin_login, want.admin_login) and set(sheet.user_logins) == set(want.user_logins),
             "the administrator and the seven contact-center logins",
             "admin_login / user_logins: the administrator account is `admin`; the users are the six agents "
             "oxe2001…oxe2006 and the supervisor oxe2090")
    _flows(t, sheet, want)


def _flows(t: Trial, sheet: Worksheet, want: Worksheet) -> None:
    """The application → O2G flow on 443; O2G → both call servers and → FlexLM, with the unknown port None."""
    o2g = sheet.o2g_names
    app = [f for f in sheet.flows if _same(f.source, APP_HOST) and str(f.destination).lower() in o2g
           and f.port == 443]
    t.expect(app, "the application server reaches O2G on TCP 443",
             f"flows: add Flow('{APP_HOST}', '{want.fqdn}', 443, 'TCP', 'REST and event channel')")
    for destination, what in [*((a, "the OXE call server") for a in OXE_ADDRESSES),
                              (want.licence_server, "the FlexLM server")]:
        found = [f for f in sheet.flows if str(f.destination) == destination]
        if not found:
            t.fail(f"flows: O2G must reach {what} {destination} — add Flow('{want.fqdn}', '{destination}', None, "
                   "purpose=…) (the OXE's main and standby call servers both)")
        flow = found[0]
        if str(flow.source).lower() not in o2g:
            t.fail(f"flows: the flow to {destination} starts at O2G (its FQDN, or its addresses), not at "
                   f"{flow.source}")
        if flow.port is not None:
            t.fail(f"flows: port {flow.port!r} for O2G → {destination}? That port is not public: write port=None, "
                   "so the checklist says \"see ALE's guide\" instead of a guess the firewall team would open")
    t.ok("O2G reaches both OXE call servers and the FlexLM server, ports left to ALE's firewall matrix (None)")


#: Exercise 11-2's cause vocabulary (what the notebook lists): preflight's causes for an app that cannot connect.
VOCABULARY = ("unresolvable", "refused", "timeout", "untrusted", "expired", "not-yet-valid", "name-mismatch",
              "fqdn-unresolvable")


@exercise("11-2", "The customer's app cannot connect")
def _diagnosis(t: Trial, case: Any, bundle: Any, cause: Any, fix: Any) -> None:
    if bundle is None and cause is None and fix is None:
        raise NotAttempted
    t.expect(isinstance(case, StandIn), "`case` is the customer's case",
             "pass the `case` the first cell started, unchanged (re-run that cell if you replaced it)")
    t.expect(case.running, "the customer's case is running",
             "the case is stopped (case.stop() ran): run the cell that starts it again, then your cells, then this "
             "check")
    _bundle(t, case, bundle)
    if cause is None:
        t.fail("you made the bundle, but named no cause: run preflight with your bundle, and read the ❌ that is "
               "left")
    if fix is None:
        t.fail("you named the cause but not the fix: the value the customer must act on")
    vocabulary = ", ".join(f'"{c}"' for c in VOCABULARY)
    t.expect(isinstance(cause, str) and cause in CAUSES, "the cause is a word of the vocabulary",
             f"cause must be one of {vocabulary} — you gave {cause!r}")
    if cause == "untrusted":
        t.fail("untrusted was the first problem, and your bundle fixes it: run preflight again with "
               "ca_bundle=bundle and read the ❌ that is left (fix the first ❌ first, then look again)")
    if preflight(case.host, ca_bundle=str(bundle)).cause != case.fault:
        t.fail("the case changed under you: re-run the cell that starts it, then your cells")
    hints = {
        ("expired", "not-yet-valid"): "read the dates again: 'not valid before' is a start date in the future",
        ("name-mismatch", "fqdn-unresolvable"): "the certificate names what you connected to (Certificate ✅); "
                                                "read the Discovery line",
        ("unresolvable", "fqdn-unresolvable"): "the name you connect to resolves (DNS ✅); the name that does not "
                                               "is the one in O2G's own URLs (Discovery)",
        ("fqdn-unresolvable", "name-mismatch"): "read the Certificate line: which names does it carry?",
    }
    t.expect(cause == case.fault, f"the cause: {case.fault}",
             hints.get((cause, case.fault), f"not {cause!r}: run preflight on case.host with ca_bundle=bundle and "
                                            "read the first ❌ line"))
    value = fix.isoformat() if isinstance(fix, (dt.date, dt.datetime)) else str(fix).strip()
    if case.fault == "name-mismatch":
        host = case.host.rsplit(":", 1)[0]
        t.expect(_same(value, case.fix), f"the name to use: {case.fix}",
                 "that is the address you connected to; the fix is the name the certificate carries"
                 if _same(value, host) else "fix: the name the certificate names (preflight's Certificate line)")
    elif case.fault in ("expired", "not-yet-valid"):
        which = "notAfter (the end" if case.fault == "expired" else "notBefore (the start"
        t.expect(value[:10] == case.fix, f"the certificate's date: {case.fix}",
                 f"fix: the certificate's {which} of its validity), as YYYY-MM-DD (preflight's Certificate line)")
    elif case.fault == "fqdn-unresolvable":
        t.expect(_same(value, case.fix), f"the name to add to the DNS: {case.fix}",
                 "fix: the host name in O2G's own URLs, which does not resolve (preflight's Discovery line)")
    else:
        t.expect(_same(without_suffix(value), without_suffix(case.fix)), f"the value to act on: {case.fix}",
                 "fix: read preflight's first ❌ line")


def _bundle(t: Trial, case: StandIn, bundle: Any) -> None:
    """The trainee's CA bundle: a PEM file that makes the chain trusted, with the customer's CAs only."""
    if bundle is None:
        t.fail("`bundle` is still None: first build the CA bundle that makes TLS trust ✅, then preflight with it "
               "and name what is left")
    if not (isinstance(bundle, (str, Path)) and Path(bundle).is_file()):
        shown = repr(bundle) if len(repr(bundle)) <= 80 else repr(bundle)[:77] + "…"
        t.fail(f"`bundle` should be the path of a PEM file you wrote (write the PEM text into a file, give its "
               f"path) — it is {shown}")
    held = [without_suffix(row["subject"]) for row in read_pem(bundle)]
    if not held:
        t.fail(f"{bundle} holds no PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)")
    issuing, root, lab = (without_suffix(name) for name in (CA_NAME, ROOT_CA_NAME, ROGUE_CA_NAME))
    if held == [without_suffix(r["subject"]) for r in read_pem(case.ca_bundle)]:
        t.fail(f"that is the CA file the customer already uses: it holds only '{root}', while O2G's certificate "
               f"was issued by '{issuing}', an intermediate CA under it — put both in your bundle")
    if lab in held:
        t.fail(f"your bundle also trusts '{lab}', which issued nothing here: a bundle holds only the CAs of the "
               "chain you expect, since every CA in it may vouch for a server posing as O2G")
    trust = preflight(case.host, ca_bundle=str(bundle)).step("tls")
    t.expect(trust.status == OK, f"with your bundle ({', '.join(held)}), TLS trust is ✅",
             f"with your bundle ({', '.join(held) or 'no CA'}) TLS trust still fails: {trust.detail} — the chain is "
             f"O2G's certificate → '{issuing}' (intermediate) → '{root}' (root): the bundle needs the PEMs of both "
             "CAs, one after the other in one file")
