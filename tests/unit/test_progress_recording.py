"""The course records progress locally — lesson runs and verdicts — without ever breaking or printing."""

from __future__ import annotations

import os
import stat

import pytest

from o2gmentor.course import progress
from o2gmentor.course.checks import Verdict
from o2gmentor.course.logbook import Logbook


@pytest.fixture()
def logbook(tmp_path, monkeypatch) -> Logbook:
    path = tmp_path / "book.sqlite"
    monkeypatch.setenv("O2G_LOGBOOK", str(path))
    monkeypatch.setenv("O2G_TRAINEE", "Camille")
    return Logbook(path)


def test_the_test_run_never_writes_the_users_real_logbook():
    assert "o2gmentor-test-logbook-" in os.environ["O2G_LOGBOOK"], "conftest.py must point O2G_LOGBOOK at a temp file"


def test_lessons_and_verdicts_are_recorded_under_the_trainees_name(logbook, capsys):
    progress.record_lesson("12")
    progress.record_verdict("12-1", "failed", "Open a session by hand")
    progress.record_verdict("12-1", "passed", "Open a session by hand")
    progress.record_verdict("12-2", "not attempted yet")
    assert capsys.readouterr() == ("", ""), "recording must not print"
    camille = logbook.progress.of("Camille")
    assert camille["lessons"] == ["12"]
    assert list(camille["passed"]) == ["12-1"]
    assert camille["not_passed"] == ["12-2"]


def test_without_o2g_trainee_the_os_user_is_the_trainee(logbook, monkeypatch):
    monkeypatch.delenv("O2G_TRAINEE")
    monkeypatch.setattr(progress.getpass, "getuser", lambda: "hugo")
    progress.record_lesson("00")
    assert logbook.progress.trainees() == ["hugo"]


def test_an_unknown_trainee_is_a_clear_error(logbook):
    progress.record_lesson("00")
    with pytest.raises(ValueError, match="no progress recorded for trainee 'Nobody'.*Camille"):
        logbook.progress.of("Nobody")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_an_unwritable_logbook_is_skipped_silently(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.setenv("O2G_LOGBOOK", str(folder / "book.sqlite"))
    progress.record_lesson("00")
    assert capsys.readouterr() == ("", "")


def test_a_logbook_that_is_not_a_database_breaks_no_check(tmp_path, monkeypatch, capsys, caplog):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not SQLite" * 100)
    monkeypatch.setenv("O2G_LOGBOOK", str(junk))
    caplog.set_level("INFO", logger="o2gmentor.course.progress")
    progress.record_lesson("00")
    progress.record_verdict("00-1", "passed")
    assert capsys.readouterr() == ("", "")
    assert "progress not recorded" in caplog.text
    assert junk.read_bytes().startswith(b"this is not SQLite"), "the file was left as it was"


def test_a_folder_in_place_of_the_file_breaks_nothing(tmp_path, monkeypatch, capsys):
    (tmp_path / "dir.sqlite").mkdir()
    monkeypatch.setenv("O2G_LOGBOOK", str(tmp_path / "dir.sqlite"))
    progress.record_lesson("00")
    assert capsys.readouterr() == ("", "")


def test_course_check_records_the_verdict(logbook, monkeypatch):
    from o2gmentor.course import Course

    monkeypatch.setattr("o2gmentor.course.checks.run_check",
                        lambda course, exercise, *a, **k: Verdict(exercise, "A title", "passed"))
    course = Course("sim", "127.0.0.1:1", None, settings=None)
    verdict = course.check("10-1")
    assert verdict.passed
    assert "10-1" in logbook.progress.of("Camille")["passed"]
