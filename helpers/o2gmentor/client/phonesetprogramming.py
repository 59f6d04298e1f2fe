"""Phone-set programming: keys, lock, camp-on, PIN, associate, remote extension (o2g-api-core.md §16).

Every method names the user (``login``, default: the session's own user) and the set (``device_id``,
default: the user's first device). A user may only program its own sets; an administrator any.
"""

from __future__ import annotations

from typing import Any

PIN_CONTROLS = ("PIN_Category", "PIN_Restricted_To_Owner_Set", "PIN_Universal_Access", "PIN_By_Group")


class PhoneSetProgramming:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def _path(self, login: str | None, device_id: str | None, tail: str = "") -> str:
        login = login or self.o2g.login
        device_id = device_id or self.o2g.default_device(login)
        return f"/{login}/devices/{device_id}{tail}"

    def _get(self, login: str | None, device_id: str | None, tail: str = "") -> Any:
        return self.o2g.request("GET", "phonesetprogramming", self._path(login, device_id, tail), expect_json=True)

    # ------------------------------------------------------------------ the set
    def devices(self, login: str | None = None) -> list[dict[str, Any]]:
        """The user's sets (``GET users/{login}/devices``)."""
        login = login or self.o2g.login
        return self.o2g.request("GET", "phonesetprogramming", f"/{login}/devices", expect_json=True)["devices"]

    def device(self, device_id: str | None = None, login: str | None = None) -> dict[str, Any]:
        """One set: ``id``, ``type``, ``subType``, ``label``."""
        return self._get(login, device_id)

    # ------------------------------------------------------------------ keys
    def programmable_keys(self, device_id: str | None = None, login: str | None = None) -> list[dict[str, Any]]:
        """Every programmable key position (``position``, ``number``?, ``mnemonic``?, ``locked``)."""
        return self._get(login, device_id, "/programmeableKeys")["pkeys"]

    def programmed_keys(self, device_id: str | None = None, login: str | None = None) -> list[dict[str, Any]]:
        """Only the keys that are programmed."""
        return self._get(login, device_id, "/programmedKeys")["pkeys"]

    def set_programmable_key(self, position: int, number: str, mnemonic: str = "", device_id: str | None = None,
                             login: str | None = None) -> None:
        """Program key ``position`` to call ``number``, labelled ``mnemonic``."""
        self.o2g.request("PUT", "phonesetprogramming", self._path(login, device_id, f"/programmeableKeys/{position}"),
                         json_body={"position": position, "number": number, "mnemonic": mnemonic})

    def clear_programmable_key(self, position: int, device_id: str | None = None, login: str | None = None) -> None:
        self.o2g.request("DELETE", "phonesetprogramming",
                         self._path(login, device_id, f"/programmeableKeys/{position}"))

    def soft_keys(self, device_id: str | None = None, login: str | None = None) -> list[dict[str, Any]]:
        return self._get(login, device_id, "/softKeys")["skeys"]

    def set_soft_key(self, position: int, number: str, mnemonic: str = "", device_id: str | None = None,
                     login: str | None = None) -> None:
        self.o2g.request("PUT", "phonesetprogramming", self._path(login, device_id, f"/softKeys/{position}"),
                         json_body={"position": position, "number": number, "mnemonic": mnemonic})

    def clear_soft_key(self, position: int, device_id: str | None = None, login: str | None = None) -> None:
        self.o2g.request("DELETE", "phonesetprogramming", self._path(login, device_id, f"/softKeys/{position}"))

    # ------------------------------------------------------------------ switches
    def _switch(self, action: str, on: bool, device_id: str | None, login: str | None) -> None:
        self.o2g.request("PUT", "phonesetprogramming", self._path(login, device_id, f"/{action}"),
                         params={"activate": "true" if on else "false"})

    def lock(self, on: bool = True, device_id: str | None = None, login: str | None = None) -> None:
        """Lock (``on=True``) or unlock the set."""
        self._switch("lock", on, device_id, login)

    def camp_on(self, on: bool = True, device_id: str | None = None, login: str | None = None) -> None:
        """Switch camp-on on or off."""
        self._switch("campon", on, device_id, login)

    def remote_extension(self, on: bool = True, device_id: str | None = None, login: str | None = None) -> None:
        """Activate or deactivate the user's remote extension (409 when none is configured)."""
        self._switch("REActive", on, device_id, login)

    def dynamic_state(self, device_id: str | None = None, login: str | None = None) -> dict[str, Any]:
        """``{"lock": bool, "campon": bool, "associate"?: number}``."""
        return self._get(login, device_id, "/dynamicState")

    def set_associate(self, number: str, device_id: str | None = None, login: str | None = None) -> None:
        self.o2g.request("PUT", "phonesetprogramming", self._path(login, device_id, "/associate"),
                         json_body={"associate": number})

    # ------------------------------------------------------------------ PIN
    def pin(self, device_id: str | None = None, login: str | None = None) -> dict[str, Any]:
        """``{Pin_Number, With_Secret_Code, Pin_Type_Of_Control, Pin_Group}``."""
        return self._get(login, device_id, "/pin")

    def set_pin(self, number: str, control: str = "PIN_Restricted_To_Owner_Set", with_secret_code: bool = False,
                group: int = 0, device_id: str | None = None, login: str | None = None) -> None:
        """Set the PIN; ``control`` is one of ``PIN_CONTROLS``. The number is sent, never printed."""
        self.o2g.request("PUT", "phonesetprogramming", self._path(login, device_id, "/pin"),
                         json_body={"Pin_Number": number, "With_Secret_Code": with_secret_code,
                                    "Pin_Type_Of_Control": control, "Pin_Group": group})
