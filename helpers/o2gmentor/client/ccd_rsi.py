"""The RSI service: routing points steered by an application (o2g-api-ccd.md §10).

Administrator sessions with the CONTACTCENTER_RSI licence. Subscribe to ``rsi`` events, then ``enable``
a point; ``OnRouteRequest`` events then ask where each call goes (``route_select``).
"""

from __future__ import annotations

from typing import Any


class Rsi:
    def __init__(self, o2g) -> None:
        self.o2g = o2g

    def _post(self, point: str, action: str, body: dict[str, Any] | None = None) -> None:
        self.o2g.request("POST", "acdrsi", f"/{point}/{action}", json_body=body)

    def points(self) -> list[dict[str, Any]]:
        """The RSI points: number, name, node, registered."""
        return self.o2g.request("GET", "acdrsi", expect_json=True)["rsiPoints"]

    def enable(self, point: str, backup: bool = False) -> None:
        self._post(point, "enable/backup" if backup else "enable")

    def disable(self, point: str) -> None:
        self._post(point, "disable")

    def route_sessions(self, point: str) -> list[dict[str, Any]]:
        return self.o2g.request("GET", "acdrsi", f"/{point}/routeSessions", expect_json=True)["routeSessions"]

    def route_session(self, point: str, route_crid: str) -> dict[str, Any]:
        return self.o2g.request("GET", "acdrsi", f"/{point}/routeSessions/{route_crid}", expect_json=True)

    def route_select(self, point: str, route_crid: str, destination: str) -> None:
        self._post(point, "routeSelect", {"routeCrid": route_crid, "selectedRoute": destination})

    def route_end(self, point: str, route_crid: str) -> None:
        self._post(point, "routeEnd", {"routeCrid": route_crid})

    def play_tone(self, point: str, call_ref: str, tone: str = "MUSIC", duration: int = 5) -> None:
        self._post(point, "playTone", {"callRef": call_ref, "tone": tone, "duration": duration})

    def stop_tone(self, point: str, call_ref: str) -> None:
        self._post(point, "stopTone", {"callRef": call_ref})

    def play_voice_guide(self, point: str, call_ref: str, guide: int, duration: int | None = None) -> None:
        body: dict[str, Any] = {"callRef": call_ref, "guideNumber": guide}
        if duration is not None:
            body["duration"] = duration
        self._post(point, "playVoiceGuide", body)

    def collect_digits(self, point: str, call_ref: str, num_chars: int = 4, flush_char: str = "#",
                       timeout: int = 10) -> str:
        """Start collecting digits; returns the collection id."""
        body = {"callRef": call_ref, "numChars": num_chars, "flushChar": flush_char, "timeout": timeout}
        _, headers = self.o2g.request("POST", "acdrsi", f"/{point}/collectDigits", json_body=body, with_headers=True)
        return headers["Location"]

    def cancel_collect(self, point: str, coll_crid: str) -> None:
        self.o2g.request("DELETE", "acdrsi", f"/{point}/collectDigits/{coll_crid}")
