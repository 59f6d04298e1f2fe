"""The day-one functional tests on the simulator: all green when healthy, the right items red under a fault."""

from __future__ import annotations

import pytest

from o2gmentor.client import O2GError
from o2gmentor.course import Course, functional
from o2gmentor.course.config import Settings
from o2gmentor.sim.control_client import SimControl


@pytest.fixture()
def course(fresh_sim) -> Course:
    info = fresh_sim.info
    return Course("sim", info.address, str(fresh_sim.ca_path), Settings(), sim=SimControl(info))


def day_one(course, **options):
    return functional.run(course, functional.day_one("oxe1001", "oxe1002", agent="oxe2001", **options))


def test_a_healthy_site_passes_every_item(course):
    report = day_one(course)
    assert report.passed, report
    assert [r.status for r in report][-1] == functional.SKIP  # no subscriber created: skipped, not failed
    services = report["Services of the administrator session answer"].detail
    assert "answered" in services and "(listed, not probed: " in services and "subscriptions" in services
    assert "CONNECTED_MAIN" in report["CTI links up"].detail


def test_a_cti_link_down_fails_the_items_that_need_it_and_says_why(course):
    course.sim.cti_link(False)
    try:
        report = day_one(course)
    finally:
        course.sim.cti_link(True)
    assert set(report.failed) >= {"Services of the administrator session answer",
                                  "Services of the oxe1001 session answer", "CTI links up",
                                  "Call oxe1001 → oxe1002", "Events arrive within 5 s"}
    assert report["CTI links up"].detail == "node 1 (LYON-OXE1): CTI link DISCONNECTED"
    assert all("CTI link" in report[name].detail for name in report.failed)
    assert {"Discovery answers", "Administrator can log in", "No licence expired"}.isdisjoint(report.failed)
    assert day_one(course).passed  # restored


def test_an_expired_licence_is_named(course):
    course.sim.advance(6 * 86400)  # the simulator's clock ahead of this machine's, as after lessons that move it
    course.sim.licence_expiring("ROXE_API_TEL_ADVANCED", -1)
    report = day_one(course)
    detail = report["No licence expired"].detail
    assert report["No licence expired"].status == functional.FAIL
    assert "ROXE_API_TEL_ADVANCED expired on" in detail and "EXPIRED" in detail
    assert report["CTI links up"].passed and report["Discovery answers"].passed


def test_the_subscriber_item_tells_monitored_from_not(course):
    admin = course.connect(admin=True)
    pm = admin.pbx_management
    pm.create(1, "Subscriber", {"Directory_Number": "1502", "Annu_Name": "Test"})
    try:
        item = [functional.subscriber_monitored("1502")]
        first = functional.run(course, item).results[0]
        assert first.status == functional.FAIL and "ClickAndPh=NONE" in first.detail
        pm.modify(1, "Subscriber/1502", {"ClickAndPh": "A4980_Pro"})
        second = functional.run(course, item).results[0]
        assert second.passed and "oxe1502" in second.detail
    finally:
        pm.delete(1, "Subscriber/1502")
        admin.close()


def test_sessions_opened_by_the_items_are_shared_and_closed(course, fresh_sim):
    seen = []

    def twice(ctx):
        seen.append(ctx.session("oxe1001"))
        seen.append(ctx.session("oxe1001"))
        seen.append(ctx.admin())

    functional.run(course, [twice])
    assert seen[0] is seen[1] and seen[2].is_admin is False  # closed: session info cleared
    assert not any(o2g.connected for o2g in seen)


def test_a_telephony_snapshot_is_refused_while_the_cti_link_is_down(course):
    alice = course.connect("oxe1001")
    course.sim.cti_link(False)
    try:
        with pytest.raises(O2GError) as err:
            alice.telephony.request_snapshot()
        assert err.value.status == 503 and "CTI link" in err.value.message
    finally:
        course.sim.cti_link(True)
        alice.close()
