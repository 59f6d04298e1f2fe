"""Phone-set programming state: keys, lock, camp-on, PIN, associate, remote extension (o2g-api-core.md §16).

The reference gives the shapes, not the key layout of each set, so the simulator chooses
(documented, tested in tests/unit/test_phonesets_model.py):

* a DESKPHONE has 16 programmable keys (positions 1–16) and 4 soft keys; key 1 is programmed with the
  voice mail number and **locked** (put there by the administrator), key 2 calls the next colleague
  in the directory; the rest are free;
* a SOFTPHONE has 8 programmable keys and 4 soft keys, all free;
* a DECT has no programmable key and no soft key (``{"pkeys": []}``); positions are then out of range.

A locked key can only be changed or cleared by an administrator session (a user gets 403).
The PIN starts "not set" (empty ``Pin_Number``, owner-set control). Locking a set and camp-on are
state only: they do not change how the call engine treats the set (not modelled).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

PIN_CONTROLS = ("PIN_Category", "PIN_Restricted_To_Owner_Set", "PIN_Universal_Access", "PIN_By_Group")
KEY_LAYOUT = {"DESKPHONE": (16, 4), "SOFTPHONE": (8, 4), "DECT": (0, 0)}  # type → (programmable, soft keys)
DIALLABLE = re.compile(r"^[0-9*#]{1,20}$")
PIN_DIGITS = re.compile(r"^[0-9]{1,10}$")
MAX_MNEMONIC = 20


class PhoneSetError(Exception):
    """A phone-set request that cannot be done: ``status`` is the HTTP status the API answers."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Key:
    """A programmed key: what it dials, its label, and whether the administrator locked it."""

    number: str
    mnemonic: str = ""
    locked: bool = False


@dataclass
class PhoneSetState:
    """One set's programmable and soft keys and its dynamic state."""

    device_id: str
    pkey_count: int
    skey_count: int
    pkeys: dict[int, Key] = field(default_factory=dict)
    skeys: dict[int, Key] = field(default_factory=dict)
    lock: bool = False
    campon: bool = False
    associate: str | None = None
    remote_extension: bool = False
    pin: dict[str, Any] = field(default_factory=lambda: {
        "Pin_Number": "", "With_Secret_Code": False,
        "Pin_Type_Of_Control": "PIN_Restricted_To_Owner_Set", "Pin_Group": 0})

    def programmable_keys(self) -> list[dict[str, Any]]:
        """Every position, programmed or not (``programmeableKeys``)."""
        return [_key_json(pos, self.pkeys.get(pos), with_lock=True) for pos in range(1, self.pkey_count + 1)]

    def programmed_keys(self) -> list[dict[str, Any]]:
        """Only the programmed positions (``programmedKeys``)."""
        return [_key_json(pos, key, with_lock=True) for pos, key in sorted(self.pkeys.items())]

    def soft_keys(self) -> list[dict[str, Any]]:
        return [_key_json(pos, self.skeys.get(pos), with_lock=False) for pos in range(1, self.skey_count + 1)]

    def dynamic_state(self) -> dict[str, Any]:
        body: dict[str, Any] = {"lock": self.lock, "campon": self.campon}
        if self.associate:
            body["associate"] = self.associate
        return body


def _key_json(position: int, key: Key | None, *, with_lock: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"position": position}
    if key is not None:
        body["number"] = key.number
        if key.mnemonic:
            body["mnemonic"] = key.mnemonic
    if with_lock:
        body["locked"] = bool(key and key.locked)
    return body


def parse_key(body: dict[str, Any], position: int) -> tuple[str, str, bool | None]:
    """``(number, mnemonic, locked)`` from a key body; PhoneSetError(400) when it is malformed."""
    if "position" in body and body["position"] is not None and _as_int(body["position"]) != position:
        raise PhoneSetError(400, f"the body's position {body['position']!r} is not the URL's position {position}")
    number = body.get("number")
    if isinstance(number, int) and not isinstance(number, bool):
        number = str(number)
    if not isinstance(number, str) or not DIALLABLE.match(number):
        raise PhoneSetError(400, "'number' must be a dialable number (digits, * or #, at most 20)")
    mnemonic = body.get("mnemonic") or ""
    if not isinstance(mnemonic, str) or len(mnemonic) > MAX_MNEMONIC:
        raise PhoneSetError(400, f"'mnemonic' must be a text of at most {MAX_MNEMONIC} characters")
    locked = body.get("locked")
    if locked is not None and not isinstance(locked, bool):
        raise PhoneSetError(400, "'locked' must be true or false")
    return number, mnemonic, locked


