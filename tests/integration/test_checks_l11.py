"""Lesson 11's checks: the worksheet (11-1) and the diagnosis of a broken O2G stand-in (11-2)."""

from __future__ import annotations

import copy

import pytest

from o2gmentor.course.checks import FAILED, NOT_ATTEMPTED, PASSED, run_check
from o2gmentor.course.exercise_checks.l11 import BLUEWAVE
from o2gmentor.course.preflight import preflight
from o2gmentor.course.standins import FQDN, customer_case
from o2gmentor.course.worksheet import Flow


class OfflineCourse:
    """These checks judge a worksheet and a loopback stand-in: they never open an O2G session."""

    def connect(self, *args, **kwargs):
        raise AssertionError("lesson 11's checks need no O2G session")


COURSE = OfflineCourse()


def sheet():
    return copy.deepcopy(BLUEWAVE)


def test_11_1_the_brief_filled_in_passes():
    verdict = run_check(COURSE, "11-1", sheet())
    assert verdict.status == PASSED, verdict
    as_dict = run_check(COURSE, "11-1", sheet().to_dict())
    assert as_dict.status == PASSED, as_dict


def test_11_1_not_attempted():
    assert run_check(COURSE, "11-1", None).status == NOT_ATTEMPTED


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


@pytest.mark.parametrize("number", [1, 2, 3])
def test_11_2_the_right_diagnosis_passes_for_every_case(number):
    with customer_case(number) as case:
        report = preflight(case.host, ca_bundle=case.ca_bundle)
        verdict = run_check(COURSE, "11-2", case, report.cause, report.fix)
    assert verdict.status == PASSED, verdict


def test_11_2_not_attempted():
    with customer_case(2) as case:
        assert run_check(COURSE, "11-2", case, None, None).status == NOT_ATTEMPTED


def test_11_2_blaming_the_ca_for_a_name_mismatch():
    with customer_case(2) as case:
        verdict = run_check(COURSE, "11-2", case, "untrusted", FQDN)
    assert verdict.status == FAILED and "TLS trust line is ✅" in verdict.hint


def test_11_2_the_address_connected_to_is_not_the_fix():
    with customer_case(2) as case:
        verdict = run_check(COURSE, "11-2", case, "name-mismatch", "127.0.0.1")
    assert verdict.status == FAILED and "the address you connected to" in verdict.hint


def test_11_2_the_ca_you_were_given_is_not_the_one_that_signed():
    with customer_case(3) as case:
        verdict = run_check(COURSE, "11-2", case, "untrusted", "Bluewave Issuing CA (stand-in)")
    assert verdict.status == FAILED and "the CA you were given" in verdict.hint


def test_11_2_a_word_outside_the_vocabulary():
    with customer_case(1) as case:
        verdict = run_check(COURSE, "11-2", case, "certificate problem", case.fix)
    assert verdict.status == FAILED and '"expired"' in verdict.hint


def test_11_2_the_expiry_date_as_a_date():
    import datetime as dt

    with customer_case(1) as case:
        verdict = run_check(COURSE, "11-2", case, "expired", dt.date.fromisoformat(case.fix))
    assert verdict.status == PASSED, verdict
