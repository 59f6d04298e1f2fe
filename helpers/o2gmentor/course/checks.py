"""Exercise checks: a check cell answers ✅ (what was right), ❌ (a hint at the mistake) or ⏳ (not attempted).

An exercise's checker is registered under its id and judges *behaviour on the O2G* (the call really was
transferred, the subscriber really exists), not the text of the trainee's code::

    @exercise("12-1", "Open a session by hand")
    def _(t: Trial, cookie, services) -> None:
        t.attempted(cookie, services)                      # any None (an unsolved stub) → ⏳ not attempted
        # or by name, so that ⏳ says which TODO is still open when the trainee has done only some of them:
        # t.attempted(cookie=cookie, services=services)
        with t.session() as o2g:                           # opened for the check, closed after it
            ...
        t.expect(cond, "the cookie opens a session", hint="… what to look at when it does not")

In a notebook the trainee runs ``course.check("12-1", cookie, services)``. A check never raises: a
failed expectation, an ``O2GError`` or any exception from the trainee's values becomes ❌ with a hint.
Checkers live in ``o2gmentor.course.exercise_checks`` (one module per lesson), imported on first use.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from o2gmentor.client import O2GConnectionError, O2GError

if TYPE_CHECKING:
    from o2gmentor.client import O2G
    from o2gmentor.course import Course

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted yet"
MIME = "application/vnd.o2gmentor.check+json"
STYLE = {PASSED: ("✅", "#e8f5e9", "#2e7d32"), FAILED: ("❌", "#ffebee", "#c62828"),
         NOT_ATTEMPTED: ("⏳", "#fff8e1", "#8d6e00")}


class NotAttempted(Exception):
    """The exercise still holds its stub (a ``None``): nothing to judge yet.

    A message, when given, replaces the verdict's usual "fill in the lines marked TODO" (it should say which).
    """


NOT_ATTEMPTED_HINT = "fill in the lines marked `# TODO: your code` above, run them, then run this cell again"


def _is_stub(value: Any) -> bool:
    return value is None or value is Ellipsis


class Failed(Exception):
    """An expectation did not hold; the message is the hint shown to the trainee."""


@dataclass
class Verdict:
    """The answer of one check cell; displays as a coloured box, or as text in a terminal."""

    exercise: str
    title: str
    status: str
    good: list[str] = field(default_factory=list)
    hint: str = ""

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def _lines(self) -> list[str]:
        mark = STYLE[self.status][0]
        lines = [f"{mark} {self.exercise} {self.title}: {self.status}"]
        lines += [f"   ✓ {line}" for line in self.good]
        if self.hint:
            lines.append(f"   {'✗' if self.status == FAILED else '→'} {self.hint}")
        return lines

    def __repr__(self) -> str:
        return "\n".join(self._lines())

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        mark, background, colour = STYLE[self.status]
        items = "".join(f"<li>✓ {html.escape(line)}</li>" for line in self.good)
        good = f"<ul style='margin:4px 0'>{items}</ul>" if items else ""
        hint = ""
        if self.hint:
            hint = f"<p style='margin:4px 0 0 0'><b>{'Hint' if self.status == FAILED else 'To do'}:</b> " \
                   f"{html.escape(self.hint)}</p>"
        markup = (f"<div style='border-left:6px solid {colour};background:{background};padding:6px 12px;"
                  f"margin:4px 0;color:#222'><b style='color:{colour}'>{mark} Exercise {html.escape(self.exercise)}"
                  f" · {html.escape(self.title)}: {self.status}</b>"
                  f"{good}{hint}</div>")
        data = {"exercise": self.exercise, "title": self.title, "status": self.status,
                "good": self.good, "hint": self.hint}
        return {"text/plain": repr(self), "text/html": markup, MIME: data}


class Trial:
    """What a checker works with: the course, ✓ lines to report, and sessions closed at the end."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.good: list[str] = []
        self._opened: list[O2G] = []

    def attempted(self, *values: Any, **named: Any) -> None:
        """Stop with ⏳ when any value is still ``None`` (or ``...``), as the generated stubs leave them.

        Values given by name are named in the verdict when the trainee has filled in some of them but not all
        (``t.attempted(missing=missing, licence=licence)`` → "still open: `licence`"); when nothing is filled
        in yet, the verdict keeps its usual "fill in the lines marked TODO".
        """
        if any(_is_stub(value) for value in values):
            raise NotAttempted
        still_open = [name for name, value in named.items() if _is_stub(value)]
        if still_open and len(still_open) < len(named):
            listed = " and ".join(", ".join(f"`{name}`" for name in still_open).rsplit(", ", 1))
            raise NotAttempted(f"still open: {listed}. Fill in {'its line' if len(still_open) == 1 else 'their lines'}"
                               f" marked `# TODO: your code`, run {'it' if len(still_open) == 1 else 'them'}, "
                               "then run this cell again")
        if still_open:
            raise NotAttempted

    def ok(self, message: str) -> None:
        """Report one thing that was right."""
        self.good.append(message)

    def fail(self, hint: str) -> None:
        raise Failed(hint)

    def expect(self, condition: Any, message: str, hint: str) -> None:
        """``message`` as a ✓ line when ``condition`` holds, else stop with ❌ and ``hint``."""
        if not condition:
            raise Failed(hint)
        self.good.append(message)

    def session(self, login: str | None = None, *, admin: bool = False) -> O2G:
        """A session of the check's own, closed when the check ends."""
        o2g = self.course.connect(login, admin=admin, application="o2gmentor-check")
        self._opened.append(o2g)
        return o2g

    def close(self) -> None:
        for o2g in self._opened:
            try:
                o2g.close()
            except (O2GError, O2GConnectionError):
                pass
        self._opened.clear()


