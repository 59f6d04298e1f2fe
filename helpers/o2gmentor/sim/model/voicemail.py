"""Voice mailboxes: messages left by callers, read and deleted by their owners (o2g-api-core.md §15).

Messages are indexed per owner, so a mailbox's views cost O(its messages), not O(the site's). Retention: a box
holds ``MAX_MESSAGES`` (100, the box whose fill ``storageUsage`` reports); a new message in a full box pushes
the oldest out (a simulator choice; a real 4635 refuses the caller instead).
"""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Callable
from dataclasses import dataclass

SAMPLE_RATE = 8000
MAX_AUDIO_SECONDS = 6.0  # the generated recording is short, whatever the message's nominal duration
MAX_MESSAGES = 100


@dataclass
class VoiceMessage:
    message_id: str
    owner: str
    sender: str
    duration: int
    date: float
    unread: bool = True
    high_priority: bool = False


class Voicemail:
    """Every user's mailbox (one per user, as on an OXE 4635 voice mail)."""

    def __init__(self, on_change: Callable[[str], None]) -> None:
        self.on_change = on_change
        self.messages: dict[str, VoiceMessage] = {}
        self._by_owner: dict[str, dict[str, VoiceMessage]] = {}
        self._next = 1

    @staticmethod
    def mailbox_id(number: str) -> str:
        """The mailbox id of a user's box (the real format is not documented: inferred)."""
        return f"VM4635_{number}"

    def deposit(self, owner: str, sender: str, duration: float, date: float) -> VoiceMessage:
        message = VoiceMessage(str(self._next), owner, sender, max(1, round(duration)), date)
        self._next += 1
        self.messages[message.message_id] = message
        box = self._by_owner.setdefault(owner, {})
        box[message.message_id] = message
        while len(box) > MAX_MESSAGES:
            self._forget(next(iter(box.values())))
        self.on_change(owner)
        return message

    def of(self, owner: str, new_only: bool = False) -> list[VoiceMessage]:
        """The owner's messages, newest first."""
        rows = [m for m in self._by_owner.get(owner, {}).values() if m.unread or not new_only]
        return sorted(rows, key=lambda m: (m.date, int(m.message_id)), reverse=True)

    def get(self, owner: str, message_id: str) -> VoiceMessage | None:
        message = self.messages.get(message_id)
        return message if message is not None and message.owner == owner else None

    def mark_read(self, message: VoiceMessage) -> None:
        if message.unread:
            message.unread = False
            self.on_change(message.owner)

    def delete(self, owner: str, ids: list[str]) -> list[str]:
        gone = list(dict.fromkeys(i for i in ids if self.get(owner, i) is not None))
        for message_id in gone:
            self._forget(self.messages[message_id])
        if gone:
            self.on_change(owner)
        return gone

    def _forget(self, message: VoiceMessage) -> None:
        self.messages.pop(message.message_id, None)
        box = self._by_owner.get(message.owner, {})
        box.pop(message.message_id, None)
        if not box:
            self._by_owner.pop(message.owner, None)

    def unread_count(self, owner: str) -> int:
        return sum(1 for m in self._by_owner.get(owner, {}).values() if m.unread)

    def info(self, owner: str) -> dict[str, int]:
        """``MailBoxInfo``: totals and the storage used, in percent of a 100-message box (inferred)."""
        mine = self.of(owner)
        return {"totalVoiceMsg": len(mine), "newVoiceMsg": sum(1 for m in mine if m.unread),
                "storageUsage": min(100, len(mine))}


def recording(message: VoiceMessage) -> bytes:
    """A short, deterministic WAV standing in for the recorded message (two-tone 'speech')."""
    seconds = min(float(message.duration), MAX_AUDIO_SECONDS)
    frames = bytearray()
    seed = int(message.message_id) + sum(map(ord, message.sender))
    for i in range(int(seconds * SAMPLE_RATE)):
        t = i / SAMPLE_RATE
        syllable = int(t * 4)
        pitch = 180 + ((seed * 31 + syllable * 17) % 7) * 25
        envelope = 0.0 if (t * 4) % 1 > 0.8 else 0.5
        value = envelope * math.sin(2 * math.pi * pitch * t)
        frames += struct.pack("<h", int(value * 12000))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(bytes(frames))
    return buffer.getvalue()
