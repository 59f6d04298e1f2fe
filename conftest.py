"""Root pytest settings: notebooks under test use their own simulator, stopped at the end."""

from __future__ import annotations

import os
import tempfile


def pytest_configure(config) -> None:
    # Progress recorded by setup() and check() (and every logbook opened without a path) goes to a throw-away
    # file for the whole run, never into the user's real logbook; kernels inherit it too.
    os.environ["O2G_LOGBOOK"] = os.path.join(tempfile.mkdtemp(prefix="o2gmentor-test-logbook-"), "logbook.sqlite")
    # Kernels started by nbval inherit this environment: setup() starts a private simulator on a
    # free port in a temporary state folder, so a running `make lab` is never disturbed.
    if "O2G_SIM_STATE_DIR" not in os.environ:
        os.environ["O2G_SIM_STATE_DIR"] = tempfile.mkdtemp(prefix="o2gmentor-test-sim-")
        os.environ["O2G_SIM_PORT"] = "0"
        os.environ["O2G_MODE"] = "sim"
        config._o2g_private_sim = True  # noqa: SLF001


def pytest_unconfigure(config) -> None:
    if getattr(config, "_o2g_private_sim", False):
        from o2gmentor.course import simproc

        simproc.stop()
