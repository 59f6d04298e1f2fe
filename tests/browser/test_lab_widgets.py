"""The panels in a real browser: JupyterLab headless, Debian's Chromium through Playwright (browser-testing.md).

The test starts its own simulator (own state folder) and a throw-away JupyterLab whose kernels attach to
that simulator (``O2G_SIM_STATE_DIR`` in the server's environment), writes a notebook showing the panels,
runs it in headless Chromium, then acts as the outside world through the simulator's control API and
watches the PhonePanel's displayed state go Idle → Ringing → Connected → Idle. Screenshots go to
``test-artifacts/browser/``. Every request leaving 127.0.0.1 is aborted and fails the test.

Skipped only when Chromium (``/usr/bin/chromium``) or the ``playwright`` package is missing — and never
in CI (``CI`` set): there a missing browser is a failure, since ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import requests

from o2gmentor.course import simproc
from o2gmentor.sim.control_client import SimControl
from o2gmentor.widgets import CallFlow
from tests.unit.test_widgets_callflow import CONFERENCE

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
NOTEBOOK = "panels.ipynb"
WAIT_MS = 30_000  # every browser wait is bounded by this
pytestmark = pytest.mark.timeout(300)


def launch_chromium(playwright):
    """Debian's headless Chromium, offline-friendly flags (browser-testing.md)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"])


def _require_browser() -> None:
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[test]')")
    if missing:
        reason = "the browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; in CI it must run — .ci/run installs chromium before `make test`")
        pytest.skip(reason)


# ---------------------------------------------------------------- the notebook under test
SETUP_CELL = """\
from o2gmentor.course import setup
from o2gmentor.widgets import AgentDesk, CallFlow, EventLog, PhonePanel, SupervisorBoard, SystemHealth

course = setup(lesson="browser-test")"""

# Each panel the browser test shows: (cell source, the CSS class of its big state text).
PANEL_CELLS: list[tuple[str, str]] = [
    ("""\
phone = PhonePanel(course.connect("oxe1002"), quick_dial={"1003": "Chloe · 1003", "1004": "1004"})
phone""", "o2g-phone-state"),
    ("""\
log = EventLog(stream=phone.stream)
flow = CallFlow(stream=phone.stream)
log""", ""),
    ("flow", ""),
    ("""\
health = SystemHealth(course.connect(admin=True))
health""", "o2g-health"),
    ("""\
desk = AgentDesk(course.connect("oxe2001"))
desk""", "o2g-agent-state"),
    ("""\
board = SupervisorBoard(course.connect(admin=True))
board""", "o2g-board-pilots"),
]


def write_notebook(folder: Path) -> Path:
    cells = [nbformat.v4.new_markdown_cell("# Panels under test\nWritten by `tests/browser/test_lab_widgets.py`."),
             nbformat.v4.new_code_cell(SETUP_CELL)]
    cells += [nbformat.v4.new_code_cell(source) for source, _ in PANEL_CELLS]
    # CallFlow's Mermaid text (a recorded conference), rendered by JupyterLab's own Mermaid, offline
    diagram = CallFlow(CONFERENCE, live=False).markdown().data
    cells.append(nbformat.v4.new_markdown_cell(f"## A recorded conference\n\n{diagram}"))
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = folder / NOTEBOOK
    nbformat.write(notebook, path)
    return path


# ---------------------------------------------------------------- servers
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def simulator(tmp_path):
    """A simulator of our own, in its own state folder (the kernels find it through O2G_SIM_STATE_DIR)."""
    _require_browser()  # before starting anything
    state_dir = tmp_path / "sim-state"
    info, _ = simproc.ensure_running(port=0, state_dir=state_dir)
    try:
        yield state_dir, SimControl(info)
    finally:
        simproc.stop(state_dir)


