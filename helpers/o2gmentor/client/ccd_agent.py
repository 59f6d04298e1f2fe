"""The CC Agent service: a contact-center operator's configuration and state (o2g-api-ccd.md §2).

``login`` acts for another operator (administrator sessions only).
"""

from __future__ import annotations

from typing import Any


class CallCenterAgent:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def _params(self, login: str | None, **extra: Any) -> dict[str, Any]:
        return {**extra, "loginName": login}

    def _post(self, path: str, body: dict[str, Any] | None = None, login: str | None = None) -> None:
        self.o2g.request("POST", "acdagent", path, json_body=body, params=self._params(login))

    def config(self, login: str | None = None) -> dict[str, Any]:
        """Type (AGENT/SUPERVISOR), ``proacd`` set, processing groups, skills, options."""
        return self.o2g.request("GET", "acdagent", "/config", params=self._params(login), expect_json=True)

    def state(self, login: str | None = None) -> dict[str, Any]:
        """``mainState`` (LOG_ON/LOG_OFF), ``subState`` (READY, BUSY, WRAPUP, PAUSE, WITHDRAW…), group, set."""
        return self.o2g.request("GET", "acdagent", "/state", params=self._params(login), expect_json=True)

    def request_snapshot(self, login: str | None = None) -> None:
        self._post("/state/snapshot", None, login)

    def logon(self, proacd: str, group: str | None = None, headset: bool = False, login: str | None = None) -> None:
        """Log on to the pro-ACD set, in a processing group (a supervisor may leave it out)."""
        body: dict[str, Any] = {"proAcdDeviceNumber": proacd}
        if group is not None:
            body["pgGroupNumber"] = group
        if headset:
            body["headset"] = True
        self._post("/logon", body, login)

    def logoff(self, login: str | None = None) -> None:
        self._post("/logoff", None, login)

    def enter_group(self, group: str, login: str | None = None) -> None:
        self._post("/enterPG", {"pgGroupNumber": group}, login)

    def exit_group(self, group: str, login: str | None = None) -> None:
        self._post("/exitPG", {"pgGroupNumber": group}, login)

    def ready(self, login: str | None = None) -> None:
        self._post("/ready", None, login)

    def pause(self, login: str | None = None) -> None:
        self._post("/pause", None, login)

    def wrap_up(self, login: str | None = None) -> None:
        self._post("/wrapUp", None, login)

    def withdraw_reasons(self, group: str, login: str | None = None) -> list[dict[str, Any]]:
        """The group's withdraw reasons: ``[{index, label}]``."""
        return self.o2g.request("GET", "acdagent", "/withdrawReasons", params=self._params(login, pgNumber=group),
                                expect_json=True)["reasons"]

    def withdraw(self, reason_index: int, login: str | None = None) -> None:
        self._post("/withdraw", {"reasonIndex": reason_index}, login)

    def activate_skills(self, skills: list[int], login: str | None = None) -> None:
        self._post("/config/skills/activate", {"skills": list(skills)}, login)

    def deactivate_skills(self, skills: list[int], login: str | None = None) -> None:
        self._post("/config/skills/deactivate", {"skills": list(skills)}, login)

    def request_help(self, login: str | None = None) -> None:
        self._post("/supervisorHelp", None, login)

    def cancel_help(self, other: str, login: str | None = None) -> None:
        """Cancel (agent; ``other`` = the supervisor) or reject (supervisor; ``other`` = the agent) help."""
        self.o2g.request("DELETE", "acdagent", "/supervisorHelp", params=self._params(login, other=other))

    def listen(self, agent_number: str, login: str | None = None) -> None:
        """Supervisor: listen permanently to an agent."""
        self._post("/permanentListening", {"agentNumber": agent_number}, login)

    def stop_listening(self, login: str | None = None) -> None:
        self.o2g.request("DELETE", "acdagent", "/permanentListening", params=self._params(login))

    def intrude(self, agent_number: str, mode: str = "NORMAL", login: str | None = None) -> None:
        """Supervisor: join an agent's customer call (NORMAL, RESTRICTED or DISCRETE)."""
        self._post("/intrusion", {"agentNumber": agent_number, "mode": mode}, login)

    def change_intrusion(self, mode: str, login: str | None = None) -> None:
        """Change the intrusion mode; ``STOP`` ends it."""
        self.o2g.request("PUT", "acdagent", "/intrusion", json_body={"mode": mode}, params=self._params(login))
