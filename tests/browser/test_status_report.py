"""The status report as the customer receives it: opened offline in headless Chromium, screenshot kept.

The report of a realistic engagement (two days delivered, support time nearly used up, a reservation, the
worksheet's checklist, a signed form with a survey) is rendered to one HTML file and opened from disk in
Debian's Chromium through Playwright; every request that is not the file itself is aborted and fails the test.
The full-page screenshot goes to ``test-artifacts/browser/status-report.png``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from o2gmentor.course import report
from o2gmentor.course.logbook import Logbook, store_worksheet
from o2gmentor.course.worksheet import OxeNode, Worksheet
from tests.browser.test_lab_widgets import ARTIFACTS, _require_browser, launch_chromium

pytestmark = pytest.mark.timeout(180)


def engagement(path: Path) -> Logbook:
    book = Logbook(path)
    book.engagement.set(customer="Bluewave Logistics", partner="Rhône Intégration", mentor="Sophie Martin (ALE)",
                        integration="Click-to-call and call pop-up in the CRM; an agent desk for the Sales pilot",
                        ordered="2025-02-03")
    book.engagement.add_developer("Camille Roux", "Hugo Petit")
    book.engagement.plan_day(1, "2025-03-10T09:00+01:00", "2025-03-10T17:00+01:00")
    book.engagement.plan_day(2, "2025-03-17T09:00+01:00", "2025-03-17T17:00+01:00")
    book.engagement.plan_day(3, "2025-03-26T09:00+01:00", "2025-03-26T17:00+01:00")
    book.engagement.deliver_day(1, "2025-03-10T09:00+01:00", "2025-03-10T17:30+01:00")
    book.engagement.deliver_day(2, "2025-03-17T09:00+01:00", "2025-03-17T17:00+01:00")
    for trainee, lessons, passed in (("Camille Roux", ["00", "10", "11", "12", "13", "14"], ["00-1", "10-1", "11-1",
                                                                                            "12-1", "12-2"]),
                                     ("Hugo Petit", ["00", "10", "11", "12"], ["00-1", "10-1", "10-2"])):
        for lesson in lessons:
            book.progress.record("lesson", lesson, trainee_name=trainee)
        for exercise in passed:
            book.progress.record("exercise", exercise, "passed", trainee_name=trainee)
    book.progress.record("exercise", "11-2", "failed", trainee_name="Hugo Petit")
    book.pool.add(4, developer="Camille Roux", topic="Event channel and reconnection", lesson="21", on="2025-03-26")
    book.pool.add(6, developer="Hugo Petit", topic="CCD agent states", lesson="why does logon answer 403?",
                  on="2025-03-26")
    book.pool.add(6, developer="Camille Roux", topic="Certificates on the customer's O2G", lesson="33",
                  on="2025-03-27")
    book.open_point("Firewall flow O2G → OXE (CSTA) to open on the production site")
    book.engagement.set_role("Licensing", "ALE", "V")
    sheet = Worksheet(customer="Bluewave Logistics", fqdn="o2g.bluewave.example", private_ip="192.0.2.20",
                      netmask="255.255.255.0", gateway="192.0.2.1", dns_servers=["192.0.2.53"],
                      ntp_servers=["192.0.2.123"], oxe_nodes=[OxeNode("1", "192.0.2.10", name="LYON-OXE1")],
                      certificate_ca="Bluewave Issuing CA", certificate_san=["o2g.bluewave.example"],
                      licence_mode="CAPEX", licence_server="192.0.2.40", services=["telephony"],
                      admin_login="o2gadmin", user_logins=["oxe1001"])
    store_worksheet(book, sheet)
    book.acceptance.notify_completion("2025-03-28")
    book.acceptance.reserve("CCD statistics (lesson 25) to be reviewed again with the supervisors")
    book.acceptance.comment("Very practical sessions; the simulated O2G let the team start before the server "
                            "was ready.")
    book.acceptance.sign("Marc Girard, IT manager", "2025-04-02")
    book.acceptance.fill_survey({"expertise": 5, "material": 5, "fit": 4, "support": 4, "overall": 5},
                                "Clear answers, and the notebooks stay with us.", "Camille Roux")
    book.acceptance.fill_survey({"expertise": 5, "material": 4, "fit": 4, "support": 5, "overall": 4}, "",
                                "Hugo Petit")
    return book


def test_the_report_renders_offline_in_chromium_and_looks_like_a_document(tmp_path):
    _require_browser()
    from playwright.sync_api import sync_playwright

    book = engagement(tmp_path / "engagement.sqlite")
    html_file = report.write(book, tmp_path, today=date(2025, 4, 3))[0]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.set_default_timeout(30_000)

            def guard(route) -> None:
                if route.request.url.startswith(("file://", "data:")):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.goto(html_file.as_uri())
            text = page.inner_text("body")
            page.screenshot(path=str(ARTIFACTS / "status-report.png"), full_page=True)
            page.screenshot(path=str(ARTIFACTS / "status-report-first-page.png"))
            page.emulate_media(media="print")
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    assert not outside, f"the report asked for outside resources: {outside}"
    for seen in ("Status report", "Bluewave Logistics", "Rhône Intégration", "2 / 3",
                 "2 of 18 half-hours left", "Only 2 half-hour(s)", "Camille Roux", "12-2",
                 "Firewall flow O2G → OXE", "CCD statistics (lesson 25)", "Responsibility matrix",
                 "Installation coaching", "What to prepare",
                 "Signed by Marc Girard, IT manager on 2025-04-02", "4.5 / 5", "Knowledge transfer"):
        assert seen in text, f"the report does not show {seen!r}"
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
