"""Phone-set programming over HTTPS: keys, switches sent like Node (PUT, no body), PIN, rights and errors."""

from __future__ import annotations

import pytest
import requests

from o2gmentor.client.errors import O2GError
from tests.integration.test_sdk_contract import NODE_HEADERS

DEV = "/users/oxe1001/devices/1001"


def raw(client, method: str, path: str, **kwargs) -> requests.Response:
    return client.transport.http.request(method, client.base_url + path, verify=client.transport.verify, **kwargs)


def node_put(client, path: str) -> requests.Response:
    """A PUT the way Node sends lock/campon/REActive: no body and no content type."""
    return raw(client, "PUT", path, headers=NODE_HEADERS)


def test_device_and_keys_of_a_desk_phone(connect):
    alice = connect("oxe1001")
    ps = alice.phone_set
    assert ps.device() == {"type": "DESKPHONE", "id": "1001", "subType": "ALE-500", "label": "ALE-500"}
    keys = ps.programmable_keys()
    assert [k["position"] for k in keys] == list(range(1, 17))
    assert ps.programmed_keys()[0] == {"position": 1, "number": "4000", "mnemonic": "VoiceMail", "locked": True}
    ps.set_programmable_key(6, "0472000001", "Rhone")
    assert {"position": 6, "number": "0472000001", "mnemonic": "Rhone", "locked": False} in ps.programmed_keys()
    ps.clear_programmable_key(6)
    assert all(k["position"] != 6 for k in ps.programmed_keys())


def test_soft_keys(connect):
    alice = connect("oxe1001")
    ps = alice.phone_set
    assert ps.soft_keys() == [{"position": p} for p in range(1, 5)]
    ps.set_soft_key(2, "1005", "Emma")
    assert ps.soft_keys()[1] == {"position": 2, "number": "1005", "mnemonic": "Emma"}
    ps.clear_soft_key(2)
    assert ps.soft_keys()[1] == {"position": 2}


def test_a_dect_has_no_keys(connect):
    david = connect("oxe1004")
    assert david.phone_set.programmable_keys() == []
    with pytest.raises(O2GError) as err:
        david.phone_set.set_programmable_key(1, "1001", "Alice")
    assert err.value.status == 404


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("PUT", "/programmeableKeys/99", {"number": "1002"}, 404),
    ("PUT", "/programmeableKeys/abc", {"number": "1002"}, 400),
    ("PUT", "/programmeableKeys/3", {"number": "not a number"}, 400),
    ("PUT", "/programmeableKeys/3", None, 400),
    ("PUT", "/programmeableKeys/1", {"number": "1002"}, 403),  # locked by the administrator
    ("DELETE", "/programmeableKeys/1", None, 403),
    ("PUT", "/softKeys/5", {"number": "1002"}, 404),
    ("PUT", "/pin", {"Pin_Type_Of_Control": "PIN_Whatever"}, 400),
    ("PUT", "/associate", {"associate": "1001"}, 400),
    ("PUT", "/associate", {}, 400),
    ("PUT", "/lock", None, 400),  # no ?activate
    ("PUT", "/lock?activate=maybe", None, 400),
    ("GET", "/nothingHere", None, 404),
])
def test_bad_requests(connect, method, path, body, status):
    alice = connect("oxe1001")
    r = raw(alice, method, DEV + path, json=body)
    assert r.status_code == status, r.text
    assert r.json()["code"] == status


def test_lock_and_campon_sent_like_node(connect):
    alice = connect("oxe1001")
    assert node_put(alice, DEV + "/lock?activate=true").status_code == 204
    assert node_put(alice, DEV + "/campon?activate=true").status_code == 204
    assert alice.phone_set.dynamic_state() == {"lock": True, "campon": True}
    alice.phone_set.lock(False)
    alice.phone_set.set_associate("1002")
    assert alice.phone_set.dynamic_state() == {"lock": False, "campon": True, "associate": "1002"}


def test_pin_read_and_write(connect):
    alice = connect("oxe1001")
    ps = alice.phone_set
    assert ps.pin()["Pin_Type_Of_Control"] == "PIN_Restricted_To_Owner_Set"
    ps.set_pin("2468", control="PIN_By_Group", group=2, with_secret_code=True)
    assert ps.pin() == {"Pin_Number": "2468", "With_Secret_Code": True, "Pin_Type_Of_Control": "PIN_By_Group",
                        "Pin_Group": 2}


def test_remote_extension_switches_routing_and_tells_watchers(connect, fresh_sim):
    def configure() -> None:
        fresh_sim.state.pbx.routing_of("oxe1001").mobile_selected = False
    fresh_sim.call(configure)
    alice = connect("oxe1001")
    with alice.subscribe(["routingManagement"]) as stream:
        assert node_put(alice, DEV + "/REActive?activate=true").status_code == 204
        event = stream.wait_for("OnRoutingStateChanged", timeout=5)
    assert event["routingState"]["presentationRoutes"][0]["destinations"][0]["selected"] is True
    assert alice.routing.state()["presentationRoutes"][0]["destinations"][0]["selected"] is True
    alice.phone_set.remote_extension(False)
    assert alice.routing.state()["presentationRoutes"][0]["destinations"][0]["selected"] is False


def test_remote_extension_without_one_configured_is_409(connect, fresh_sim):
    def unconfigure() -> None:
        fresh_sim.state.pbx.routing_of("oxe1002").mobile_selected = None
    fresh_sim.call(unconfigure)
    bruno = connect("oxe1002")
    r = node_put(bruno, "/users/oxe1002/devices/1002/REActive?activate=true")
    assert r.status_code == 409 and "remote extension" in r.json()["helpMessage"]


def test_a_user_programs_only_its_own_sets(connect):
    alice = connect("oxe1001")
    assert raw(alice, "GET", "/users/oxe1002/devices/1002/programmeableKeys").status_code == 403
    assert raw(alice, "GET", "/users/oxe1001/devices/1002").status_code == 403  # not her set
    assert raw(alice, "GET", "/users/oxe1001/devices/9999").status_code == 404
    assert raw(alice, "GET", "/users/nobody/devices/1001").status_code == 404


def test_an_administrator_programs_anyone_and_unlocks_keys(connect):
    admin = connect("admin")
    ps = admin.phone_set
    ps.set_programmable_key(1, "1003", "Chloe", device_id="1001", login="oxe1001")
    assert ps.programmed_keys("1001", "oxe1001")[0] == {"position": 1, "number": "1003", "mnemonic": "Chloe",
                                                         "locked": True}
    r = raw(admin, "PUT", DEV + "/programmeableKeys/1", json={"position": 1, "number": "1003", "locked": False})
    assert r.status_code == 204
    alice = connect("oxe1001")
    alice.phone_set.clear_programmable_key(1)  # unlocked now: she may


def test_no_licence_is_needed(connect):
    lea = connect("oxe1012")  # no TELEPHONY_ADVANCED
    assert lea.phone_set.device()["id"] == "1012"
    lea.phone_set.set_soft_key(1, "1001", "Alice")