def parse_pin(body: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The PIN after applying ``body`` (fields left out keep their value); PhoneSetError(400) if bad."""
    pin = dict(current)
    if "Pin_Number" in body:
        number = body["Pin_Number"]
        if not isinstance(number, str) or not PIN_DIGITS.match(number):
            raise PhoneSetError(400, "'Pin_Number' must be 1 to 10 digits")
        pin["Pin_Number"] = number
    if "With_Secret_Code" in body:
        if not isinstance(body["With_Secret_Code"], bool):
            raise PhoneSetError(400, "'With_Secret_Code' must be true or false")
        pin["With_Secret_Code"] = body["With_Secret_Code"]
    if "Pin_Type_Of_Control" in body:
        if body["Pin_Type_Of_Control"] not in PIN_CONTROLS:
            raise PhoneSetError(400, f"'Pin_Type_Of_Control' must be one of {', '.join(PIN_CONTROLS)}")
        pin["Pin_Type_Of_Control"] = body["Pin_Type_Of_Control"]
    if "Pin_Group" in body:
        group = body["Pin_Group"]
        if isinstance(group, bool) or not isinstance(group, int) or group < 0:
            raise PhoneSetError(400, "'Pin_Group' must be a whole number, 0 or more")
        pin["Pin_Group"] = group
    if pin["Pin_Type_Of_Control"] == "PIN_By_Group" and pin["Pin_Group"] <= 0:
        raise PhoneSetError(400, "a PIN controlled by group (PIN_By_Group) needs a Pin_Group above 0")
    return pin


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PhoneSets:
    """The programming state of every set of the PBX, created on first use from the set's type."""

    def __init__(self, pbx) -> None:
        self.pbx = pbx
        self.sets: dict[str, PhoneSetState] = {}

    def state(self, device_id: str) -> PhoneSetState:
        """The state of set ``device_id`` (a KeyError if the PBX has no such set)."""
        if device_id not in self.sets:
            device = self.pbx.site.device(device_id)
            if device is None:
                raise KeyError(device_id)
            self.sets[device_id] = self._seed(device_id, device.type)
        return self.sets[device_id]

    def _seed(self, device_id: str, device_type: str) -> PhoneSetState:
        pkeys, skeys = KEY_LAYOUT.get(device_type, (0, 0))
        state = PhoneSetState(device_id, pkeys, skeys)
        if device_type == "DESKPHONE":
            site = self.pbx.site
            if site.voicemail_number:
                state.pkeys[1] = Key(site.voicemail_number, "VoiceMail", locked=True)
            colleague = self._next_colleague(device_id)
            if colleague is not None:
                state.pkeys[2] = Key(colleague.number, colleague.last_name[:MAX_MNEMONIC] or colleague.number)
        return state

    def _next_colleague(self, device_id: str):
        users = list(self.pbx.site.users.values())
        owners = [i for i, u in enumerate(users) if any(d.id == device_id for d in u.devices)]
        if not owners or len(users) < 2:
            return None
        return users[(owners[0] + 1) % len(users)]

    # ------------------------------------------------------------------ keys
    @staticmethod
    def _position(raw: str, count: int, kind: str) -> int:
        position = _as_int(raw)
        if position is None or str(raw).strip() != str(position):
            raise PhoneSetError(400, f"the {kind} position must be a whole number, not {raw!r}")
        if not 1 <= position <= count:
            span = f"positions 1 to {count}" if count else f"no {kind}"
            raise PhoneSetError(404, f"no {kind} at position {position}: this set has {span}")
        return position

    def set_programmable_key(self, device_id: str, raw_position: str, body: dict[str, Any], *, admin: bool) -> None:
        """Program a key; a locked key only by an administrator, who may also (un)lock it."""
        state = self.state(device_id)
        position = self._position(raw_position, state.pkey_count, "programmable key")
        number, mnemonic, locked = parse_key(body, position)
        current = state.pkeys.get(position)
        self._check_unlocked(current, position, admin)
        keep_lock = current.locked if current else False
        state.pkeys[position] = Key(number, mnemonic, locked if (admin and locked is not None) else keep_lock)

    def clear_programmable_key(self, device_id: str, raw_position: str, *, admin: bool) -> None:
        state = self.state(device_id)
        position = self._position(raw_position, state.pkey_count, "programmable key")
        self._check_unlocked(state.pkeys.get(position), position, admin)
        state.pkeys.pop(position, None)

    @staticmethod
    def _check_unlocked(key: Key | None, position: int, admin: bool) -> None:
        if key is not None and key.locked and not admin:
            raise PhoneSetError(403, f"key {position} is locked by the administrator: only an administrator "
                                     "session can change it")

    def set_soft_key(self, device_id: str, raw_position: str, body: dict[str, Any]) -> None:
        state = self.state(device_id)
        position = self._position(raw_position, state.skey_count, "soft key")
        number, mnemonic, _ = parse_key(body, position)
        state.skeys[position] = Key(number, mnemonic)

    def clear_soft_key(self, device_id: str, raw_position: str) -> None:
        state = self.state(device_id)
        state.skeys.pop(self._position(raw_position, state.skey_count, "soft key"), None)

    # ------------------------------------------------------------------ features
    def set_associate(self, device_id: str, number: str) -> None:
        """The set's associate: another set of the PBX (400 for itself or an unknown number)."""
        state = self.state(device_id)
        if number == device_id:
            raise PhoneSetError(400, "a set cannot be its own associate")
        if self.pbx.site.device(number) is None:
            raise PhoneSetError(400, f"{number} is not a set of this PBX")
        state.associate = number

    def set_pin(self, device_id: str, body: dict[str, Any]) -> None:
        state = self.state(device_id)
        state.pin = parse_pin(body, state.pin)

    def set_remote_extension(self, device_id: str, login: str, activate: bool) -> None:
        """REActive: switch the user's remote extension (mobile) on or off, as routing shows it.

        409 when the user has no remote extension configured (routing ``mobile_selected`` is None).
        """
        state = self.state(device_id)
        routing = self.pbx.routing_of(login)
        if routing.mobile_selected is None:
            raise PhoneSetError(409, f"{login} has no remote extension configured on the OXE: "
                                     "nothing to activate or deactivate")
        state.remote_extension = activate
        routing.mobile_selected = activate
        self.pbx.publish_routing(login)
