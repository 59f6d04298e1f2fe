"""ALE's official O2G Node SDK, unmodified, against the simulator (official-node-sdk-contract.md §2).

The SDK is not on the npm registry, so it cannot be installed by this project; build it from its
public repository (tests/sdk/README.md) and point ``O2G_NODE_SDK`` at its entry file. Without it,
this test is skipped and ``test_sdk_contract.py`` replays the same exchange with raw HTTP.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SDK = os.environ.get("O2G_NODE_SDK", "")
SCENARIO = Path(__file__).with_name("node_scenario.js")

pytestmark = pytest.mark.skipif(
    not (SDK and Path(SDK).exists() and shutil.which("node")),
    reason="set O2G_NODE_SDK to a built o2g-node-sdk entry file (see tests/sdk/README.md) and install node",
)


def test_the_node_sdk_logs_in_calls_receives_events_and_logs_out(fresh_sim):
    result = subprocess.run(
        ["node", str(SCENARIO), "--host", fresh_sim.info.address, "--login", "oxe1001", "--password", "1001",
         "--caller", "1001", "--callee", "1002", "--ca", str(fresh_sim.ca_path), "--sdk", SDK],
        capture_output=True, text=True, timeout=90,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "10 passed, 0 failed"
