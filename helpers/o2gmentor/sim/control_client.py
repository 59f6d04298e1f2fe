"""A client for the simulator's control API (``/sim/…``) — simulator only, never a real O2G."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from o2gmentor.client.errors import O2GConnectionError, O2GError, with_hint
from o2gmentor.client.transport import Transport
from o2gmentor.sim.api.control import TOKEN_HEADER
from o2gmentor.sim.server import SimInfo, default_state_dir, read_info


class SimControl:
    """Act as the people and the world around the simulated PBX."""

    def __init__(self, info: SimInfo) -> None:
        self.info = info
        self._transport = Transport(info.ca)
        self._transport.http.headers[TOKEN_HEADER] = info.token

    def __repr__(self) -> str:
        return f"SimControl({self.info.url})"

    @classmethod
    def from_state_dir(cls, state_dir: Path | None = None) -> SimControl:
        folder = Path(state_dir) if state_dir else default_state_dir()
        info = read_info(folder)
        if info is None:
            raise O2GConnectionError(str(folder / "control.json"), "no simulator has written its address here",
                                     "start it with `o2gmentor sim` (or setup() in a notebook)")
        return cls(info)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            return self._transport.request(method, self.info.url + "/sim" + path, json_body=body)
        except O2GError as exc:
            what = exc.message or (exc.body if isinstance(exc.body, str) else "")
            raise with_hint(exc, f"the simulator's control API refused this ({exc.status}{': ' + what if what else ''})"
                                 " — this is the simulator's own API (README: the control API), not O2G's") from None

    def alive(self) -> bool:
        try:
            self._call("GET", "/status")
            return True
        except (O2GConnectionError, requests.RequestException):
            return False
        except Exception:  # noqa: BLE001 - another server on that port, or an old token
            return False

    def status(self) -> dict[str, Any]:
        return self._call("GET", "/status")

    def users(self) -> list[dict[str, Any]]:
        """The site's accounts, with their simulator passwords."""
        return self._call("GET", "/users")["users"]

    def phones(self) -> list[dict[str, Any]]:
        return self._call("GET", "/phones")["phones"]

    def phone(self, number: str) -> dict[str, Any]:
        return self._call("GET", f"/phones/{number}")

    def answer(self, number: str) -> dict[str, Any]:
        """The person at ``number`` picks up the ringing phone (an outside number works too)."""
        return self._call("POST", f"/phones/{number}/answer")

    def hangup(self, number: str) -> dict[str, Any]:
        """The person at ``number`` hangs up (a ringing phone declines)."""
        return self._call("POST", f"/phones/{number}/hangup")

    def dial(self, number: str, to: str) -> dict[str, Any]:
        """The person at ``number`` picks up and dials ``to``."""
        return self._call("POST", f"/phones/{number}/dial", {"to": to})

    def outside_call(self, caller: str, callee: str) -> dict[str, Any]:
        """Someone outside (``caller``, any number) calls ``callee``."""
        return self._call("POST", "/outside-call", {"from": caller, "to": callee})

    def set_device_state(self, number: str, in_service: bool) -> dict[str, Any]:
        return self._call("POST", f"/phones/{number}/state",
                          {"state": "IN_SERVICE" if in_service else "OUT_OF_SERVICE"})

    def advance(self, seconds: float) -> float:
        """Move the simulated clock forward, firing timers on the way."""
        return self._call("POST", "/clock/advance", {"seconds": seconds})["clock"]

    # the contact center
    def customer_call(self, pilot: str, caller: str | None = None, patience: float | None = None) -> str:
        """An outside customer calls a pilot now; returns the callRef."""
        return self._call("POST", "/ccd/customer-call", {"pilot": pilot, "from": caller, "patience": patience})[
            "callRef"]

    def start_traffic(self, pilots: list[str] | None = None, rate_factor: float = 1.0,
                      staff: bool = True) -> dict[str, Any]:
        """Customers call the pilots at the scenario's rates; simulated agents log on to answer them."""
        return self._call("POST", "/ccd/traffic", {"running": True, "pilots": pilots, "rate_factor": rate_factor,
                                                   "staff": staff})

    def stop_traffic(self) -> dict[str, Any]:
        return self._call("POST", "/ccd/traffic", {"running": False})

    def staff(self, on: bool = True, logins: list[str] | None = None) -> list[str]:
        """Simulated agents log on (ready, answering by themselves) or off."""
        return self._call("POST", "/ccd/staff", {"on": on, "logins": logins})["changed"]

    def ccd_status(self) -> dict[str, Any]:
        return self._call("GET", "/ccd/status")

    # faults, for the robustness lessons
    def cti_link(self, up: bool, node: str | None = None) -> dict[str, Any]:
        """Take the CTI link to an OXE node down (telephony answers 503) or back up."""
        return self._call("POST", "/faults/cti-link", {"node": node, "up": up})

    def pbx_link(self, up: bool, node: str | None = None) -> dict[str, Any]:
        """Take the management link to an OXE node down (PBX management answers 503) or back up."""
        return self._call("POST", "/faults/pbx-link", {"node": node, "up": up})

    def licence_expiring(self, name: str, days: float) -> dict[str, Any]:
        """Make a licence expire in ``days`` (negative: expired already); O2G warns its administrators."""
        return self._call("POST", "/faults/licence", {"name": name, "days": days})

    def restore_licences(self, names: list[str] | None = None) -> list[str]:
        """Put licences (all when ``names`` is None) back to the scenario's expiry dates; returns their names.

        A lesson that shortens a licence calls it first, so a run that stopped before its clean-up leaves no trace.
        """
        return self._call("POST", "/faults/licence-restore", {"names": names})["restored"]

    def expire_sessions(self, login: str | None = None) -> int:
        """End the sessions of ``login`` (all sessions if None) now, as an expiry would."""
        return self._call("POST", "/faults/expire-sessions", {"login": login})["closed"]

    def sessions(self) -> list[dict[str, Any]]:
        """Open sessions, then the latest closed ones: login, age, keep-alives, how each ended
        (``closedBy``: logout, expired, replaced, closed) and a digest of its credential (never the credential)."""
        return self._call("GET", "/sessions")["sessions"]

    def age_sessions(self, login: str, seconds: float) -> int:
        """``seconds`` pass for the sessions of ``login`` with no request from them (as if the application
        had been quiet that long); those past ``timeToLive`` plus a grace margin expire. Returns how many aged."""
        return self._call("POST", "/sessions/age", {"login": login, "seconds": seconds})["aged"]

    def drop_channels(self) -> int:
        """Cut every open event channel, as a network fault would."""
        return self._call("POST", "/faults/drop-channels")["dropped"]

    def unavailable(self, seconds: float) -> dict[str, Any]:
        """O2G answers 503 to everything for ``seconds`` (it is restarting)."""
        return self._call("POST", "/faults/unavailable", {"seconds": seconds})

    def ha_switch(self) -> dict[str, Any]:
        """The HA pair swaps: sessions end, the other server takes over."""
        return self._call("POST", "/faults/ha-switch")

    def reset(self) -> dict[str, Any]:
        """Hang up every call, end every session and reload the scenario."""
        return self._call("POST", "/reset")
