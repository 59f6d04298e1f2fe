"""Lesson 14's checks on the simulator: a right answer passes, the usual mistakes get their hint, stubs wait."""

from __future__ import annotations

import pytest

from o2gmentor.client import O2GError
from o2gmentor.course import Course
from o2gmentor.course.checks import FAILED, NOT_ATTEMPTED, PASSED
from o2gmentor.course.config import Settings
from o2gmentor.course.exercise_checks.l14 import (
    FORGOTTEN,
    FORGOTTEN_NUMBER,
    NEW_HIRE,
    NEW_HIRE_NUMBER,
    close_watches,
    prepare_forgotten,
    remove_subscriber,
    watch_of,
)
from o2gmentor.sim.control_client import SimControl


@pytest.fixture()
def course(fresh_sim) -> Course:
    info = fresh_sim.info
    yield Course("sim", info.address, str(fresh_sim.ca_path), Settings(), sim=SimControl(info))
    close_watches()  # 14-2's preparation keeps an event channel open until its clean-up


@pytest.fixture()
def real_course(fresh_sim) -> Course:
    """The same simulator seen as a real O2G: no control API, no cost-center marker, passwords from the settings."""
    settings = Settings(mode="real", host=fresh_sim.info.address, admin_login="admin", admin_password="admin-o2g",
                        passwords={"OXE1041": "0000"})  # the simulator's secret code for a subscriber given none
    yield Course("real", fresh_sim.info.address, str(fresh_sim.ca_path), settings)
    close_watches()


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
    assert len(verdict.good) == len(set(verdict.good)), verdict  # no line said twice
    assert sum("ClickAndPh" in line for line in verdict.good) == 1 and "brief asks" not in repr(verdict)


def test_14_1_created_but_not_assigned_says_so(course, pm):
    create(pm)  # pm.create(…) called, its id not kept in created_number
    verdict = course.check("14-1", None, NEW_HIRE_NUMBER)
    assert verdict.status == FAILED
    assert verdict.hint.startswith("1040 exists but created_number is None")
    assert "created_number = '1040'" in verdict.hint and "from the top" in verdict.hint  # two ways out, no 409 loop


def test_14_1_an_unknown_cost_center_lists_the_real_ones(course, pm):
    created = create(pm, Cost_Center_Name="Sales")
    verdict = course.check("14-1", created, NEW_HIRE_NUMBER)
    assert verdict.status == FAILED and "Cost_Center_Name: 'Sales' → 'Warehouse'" in verdict.hint
    assert "Head office, Sales, Support, Warehouse" in verdict.hint
    assert "pm.instances(NODE, 'Cost_Center')" in verdict.hint


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
    no_number = course.check("14-1", None, None)  # a real O2G without NEW_NUMBER
    assert no_number.status == NOT_ATTEMPTED and "NEW_NUMBER" in no_number.hint


