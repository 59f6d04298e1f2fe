"""The mentor's commands as a mentor types them: one command answers "how much support time is left?"."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from o2gmentor.cli import main
from o2gmentor.course import setup
from o2gmentor.course.logbook import Logbook

pytestmark = pytest.mark.timeout(180)


def o2gmentor(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command run in this process (fast): its exit code and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def test_the_installed_command_exits_1_on_refused_input(tmp_path):
    done = subprocess.run([sys.executable, "-m", "o2gmentor", "pool", "add", "2", "--developer", "Zoé", "--topic",
                           "x", "--logbook", str(tmp_path / "b.sqlite")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.startswith("error: unknown developer 'Zoé'")


@pytest.fixture()
def logbook(tmp_path) -> str:
    path = str(tmp_path / "mentor.sqlite")
    for command in (["engagement", "set", "--customer", "Bluewave Logistics", "--partner", "Rhône Intégration",
                     "--ordered", "2025-02-03"],
                    ["engagement", "developer", "Camille", "Hugo"]):
        done = o2gmentor(*command, "--logbook", path)
        assert done.returncode == 0, done.stderr
    return path


def test_pool_status_in_one_command(logbook):
    added = o2gmentor("pool", "add", "3", "--developer", "Camille", "--topic", "event channel", "--lesson", "21",
                      "--date", "2025-03-26", "--logbook", logbook)
    assert added.returncode == 0, added.stderr
    status = o2gmentor("pool", "--logbook", logbook, "--entries")
    assert status.returncode == 0
    assert "15 of 18 half-hours left (7 h 30 of 9 h)" in status.stdout
    assert "Camille 3" in status.stdout and "event channel" in status.stdout and "2025-03-26" in status.stdout


def test_the_warning_the_refusal_the_overdraw_and_the_top_up(logbook):
    near = o2gmentor("pool", "add", "16", "--developer", "Hugo", "--topic", "agents", "--logbook", logbook)
    assert "Only 2 half-hour(s)" in near.stdout and "o2gmentor pool topup" in near.stdout
    over = o2gmentor("pool", "add", "3", "--developer", "Hugo", "--topic", "agents", "--logbook", logbook)
    assert over.returncode == 1 and "below zero" in over.stderr and "Traceback" not in over.stderr
    assert "2 of 18" in o2gmentor("pool", "--logbook", logbook).stdout, "the refused entry changed nothing"
    loud = o2gmentor("pool", "add", "3", "--developer", "Hugo", "--topic", "agents", "--overdraw", "--logbook",
                     logbook)
    assert loud.returncode == 0 and "OVERDRAWN" in loud.stdout
    assert "OVERDRAWN" in o2gmentor("pool", "--logbook", logbook).stdout
    topped = o2gmentor("pool", "topup", "--logbook", logbook)
    assert topped.returncode == 0 and "17 of 36 half-hours left" in topped.stdout


@pytest.mark.parametrize("args, message", [
    (["pool", "add", "-2", "--developer", "Hugo", "--topic", "x"], "positive whole number"),
    (["pool", "add", "2", "--developer", "Zoé", "--topic", "x"], "unknown developer 'Zoé'"),
    (["engagement", "day", "1", "2025-03-10T08:00+01:00", "2025-03-10T12:00+01:00"], "outside the pack's window"),
    (["engagement", "day", "1", "2025-02-10T09:00", "2025-02-10T12:00"], "less than three weeks"),
    (["acceptance", "sign", "--by", "M. Girard"], "notify completion first"),
])
def test_bad_input_is_a_clear_error_with_exit_code_1(logbook, args, message):
    before = o2gmentor("pool", "--logbook", logbook).stdout
    done = o2gmentor(*args, "--logbook", logbook)
    assert done.returncode == 1 and message in done.stderr and done.stderr.startswith("error: ")
    assert "Traceback" not in done.stderr
    assert o2gmentor("pool", "--logbook", logbook).stdout == before


def test_a_file_that_is_not_a_logbook_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database " * 100)
    done = o2gmentor("pool", "--logbook", str(junk))
    assert done.returncode == 1 and "cannot be used" in done.stderr and "Traceback" not in done.stderr


def test_logbook_from_the_environment(tmp_path, monkeypatch):
    env_book = tmp_path / "env.sqlite"
    monkeypatch.setenv("O2G_LOGBOOK", str(env_book))
    done = o2gmentor("pool", "topup", "2")
    assert done.returncode == 0 and env_book.exists()
    assert Logbook(env_book).pool.status().days == 3


def test_engagement_matrix_and_acceptance_commands(logbook):
    day = o2gmentor("engagement", "day", "1", "2025-03-10T08:00Z", "2025-03-10T16:00Z", "--logbook", logbook)
    assert day.returncode == 0
    assert "Day 1 (Install & configure): planned Mon 10 Mar 2025, 09:00–17:00 UTC+1" in day.stdout
    assert "EXAMPLE" in day.stdout
    matrix = o2gmentor("engagement", "matrix", "Licensing", "ALE", "V", "--logbook", logbook)
    assert matrix.returncode == 0 and "EXAMPLE" not in matrix.stdout
    assert o2gmentor("acceptance", "notify", "--date", "2025-04-01", "--logbook", logbook).returncode == 0
    reserve = o2gmentor("acceptance", "reserve", "HA", "not", "covered", "--logbook", logbook)
    assert "reservation R1" in reserve.stdout
    shown = o2gmentor("acceptance", "--logbook", logbook, "--today", "2025-04-12")
    assert "Accepted by default on 2025-04-11" in shown.stdout and "Reservation #1: HA not covered" in shown.stdout
    survey = o2gmentor("acceptance", "survey", "--rating", "expertise=5", "--rating", "material=4", "--rating",
                       "fit=4", "--rating", "support=5", "--rating", "overall=5", "--logbook", logbook)
    assert survey.returncode == 0 and "survey answer #1" in survey.stdout
    bad = o2gmentor("acceptance", "survey", "--rating", "overall=9", "--logbook", logbook)
    assert bad.returncode == 1 and "error:" in bad.stderr


def test_report_writes_one_self_contained_html_here_and_a_pdf(logbook, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    done = o2gmentor("report", "--logbook", logbook, cwd=folder)
    assert done.returncode == 0, done.stderr
    files = list(folder.iterdir())
    assert len(files) == 1 and files[0].suffix == ".html" and "bluewave-logistics" in files[0].name
    text = files[0].read_text(encoding="utf-8")
    assert "<script" not in text and "http://" not in text and "https://" not in text
    assert "Bluewave Logistics" in text and "Responsibility matrix" in text
    if not os.access("/usr/bin/chromium", os.X_OK):
        if os.environ.get("CI"):
            pytest.fail("--pdf needs /usr/bin/chromium, which .ci/run installs")
        pytest.skip("no Chromium here")
    printed = o2gmentor("report", "--pdf", "--output", str(tmp_path / "pdf"), "--logbook", logbook)
    assert printed.returncode == 0, printed.stderr
    pdf = next((tmp_path / "pdf").glob("*.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_setup_records_that_the_lesson_ran(fresh_sim, monkeypatch, tmp_path, capsys):
    book = tmp_path / "course.sqlite"
    monkeypatch.setenv("O2G_LOGBOOK", str(book))
    monkeypatch.setenv("O2G_TRAINEE", "Camille")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("O2G_HOST", fresh_sim.info.address)
    monkeypatch.setenv("O2G_CA_BUNDLE", str(fresh_sim.ca_path))
    setup(lesson="12", mode="real")
    assert capsys.readouterr().out.count("\n") == 1, "setup prints its one line, nothing more"
    assert Logbook(book).progress.of("Camille")["lessons"] == ["12"]
