"""The mentor's logbook: the pack's rules, the support pool's warnings, acceptance — and bad input changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from o2gmentor.course.logbook import Logbook, LogbookError, default_path
from o2gmentor.course.pool import DAY_HALF_HOURS, hours

ORDERED = "2025-02-03"
FIRST_POSSIBLE = "2025-02-24"


@pytest.fixture()
def book(tmp_path) -> Logbook:
    book = Logbook(tmp_path / "engagement.sqlite")
    book.engagement.set(customer="Bluewave Logistics", partner="Rhône Intégration", ordered=ORDERED,
                        integration="CRM click-to-call and agent desk")
    book.engagement.add_developer("Camille", "Hugo")
    return book


def dump(book: Logbook) -> list[str]:
    """Everything in the file, to prove a refused change left it as it was."""
    import sqlite3

    conn = sqlite3.connect(book.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def refused(book: Logbook, action, match: str) -> None:
    before = dump(book)
    with pytest.raises(LogbookError, match=match):
        action()
    assert dump(book) == before, "a refused change must leave the logbook as it was"


# ------------------------------------------------------------------------------------------------ where it lives
def test_path_from_the_parameter_else_o2g_logbook_else_the_state_folder(tmp_path, monkeypatch):
    assert Logbook(tmp_path / "a.sqlite").path == tmp_path / "a.sqlite"
    monkeypatch.setenv("O2G_LOGBOOK", str(tmp_path / "env.sqlite"))
    assert Logbook().path == tmp_path / "env.sqlite"
    monkeypatch.delenv("O2G_LOGBOOK")
    assert default_path().name == "logbook.sqlite" and "o2gmentor" in str(default_path())


def test_the_file_is_in_wal_mode(book):
    import sqlite3

    book.pool.status()
    with sqlite3.connect(book.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# ------------------------------------------------------------------------------------------------ the three days
def test_a_day_given_in_another_zone_is_checked_at_utc_plus_1(book):
    day = book.engagement.plan_day(1, "2025-03-10T08:00:00Z", "2025-03-10T16:00:00Z")
    assert (day.planned[0].hour, day.planned[1].hour) == (9, 17)
    new_york = timezone(timedelta(hours=-5))
    late = datetime(2025, 3, 11, 11, 0, tzinfo=new_york)  # 17:00 UTC+1
    assert book.engagement.plan_day(2, late - timedelta(hours=6), late).planned[1].hour == 17
    assert book.engagement.plan_day(3, "2025-03-12T09:00-05:00", "2025-03-12T12:00-05:00").planned[1].hour == 18
    refused(book, lambda: book.engagement.plan_day(3, "2025-03-12T08:00-05:00", "2025-03-12T13:00-05:00"),
            "14:00–19:00 UTC\\+1 is outside the pack's window.*09:00 and 18:00 UTC\\+1")


@pytest.mark.parametrize("start, end", [
    ("2025-03-10T08:30+01:00", "2025-03-10T12:00+01:00"),   # starts before 09:00
    ("2025-03-10T14:00+01:00", "2025-03-10T18:30+01:00"),   # ends after 18:00
    ("2025-03-10T17:30+00:00", "2025-03-10T18:00+00:00"),   # 18:30–19:00 at UTC+1
    ("2025-03-10T09:00", "2025-03-11T10:00"),               # over two days
])
def test_a_session_outside_09_18_utc_plus_1_is_refused(book, start, end):
    refused(book, lambda: book.engagement.plan_day(1, start, end), "outside the pack's window")


def test_a_session_ending_before_it_starts_is_refused(book):
    refused(book, lambda: book.engagement.plan_day(1, "2025-03-10T15:00", "2025-03-10T10:00"), "ends before")


def test_a_day_less_than_three_weeks_after_the_order_is_refused(book):
    refused(book, lambda: book.engagement.plan_day(1, "2025-02-23T09:00", "2025-02-23T17:00"),
            f"less than three weeks after the order.*{FIRST_POSSIBLE}")
    assert book.engagement.plan_day(1, f"{FIRST_POSSIBLE}T09:00", f"{FIRST_POSSIBLE}T17:00").planned


def test_days_need_an_order_date_and_three_different_dates(tmp_path):
    book = Logbook(tmp_path / "b.sqlite")
    book.pool.status()  # the file exists, empty
    refused(book, lambda: book.engagement.plan_day(1, "2025-03-10T09:00", "2025-03-10T12:00"), "order date first")
    book.engagement.set(ordered=ORDERED)
    book.engagement.plan_day(1, "2025-03-10T09:00", "2025-03-10T12:00")
    refused(book, lambda: book.engagement.plan_day(2, "2025-03-10T13:00", "2025-03-10T17:00"), "three different days")
    refused(book, lambda: book.engagement.plan_day(4, "2025-03-12T09:00", "2025-03-12T12:00"), "three days")
    refused(book, lambda: book.engagement.set(ordered="2025-03-01"), "less than three weeks before day 1")


def test_days_need_not_be_consecutive_and_delivery_is_recorded(book):
    book.engagement.plan_day(1, "2025-03-10T09:00", "2025-03-10T17:00")
    book.engagement.plan_day(2, "2025-03-24T09:00", "2025-03-24T17:00")
    book.engagement.deliver_day(1, "2025-03-10T09:15", "2025-03-10T17:30", note="OXE link late")
    info = book.engagement.get()
    assert info.days[0].delivered[0].minute == 15 and info.days[0].note == "OXE link late"
    assert info.days[1].delivered is None


def test_bad_dates_are_clear(book):
    refused(book, lambda: book.engagement.set(ordered="03/02/2025"), "not a date")
    refused(book, lambda: book.engagement.plan_day(1, "tomorrow", "2025-03-10T10:00"), "not a date and time")


# ------------------------------------------------------------------------------------------------ the matrix
def test_the_default_matrix_is_an_example_with_the_packs_rows(book):
    table, example = book.engagement.matrix()
    assert example
    assert list(table) == ["Infrastructure compliance", "Operating system and its installation", "Licensing",
                           "Installation coaching", "Knowledge transfer"]
    assert table["Installation coaching"]["ALE"] == "R"
    table = book.engagement.set_role("licensing", "ALE", "v")
    assert table["Licensing"]["ALE"] == "V" and table["Licensing"]["partner"] == "R"
    assert book.engagement.matrix()[1] is False, "once set, it is the engagement's own"
    refused(book, lambda: book.engagement.set_role("Licensing", "ALE", "X"), "use R")
    refused(book, lambda: book.engagement.set_role("Catering", "ALE", "R"), "activity 'Catering'")


# ------------------------------------------------------------------------------------------------ the pool
def test_the_pool_starts_with_one_day_of_half_hours(book):
    status = book.pool.status()
    assert (status.total, status.used, status.left) == (DAY_HALF_HOURS, 0, DAY_HALF_HOURS)
    assert status.warning is None


def test_status_per_developer_and_topic(book):
    book.pool.add(3, developer="Camille", topic="event channel", lesson="21", on="2025-03-26")
    book.pool.add(2, developer="Hugo", topic="CCD agent", lesson="why is my agent not ready?")
    book.pool.add(1, developer="Camille", topic="CCD agent")
    status = book.pool.status()
    assert (status.used, status.left) == (6, DAY_HALF_HOURS - 6)
    assert status.by_developer == {"Camille": 4, "Hugo": 2}
    assert status.by_topic == {"event channel": 3, "CCD agent": 3}
    assert f"{DAY_HALF_HOURS - 6} of {DAY_HALF_HOURS} half-hours left" in str(status)


def test_the_warning_comes_near_zero_and_at_zero_with_the_offer_of_a_day(book):
    book.pool.add(DAY_HALF_HOURS - 3, developer="Camille", topic="softphone")
    assert book.pool.status().warning is None
    near = book.pool.add(1, developer="Camille", topic="softphone")
    assert near.left == 2 and "Only 2 half-hour(s)" in near.warning and "another day" in near.warning
    empty = book.pool.add(2, developer="Hugo", topic="agents")
    assert empty.left == 0 and "used up" in empty.warning and "o2gmentor pool topup" in empty.warning


def test_the_warning_threshold_is_configurable(book):
    book.engagement.set(warn_at=6)
    assert book.pool.add(DAY_HALF_HOURS - 6, developer="Hugo", topic="x").warning


def test_going_below_zero_is_refused_unless_overdraw_then_it_says_so_loudly(book):
    book.pool.add(DAY_HALF_HOURS - 1, developer="Camille", topic="x")
    refused(book, lambda: book.pool.add(2, developer="Camille", topic="y"), "below zero.*topup.*overdraw")
    status = book.pool.add(2, developer="Camille", topic="y", overdraw=True)
    assert status.left == -1 and status.overdrawn
    assert "OVERDRAWN" in status.warning and "OVERDRAWN" in str(status)
    assert status.entries[-1]["overdraw"] == 1


def test_a_top_up_adds_a_day(book):
    book.pool.add(DAY_HALF_HOURS, developer="Camille", topic="x")
    status = book.pool.topup()
    assert (status.days, status.left, status.warning) == (2, DAY_HALF_HOURS, None)
    assert book.pool.topup(2).total == 4 * DAY_HALF_HOURS
    refused(book, lambda: book.pool.topup(0), "positive whole number of days")


def test_half_hours_per_day_is_configurable(book):
    book.engagement.set(day_half_hours=16)
    assert book.pool.status().total == 16
    refused(book, lambda: book.engagement.set(day_half_hours=0), "day_half_hours")


@pytest.mark.parametrize("amount", [0, -2, 1.5, "2", True])
def test_only_positive_whole_half_hours(book, amount):
    refused(book, lambda: book.pool.add(amount, developer="Camille", topic="x"), "positive whole number")


def test_an_unknown_developer_or_no_topic_is_refused(book):
    refused(book, lambda: book.pool.add(1, developer="Zoé", topic="x"), "unknown developer 'Zoé'.*Camille, Hugo")
    refused(book, lambda: book.pool.add(1, developer="Hugo", topic="  "), "topic")
    refused(book, lambda: book.pool.add(1, developer="Hugo", topic="x", on="yesterday"), "not a date")


def test_hours_are_readable():
    assert [hours(n) for n in (0, 1, 2, 5, -1, -4)] == ["0 min", "30 min", "1 h", "2 h 30", "-30 min", "-2 h"]


# ------------------------------------------------------------------------------------------------ acceptance
def test_accepted_by_default_ten_days_after_completion_is_notified(book):
    assert "not notified" in book.acceptance.status().state
    book.acceptance.notify_completion("2025-04-01")
    waiting = book.acceptance.status("2025-04-10")
    assert waiting.default_date == date(2025, 4, 11) and not waiting.accepted
    assert "accepted by default on 2025-04-11 unless signed" in waiting.state
    later = book.acceptance.status("2025-04-11")
    assert later.accepted_by_default and later.accepted


def test_signed_with_comments_and_reservations(book):
    refused(book, lambda: book.acceptance.sign("M. Girard", "2025-04-02"), "notify completion first")
    book.acceptance.notify_completion("2025-04-01")
    first = book.acceptance.reserve("CCD statistics not covered yet")
    book.acceptance.reserve("Second O2G node not installed")
    book.acceptance.lift(first)
    book.acceptance.comment("Good sessions; more on HA next time")
    refused(book, lambda: book.acceptance.sign("M. Girard", "2025-03-30"), "before completion was notified")
    status = book.acceptance.sign("M. Girard", "2025-04-03")
    assert status.signed_on == date(2025, 4, 3) and not status.accepted_by_default and status.accepted
    assert len(status.open_reservations) == 1 and "1 reservation(s) open" in status.state
    refused(book, lambda: book.acceptance.lift(first), "no open reservation")


def test_the_survey_wants_every_question_rated_1_to_5(book):
    good = {"expertise": 5, "material": 4, "fit": 4, "support": 5, "overall": 5}
    book.acceptance.fill_survey(good, "Clear and practical", "Camille")
    assert book.acceptance.survey()[0]["ratings"] == good
    refused(book, lambda: book.acceptance.fill_survey({**good, "overall": 6}), "1 to 5")
    refused(book, lambda: book.acceptance.fill_survey({"overall": 5}), "missing: expertise")
    refused(book, lambda: book.acceptance.fill_survey({**good, "coffee": 5}), "unknown survey question")


def test_the_survey_form_fills_the_same_survey(book):
    from o2gmentor.course.survey_form import SurveyForm

    form = SurveyForm(book, respondent="Hugo")
    assert form.submit() is None and "Rate every question" in form.result.value
    form.set(expertise=4, material=5, fit=3, support=4, overall=4)
    form.comments.value = "The simulator helped a lot"
    form.button.click()
    assert form.saved and "Saved" in form.result.value and form.button.disabled
    answer = book.acceptance.survey()[-1]
    assert answer["respondent"] == "Hugo" and answer["ratings"]["fit"] == 3


# -------------------------------------------------------------------------------------- open points, checklist
def test_open_points_and_checklist(book):
    number = book.open_point("Firewall flow O2G → OXE CSTA not opened yet")
    assert [p["text"] for p in book.open_points()] == ["Firewall flow O2G → OXE CSTA not opened yet"]
    book.close_point(number)
    assert book.open_points() == []
    refused(book, lambda: book.close_point(number), "no open point")
    assert book.checklist() is None
    book.store_checklist("| # | What | Value |\n|---|---|---|\n| 1 | DNS | o2g.bluewave.example |")
    assert "DNS" in book.checklist()["markdown"]
    refused(book, lambda: book.store_checklist(42), "checklist")