# ---------------------------------------------------------------------------------------------------- 14-2
def test_14_2_the_fix_in_place_passes(course, pm):
    assert prepare_forgotten(course, FORGOTTEN_NUMBER)
    assert prepare_forgotten(course, FORGOTTEN_NUMBER)  # idempotent on the simulator
    pm.modify(1, f"Subscriber/{FORGOTTEN_NUMBER}", {"ClickAndPh": "A4980_Pro"})
    verdict = course.check("14-2", "A4980", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == PASSED, verdict
    assert "fixed in place: no OnPbxObjectInstanceDeleted for it since the preparation" in verdict.good
    assert "ClickAndPh (the A4980 attribute)" in verdict.good[0] and "A4980 (A4980)" not in repr(verdict)
    assert watch_of(course, FORGOTTEN_NUMBER) is not None
    assert remove_subscriber(course, FORGOTTEN_NUMBER) and not remove_subscriber(course, FORGOTTEN_NUMBER)
    assert watch_of(course, FORGOTTEN_NUMBER) is None  # the clean-up stops the watch


def recreate(pm, attributes):
    pm.delete(1, f"Subscriber/{FORGOTTEN_NUMBER}")
    pm.create(1, "Subscriber", {"Directory_Number": FORGOTTEN_NUMBER, **attributes, "ClickAndPh": "A4980_Pro"})


def test_14_2_deleting_and_recreating_him_is_seen_on_the_event_channel(course, pm):
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    theo = pm.values(1, f"Subscriber/{FORGOTTEN_NUMBER}")
    recreate(pm, theo)  # every readable attribute copied, cost center included: only the events tell
    watch_of(course, FORGOTTEN_NUMBER).stream.wait_for("OnPbxObjectInstanceCreated", objectId=FORGOTTEN_NUMBER)
    verdict = course.check("14-2", "ClickAndPh", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED, verdict
    assert "deleted and created again" in verdict.hint and "OnPbxObjectInstanceDeleted" in verdict.hint
    assert "Run the preparation cell again" in verdict.hint


def test_14_2_on_a_real_o2g_the_deletion_event_alone_tells(real_course, pm):
    assert prepare_forgotten(real_course, FORGOTTEN_NUMBER)
    with pytest.raises(RuntimeError, match="already used"):  # a real O2G: an existing number is never touched
        prepare_forgotten(real_course, "1001")
    assert "Cost_Center_Name" not in {k for k, v in pm.values(1, f"Subscriber/{FORGOTTEN_NUMBER}").items() if v}
    pm.modify(1, f"Subscriber/{FORGOTTEN_NUMBER}", {"ClickAndPh": "A4980_Pro"})
    fixed = real_course.check("14-2", "ClickAndPh", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert fixed.status == PASSED, fixed
    recreate(pm, FORGOTTEN)
    watch_of(real_course, FORGOTTEN_NUMBER).stream.wait_for("OnPbxObjectInstanceCreated", objectId=FORGOTTEN_NUMBER)
    verdict = real_course.check("14-2", "ClickAndPh", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and "OnPbxObjectInstanceDeleted" in verdict.hint
    assert remove_subscriber(real_course, FORGOTTEN_NUMBER)


def test_14_2_a_recreated_subscriber_lacks_the_installers_cost_center(course, pm):
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    close_watches()  # no watch (e.g. a channel that was lost): the cost center still tells
    recreate(pm, FORGOTTEN)
    verdict = course.check("14-2", "ClickAndPh", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and "its cost center is empty, the installer's was Warehouse" in verdict.hint


def test_14_2_a_wrong_culprit_still_hears_whether_the_fix_works(course, pm):
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    pm.modify(1, f"Subscriber/{FORGOTTEN_NUMBER}", {"ClickAndPh": "A4980_Pro"})
    verdict = course.check("14-2", "Cost_Center_Name", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and verdict.hint.startswith("the fix works (✓ above)")
    assert "which attribute decides" in verdict.hint
    assert f"oxe{FORGOTTEN_NUMBER} logs in" in verdict.good


def test_14_2_a_wrong_culprit_and_no_fix_hear_both(course):
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    verdict = course.check("14-2", "Station_Type", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and "still NONE" in verdict.hint and "the culprit:" in verdict.hint


def test_14_2_an_unfixed_subscriber_fails_behaviourally(course):
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    verdict = course.check("14-2", "ClickAndPh", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and "still NONE" in verdict.hint


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
    half = course.check("14-2", "ClickAndPh", None, FORGOTTEN_NUMBER)
    assert half.status == NOT_ATTEMPTED and "`theo_login`" in half.hint


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
    assert verdict.good[-1] == ("with the management link down it fails, in your own words naming the node and "
                                "the link: node 1: management link down")
    pm.model(1, "Subscriber")  # the management link is up again


def test_14_3_on_a_real_o2g_only_the_healthy_half_runs(real_course):
    verdict = real_course.check("14-3", management_link_up)
    assert verdict.status == PASSED and "simulator only" in verdict.good[-1]


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
    assert verdict.status == FAILED and "does not say which node and that its management link is down" in verdict.hint


def test_14_3_o2gs_503_is_not_the_trainees_reason(course):
    def probe_only(ctx):
        ctx.admin().pbx_management.model(ctx.admin().pbx_management.node_ids()[0], "Subscriber")
        return "PBX management reads node 1"

    verdict = course.check("14-3", probe_only)
    assert verdict.status == FAILED and "that reason is O2G's text, not yours" in verdict.hint

    def parrot(ctx):  # its own ctx.fail, but the words are O2G's
        try:
            return probe_only(ctx)
        except O2GError as exc:
            ctx.fail(exc.message)

    verdict = course.check("14-3", parrot)
    assert verdict.status == FAILED and "in your own words (O2G's text in it does not count)" in verdict.hint


def test_14_3_a_forgotten_return_is_named(course):
    def no_return(ctx):
        """Management link up"""
        pbxs = ctx.admin().system.status()["pbxs"]
        if not all(p["connected"] for p in pbxs):
            ctx.fail("node 1: management link down")
        f"{len(pbxs)} node(s) connected"  # noqa: B021 - computed, not returned: the mistake under test

    verdict = course.check("14-3", no_return)
    assert verdict.status == FAILED and verdict.hint.startswith("your item returns None: return a short note")


def test_14_3_the_stub_and_a_non_function(course):
    def management_link_up(ctx):
        """Management link up"""
        note = None
        pbxs = None  # TODO: your code  # noqa: F841 - the generated exercise's stub
        return note

    assert course.check("14-3", None).status == NOT_ATTEMPTED
    assert course.check("14-3", management_link_up).status == NOT_ATTEMPTED
    text = course.check("14-3", "management link")
    assert text.status == FAILED and "function" in text.hint


def test_14_2_a_fix_that_also_changes_the_set_type_is_refused(course, pm):
    """Copying David's other attributes changes Theo's set on a real OXE: only the culprit may change."""
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    pm.modify(1, f"Subscriber/{FORGOTTEN_NUMBER}", {"ClickAndPh": "A4980_Pro", "Station_Type": "UA_VIRTUAL"})
    verdict = course.check("14-2", "ClickAndPh", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and "Station_Type is now 'UA_VIRTUAL'" in verdict.hint
    assert "'SIP_Extension'" in verdict.hint


def test_14_2_naming_the_value_instead_of_the_attribute_is_pointed_at(course, pm):
    prepare_forgotten(course, FORGOTTEN_NUMBER)
    pm.modify(1, f"Subscriber/{FORGOTTEN_NUMBER}", {"ClickAndPh": "A4980_Pro"})
    verdict = course.check("14-2", "NONE", f"oxe{FORGOTTEN_NUMBER}", FORGOTTEN_NUMBER)
    assert verdict.status == FAILED and "is a value: name the attribute" in verdict.hint
