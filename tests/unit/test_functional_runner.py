"""The functional-test runner without an O2G: items, outcomes, the report's table."""

from __future__ import annotations

from datetime import date

from o2gmentor.client import O2GError
from o2gmentor.course import functional
from o2gmentor.course.functional import FAIL, PASS, SKIP, Item, Report, Result, as_item, run


def test_every_item_runs_and_each_outcome_keeps_its_reason():
    def fine(ctx):
        "Fine"
        return "all good"

    def says_no(ctx):
        ctx.fail("the link is down")

    def not_here(ctx):
        "Not here"
        ctx.skip("no test number")

    def o2g_refuses(ctx):
        raise O2GError(503, "POST", "https://o2g/api/rest/1.0/telephony/calls?x=1",
                       {"helpMessage": "the CTI link to OXE node 1 is down"})

    def crashes(ctx):
        return {}["missing"]

    report = run(None, [says_no, fine, not_here, o2g_refuses, crashes, 42, Item("Last", lambda ctx: None)])
    assert [r.status for r in report] == [FAIL, PASS, SKIP, FAIL, FAIL, FAIL, PASS]
    assert report["says no"].detail == "the link is down"
    assert report["Fine"].detail == "all good"
    assert report["Not here"].detail == "no test number"
    assert report["o2g refuses"].detail == "POST …/telephony/calls → 503: the CTI link to OXE node 1 is down"
    assert report["crashes"].detail.startswith("KeyError")
    assert "not int" in report.results[5].detail
    assert not report.passed and report.failed == ["says no", "o2g refuses", "crashes", "42"]
    causes = [r.cause for r in report]
    assert causes == [functional.BY_FAIL, None, functional.BY_SKIP, functional.BY_O2G, functional.BY_ERROR,
                      functional.BY_ERROR, None]
    assert report["Fine"].returned == "all good" and report["Last"].returned is None


def test_a_passed_item_without_a_note_says_so_in_the_table():
    report = run(None, [Item("Quiet", lambda ctx: None), Item("Chatty", lambda ctx: "3 nodes")])
    assert report.passed and report["Quiet"].detail == ""
    assert report["Quiet"].shown == functional.NO_NOTE and report["Chatty"].shown == "3 nodes"
    assert "Quiet" in str(report) and functional.NO_NOTE in str(report) and functional.NO_NOTE in report._repr_html_()


def test_skipped_items_do_not_fail_the_run():
    report = run(None, [Item("A", lambda ctx: "ok"), Item("B", lambda ctx: ctx.skip("not here"))])
    assert report.passed and report.failed == []
    assert report.summary().endswith("1 passed, 0 failed, 1 skipped")


def test_the_report_is_a_text_table_and_an_html_table():
    report = Report("Day one", [Result("CTI links up", PASS, "node 1 CONNECTED_MAIN", 0.01),
                                Result("Call <a> → b", FAIL, "503: the CTI link is down", 0.2)])
    text = str(report)
    assert text.splitlines()[0] == "Day one: 1 passed, 1 failed"
    assert "✅ CTI links up" in text and "❌ Call <a> → b" in text and "503: the CTI link is down" in text
    markup = report._repr_html_()
    assert "<table>" in markup and "Call &lt;a&gt; → b" in markup and "❌" in markup
    assert repr(report) == text


def test_items_are_named_by_their_docstring_or_their_function_name():
    def cti_links(ctx):
        """CTI links up

        more words"""

    def pilots_open(ctx):
        pass

    assert as_item(cti_links).name == "CTI links up"
    assert as_item(pilots_open).name == "pilots open"
    item = Item("x", cti_links)
    assert as_item(item) is item


def test_licence_expiry_dates_in_alcatel_format_are_read():
    assert functional._expiry("31-dec-2026") == date(2026, 12, 31)
    assert functional._expiry("never") is None


def test_day_one_lists_every_item_the_mentoring_closes_with():
    names = [item.name for item in functional.day_one("oxe1001", "oxe1002", new_number="1500", within=3)]
    assert names == ["Discovery answers", "Administrator can log in", "oxe1001 can log in",
                     "Services of the administrator session answer", "Services of the oxe1001 session answer",
                     "CTI links up", "No licence expired", "Call oxe1001 → oxe1002", "Events arrive within 3 s",
                     "Subscriber 1500 monitored"]
