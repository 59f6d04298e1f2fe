"""The check machinery: three verdicts, and never an exception out of a check cell."""

from __future__ import annotations

import pytest

from o2gmentor.client import O2GConnectionError, O2GError
from o2gmentor.course.checks import FAILED, MIME, NOT_ATTEMPTED, PASSED, REGISTRY, exercise, run_check


class FakeCourse:
    def connect(self, *args, **kwargs):
        raise AssertionError("not used")


@pytest.fixture(autouse=True)
def _demo_exercises():
    @exercise("t-1", "Twice two")
    def _(t, value):
        t.attempted(value)
        t.expect(isinstance(value, int), "a number", "give a number")
        t.expect(value == 4, "twice two is four", f"{value} is not twice two")

    @exercise("t-2", "Raises")
    def _(t, what):
        raise {"o2g": O2GError(404, "GET", "https://o2g/x", {"helpMessage": "unknown"}),
               "net": O2GConnectionError("https://o2g", "refused", "start it"),
               "bug": KeyError("missing")}[what]

    yield
    REGISTRY.pop("t-1")
    REGISTRY.pop("t-2")


def test_passed_failed_and_not_attempted():
    course = FakeCourse()
    assert run_check(course, "t-1", None).status == NOT_ATTEMPTED
    assert run_check(course, "t-1", Ellipsis).status == NOT_ATTEMPTED
    wrong = run_check(course, "t-1", 5)
    assert wrong.status == FAILED and wrong.good == ["a number"] and wrong.hint == "5 is not twice two"
    right = run_check(course, "t-1", 4)
    assert right.status == PASSED and right.passed and not right.hint


def test_errors_become_failed_verdicts_with_a_hint():
    course = FakeCourse()
    o2g = run_check(course, "t-2", "o2g")
    assert o2g.status == FAILED and "404" in o2g.hint and "unknown" in o2g.hint
    assert "refused" in run_check(course, "t-2", "net").hint
    assert "KeyError" in run_check(course, "t-2", "bug").hint


def test_a_verdict_displays_as_html_text_and_data():
    bundle = run_check(FakeCourse(), "t-1", 5)._repr_mimebundle_()
    assert bundle["text/plain"].startswith("❌ t-1 Twice two: failed")
    assert "Hint" in bundle["text/html"] and "<script" not in bundle["text/html"]
    assert bundle[MIME]["status"] == FAILED


def test_an_unknown_exercise_is_a_clear_error():
    with pytest.raises(KeyError, match="no exercise"):
        run_check(FakeCourse(), "nope-9")
