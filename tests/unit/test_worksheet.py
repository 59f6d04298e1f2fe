"""The installation worksheet: validate() finds the real problems, checklist() says who prepares what."""

from __future__ import annotations

import copy

import pytest

from o2gmentor.course.exercise_checks.l11 import BLUEWAVE
from o2gmentor.course.worksheet import Flow, OxeNode, Worksheet, is_fqdn, prefix_length


def good() -> Worksheet:
    return copy.deepcopy(BLUEWAVE)


def messages(sheet: Worksheet, severity: str = "error") -> list[str]:
    return [f"{p.field}: {p.message}" for p in sheet.validate() if p.severity == severity]


def test_a_complete_site_has_no_problem():
    assert good().validate() == []


@pytest.mark.parametrize("value, ok", [("o2g.bluewave.example", True), ("o2g", False), ("192.0.2.20", False),
                                       ("o2g_1.bluewave.example", False), ("-o2g.bluewave.example", False),
                                       ("o2g.bluewave.example.", True), ("a" * 64 + ".example", False)])
def test_fqdn_rules(value, ok):
    assert is_fqdn(value) is ok


def test_netmask_forms():
    assert prefix_length("255.255.255.0") == prefix_length("/24") == prefix_length("24") == 24
    assert prefix_length("255.0.255.0") is None and prefix_length("33") is None


@pytest.mark.parametrize("change, expected", [
    (dict(fqdn="o2g"), "fqdn: 'o2g' is not a valid fully qualified name"),
    (dict(fqdn="192.0.2.20"), "fqdn: 192.0.2.20 is an IP address"),
    (dict(private_ip="127.0.0.1"), "private_ip: 127.0.0.1 is the loopback"),
    (dict(private_ip="192.0.2.300"), "private_ip: '192.0.2.300' is not an IP address"),
    (dict(gateway="10.0.0.1"), "gateway: 10.0.0.1 is not in O2G's subnet 192.0.2.0/24"),
    (dict(netmask="255.0.255.0"), "netmask: '255.0.255.0' is not a netmask"),
    (dict(dns_servers="192.0.2.53"), "dns_servers: '192.0.2.53' is one string: give a list"),
    (dict(flows=[("crm.bluewave.example", "o2g.bluewave.example", 443)]),
     "flows: flows[0] is a tuple, not a Flow: write Flow(source, destination, port, purpose=…)"),
    (dict(oxe_nodes=[{"node": "1", "address": "192.0.2.10"}]), "oxe_nodes: oxe_nodes[0] is a dict, not a OxeNode"),
    (dict(ntp_servers=[]), "ntp_servers: no NTP server"),
    (dict(dns_servers=["dns.bluewave.example"]), "dns_servers: 'dns.bluewave.example' is not an IP address"),
    (dict(ha_addresses=["192.0.2.21"]), "ha_addresses: HA without a second address"),
    (dict(ha_addresses=["192.0.2.20", "192.0.2.21"]), "ha_addresses: 192.0.2.20 is the shared address"),
    (dict(certificate_san=["o2g-a.bluewave.example", "o2g-b.bluewave.example"]),
     "certificate_san: the SAN lacks fqdn o2g.bluewave.example"),
    (dict(licences=["TELEPHONY_ADVANCED", "CONTACTCENTER_SERVICE"]),
     "licences: ccd-agent needs the CONTACTCENTER_AGENT licence"),
    (dict(licences=["CONTACTCENTER_AGENT", "CONTACTCENTER_SERVICE"]),
     "licences: telephony, routing, eventsummary need the TELEPHONY_ADVANCED licence"),
    (dict(services=["telephony", "videoconference"]), "services: unknown service 'videoconference'"),
    (dict(configuration="PBX_MANAGEMENT"), "configuration: PBX_MANAGEMENT does not monitor devices"),
    (dict(licence_mode="rental"), "licence_mode: CAPEX"),
    (dict(admin_login=""), "admin_login: missing"),
    (dict(flows=[]), "flows: no flow from the application to O2G on TCP 443"),
    (dict(oxe_nodes=[OxeNode("1", "192.0.2.10", "192.0.2.10")]),
     "oxe_nodes[1].secondary: the standby call server has the main one's address"),
    (dict(oxe_nodes=[OxeNode("A", "192.0.2.10")]), "oxe_nodes[A]: node number 'A' must be digits"),
    (dict(public_ip="203.0.113.5"), "public_fqdn: a public address needs a public name too"),
])
def test_each_real_problem_is_found(change, expected):
    sheet = good()
    for key, value in change.items():
        setattr(sheet, key, value)
    found = messages(sheet)
    assert any(m.startswith(expected) for m in found), found


