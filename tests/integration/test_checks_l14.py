"""Lesson 14's checks on the simulator: a right answer passes, the usual mistakes get their hint, stubs wait."""

from __future__ import annotations

import pytest

from o2gmentor.course import Course
from o2gmentor.course.checks import FAILED, NOT_ATTEMPTED, PASSED
from o2gmentor.course.config import Settings
from o2gmentor.course.exercise_checks.l14 import (
    FORGOTTEN_NUMBER,
    NEW_HIRE,
    NEW_HIRE_NUMBER,
    prepare_forgotten,
    remove_subscriber,
)
from o2gmentor.sim.control_client import SimControl


@pytest.fixture()
def course(fresh_sim) -> Course:
    info = fresh_sim.info
    return Course("sim", info.address, str(fresh_sim.ca_path), Settings(), sim=SimControl(info))


@pytest.fixture()
def pm(course):
    admin = course.connect(admin=True)
    yield admin.pbx_management
    admin.close()


def create(pm, number=NEW_HIRE_NUMBER, **changes) -> str:
    attributes = {"Directory_Number": number, **NEW_HIRE, "ClickAndPh": "A4980_Pro", **changes}
    return pm.create(1, "Subscriber", {k: v for k, v in attributes.items() if v is not None})


# ---------------------------------------------------------------------------------------------------- 14-1
def test_14_1_a_monitored_new_hire_passes(course, pm):
    verdict = course.check("14-1", create(pm), NEW_HIRE_NUMBER, "oxe1002")
    assert verdict.status == PASSED, verdict
    assert any("it rings at 1002" in line for line in verdict.good)


def test_14_1_a_subscriber_without_clickandph_is_created_but_not_monitored(course, pm):
    verdict = course.check("14-1", create(pm, ClickAndPh=None), NEW_HIRE_NUMBER)
    assert verdict.status == FAILED and "created but not monitored" in verdict.hint
    assert "A4980_Pro" in verdict.hint


def test_14_1_the_wrong_number_is_named(course, pm):
    verdict = course.check("14-1", create(pm, number="1042"), NEW_HIRE_NUMBER)
    assert verdict.status == FAILED and "you created Subscriber 1042, but Nora's number is 1040" in verdict.hint


def test_14_1_swapped_names_and_a_missing_cost_center_are_pointed_at(course, pm):
    swapped = course.check("14-1", create(pm, Annu_Name="Nora", Annu_First_Name="Fontaine"), NEW_HIRE_NUMBER)
    assert swapped.status == FAILED and "swapped" in swapped.hint
    remove_subscriber(course, NEW_HIRE_NUMBER)
    no_center = course.check("14-1", create(pm, Cost_Center_Name=None), NEW_HIRE_NUMBER)
    assert no_center.status == FAILED and "Cost_Center_Name" in no_center.hint


def test_14_1_nothing_created_is_not_attempted(course):
    assert course.check("14-1", None, NEW_HIRE_NUMBER).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------------- 14-2
def test_14_2_the_fix_in_place_passes(course, pm):
    assert prepare_forgotten(course, FORGOTTEN_NUMBER)
    assert prepare_forgotten(course, FORGOTTEN_NUMBER)  # idempotent on the simulator
    pm.modify(1, f"Subscriber/{FORGOTTEN_NUMBER}", {"ClickAndPh": "A4980_Pro"})
    verdict = course.check("14-2", "ClickAndPh", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == PASSED, verdict
    assert remove_subscriber(course, FORGOTTEN_NUMBER) and not remove_subscriber(course, FORGOTTEN_NUMBER)


def test_14_2_an_unfixed_subscriber_fails_behaviourally(course):
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    verdict = course.check("14-2", "ClickAndPh", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and "still NONE" in verdict.hint


def test_14_2_the_wrong_culprit_is_questioned(course, pm):
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    pm.modify(1, f"Subscriber/{FORGOTTEN_NUMBER}", {"ClickAndPh": "A4980_Pro"})
    verdict = course.check("14-2", "Station_Type", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and "which attribute decides" in verdict.hint


def test_14_2_deleting_him_is_not_a_fix(course, pm):
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    pm.delete(1, f"Subscriber/{FORGOTTEN_NUMBER}")
    verdict = course.check("14-2", "ClickAndPh", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and "is gone" in verdict.hint


def test_14_2_a_guessed_login_is_refused(course, pm):
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    pm.modify(1, f"Subscriber/{FORGOTTEN_NUMBER}", {"ClickAndPh": "A4980_Pro"})
    verdict = course.check("14-2", "ClickAndPh", FORGOTTEN_NUMBER, FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and "rather than guessing" in verdict.hint


def test_14_2_stubs_are_not_attempted(course):
    assert course.check("14-2", None, None, FORGOTTEN_NUMBER).status == NOT_ATTEMPTED


# ---------------------------------------------------------------------------------------------------- 14-3
def management_link_up(ctx):
    """Management link up"""
    down = [f"node {p['nodeId']}: management link down" for p in ctx.admin().system.status()["pbxs"]
            if not p["connected"]]
    if down:
        ctx.fail("; ".join(down))
    return "all nodes connected"


def test_14_3_an_item_that_catches_the_fault_passes_and_the_link_comes_back(course, pm):
    verdict = course.check("14-3", management_link_up)
    assert verdict.status == PASSED, verdict
    pm.model(1, "Subscriber")  # the management link is up again


def test_14_3_an_item_that_always_passes_is_caught(course):
    def cti_only(ctx):
        return "CTI " + ctx.admin().system.status()["pbxs"][0]["ctiLinkState"]

    verdict = course.check("14-3", cti_only)
    assert verdict.status == FAILED and "passed while the management link" in verdict.hint


def test_14_3_an_item_failing_on_a_healthy_o2g_is_caught(course):
    def grumpy(ctx):
        ctx.fail("always broken")

    verdict = course.check("14-3", grumpy)
    assert verdict.status == FAILED and "on a healthy O2G your item fails: always broken" in verdict.hint


def test_14_3_a_vague_reason_is_pointed_at(course):
    def vague(ctx):
        if not ctx.admin().system.status()["pbxs"][0]["connected"]:
            ctx.fail("something is wrong")
        return "fine"

    verdict = course.check("14-3", vague)
    assert verdict.status == FAILED and "does not say the management link is down" in verdict.hint


def test_14_3_the_stub_and_a_non_function(course):
    def stub(ctx):
        """Management link up"""
        problems = None  # noqa: F841 - the generated exercise's stub

    assert course.check("14-3", None).status == NOT_ATTEMPTED
    assert course.check("14-3", stub).status == NOT_ATTEMPTED
    text = course.check("14-3", "management link")
    assert text.status == FAILED and "function" in text.hint
