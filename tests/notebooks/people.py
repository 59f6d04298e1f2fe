"""The people at the phones, for lessons run in real mode: whoever's phone rings picks up.

Run as a background process next to a simulator posing as a customer's O2G (the lesson itself never uses the
simulator's control API in real mode)::

    python -m tests.notebooks.people STATE_DIR
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from o2gmentor.client import O2GConnectionError, O2GError
from o2gmentor.sim.control_client import SimControl

PICK_UP_AFTER = 0.3  # seconds a phone rings before its owner picks up
POLL = 0.1


def main(state_dir: str, seconds: float = 900.0) -> int:
    control = SimControl.from_state_dir(Path(state_dir))
    first_seen: dict[str, float] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            phones = control.phones()
        except (O2GError, O2GConnectionError):
            time.sleep(POLL)
            continue
        now = time.monotonic()
        ringing = {p["number"] for p in phones if p.get("state") == "ringing"}
        for number in list(first_seen):
            if number not in ringing:
                del first_seen[number]
        for number in ringing:
            first_seen.setdefault(number, now)
            if now - first_seen[number] >= PICK_UP_AFTER:
                try:
                    control.answer(number)
                    print(f"picked up {number}", flush=True)
                except (O2GError, O2GConnectionError):
                    pass
        time.sleep(POLL)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
