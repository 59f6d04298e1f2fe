"""``o2gmentor lab``: the trainee's workspace, the simulator in the background, JupyterLab on lesson 00.

JupyterLab runs in its own process group with its log in ``workspace/.jupyter/lab.log``, so the last thing
the terminal shows is the address of lesson 00. Ctrl+C (or SIGTERM) stops JupyterLab, and the simulator too
when this command started it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time

import requests

from o2gmentor.course import simproc
from o2gmentor.course.config import load_settings
from o2gmentor.course.workspace import Workspace, find_course_root

FIRST_LESSON = "notebooks/00-start-here.ipynb"
START_TIMEOUT = 90.0
# JupyterLab's "Would you like to receive official Jupyter news?" would cover outputs while a mentor
# screen-shares, and the course runs offline: news and update checks are off in the workspace's settings.
QUIET_SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
                  {"fetchNews": "false", "checkForUpdates": False}}


def free_port(preferred: int, host: str = "127.0.0.1", tries: int = 50) -> int:
    """``preferred`` if nothing listens there, else the next free port above it."""
    for port in range(preferred, preferred + tries):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {preferred}–{preferred + tries - 1}")


def lab_environment(workspace: Workspace) -> dict[str, str]:
    """The environment JupyterLab runs with: its settings and layouts kept in the workspace."""
    settings = workspace.path / ".jupyter" / "lab" / "user-settings"
    for relative, values in QUIET_SETTINGS.items():
        path = settings / relative
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, indent=2), encoding="utf-8")
    return {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(workspace.path / ".jupyter" / "lab" / "workspaces"),
            "PYTHONUNBUFFERED": "1"}


def lab_command(jupyter: str, workspace: Workspace, port: int, token: str, open_browser: bool) -> list[str]:
    command = [jupyter, "lab", f"--ServerApp.root_dir={workspace.path}", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--LabApp.default_url=/lab/tree/{FIRST_LESSON}", "--LabApp.news_url=",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers run as root; JupyterLab refuses it otherwise
    return command


def wait_until_up(process: subprocess.Popen, url: str, token: str, timeout: float = START_TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if requests.get(f"{url}/api/status", params={"token": token}, timeout=2).ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.25)
    return False


def banner(url: str, workspace: Workspace, started_sim: bool) -> str:
    stop = "Ctrl+C stops JupyterLab" + (" and the simulator" if started_sim else "")
    rule = "─" * 78
    return (f"{rule}\n  O2G Mentor is ready. Open the course (lesson 00) at:\n\n    {url}\n\n"
            f"  Your workspace: {workspace.path}  (`o2gmentor reset [LESSON]` restores a fresh copy)\n"
            f"  {stop}.\n{rule}")


def run(sim_port: int = 8443, scenario: str = "default", lab_port: int = 8888, *, open_browser: bool = True,
        with_solutions: bool = False) -> int:
    """Start the course and wait until Ctrl+C; returns the exit code."""
    workspace = Workspace(find_course_root())
    report = workspace.sync(with_solutions=with_solutions)
    print(f"Workspace {workspace.path}: {report.summary()}")
    started = False
    settings = load_settings()
    if settings.mode == "real":
        print(f"Real mode (O2G_MODE=real): the lessons use the O2G at {settings.host or '? (set O2G_HOST)'}; "
              "no simulator started")
    else:
        info, started = simproc.ensure_running(port=sim_port, scenario=scenario)
        print(f"Simulated O2G {'started' if started else 'already running'} at {info.url}; CA: {info.ca}")
    jupyter = shutil.which("jupyter", path=os.path.dirname(sys.executable)) or shutil.which("jupyter")
    if jupyter is None:
        print("error: JupyterLab is not installed in this environment", file=sys.stderr)
        return 1
    port, token = free_port(lab_port), secrets.token_hex(24)
    log_path = workspace.path / ".jupyter" / "lab.log"
    env = lab_environment(workspace)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(lab_command(jupyter, workspace, port, token, open_browser), stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                   cwd=workspace.path, start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        if not wait_until_up(process, base, token):
            tail = log_path.read_text(errors="replace")[-1500:]
            print(f"error: JupyterLab did not start; the end of {log_path}:\n{tail}", file=sys.stderr)
            code = 1
        else:
            print(banner(f"{base}/lab/tree/{FIRST_LESSON}?token={token}", workspace, started), flush=True)
            process.wait()
    except KeyboardInterrupt:
        print("\nstopping…")
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        if started:
            simproc.stop()
            print("simulator stopped")
    return code

