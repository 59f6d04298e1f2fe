"""Lesson 11's checks: the worksheet (11-1) and the diagnosis of a broken O2G stand-in (11-2)."""

from __future__ import annotations

import copy
import datetime as dt
import ssl
from pathlib import Path

import pytest

from o2gmentor.course.checks import FAILED, NOT_ATTEMPTED, PASSED, run_check
from o2gmentor.course.exercise_checks.l11 import BLUEWAVE
from o2gmentor.course.preflight import preflight
from o2gmentor.course.standins import FQDN, customer_case, without_suffix
from o2gmentor.course.worksheet import Flow, OxeNode


class OfflineCourse:
    """These checks judge a worksheet and a loopback stand-in: they never open an O2G session."""

    def connect(self, *args, **kwargs):
        raise AssertionError("lesson 11's checks need no O2G session")


COURSE = OfflineCourse()


def sheet():
    return copy.deepcopy(BLUEWAVE)


def test_11_1_the_email_filled_in_passes():
    verdict = run_check(COURSE, "11-1", sheet())
    assert verdict.status == PASSED, verdict


def test_11_1_not_attempted():
    assert run_check(COURSE, "11-1", None).status == NOT_ATTEMPTED


def test_11_1_a_dict_is_not_a_worksheet():
    verdict = run_check(COURSE, "11-1", sheet().to_dict())
    assert verdict.status == FAILED and "`sheet` is a dict" in verdict.hint and "checklist()" in verdict.hint


def test_11_1_flows_as_tuples_are_a_clear_problem_not_a_crash():
    wrong = sheet()
    wrong.flows = [("crm.bluewave.example", "o2g.bluewave.example", 443)] + wrong.flows[1:]
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "flows[0] is a tuple, not a Flow" in verdict.hint
    assert "raised" not in verdict.hint


def test_11_1_the_pki_teams_san_without_the_fqdn_is_caught():
    wrong = sheet()
    wrong.certificate_san = ["o2g-a.bluewave.example", "o2g-b.bluewave.example"]
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "the SAN lacks fqdn o2g.bluewave.example" in verdict.hint


def test_11_1_a_node_address_as_the_shared_address_is_pointed_at():
    wrong = sheet()
    wrong.private_ip, wrong.ha_addresses = "192.0.2.21", ["192.0.2.22", "192.0.2.23"]
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "the address the pair shares (192.0.2.20)" in verdict.hint


@pytest.mark.parametrize("port", [443, 2555])
def test_11_1_a_guessed_port_on_a_private_flow_fails(port):
    wrong = sheet()
    wrong.flows[1].port = port
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "port=None" in verdict.hint and "192.0.2.10" in verdict.hint


def test_11_1_the_flexlm_flow_port_must_be_none_too():
    wrong = sheet()
    wrong.flows[3].port = 443
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "192.0.2.40" in verdict.hint and "not public" in verdict.hint


def test_11_1_a_prefix_length_is_not_a_netmask():
    wrong = sheet()
    wrong.netmask = "/24"
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "255.255.255.0" in verdict.hint and "dotted" in verdict.hint


def test_11_1_a_public_name_for_a_lan_only_site_fails():
    wrong = sheet()
    wrong.public_fqdn = "o2g.bluewave.example"
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "LAN only" in verdict.hint


def test_11_1_the_standby_call_server_is_asked_for():
    wrong = sheet()
    wrong.oxe_nodes = [OxeNode("1", "192.0.2.10", name="LYON-OXE1")]
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "secondary" in verdict.hint and "192.0.2.11" in verdict.hint


def test_11_1_basic_calls_are_not_a_softphone_and_the_hint_says_why():
    wrong = sheet()
    wrong.services = ["telephony-basic" if s == "telephony" else s for s in wrong.services]
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "click-to-call" in verdict.hint and "telephony events" in verdict.hint


def test_11_1_realtime_counters_are_not_the_pilots_wallboard():
    wrong = sheet()
    wrong.services = ["ccd-realtime" if s == "ccd-pilot" else s for s in wrong.services]
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "counters" in verdict.hint and "`ccd-pilot`" in verdict.hint


def test_11_1_the_forgotten_wallboard_service_is_named():
    wrong = sheet()
    wrong.services.remove("ccd-pilot")
    wrong.licences.remove("CONTACTCENTER_SERVICE")
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "ccd-pilot" in verdict.hint


def test_11_1_a_missing_licence_is_a_validation_error():
    wrong = sheet()
    wrong.licences.remove("CONTACTCENTER_AGENT")
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "CONTACTCENTER_AGENT" in verdict.hint


def test_11_1_the_app_flow_must_come_from_the_crm_server():
    wrong = sheet()
    wrong.flows[0] = Flow("10.9.9.9", "o2g.bluewave.example", 443)
    verdict = run_check(COURSE, "11-1", wrong)
    assert verdict.status == FAILED and "crm.bluewave.example" in verdict.hint


def test_11_1_not_a_worksheet():
    verdict = run_check(COURSE, "11-1", "o2g.bluewave.example")
    assert verdict.status == FAILED and "Worksheet" in verdict.hint


def test_11_1_the_ca_name_with_the_stand_in_suffix_is_accepted():
    right = sheet()
    right.certificate_ca = "Bluewave Issuing CA (stand-in)"
    assert run_check(COURSE, "11-1", right).status == PASSED
    assert without_suffix("Bluewave Lab CA (stand-in)") == without_suffix("Bluewave Lab CA") == "Bluewave Lab CA"


