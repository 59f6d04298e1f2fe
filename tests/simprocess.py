"""A simulated O2G in its own process (``python -m o2gmentor sim``), for tests that kill, restart or hammer it.

Its output goes to ``sim.log`` in its state folder, so the run's log scan reads it (tests/conftest.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from o2gmentor.sim.control_client import SimControl
from o2gmentor.sim.server import SimInfo, read_info

START_TIMEOUT = 30.0


class SimProcess:
    """``start()`` → a running simulator; ``kill()`` is a SIGKILL (no clean-up at all); ``stop()`` a SIGTERM."""

    def __init__(self, state_dir: Path, port: int = 0) -> None:
        self.state_dir = Path(state_dir)
        self.port = port
        self.process: subprocess.Popen | None = None
        self.info: SimInfo | None = None

    def start(self) -> SimInfo:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "o2gmentor", "sim", "--port", str(self.port),
                   "--state-dir", str(self.state_dir)]
        with open(self.state_dir / "sim.log", "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the simulator exited ({self.process.returncode}): see {self.state_dir}/sim.log")
            info = read_info(self.state_dir)
            if info is not None and info.pid == self.process.pid and SimControl(info).alive():
                self.info, self.port = info, info.port
                return info
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"the simulator did not start within {START_TIMEOUT:.0f} s: see {self.state_dir}/sim.log")

    @property
    def control(self) -> SimControl:
        assert self.info is not None
        return SimControl(self.info)

    def kill(self) -> None:
        """SIGKILL: the process dies at once, mid-request, its sockets reset by the kernel."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
