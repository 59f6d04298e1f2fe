"""Starting the simulator as a background process, or attaching to the one already running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from o2gmentor.sim.control_client import SimControl
from o2gmentor.sim.server import SimInfo, default_state_dir, read_info

START_TIMEOUT = 30.0


def running(state_dir: Path | None = None) -> SimInfo | None:
    """The simulator recorded in the state folder, if it answers."""
    info = read_info(Path(state_dir) if state_dir else default_state_dir())
    if info is not None and SimControl(info).alive():
        return info
    return None


def ensure_running(port: int = 8443, scenario: str = "default", state_dir: Path | None = None,
                   host: str = "127.0.0.1") -> tuple[SimInfo, bool]:
    """Attach to the running simulator, or start one; returns ``(info, started_now)``.

    If ``port`` is taken by something else, the simulator takes a free port instead.
    """
    folder = Path(state_dir) if state_dir else default_state_dir()
    info = running(folder)
    if info is not None:
        return info, False
    folder.mkdir(parents=True, exist_ok=True)
    for try_port in (port, 0):
        info = _spawn(folder, host, try_port, scenario)
        if info is not None:
            return info, True
    log = folder / "sim.log"
    tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
    raise RuntimeError(f"the simulator did not start; its log ({log}) ends with:\n{tail}")


def _spawn(folder: Path, host: str, port: int, scenario: str) -> SimInfo | None:
    command = [sys.executable, "-m", "o2gmentor", "sim", "--host", host, "--port", str(port),
               "--scenario", scenario, "--state-dir", str(folder)]
    with open(folder / "sim.log", "ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        info = read_info(folder)
        if info is not None and info.pid == process.pid and SimControl(info).alive():
            return info
        time.sleep(0.1)
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
    return None


def stop(state_dir: Path | None = None, timeout: float = 10.0) -> bool:
    """Stop the background simulator recorded in the state folder; True if one was stopped."""
    folder = Path(state_dir) if state_dir else default_state_dir()
    info = read_info(folder)
    if info is None:
        return False
    if not SimControl(info).alive():  # a stale file (a crash): its pid may be someone else's by now
        (folder / "control.json").unlink(missing_ok=True)
        return False
    try:
        os.kill(info.pid, 15)
    except ProcessLookupError:
        (folder / "control.json").unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _gone(info.pid):
            return True
        time.sleep(0.05)
    return False


def _gone(pid: int) -> bool:
    """True once the process has exited (reaping it if it is our own child, which would stay a zombie)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:
        pass  # not our child: its parent reaps it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