@pytest.fixture()
def lab(tmp_path, simulator):
    """JupyterLab, headless, test-only settings (no token, no XSRF), on a free port in a temp root."""
    state_dir, _ = simulator
    root, config = tmp_path / "root", tmp_path / "jupyter"
    root.mkdir()
    settings = config / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                            "checkForUpdates": False}))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config / "config"), "JUPYTER_RUNTIME_DIR": str(config / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(config / "lab-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(config / "workspaces"),
           "O2G_MODE": "sim", "O2G_SIM_STATE_DIR": str(state_dir), "O2G_SIM_PORT": "0", "PYTHONUNBUFFERED": "1"}
    port = _free_port()
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
               "--PasswordIdentityProvider.hashed_password=", "--ServerApp.disable_check_xsrf=True",
               f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True", "--LabApp.expose_app_in_browser=True",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly"]
    log_path = tmp_path / "jupyterlab.log"
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited ({process.returncode}):\n{log_path.read_text()[-2000:]}")
            try:
                if requests.get(f"{base}/api/status", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within 60 s:\n{log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        yield base, root
    finally:
        try:
            requests.post(f"{base}/api/shutdown", timeout=5)
            process.wait(10)
        except (requests.RequestException, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the server's own process group: kernels included
        except ProcessLookupError:
            pass
        process.wait(5)


# ---------------------------------------------------------------- the test
def _text(locator) -> str:
    return " ".join(locator.inner_text().split())


def test_a_missing_browser_is_skipped_locally_but_fails_in_ci(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium at /nonexistent/chromium"):
        _require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="in CI it must run"):
        _require_browser()


def test_phone_panel_and_agent_desk_follow_calls_in_jupyterlab(lab, simulator):
    from playwright.sync_api import expect, sync_playwright

    base, root = lab
    _, sim = simulator
    write_notebook(root)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    started = time.monotonic()
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = None
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
            context.set_default_timeout(WAIT_MS)

            def offline(route):
                url = route.request.url
                if url.startswith(("http://127.0.0.1", "data:", "blob:")):
                    route.continue_()
                else:
                    outside.append(url)
                    route.abort()

            context.route("**/*", offline)
            page = context.new_page()
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?reset")
            page.wait_for_function(
                """path => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                             return !!(w && w.context && w.context.path === path && w.context.isReady); }""",
                arg=NOTEBOOK, timeout=60_000)
            page.wait_for_function(
                """() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
                           return !!k && k.status === 'idle' && k.connectionStatus === 'connected'; }""",
                timeout=60_000)
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")

            state = page.locator(".o2g-phone-state")
            expect(state).to_contain_text("Idle", timeout=60_000)
            phone_cell = page.locator(".jp-Cell", has=state)
            phone_cell.scroll_into_view_if_needed()
            assert "Loading widget" not in _text(phone_cell)
            assert "Bruno Lefevre · 1002" in _text(phone_cell)
            phone_cell.screenshot(path=ARTIFACTS / "phone-1-idle.png")

            sim.outside_call("0612345678", "1002")
            expect(state).to_contain_text("Ringing")
            expect(state).to_contain_text("from Customer mobile (0612345678)")
            hang_up = phone_cell.get_by_role("button", name="Hang up")
            expect(phone_cell.get_by_role("button", name="Answer")).to_be_enabled()
            phone_cell.screenshot(path=ARTIFACTS / "phone-2-ringing.png")

            sim.answer("1002")
            expect(state).to_contain_text("Connected")
            expect(phone_cell.get_by_role("button", name="Hold")).to_be_enabled()
            expect(phone_cell.get_by_role("button", name="Answer")).to_be_disabled()
            phone_cell.screenshot(path=ARTIFACTS / "phone-3-connected.png")

            hang_up.click()  # the panel's own button: browser → widget comm → kernel → O2G
            expect(state).to_contain_text("Idle")
            expect(phone_cell).to_contain_text("last call ended")
            assert sim.phone("1002")["calls"] == []
            phone_cell.screenshot(path=ARTIFACTS / "phone-4-idle-again.png")

            log_cell = page.locator(".jp-Cell", has=page.locator(".o2g-eventlog"))
            expect(log_cell).to_contain_text("OnCallRemoved")
            expect(log_cell).to_contain_text("OnCallCreated")
            log_cell.scroll_into_view_if_needed()
            log_cell.screenshot(path=ARTIFACTS / "eventlog.png")
            flow_cell = page.locator(".jp-Cell", has=page.locator("svg.o2g-callflow"))
            expect(flow_cell).to_contain_text("hangs up")
            flow_cell.scroll_into_view_if_needed()
            flow_cell.screenshot(path=ARTIFACTS / "callflow.png")

            mermaid = page.locator(".jp-RenderedMermaid img[src^='data:image/svg+xml']")
            expect(mermaid).to_have_count(1)
            mermaid_cell = page.locator(".jp-Cell", has=mermaid)
            mermaid_cell.scroll_into_view_if_needed()
            mermaid_cell.screenshot(path=ARTIFACTS / "callflow-mermaid.png")

            health = page.locator(".o2g-health")
            expect(health).to_contain_text("Healthy")
            sim.cti_link(False)
            expect(health).to_contain_text("CTI link down")
            health_cell = page.locator(".jp-Cell", has=health)
            health_cell.scroll_into_view_if_needed()
            health_cell.screenshot(path=ARTIFACTS / "system-health-cti-down.png")
            sim.cti_link(True)
            expect(health).to_contain_text("Healthy")

            # the agent desk: log on from the desk, a customer calls the Sales pilot, answer, hang up
            agent = page.locator(".o2g-agent-state")
            expect(agent).to_contain_text("Logged off")
            desk_cell = page.locator(".jp-Cell", has=agent)
            desk_cell.scroll_into_view_if_needed()
            desk_cell.get_by_role("button", name="Log on").click()
            expect(agent).to_contain_text("Ready")
            expect(agent).to_contain_text("group 3010")
            desk_cell.screenshot(path=ARTIFACTS / "agent-1-ready.png")
            sim.customer_call("3000", caller="0611223344")
            expect(agent).to_contain_text("Busy")
            expect(desk_cell).to_contain_text("0611223344")
            expect(desk_cell).to_contain_text("via pilot 3000")
            desk_cell.screenshot(path=ARTIFACTS / "agent-2-offered.png")
            desk_cell.get_by_role("button", name="Answer").click()
            expect(desk_cell).to_contain_text("Connected")
            desk_cell.screenshot(path=ARTIFACTS / "agent-3-talking.png")
            desk_cell.get_by_role("button", name="Hang up").click()
            expect(agent).to_contain_text("Wrap-up")
            expect(desk_cell).to_contain_text("No customer call")
            desk_cell.screenshot(path=ARTIFACTS / "agent-4-wrapup.png")

            # the supervisor board: a waiting call shows at once (pilot events), the agents via realtime
            board = page.locator(".o2g-board-pilots")
            board_cell = page.locator(".jp-Cell", has=board)
            expect(board_cell).to_contain_text("Nadia Roux")
            sim.customer_call("3100", caller="0622334455")  # Support: nobody of that group is logged on
            expect(board.locator(".o2g-waiting").last).to_have_text("1")
            board_cell.scroll_into_view_if_needed()
            board_cell.screenshot(path=ARTIFACTS / "supervisor-board.png")
        finally:
            if page is not None:
                try:
                    page.screenshot(path=ARTIFACTS / "page-last.png")
                    page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
                except Exception:  # noqa: BLE001 - cleanup must go on; the server stop kills the kernel anyway
                    pass
            browser.close()
    assert outside == [], f"the page tried to reach outside 127.0.0.1: {outside[:5]}"
    print(f"browser test: {time.monotonic() - started:.1f} s in the browser")
