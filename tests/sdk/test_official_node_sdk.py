"""ALE's official O2G Node SDK, unmodified, against the simulator (official-node-sdk-contract.md §2, §7).

The SDK is not on the npm registry, so it cannot be installed by this project; build it from its
public repository (tests/sdk/README.md) and point ``O2G_NODE_SDK`` at its entry file. Without it,
these tests are skipped and ``test_sdk_contract.py`` replays the basic exchange with raw HTTP.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SDK = os.environ.get("O2G_NODE_SDK", "")
HERE = Path(__file__).parent

pytestmark = pytest.mark.skipif(
    not (SDK and Path(SDK).exists() and shutil.which("node")),
    reason="set O2G_NODE_SDK to a built o2g-node-sdk entry file (see tests/sdk/README.md) and install node",
)


def run_scenario(sim, script: str, *args: str) -> list[str]:
    result = subprocess.run(
        ["node", str(HERE / script), "--host", sim.info.address, "--ca", str(sim.ca_path), "--sdk", SDK, *args],
        capture_output=True, text=True, timeout=120,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()


def test_basic_call_scenario(fresh_sim):
    lines = run_scenario(fresh_sim, "node_scenario.js", "--login", "oxe1001", "--password", "1001",
                         "--caller", "1001", "--callee", "1002")
    assert lines[-1] == "10 passed, 0 failed"


def test_supervision_scenario(fresh_sim):
    """Routing (DND, forward), event summary, comlog, directory search — as a user."""
    lines = run_scenario(fresh_sim, "node_supervision.js", "--login", "oxe1002", "--password", "1002",
                         "--number", "1002", "--forward-to", "1003", "--call-to", "1001")
    assert lines[-1] == "16 passed, 0 failed"


def test_admin_scenario(fresh_sim):
    """System status and PBX management (create, read, modify, delete a Subscriber) — as an administrator."""
    lines = run_scenario(fresh_sim, "node_admin.js", "--login", "admin", "--password", "admin-o2g")
    assert lines[-1] == "13 passed, 0 failed"


def test_agent_scenario(fresh_sim):
    """An agent logs on, is offered a pilot call, answers, releases, wraps up, withdraws, logs off."""
    control = str(fresh_sim.state_dir / "control.json")
    lines = run_scenario(fresh_sim, "node_agent.js", "--control", control, "--login", "oxe2001", "--password", "2001",
                         "--proacd", "2101", "--group", "3010", "--pilot", "3000")
    assert lines[-1] == "15 passed, 0 failed"


def test_contact_center_supervisor_scenario(fresh_sim):
    """An administrator monitors a pilot (call created, queued, removed) and reads realtime queue and agent data."""
    control = str(fresh_sim.state_dir / "control.json")
    lines = run_scenario(fresh_sim, "node_ccd_supervisor.js", "--control", control, "--login", "admin",
                         "--password", "admin-o2g", "--pilot", "3000")
    assert lines[-1] == "18 passed, 0 failed"
