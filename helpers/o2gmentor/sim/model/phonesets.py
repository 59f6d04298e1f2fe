"""Phone-set programming state: keys, lock, camp-on, PIN, associate (placeholder, being written)."""

from __future__ import annotations


class PhoneSets:
    def __init__(self, pbx) -> None:
        self.pbx = pbx
