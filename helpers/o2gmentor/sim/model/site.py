"""The site: OXE nodes, users with their devices, administrator accounts and outside contacts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from o2gmentor.sim.model.voicemail import Voicemail
from o2gmentor.sim.scenario import DEFAULT_USER_LICENCES


@dataclass
class Device:
    """A phone set; O2G calls it by its directory number (``deviceId``)."""

    id: str
    type: str
    sub_type: str
    owner: str
    state: str = "IN_SERVICE"

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "id": self.id, "subType": self.sub_type}


@dataclass
class User:
    """An OXE subscriber known to O2G: one login, one company number, its devices."""

    login: str
    password: str = field(repr=False)
    number: str
    first_name: str
    last_name: str
    node_id: str
    devices: list[Device]
    email: str = ""
    title: str = ""
    voicemail: str | None = None
    licences: list[str] = field(default_factory=list)
    mobile: str | None = None  # remote extension (a mobile the OXE can present calls on)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def to_json(self) -> dict[str, Any]:
        """The O2G ``User`` object."""
        body: dict[str, Any] = {
            "companyPhone": self.number,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "loginName": self.login,
            "nodeId": self.node_id,
            "devices": [d.to_json() for d in self.devices],
        }
        if self.voicemail:
            # ``id`` is read by ALE's Python user-collection sample (older servers sent it); its value is inferred
            body["voicemail"] = {"number": self.voicemail, "type": "VM_4635", "id": Voicemail.mailbox_id(self.number)}
        if self.email:
            body["eMailAddress"] = self.email
        return body

    def identity(self) -> dict[str, Any]:
        """The O2G ``PartyInfo`` describing this user to others."""
        return {
            "id": {"loginName": self.login, "phoneNumber": self.number},
            "firstName": self.first_name,
            "lastName": self.last_name,
            "type": {"main": "USER"},
        }


@dataclass
class Admin:
    """An O2G administrator account (no phone of its own)."""

    login: str
    password: str = field(repr=False)
    name: str


@dataclass
class External:
    """A party outside the PBX, reached through the outside-line prefix."""

    number: str
    name: str = ""

    def identity(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": {"phoneNumber": self.number}, "type": {"main": "EXTERNAL"}}
        if self.name:
            body["displayName"] = self.name
        return body


class Site:
    """Everything the PBX knows about people and numbers, built from a scenario."""

    def __init__(self, scenario: dict[str, Any]) -> None:
        self.scenario = scenario
        self.nodes = [dict(n) for n in scenario.get("nodes", [{"id": "1", "name": "OXE"}])]
        plan = scenario.get("dialplan", {})
        self.outside_prefix: str = plan.get("outside_prefix", "0")
        self.voicemail_number: str | None = plan.get("voicemail")
        node = self.nodes[0]["id"]
        self.users: dict[str, User] = {}
        for raw in scenario.get("users", []):
            self._add_from_scenario(raw, node)
        for raw in scenario.get("ccd", {}).get("operators", []):
            # a contact-center operator also has the pro-ACD set it logs on to (o2g-api-ccd.md §2)
            proacd = Device(raw["proacd"], "DESKPHONE", "PRO_ACD", raw.get("login", f"oxe{raw['number']}"))
            self._add_from_scenario(raw, node, [proacd], ["TELEPHONY_ADVANCED", "CONTACTCENTER_AGENT"])
        self.admins: dict[str, Admin] = {
            a["login"]: Admin(a["login"], a["password"], a.get("name", a["login"]))
            for a in scenario.get("admins", [])
        }
        self.externals: dict[str, External] = {
            e["number"]: External(e["number"], e.get("name", "")) for e in scenario.get("externals", [])
        }

    def _add_from_scenario(self, raw: dict[str, Any], node: str, extra_devices: list[Device] | None = None,
                           licences: list[str] | None = None) -> None:
        number = raw["number"]
        login = raw.get("login", f"oxe{number}")
        device = Device(number, raw.get("device", "DESKPHONE"), raw.get("subType", ""), login)
        self.users[login] = User(
            login=login,
            password=raw.get("password", number),
            number=number,
            first_name=raw.get("first", ""),
            last_name=raw.get("last", ""),
            node_id=str(raw.get("node", node)),
            devices=[device, *(extra_devices or [])],
            email=raw.get("email", ""),
            title=raw.get("title", ""),
            voicemail=self.voicemail_number,
            licences=list(raw.get("licences", licences or DEFAULT_USER_LICENCES)),
            mobile=raw.get("mobile"),
        )

    # --- changes (PBX management, user management) ---------------------------------------
    def add_user(self, user: User) -> None:
        """Make an OXE subscriber an O2G user (its number and login must be free)."""
        if user.login in self.users or self.device(user.number) or user.login in self.admins:
            raise ValueError(f"{user.login} / {user.number} already exists")
        self.users[user.login] = user

    def remove_user(self, login: str) -> User:
        return self.users.pop(login)

    # --- look-ups -------------------------------------------------------------------------
    def user(self, login_or_number: str) -> User | None:
        """A user by login name, or by company number (O2G accepts both in ``/users/{x}``)."""
        if login_or_number in self.users:
            return self.users[login_or_number]
        return self.user_by_number(login_or_number)

    def user_by_number(self, number: str) -> User | None:
        for user in self.users.values():
            if user.number == number or any(d.id == number for d in user.devices):
                return user
        return None

    def device(self, number: str) -> Device | None:
        for user in self.users.values():
            for device in user.devices:
                if device.id == number:
                    return device
        return None

    def is_outside(self, number: str) -> bool:
        """True for a number that leaves the PBX through the outside-line prefix."""
        return (
            bool(self.outside_prefix)
            and number.startswith(self.outside_prefix)
            and len(number) > len(self.outside_prefix) + 3
            and number[len(self.outside_prefix):].isdigit()
        )

    def external(self, number: str) -> External:
        return self.externals.get(number) or External(number)

    def check_password(self, login: str, password: str) -> str | None:
        """The account's role (``user`` or ``admin``) when the password is right, else None."""
        if login in self.admins and self.admins[login].password == password:
            return "admin"
        user = self.users.get(login)
        if user and user.password == password:
            return "user"
        return None