@dataclass
class Exercise:
    id: str
    title: str
    judge: Callable[..., None]


REGISTRY: dict[str, Exercise] = {}


def exercise(exercise_id: str, title: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register the checker of one exercise."""
    def register(judge: Callable[..., None]) -> Callable[..., None]:
        REGISTRY[exercise_id] = Exercise(exercise_id, title, judge)
        return judge
    return register


def _load_all() -> None:
    from o2gmentor.course import exercise_checks

    for module in pkgutil.iter_modules(exercise_checks.__path__):
        importlib.import_module(f"{exercise_checks.__name__}.{module.name}")


def find(exercise_id: str) -> Exercise:
    if exercise_id not in REGISTRY:
        _load_all()
    if exercise_id not in REGISTRY:
        raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[exercise_id]


@contextmanager
def _trial(course: Course) -> Iterator[Trial]:
    trial = Trial(course)
    try:
        yield trial
    finally:
        trial.close()


def run_check(course: Course, exercise_id: str, *values: Any, **named: Any) -> Verdict:
    """Judge one exercise; never raises for anything the trainee's values or the O2G do."""
    spec = find(exercise_id)
    with _trial(course) as trial:
        try:
            spec.judge(trial, *values, **named)
        except NotAttempted as waiting:
            return Verdict(spec.id, spec.title, NOT_ATTEMPTED, trial.good, str(waiting) or NOT_ATTEMPTED_HINT)
        except Failed as failure:
            return Verdict(spec.id, spec.title, FAILED, trial.good, str(failure))
        except O2GError as exc:
            return Verdict(spec.id, spec.title, FAILED, trial.good,
                           f"O2G answered {exc.status} to {exc.method} {exc.url}"
                           f"{': ' + exc.message if exc.message else ''} — {exc.hint}")
        except O2GConnectionError as exc:
            return Verdict(spec.id, spec.title, FAILED, trial.good, f"{exc.reason} — {exc.hint}")
        except Exception as exc:  # noqa: BLE001 - the trainee's value may be anything
            where = traceback.extract_tb(exc.__traceback__)[-1]
            return Verdict(spec.id, spec.title, FAILED, trial.good,
                           f"checking your answer raised {exc.__class__.__name__}: {exc} "
                           f"(in {where.name}) — is it the kind of value the exercise asks for?")
    return Verdict(spec.id, spec.title, PASSED, trial.good)
