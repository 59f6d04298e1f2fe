"""`o2gmentor lab` as a trainee meets it: the address it prints last opens lesson 00 in JupyterLab, with no
news pop-up; running the whole lesson works and is saved in the workspace, never in the tracked sources
(`git status` unchanged); Ctrl+C (SIGTERM) stops JupyterLab and the simulator the lab started.

Headless Debian Chromium through Playwright, as in ``test_lab_widgets.py``; screenshots in
``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from o2gmentor.course import simproc
from tests.browser.test_lab_widgets import ARTIFACTS, WAIT_MS, _require_browser, launch_chromium
from tests.notebooks.runner import ROOT

LESSON = "notebooks/00-start-here.ipynb"
URL = re.compile(r"(http://127\.0\.0\.1:\d+/lab/tree/notebooks/00-start-here\.ipynb\?token=\w+)")
pytestmark = pytest.mark.timeout(300)


def _git_status() -> str:
    """What git sees changed in the tracked lesson, and any checkpoint folder JupyterLab would leave beside it."""
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--", "notebooks"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    return "\n".join(line for line in changed.splitlines()
                     if LESSON in line or ".ipynb_checkpoints" in line or "workspace" in line)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def lab_command(tmp_path):
    """`o2gmentor lab` run as the README says, in a workspace and a simulator state folder of its own."""
    _require_browser()
    config = tmp_path / "jupyter-config"
    config.mkdir()
    # the page under test may use window.jupyterapp (a test-only switch; the command itself does not set it)
    (config / "jupyter_server_config.json").write_text(json.dumps({"LabApp": {"expose_app_in_browser": True}}))
    env = {**os.environ, "O2G_WORKSPACE": str(tmp_path / "workspace"), "O2G_SIM_STATE_DIR": str(tmp_path / "sim"),
           "O2G_MODE": "sim", "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    process = subprocess.Popen([sys.executable, "-m", "o2gmentor", "lab", "--no-browser", "--port", "0",
                                "--lab-port", str(_free_port())], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        yield process, lines, tmp_path
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        simproc.stop(tmp_path / "sim")


def test_the_printed_address_opens_lesson_00_and_running_it_leaves_git_clean(lab_command):
    from playwright.sync_api import expect, sync_playwright

    process, lines, tmp_path = lab_command
    before = _git_status()
    source = (ROOT / LESSON).read_bytes()
    deadline = time.monotonic() + 120
    while not any(URL.search(line) for line in lines):
        assert process.poll() is None, "".join(lines)
        assert time.monotonic() < deadline, "no address printed:\n" + "".join(lines)
        time.sleep(0.2)
    time.sleep(1.0)
    printed = [line for line in lines if line.strip()]
    url = URL.search("".join(lines)).group(1)
    last_url_line = max(i for i, line in enumerate(printed) if URL.search(line))
    assert not any("http" in line for line in printed[last_url_line + 1:]), "the lesson's address is not the last"
    assert (tmp_path / "workspace" / LESSON).exists(), "the workspace copy was not made"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            context.set_default_timeout(WAIT_MS)
            page = context.new_page()
            page.goto(url)
            page.wait_for_function(
                """path => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                             return !!(w && w.context && w.context.path === path && w.context.isReady); }""",
                arg=LESSON, timeout=60_000)
            page.wait_for_function(
                """() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
                           return !!k && k.status === 'idle' && k.connectionStatus === 'connected'; }""",
                timeout=60_000)
            page.wait_for_timeout(1500)  # the news question, if any, shows shortly after start
            assert page.get_by_text("official Jupyter news").count() == 0, "JupyterLab's news pop-up is showing"
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            expect(page.get_by_text("the call is gone on both sides").first).to_be_visible(timeout=90_000)
            page.wait_for_function(
                """() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
                           return !!k && k.status === 'idle'; }""", timeout=60_000)
            body = page.locator(".jp-NotebookPanel").inner_text()
            assert "Traceback" not in body and "✘" not in body
            page.screenshot(path=ARTIFACTS / "lab-lesson-00.png")
            page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
            page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
            page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        finally:
            browser.close()

    saved = json.loads((tmp_path / "workspace" / LESSON).read_text(encoding="utf-8"))
    assert any(cell.get("outputs") for cell in saved["cells"]), "the run was not saved in the workspace"
    assert _git_status() == before, "running lesson 00 in the lab changed the tracked sources"
    assert (ROOT / LESSON).read_bytes() == source

    process.send_signal(signal.SIGTERM)  # what Ctrl+C does
    assert process.wait(30) == 0
    assert simproc.running(tmp_path / "sim") is None, "the simulator the lab started is still running"
    assert "simulator stopped" in "".join(lines)