# ---------------------------------------------------------------------------------------------------- 11-2
def chain(case, *names: str) -> Path:
    """A bundle of the PKI team's files, in this order."""
    path = case.files / "my-bundle.pem"
    path.write_text("".join((case.files / name).read_text() for name in names))
    return path


def right_bundle(case) -> Path:
    return chain(case, "bluewave-issuing-ca.pem", "bluewave-root-ca.pem")


@pytest.mark.parametrize("number", [1, 2, 3])
def test_11_2_the_right_diagnosis_passes_for_every_case(number):
    with customer_case(number) as case:
        first = preflight(case.host, ca_bundle=case.ca_bundle)
        assert first.cause == "untrusted"
        bundle = right_bundle(case)
        report = preflight(case.host, ca_bundle=str(bundle))
        assert report.cause == case.fault != "untrusted"
        verdict = run_check(COURSE, "11-2", case, bundle, report.cause, report.fix)
    assert verdict.status == PASSED, verdict


def test_11_2_not_attempted():
    with customer_case(2) as case:
        assert run_check(COURSE, "11-2", case, None, None, None).status == NOT_ATTEMPTED


def test_11_2_a_cause_without_a_fix_is_a_failure_not_not_attempted():
    with customer_case(1) as case:
        verdict = run_check(COURSE, "11-2", case, right_bundle(case), "not-yet-valid", None)
    assert verdict.status == FAILED and "you named the cause but not the fix" in verdict.hint


def test_11_2_a_cause_without_a_bundle():
    with customer_case(1) as case:
        verdict = run_check(COURSE, "11-2", case, None, "not-yet-valid", case.fix)
    assert verdict.status == FAILED and "`bundle` is still None" in verdict.hint


def test_11_2_the_customers_own_ca_file_is_not_the_fix():
    with customer_case(2) as case:
        verdict = run_check(COURSE, "11-2", case, case.ca_bundle, "fqdn-unresolvable", case.fix)
    assert verdict.status == FAILED and "already uses" in verdict.hint and "intermediate" in verdict.hint


def test_11_2_a_bundle_that_also_trusts_the_lab_ca():
    with customer_case(2) as case:
        bundle = chain(case, "bluewave-issuing-ca.pem", "bluewave-root-ca.pem", "bluewave-lab-ca.pem")
        verdict = run_check(COURSE, "11-2", case, bundle, "fqdn-unresolvable", case.fix)
    assert verdict.status == FAILED and "Bluewave Lab CA" in verdict.hint and "posing as O2G" in verdict.hint


@pytest.mark.skipif(bool(ssl.create_default_context().verify_flags & ssl.VERIFY_X509_PARTIAL_CHAIN),
                    reason="this Python trusts a chain that ends at an intermediate CA")
def test_11_2_the_intermediate_alone_is_not_enough():
    with customer_case(3) as case:
        verdict = run_check(COURSE, "11-2", case, chain(case, "bluewave-issuing-ca.pem"), "name-mismatch", FQDN)
    assert verdict.status == FAILED and "TLS trust still fails" in verdict.hint and "Bluewave Root CA" in verdict.hint


def test_11_2_untrusted_was_the_first_problem_not_the_one_left():
    with customer_case(3) as case:
        verdict = run_check(COURSE, "11-2", case, right_bundle(case), "untrusted", "Bluewave Issuing CA")
    assert verdict.status == FAILED and "untrusted was the first problem" in verdict.hint


def test_11_2_the_address_connected_to_is_not_the_fix():
    with customer_case(3) as case:
        verdict = run_check(COURSE, "11-2", case, right_bundle(case), "name-mismatch", "127.0.0.1")
    assert verdict.status == FAILED and "the address you connected to" in verdict.hint


def test_11_2_the_name_you_connect_to_resolves_it_is_o2gs_own_that_does_not():
    with customer_case(2) as case:
        verdict = run_check(COURSE, "11-2", case, right_bundle(case), "unresolvable", case.fix)
    assert verdict.status == FAILED and "O2G's own URLs" in verdict.hint


def test_11_2_a_word_outside_the_vocabulary():
    with customer_case(1) as case:
        verdict = run_check(COURSE, "11-2", case, right_bundle(case), "certificate problem", case.fix)
    assert verdict.status == FAILED and '"not-yet-valid"' in verdict.hint


def test_11_2_expired_is_not_the_same_as_not_yet_valid():
    with customer_case(1) as case:
        verdict = run_check(COURSE, "11-2", case, right_bundle(case), "expired", case.fix)
    assert verdict.status == FAILED and "start date in the future" in verdict.hint


def test_11_2_the_start_date_as_a_date():
    with customer_case(1) as case:
        verdict = run_check(COURSE, "11-2", case, str(right_bundle(case)), "not-yet-valid",
                            dt.date.fromisoformat(case.fix))
    assert verdict.status == PASSED, verdict


def test_11_2_a_stopped_case_says_so_instead_of_running():
    case = customer_case(1)
    case.stop()
    verdict = run_check(COURSE, "11-2", case, "bundle.pem", "not-yet-valid", "2030-01-01")
    assert verdict.status == FAILED and "stopped" in verdict.hint
    assert "the customer's case is running" not in verdict.good
