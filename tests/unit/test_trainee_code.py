"""Trainee functions in checks: the untouched stub waits, a forgotten return is pointed at."""

from __future__ import annotations

import pytest

from o2gmentor.course.checks import Failed, NotAttempted
from o2gmentor.course.trainee_code import call_trainee, is_untouched_stub


def stub(status):
    names = None  # TODO: your code
    return names


def forgot_return(status):
    names = [s for s in status]  # noqa: F841 - the trainee's mistake under test


def right(status):
    return sorted(status)


def test_the_generated_stub_is_not_attempted():
    assert is_untouched_stub(stub) and is_untouched_stub(None)
    with pytest.raises(NotAttempted, match="still holds"):
        call_trainee(stub, ["b", "a"])


def test_a_filled_in_function_that_returns_none_is_a_mistake_with_a_hint():
    assert not is_untouched_stub(forgot_return)
    with pytest.raises(Failed, match="forget `return`"):
        call_trainee(forgot_return, ["b", "a"])
    assert call_trainee(forgot_return, ["b"], none_ok=True) is None


def test_a_right_function_gives_its_result_and_a_non_function_is_refused():
    assert call_trainee(right, ["b", "a"]) == ["a", "b"]
    with pytest.raises(Failed, match="should be a function"):
        call_trainee(42, name="licences_expiring")