def test_alias_and_opex_equivalents_of_the_contact_center_licence():
    sheet = good()
    sheet.licences = ["TELEPHONY_ADVANCED", "CONTACTCENTER_AGENT", "contactcenter_svcs"]
    assert messages(sheet) == []
    sheet.licence_mode, sheet.licences = "LMS", ["TELEPHONY_ADVANCED", "CONTACTCENTER_AGENT", "API-TEL-F"]
    assert messages(sheet) == []
    sheet.licence_mode = "CAPEX"
    assert any("CONTACTCENTER_SERVICE" in m for m in messages(sheet))


def test_warnings_are_not_errors():
    sheet = good()
    sheet.public_fqdn, sheet.public_ip = "o2g.bluewave-logistics.example", "10.1.2.3"
    sheet.certificate_san.append("o2g.bluewave-logistics.example")
    sheet.certificate_ca = "self-signed"
    sheet.licences.append("ANALYTICS")
    sheet.flows = [f for f in sheet.flows if f.destination == "o2g.bluewave.example"]
    sheet.netmask = "/24"
    warned = messages(sheet, "warning")
    assert messages(sheet) == []
    assert any(w.startswith("public_ip: 10.1.2.3 is a private") for w in warned)
    assert any(w.startswith("certificate_ca: a self-signed") for w in warned)
    assert any(w.startswith("licences: ANALYTICS: no service") for w in warned)
    assert any(w.startswith("flows: no O2G → OXE flow") for w in warned)
    assert "netmask: '/24' is a prefix length: a netmask is written dotted, 255.255.255.0" in warned


def test_a_guessed_port_to_the_oxe_or_the_licence_server_is_a_warning():
    sheet = good()
    sheet.flows[1].port, sheet.flows[3].port = 443, 27000
    warned = messages(sheet, "warning")
    assert messages(sheet) == []
    assert sum("ports are not public" in w for w in warned) == 2, warned


def test_values_of_the_wrong_kind_never_crash_validate_or_checklist():
    sheet = good()
    sheet.flows = [tuple(sheet.flows[0].__dict__.values()), *sheet.flows[1:]]
    sheet.oxe_nodes = [("1", "192.0.2.10")]
    sheet.user_logins = "oxe2001"
    found = messages(sheet)
    assert any("flows[0] is a tuple" in m for m in found) and any("oxe_nodes[0] is a tuple" in m for m in found)
    assert any(m.startswith("user_logins: 'oxe2001' is one string") for m in found)
    text = repr(sheet.checklist())
    assert "flows[0] is a tuple" in text and "users: oxe2001 |" in text


def test_a_public_name_must_be_in_the_san():
    sheet = good()
    sheet.public_fqdn, sheet.public_ip = "o2g.bluewave-logistics.example", "203.0.113.5"
    assert "certificate_san: the SAN lacks public_fqdn o2g.bluewave-logistics.example" in " ".join(messages(sheet))


def test_from_dict_round_trip():
    again = Worksheet.from_dict(good().to_dict())
    assert again == good() and isinstance(again.flows[0], Flow)


def test_checklist_says_who_prepares_what_and_lists_open_problems():
    listing = good().checklist()
    text = repr(listing)
    assert text.startswith("# O2G installation checklist — Bluewave Logistics")
    assert "Still to settle" not in text
    assert "| customer's PKI / security team |" in text and "figures not public" in text
    assert "o2g.bluewave.example → 192.0.2.20" in text and "(port: ALE guide)" in text
    assert "administrator: admin; users: oxe2001, " in text and "admin admin" not in text
    assert "needed: TELEPHONY_ADVANCED (for telephony, routing, eventsummary)" in text
    assert "ordered: TELEPHONY_ADVANCED, CONTACTCENTER_AGENT, CONTACTCENTER_SERVICE" in text
    assert listing._repr_markdown_() == text and "<table" in listing.html()
    broken = good()
    broken.ntp_servers = []
    problems = broken.checklist()
    assert "**Still to settle (1):**" in repr(problems) and "no NTP server" in problems.html()
