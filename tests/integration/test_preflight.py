"""preflight(): a correct, specific verdict for each classic mistake, on loopback stand-ins and the simulator."""

from __future__ import annotations

import datetime as dt
import ssl
import subprocess
import sys

import pytest

from o2gmentor.course.preflight import CAUSES, FAIL, OK, SKIP, WARN, preflight, read_pem, split_host
from o2gmentor.course.standins import CASES, CUSTOMER_FILES, FQDN, closed_port, customer_case, start_standin

STEPS = ["dns", "tcp", "tls", "certificate", "discovery", "login"]


def statuses(result) -> dict[str, str]:
    return {s.name: s.status for s in result.steps}


def test_split_host_forms():
    assert split_host("o2g.bluewave.example") == ("o2g.bluewave.example", 443)
    assert split_host("127.0.0.1:8443") == ("127.0.0.1", 8443)
    assert split_host("[::1]:8443") == ("::1", 8443)
    assert split_host("https://o2g.bluewave.example:444/api/rest") == ("o2g.bluewave.example", 444)


def test_unresolvable_host_fails_at_dns_and_skips_the_rest():
    result = preflight("o2g.invalid")
    assert not result.ok and result.cause == "unresolvable"
    assert [s.name for s in result.steps] == STEPS
    assert statuses(result) == {"dns": FAIL, **{name: SKIP for name in STEPS[1:]}}
    assert "check the DNS record (or the hosts file)" in result.step("dns").advice


def test_closed_port_is_refused_with_advice_on_the_port():
    port = closed_port()
    result = preflight(f"127.0.0.1:{port}")
    assert result.cause == "refused"
    tcp = result.step("tcp")
    assert tcp.detail == f"connection refused on 127.0.0.1:{port}"
    assert "nothing listens" in tcp.advice and "443 by default" in tcp.advice
    assert statuses(result)["tls"] == SKIP


def test_untrusted_chain_names_the_unknown_ca_and_never_suggests_disabling_checks():
    with start_standin("untrusted") as bad:
        result = preflight(bad.host, ca_bundle=bad.ca_bundle)
    assert result.cause == "untrusted" and result.fix == bad.issuer
    tls = result.step("tls")
    assert tls.status == FAIL and bad.issuer in tls.detail
    assert "never verify=False" in tls.advice
    assert result.step("certificate").status == OK  # dates and names are fine: one ❌ for one fault
    assert "read without trust" in result.step("certificate").detail
    assert statuses(result)["discovery"] == SKIP and statuses(result)["login"] == SKIP


def test_expired_certificate_says_how_long_ago_and_the_date():
    with start_standin("expired") as bad:
        result = preflight(bad.host, ca_bundle=bad.ca_bundle)
    assert result.cause == "expired" and result.fix == bad.not_after
    cert = result.step("certificate")
    assert cert.detail.startswith(f"expired 12 days ago (notAfter {bad.not_after})")
    assert cert.data["days_left"] == -12  # the same count as the detail
    assert "issue a new certificate" in cert.advice and "NTP" in cert.advice
    assert result.step("tls").status == OK  # the chain itself is trusted
    assert [s.name for s in result.failures] == ["certificate"]


def test_name_mismatch_names_what_the_certificate_names():
    with start_standin("name-mismatch") as bad:
        result = preflight(bad.host, ca_bundle=bad.ca_bundle)
    assert result.cause == "name-mismatch" and result.fix == FQDN
    cert = result.step("certificate")
    assert cert.detail.startswith(f"the certificate names {FQDN}, not 127.0.0.1")
    assert cert.advice == "use the FQDN the certificate names, or reissue it with this name in its SAN"


def test_o2g_fqdn_that_does_not_resolve_fails_discovery():
    with start_standin("fqdn-unresolvable") as bad:
        result = preflight(bad.host, ca_bundle=bad.ca_bundle)
    assert result.cause == "fqdn-unresolvable" and result.fix == FQDN
    assert statuses(result) == {"dns": OK, "tcp": OK, "tls": OK, "certificate": OK, "discovery": FAIL,
                                "login": SKIP}


