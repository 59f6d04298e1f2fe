"""What the load, soak and bench scripts share: servers in their own processes, the classroom site, RSS, wrk.

Everything here talks to 127.0.0.1 only, and every process it starts is stopped by the ``with`` block
(or at the latest when the script exits: the servers die with their parent's pipe).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from o2gmentor.sim import scenario as scenarios

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
ADVANCED = "TELEPHONY_ADVANCED"  # what calls and telephony events need


# ------------------------------------------------------------------ the classroom site
def classroom_scenario(folder: Path, office_users: int = 24) -> Path:
    """The default site with enough office users for a classroom (``oxe1030``… added after the staff).

    Thirty trainees need more logins than Bluewave's eleven with the telephony licence: 24 office users
    (12 calling pairs) + the 6 agents.
    Written as a scenario file, run with ``o2gmentor sim --scenario FILE`` like any other.
    """
    data = scenarios.load("default")
    have = sum(ADVANCED in u.get("licences", scenarios.DEFAULT_USER_LICENCES) for u in data["users"])
    for index in range(max(0, office_users - have)):
        number = str(1030 + index)
        data["users"].append({"number": number, "first": "Trainee", "last": f"{index + 1:02d}",
                              "device": "DESKPHONE", "subType": "ALE-500",
                              "email": f"trainee{index + 1:02d}@bluewave.example", "title": "Trainee"})
    data["name"] = "classroom"
    data["description"] = data["description"] + f" Benchmark copy with {len(data['users'])} office users."
    path = folder / "classroom.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def office_logins(scenario_path: Path) -> list[tuple[str, str, str]]:
    """(login, password, number) of every office user of a scenario file with the telephony licence."""
    data = json.loads(scenario_path.read_text(encoding="utf-8"))
    return [(f"oxe{u['number']}", u.get("password", u["number"]), u["number"]) for u in data["users"]
            if ADVANCED in u.get("licences", scenarios.DEFAULT_USER_LICENCES)]


def agent_logins(scenario_path: Path) -> list[tuple[str, str, str]]:
    """(login, password, number) of the contact-center agents (not the supervisor)."""
    data = json.loads(scenario_path.read_text(encoding="utf-8"))
    return [(f"oxe{o['number']}", o.get("password", o["number"]), o["number"])
            for o in data["ccd"]["operators"] if o.get("type") == "AGENT"]


# ------------------------------------------------------------------ servers in their own processes
@dataclass
class Server:
    """A server running in a child process."""

    name: str
    proc: subprocess.Popen
    port: int
    ca: str
    log: Path

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def url(self) -> str:
        return f"https://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_mb(self) -> tuple[float, float]:
        """(current, peak) resident memory of the server process in MB, from /proc."""
        return rss_mb(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


PRIORITY = -10  # nice value for what a figure is measured on, when allowed (root): other work disturbs it less


def raise_priority(pid: int) -> bool:
    """Give every thread of ``pid`` the nice value ``PRIORITY``; False where not allowed (not root)."""
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            os.setpriority(os.PRIO_PROCESS, int(task.name), PRIORITY)
    except (PermissionError, ProcessLookupError, FileNotFoundError):
        return False
    return True


def _nice_child() -> None:  # in a child process before exec: ask for the same priority, keep going if refused
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, PRIORITY)


def rss_mb(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def _console_script(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found next to {sys.executable} nor on PATH: run `make setup`")
    return found


@contextlib.contextmanager
def simulator(state_dir: Path | None = None, scenario: str | Path = "default",
              timeout: float = 30.0, priority: bool = False) -> Iterator[Server]:
    """``o2gmentor sim --port 0`` in its own process, in a private state folder; stopped on exit.

    ``priority``: run it at nice ``PRIORITY`` when allowed (the bench does, so other work disturbs it less)."""
    folder = Path(state_dir or tempfile.mkdtemp(prefix="o2g-bench-sim-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "control.json").unlink(missing_ok=True)
    log = folder / "sim.log"  # what o2gmentor sim prints (the test run scans every sim.log for credentials)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen([_console_script("o2gmentor"), "sim", "--host", HOST, "--port", "0",
                                 "--state-dir", str(folder), "--scenario", str(scenario)],
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    server = None
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the simulator stopped at start: {log.read_text()[-2000:]}")
            with contextlib.suppress(OSError, ValueError):
                info = json.loads((folder / "control.json").read_text())
                if info.get("pid") == proc.pid and info.get("port"):
                    server = Server("simulator", proc, int(info["port"]), info["ca"], log)
                    break
            time.sleep(0.05)
        if server is None:
            raise RuntimeError(f"the simulator did not start within {timeout:g} s")
        if priority:
            raise_priority(proc.pid)
        yield server
    finally:
        (server or Server("simulator", proc, 0, "", log)).stop()


@contextlib.contextmanager
def bare_server(cert_dir: Path, body: bytes, timeout: float = 30.0, priority: bool = False) -> Iterator[Server]:
    """The baseline: ``benchmarks/bare_server.py`` (a bare aiohttp handler, same TLS) in its own process."""
    body_file = Path(tempfile.mkstemp(prefix="o2g-bare-body-", suffix=".json")[1])
    body_file.write_bytes(body)
    log = Path(tempfile.mkstemp(prefix="o2g-bare-", suffix=".log")[1])
    out = open(log, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("bare_server.py")),
                             "--cert-dir", str(cert_dir), "--body", str(body_file)],
                            stdout=subprocess.PIPE, stderr=out, stdin=subprocess.DEVNULL)
    server = Server("bare aiohttp", proc, 0, str(Path(cert_dir) / "ca.pem"), log)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()  # "PORT <n>", printed once listening
        match = re.match(r"PORT (\d+)", line)
        if not match:
            raise RuntimeError(f"the bare server did not start: {line!r} {log.read_text()[-2000:]}")
        server.port = int(match.group(1))
        if priority:
            raise_priority(proc.pid)
        yield server
    finally:
        server.stop()
        out.close()
        body_file.unlink(missing_ok=True)


# ------------------------------------------------------------------ wrk
def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_start(url: str, *, cookie: str | None = None, connections: int = 16, seconds: float = 3.0,
              threads: int = 1) -> subprocess.Popen:
    """Start one wrk run in the background (``wrk_finish`` reads its result): two can load two servers at once."""
    command = [wrk_path() or "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--timeout", "5s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    return subprocess.Popen(command + [url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_nice_child)  # noqa: PLW1509 - started from the main thread only


def wrk_finish(proc: subprocess.Popen, seconds: float) -> dict[str, float]:
    """Wait for a wrk run: requests per second, the count of answers that were not 2xx/3xx, socket errors."""
    try:
        text, err = proc.communicate(timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RuntimeError("wrk did not finish in time") from None
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if proc.returncode != 0 or rate is None:
        raise RuntimeError(f"wrk printed no rate (exit {proc.returncode}): {text}{err}")
    return {"rps": float(rate.group(1)), "non_2xx": float(bad.group(1)) if bad else 0.0,
            "socket_errors": float(sum(int(g) for g in errors.groups())) if errors else 0.0}


def wrk(url: str, *, cookie: str | None = None, connections: int = 16, seconds: float = 3.0,
        threads: int = 1) -> dict[str, float]:
    """One wrk run, waited for (see ``wrk_finish``)."""
    return wrk_finish(wrk_start(url, cookie=cookie, connections=connections, seconds=seconds, threads=threads),
                      seconds)


# ------------------------------------------------------------------ numbers
def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def figure(name: str, value: str, target: str, met: bool) -> str:
    """The line ``make bench`` ends with, one per figure."""
    return f"{name}: {value} (target {target}, {'met' if met else 'missed'})"
