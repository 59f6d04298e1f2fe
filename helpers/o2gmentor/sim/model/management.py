"""The OXE management object tree behind O2G's PBX management service (placeholder, being written)."""

from __future__ import annotations


class ManagementTree:
    def __init__(self, pbx) -> None:
        self.pbx = pbx
