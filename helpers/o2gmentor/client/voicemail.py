"""Voice mail: the user's mailbox and its messages (o2g-api-core.md §15)."""

from __future__ import annotations

from typing import Any


class Voicemail:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def mailboxes(self, login: str | None = None) -> list[dict[str, Any]]:
        return self.o2g.request("GET", "voicemail", params={"loginName": login}, expect_json=True)["mailboxes"]

    def mailbox_id(self, login: str | None = None) -> str:
        return self.mailboxes(login)[0]["id"]

    def open(self, password: str | None = None, login: str | None = None) -> dict[str, Any]:
        """Connect to the mailbox (with its password, or the user's own with None): totals and usage."""
        box = self.mailbox_id(login)
        if password is None:
            return self.o2g.request("POST", "voicemail", f"/{box}", params={"withUserPwd": "", "loginName": login},
                                    expect_json=True)
        return self.o2g.request("POST", "voicemail", f"/{box}", json_body={"password": password},
                                params={"loginName": login}, expect_json=True)

    def messages(self, new_only: bool = False, login: str | None = None) -> list[dict[str, Any]]:
        box = self.mailbox_id(login)
        params = {"newOnly": "true" if new_only else None, "loginName": login}
        return self.o2g.request("GET", "voicemail", f"/{box}/voicemails", params=params,
                                expect_json=True)["voicemails"]

    def download(self, voicemail_id: str, login: str | None = None) -> bytes:
        """The message's recording (WAV); listening marks it read."""
        box = self.mailbox_id(login)
        url = f"{self.o2g.service_url('voicemail')}/{box}/voicemails/{voicemail_id}"
        return self.o2g.transport.download(url, params={"loginName": login} if login else None)

    def delete(self, voicemail_ids: list[str], login: str | None = None) -> None:
        box = self.mailbox_id(login)
        self.o2g.request("DELETE", "voicemail", f"/{box}/voicemails",
                         params={"msgIds": ";".join(voicemail_ids), "loginName": login})