def test_healthy_standin_passes_without_login():
    with start_standin("healthy") as good:
        result = preflight(good.host, ca_bundle=good.ca_bundle)
        assert good.running
    assert not good.running and good.folder is None
    assert result.ok and result.cause is None
    assert statuses(result)["login"] == SKIP and "no login given" in result.step("login").detail


def test_plain_http_port_is_not_tls():
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = preflight(f"127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
    assert result.cause == "not-tls"


def test_healthy_simulator_with_a_login_opens_and_closes_a_session(fresh_sim):
    password = fresh_sim.state.pbx.site.users["oxe1001"].password
    result = preflight(fresh_sim.info.address, ca_bundle=str(fresh_sim.ca_path), login="oxe1001", password=password)
    assert result.ok, result
    assert all(s.status == OK for s in result.steps), result
    assert result.step("discovery").data["versions"] == ["1.0"]
    login = result.step("login")
    assert "session opened" in login.detail and "closed" in login.detail and not login.data["admin"]
    assert not fresh_sim.call(lambda: list(fresh_sim.state.sessions.sessions.values()))  # closed again
    assert password not in login.detail.replace("oxe1001", "")


def test_wrong_password_is_refused(fresh_sim):
    result = preflight(fresh_sim.info.address, ca_bundle=str(fresh_sim.ca_path), login="oxe1001",
                       password="not-this-one")
    assert result.cause == "login-refused" and "not-this-one" not in repr(result)


def test_login_password_from_the_settings(fresh_sim, monkeypatch):
    monkeypatch.setenv("O2G_PASSWORD_OXE1002", fresh_sim.state.pbx.site.users["oxe1002"].password)
    result = preflight(fresh_sim.info.address, ca_bundle=str(fresh_sim.ca_path), login="oxe1002")
    assert result.ok, result


def test_the_wrong_ca_bundle_for_the_simulator_is_untrusted(fresh_sim):
    with start_standin("healthy") as other:
        result = preflight(fresh_sim.info.address, ca_bundle=other.ca_bundle)
    assert result.cause == "untrusted" and "O2G Mentor course CA" in result.step("tls").detail


def test_expiring_soon_is_a_warning_not_a_failure(monkeypatch):
    from o2gmentor.course import preflight as module

    with start_standin("healthy") as good:
        monkeypatch.setattr(module, "WARN_DAYS", 500)
        result = preflight(good.host, ca_bundle=good.ca_bundle)
    cert = result.step("certificate")
    assert result.ok and cert.status == WARN and cert.cause == "expiring-soon"
    assert cert.data["not_after"] > dt.date.today().isoformat()


def test_html_and_text_views_fit_one_screen():
    with start_standin("expired") as bad:
        result = preflight(bad.host, ca_bundle=bad.ca_bundle)
    text = repr(result)
    assert text.splitlines()[0].startswith(f"Preflight of {bad.host}: not ready")
    assert len(text.splitlines()) <= 12
    markup = result._repr_html_()
    assert "❌" in markup and "⏭" in markup and "expired 12 days ago" in markup


def test_not_yet_valid_names_the_start_date():
    with start_standin("not-yet-valid") as bad:
        result = preflight(bad.host, ca_bundle=bad.ca_bundle)
    assert result.cause == "not-yet-valid" and result.fix == bad.not_before > dt.date.today().isoformat()
    assert result.step("certificate").detail.startswith(f"not valid before {bad.not_before}")
    assert "clocks (NTP)" in result.step("certificate").advice


def test_a_missing_intermediate_is_untrusted_and_the_bundle_holds_the_root():
    with start_standin("healthy", intermediate=True) as chained:
        result = preflight(chained.host, ca_bundle=chained.ca_bundle)
        tls = result.step("tls")
        assert result.cause == "untrusted" and "Bluewave Issuing CA" in tls.detail
        assert "the bundle holds 'Bluewave Root CA (stand-in)'" in tls.detail and "intermediate" in tls.advice
        both = chained.files / "both.pem"
        both.write_text((chained.files / "bluewave-issuing-ca.pem").read_text()
                        + (chained.files / "bluewave-root-ca.pem").read_text())
        assert preflight(chained.host, ca_bundle=str(both)).ok
        assert preflight(chained.host, ca_bundle=chained.issuer_ca).ok
        rows = read_pem(both)
    assert [(r["subject"], r["issuer"], r["self-signed"]) for r in rows] == [
        ("Bluewave Issuing CA (stand-in)", "Bluewave Root CA (stand-in)", False),
        ("Bluewave Root CA (stand-in)", "Bluewave Root CA (stand-in)", True)]


@pytest.mark.skipif(bool(ssl.create_default_context().verify_flags & ssl.VERIFY_X509_PARTIAL_CHAIN),
                    reason="this Python trusts a chain that ends at an intermediate CA")
def test_an_intermediate_without_its_root_names_the_root_to_add():
    with start_standin("healthy", intermediate=True) as chained:
        result = preflight(chained.host, ca_bundle=str(chained.files / "bluewave-issuing-ca.pem"))
    assert result.cause == "untrusted" and result.fix == "Bluewave Root CA (stand-in)"
    assert "add the PEM certificate of the root CA 'Bluewave Root CA (stand-in)'" in result.step("tls").advice


def test_read_pem_of_something_else_is_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("not a certificate")
    assert read_pem(tmp_path / "notes.txt") == [] and read_pem(tmp_path / "missing.pem") == []


def test_every_cause_is_in_the_vocabulary():
    for fault in ("untrusted", "expired", "not-yet-valid", "name-mismatch", "fqdn-unresolvable", "refused"):
        with start_standin(fault) as bad:
            result = preflight(bad.host, ca_bundle=bad.ca_bundle)
        assert result.cause == fault and fault in CAUSES
        assert result.fix == bad.fix


def test_customer_cases_hide_a_second_fault_behind_a_missing_intermediate():
    assert {fault for fault, _ in CASES.values()} == {"not-yet-valid", "fqdn-unresolvable", "name-mismatch"}
    for number, (fault, fqdn) in CASES.items():
        with customer_case(number) as case:
            assert case.fault == fault and case.intermediate and case.fqdn == fqdn
            assert sorted(p.name for p in case.files.iterdir()) == sorted(CUSTOMER_FILES)
            assert preflight(case.host, ca_bundle=case.ca_bundle).cause == "untrusted"
            assert preflight(case.host, ca_bundle=case.issuer_ca).cause == fault
    with customer_case(3) as case:
        assert case.fix == FQDN
    with pytest.raises(ValueError):
        customer_case(99)
    with pytest.raises(ValueError):
        start_standin("on-fire")


def o2gmentor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "o2gmentor", *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_cli_exit_code_follows_the_verdict(fresh_sim):
    bad = o2gmentor("preflight", f"127.0.0.1:{closed_port()}")
    assert bad.returncode == 1 and "❌ TCP" in bad.stdout and "connection refused" in bad.stdout
    good = o2gmentor("preflight", fresh_sim.info.address, "--ca-bundle", str(fresh_sim.ca_path))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "ready" in good.stdout.splitlines()[0]


def test_cli_login_without_password_fails_with_the_variable_to_set(fresh_sim, monkeypatch):
    monkeypatch.delenv("O2G_PASSWORD_OXE1003", raising=False)
    run = o2gmentor("preflight", fresh_sim.info.address, "--ca-bundle", str(fresh_sim.ca_path),
                    "--login", "oxe1003")
    assert run.returncode == 1 and "O2G_PASSWORD_OXE1003" in run.stdout


def test_the_ca_that_really_signed_fixes_the_untrusted_case():
    with start_standin("untrusted") as bad:
        assert preflight(bad.host, ca_bundle=bad.ca_bundle).cause == "untrusted"
        assert preflight(bad.host, ca_bundle=bad.issuer_ca).ok
