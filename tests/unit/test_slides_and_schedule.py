"""Presenting: every lesson has slide metadata, exercises keep it, the three days' schedule fits and is current."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from o2gmentor.course import schedule, slides
from o2gmentor.course.exercises import exercise_of
from o2gmentor.course.lessons import Lesson, lessons, notebooks
from tests.notebooks.runner import ROOT

LESSONS = notebooks(ROOT)


def lesson_like() -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(cells=[
        md("*Phase 1 · Lesson 10*\n\n# Title"), md("## Parameters"),
        code("MODE = None", metadata={"tags": ["parameters"]}), code("course = setup()"),
        md("### A detail"), md("Some text"), code("x = 1"), md("Say this aloud", metadata={"tags": ["notes"]}),
        md("## Key points")])


def test_slide_types_follow_the_lessons_structure():
    nb = lesson_like()
    assert slides.annotate(nb) == len(nb.cells)
    assert [c.metadata["slideshow"]["slide_type"] for c in nb.cells] == [
        "slide", "slide", "skip", "-", "subslide", "-", "-", "notes", "slide"]
    assert slides.annotate(nb) == 0, "annotating twice changes nothing"


def test_a_hand_set_slide_type_is_kept_unless_forced():
    nb = lesson_like()
    nb.cells[6].metadata["slideshow"] = {"slide_type": "fragment"}
    slides.annotate(nb)
    assert nb.cells[6].metadata["slideshow"]["slide_type"] == "fragment"
    slides.annotate(nb, force=True)
    assert nb.cells[6].metadata["slideshow"]["slide_type"] == "-"


def test_check_reports_and_run_fixes_a_lesson_without_slides(tmp_path):
    path = tmp_path / "lesson.ipynb"
    path.write_text(nbformat.writes(lesson_like()) + "\n", encoding="utf-8")
    assert slides.run([path], check=True) == [f"{path}: 9 cell(s) without slide metadata (first: cell 0)"]
    assert slides.run([path]) == [f"annotated {path}"]
    assert slides.run([path], check=True) == []


def test_exercises_keep_the_slide_metadata_of_their_solution():
    nb = lesson_like()
    slides.annotate(nb)
    exercise = exercise_of(nb)
    assert [c.metadata.get("slideshow") for c in exercise.cells] == [c.metadata["slideshow"] for c in nb.cells]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_lesson_has_slide_metadata(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert not slides.missing(nb), f"{path.name}: run `o2gmentor slides` (cells {slides.missing(nb)[:5]}…)"
    assert nb.cells[0].metadata["slideshow"]["slide_type"] == "slide"


def test_the_rise_extension_is_installed():
    import importlib.util

    assert importlib.util.find_spec("jupyterlab_rise") is not None, "pip install -e . installs jupyterlab-rise"


# ------------------------------------------------------------------------------------------------ the schedule
def fake(lesson_id: str, phase: int, teaching: int, exercises: int) -> Lesson:
    return Lesson(lesson_id, phase, f"Lesson {lesson_id}", teaching, exercises, Path(f"{lesson_id}.ipynb"))


def test_the_schedule_splits_a_lesson_over_lunch_and_fills_the_day():
    text = schedule.render([fake("00", 0, 20, 10), fake("10", 1, 120, 60), fake("11", 1, 60, 30),
                            fake("90", 3, 25, 0)])
    assert "| 09:00–09:30 | **00** Lesson 00" in text
    assert "| 09:30–12:30 | **10** Lesson 10" in text
    assert "| 12:30–13:30 | *Lunch* |" in text
    assert "| 13:30–15:00 | **11** Lesson 11" in text and "| 15:00–17:00 | Questions" in text
    assert "**90** Lesson 90 — 25 min, before the engagement" in text
    assert "support pool" in text and "half-hour" in text


def test_a_day_that_does_not_fit_is_reported():
    days = schedule.plan([fake("10", 1, 300, 150)])
    assert schedule.too_long(days) == ["day 1 holds 7 h 30 of lessons: more than 7 h"]


def test_the_courses_three_days_fit_in_7_hours_each():
    days = schedule.plan(lessons(ROOT))
    assert schedule.too_long(days) == []
    assert sum(x.minutes for x in days[1]) > 0


def test_the_committed_schedule_is_in_step_with_the_lessons():
    target = ROOT / "mentors" / "schedule.md"
    assert target.exists(), "run `o2gmentor schedule`"
    assert target.read_text(encoding="utf-8") == schedule.render(lessons(ROOT)), "run `o2gmentor schedule`"
