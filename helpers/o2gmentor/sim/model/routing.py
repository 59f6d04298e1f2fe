"""Each user's routing: presentation (remote extension), forward, overflow and do-not-disturb."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class RoutingState:
    """What O2G reports in ``GET /routing/state`` for one user."""

    mobile_selected: bool | None = None  # None: no remote extension (mobile) configured for the user
    forward: dict[str, Any] | None = None  # {"forwardType"?: ..., "destinations": [...]}
    overflow: dict[str, Any] | None = None
    dnd: bool = False
    associate: str | None = None  # the associate set's number, for an overflow to ASSOCIATE

    def to_json(self) -> dict[str, Any]:
        presentation = []
        if self.mobile_selected is not None:
            presentation = [{"destinations": [{"type": "MOBILE", "selected": self.mobile_selected}]}]
        return {
            "presentationRoutes": presentation,
            "forwardRoutes": [self.forward] if self.forward else [],
            "overflowRoutes": [self.overflow] if self.overflow else [],
            "dndState": {"activate": self.dnd},
        }

    @staticmethod
    def capabilities() -> dict[str, bool]:
        return {"presentationRoute": True, "forwardRoute": True, "overflowRoute": True, "dnd": True}


MAX_REDIRECTS = 4  # forwards followed one after another before the call just rings (inferred)
IMMEDIATE, BUSY, NO_ANSWER, BUSY_NO_ANSWER = "IMMEDIATE", "BUSY", "NO_ANSWER", "BUSY_NO_ANSWER"


@dataclass
class Decision:
    """What the PBX does with a call offered to a user: ring (maybe redirect later), redirect, or reject."""

    action: str  # "ring", "redirect" or "reject"
    destination: str | None = None
    cause: str | None = None
    later: tuple[str, str] | None = None  # (destination, cause) when the ring timeout passes


def destination_number(route: dict[str, Any], voicemail: str | None, associate: str | None = None) -> str | None:
    """The number a forward or overflow route sends calls to (the voice mail for VOICEMAIL)."""
    dest = route["destinations"][0]
    kind = dest.get("type")
    if kind == "NUMBER":
        return dest.get("number")
    if kind == "ASSOCIATE" and associate:
        return associate
    return voicemail


def decide(state: RoutingState, busy: bool, voicemail: str | None) -> Decision:
    """Apply a user's routing to a call offered to them.

    Order (the OXE's, as far as the public sources go — inferred): an immediate forward wins; then
    do-not-disturb rejects; a busy user's calls follow a busy forward, else a busy overflow to voice
    mail, else the caller hears busy; a free user's set rings, and a no-answer forward or overflow
    takes the call away after the ring timeout.
    """
    fwd, ovf = state.forward, state.overflow
    ftype = (fwd or {}).get("forwardType") or IMMEDIATE
    otype = (ovf or {}).get("overflowType") or BUSY_NO_ANSWER
    if fwd and ftype == IMMEDIATE:
        return Decision("redirect", destination_number(fwd, voicemail), "FORWARDED")
    if state.dnd:
        return Decision("reject", cause="DO_NOT_DISTURB")
    if busy:
        if fwd and ftype in (BUSY, BUSY_NO_ANSWER):
            return Decision("redirect", destination_number(fwd, voicemail), "FORWARDED")
        if ovf and otype in (BUSY, BUSY_NO_ANSWER):
            return Decision("redirect", destination_number(ovf, voicemail, state.associate), "OVERFLOWN")
        return Decision("reject", cause="BUSY")
    if fwd and ftype in (NO_ANSWER, BUSY_NO_ANSWER):
        return Decision("ring", later=(destination_number(fwd, voicemail), "FORWARDED"))
    if ovf and otype in (NO_ANSWER, BUSY_NO_ANSWER):
        return Decision("ring", later=(destination_number(ovf, voicemail, state.associate), "OVERFLOWN"))
    return Decision("ring")
