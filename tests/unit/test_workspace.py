"""The trainee's workspace: a copy that never touches the tracked sources, refreshed without losing work."""

from __future__ import annotations

import pytest

from o2gmentor.course.workspace import Workspace, find_course_root


@pytest.fixture()
def course_tree(tmp_path):
    root = tmp_path / "course"
    (root / "notebooks" / "1-install").mkdir(parents=True)
    (root / "exercises" / "1-install").mkdir(parents=True)
    (root / "solutions" / "1-install").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\n")
    (root / "notebooks" / "00-start-here.ipynb").write_text("lesson 00 v1")
    (root / "notebooks" / "glossary.md").write_text("terms")
    (root / "notebooks" / "1-install" / "11-preflight.ipynb").write_text("lesson 11 v1")
    (root / "exercises" / "1-install" / "11-1-worksheet.ipynb").write_text("exercise 11-1 v1")
    (root / "solutions" / "1-install" / "11-1-worksheet.ipynb").write_text("solution 11-1")
    (root / "notebooks" / ".ipynb_checkpoints").mkdir()
    (root / "notebooks" / ".ipynb_checkpoints" / "x.ipynb").write_text("junk")
    return root


def test_first_start_copies_lessons_and_exercises_but_not_solutions(course_tree, monkeypatch):
    monkeypatch.delenv("O2G_WORKSPACE", raising=False)
    workspace = Workspace(course_tree)
    report = workspace.sync()
    assert workspace.path == course_tree / "workspace"
    assert (workspace.path / "notebooks" / "00-start-here.ipynb").read_text() == "lesson 00 v1"
    assert (workspace.path / "exercises" / "1-install" / "11-1-worksheet.ipynb").exists()
    assert (workspace.path / "notebooks" / "glossary.md").exists()
    assert not (workspace.path / "solutions").exists()
    assert not (workspace.path / "notebooks" / ".ipynb_checkpoints").exists()
    assert len(report.copied) == 4
    assert workspace.sync().summary() == "up to date"
    assert Workspace(course_tree).sync(with_solutions=True).copied == ["solutions/1-install/11-1-worksheet.ipynb"]


def test_a_pull_refreshes_untouched_copies_and_keeps_the_trainees_work(course_tree, tmp_path):
    workspace = Workspace(course_tree, tmp_path / "mine")
    workspace.sync()
    mine = workspace.path / "notebooks" / "1-install" / "11-preflight.ipynb"
    mine.write_text("lesson 11 with my notes")
    (course_tree / "notebooks" / "1-install" / "11-preflight.ipynb").write_text("lesson 11 v2")
    (course_tree / "notebooks" / "00-start-here.ipynb").write_text("lesson 00 v2")
    (course_tree / "notebooks" / "1-install" / "12-raw-http.ipynb").write_text("lesson 12 v1")
    report = workspace.sync()
    assert report.refreshed == ["notebooks/00-start-here.ipynb"]
    assert report.copied == ["notebooks/1-install/12-raw-http.ipynb"]
    assert report.kept_changed == ["notebooks/1-install/11-preflight.ipynb"]
    assert mine.read_text() == "lesson 11 with my notes"
    assert "reset" in report.summary()


def test_reset_one_lesson_keeps_a_backup_and_leaves_the_others(course_tree, tmp_path):
    workspace = Workspace(course_tree, tmp_path / "mine")
    workspace.sync()
    lesson = workspace.path / "notebooks" / "1-install" / "11-preflight.ipynb"
    exercise = workspace.path / "exercises" / "1-install" / "11-1-worksheet.ipynb"
    lesson.write_text("broken by me")
    exercise.write_text("half done")
    restored = workspace.reset("11-1")
    assert restored == ["exercises/1-install/11-1-worksheet.ipynb"]
    assert exercise.read_text() == "exercise 11-1 v1" and lesson.read_text() == "broken by me"
    backups = list((workspace.path / ".backups").rglob("11-1-worksheet.ipynb"))
    assert len(backups) == 1 and backups[0].read_text() == "half done"
    assert sorted(workspace.reset("11")) == ["exercises/1-install/11-1-worksheet.ipynb",
                                              "notebooks/1-install/11-preflight.ipynb"]
    assert lesson.read_text() == "lesson 11 v1"
    with pytest.raises(ValueError, match="no lesson"):
        workspace.reset("99")


def test_the_course_root_is_found_from_inside_it(course_tree):
    assert find_course_root(course_tree / "notebooks" / "1-install") == course_tree.resolve()
    with pytest.raises(ValueError):
        find_course_root(course_tree.parent)
