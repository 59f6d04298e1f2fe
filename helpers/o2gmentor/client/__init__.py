"""A small O2G REST client — the same code works against the simulator and a real O2G.

    from o2gmentor.client import O2G
    with O2G("o2g.example.com", "oxe1001", password, ca_bundle="corp-ca.pem") as o2g:
        stream = o2g.subscribe(["telephony"])
        ref = o2g.telephony.make_call("1002")
        stream.wait_for("OnCallCreated", callRef=ref)
"""

from o2gmentor.client.errors import O2GConnectionError, O2GError
from o2gmentor.client.events import EventStream
from o2gmentor.client.session import O2G

__all__ = ["O2G", "EventStream", "O2GError", "O2GConnectionError"]
