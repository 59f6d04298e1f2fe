"""Users management over HTTPS: which OXE subscribers are O2G users, with both SDKs' body variants."""

from __future__ import annotations

import json

import pytest

from o2gmentor.client import O2G, O2GError
from tests.integration.test_sdk_contract import login_like_node


@pytest.fixture()
def admin(connect):
    return connect("admin")


@pytest.fixture()
def raw_admin(fresh_sim):
    """(http session, usermanagement URL, ca) for an administrator session opened like the Node SDK."""
    ca = str(fresh_sim.ca_path)
    http, _, info = login_like_node(fresh_sim.info.address, ca, "admin", "admin-o2g")
    service = next(s for s in info["services"] if s["serviceName"].lower() == "usermanagement")
    return http, info["privateBaseUrl"] + service["relativeUrl"], ca


def can_log_in(sim, login: str, password: str) -> bool:
    try:
        O2G(sim.info.address, login, password, ca_bundle=str(sim.ca_path)).connect().close()
    except O2GError as err:
        assert err.status == 401
        return False
    return True


def test_logins_by_node_and_by_device(admin, raw_admin, fresh_sim):
    um = admin.user_management
    assert um.logins() == list(fresh_sim.state.pbx.site.users)
    assert um.logins(["1"]) == um.logins() and um.logins(["2"]) == []
    assert um.login_of("1001") == "oxe1001" and um.login_of("1021") is None
    http, url, ca = raw_admin  # the Node SDK's getByDeviceNumber sends the name "deviceNumber=" (encoded)
    assert http.get(url + "?deviceNumber%3D=1002", verify=ca).json() == {"loginNames": ["oxe1002"]}
    assert http.get(url + "?nodeIds=1;2", verify=ca).json()["loginNames"][0] == "oxe1001"


def test_get_a_user(admin):
    assert admin.user_management.get("oxe1001")["companyPhone"] == "1001"
    with pytest.raises(O2GError) as err:
        admin.user_management.get("oxe1021")  # an OXE subscriber, not an O2G user
    assert err.value.status == 404


def test_create_and_delete_a_user_like_java(fresh_sim, raw_admin):
    http, url, ca = raw_admin
    assert not can_log_in(fresh_sim, "oxe1021", "1021")
    r = http.post(url, data=json.dumps({"nodeId": "1", "deviceNumbers": ["1021"], "all": False}), verify=ca,
                  headers={"content-type": "application/json"})
    assert r.status_code == 200
    [user] = r.json()["users"]
    assert (user["loginName"], user["companyPhone"], user["nodeId"]) == ("oxe1021", "1021", "1")
    assert user["devices"] == [{"type": "DESKPHONE", "id": "1021", "subType": "NOE_C_Color_IP"}]
    assert can_log_in(fresh_sim, "oxe1021", "1021")
    assert http.delete(url + "/oxe1021", verify=ca).status_code == 204
    assert not can_log_in(fresh_sim, "oxe1021", "1021")
    assert http.get(url + "/oxe1021", verify=ca).status_code == 404


def test_create_all_like_node_and_pbx_management_agrees(admin, connect):
    events = admin.subscribe({"pbxManagement": [], "userManagement": []})
    users = admin.user_management.create(1)  # {"nodeId": "1", "all": true}: the ANALOG fax cannot be one
    assert [u["loginName"] for u in users] == ["oxe1021"]
    assert events.wait_for("OnUserCreated")["user"]["loginName"] == "oxe1021"
    assert events.wait_for("OnPbxObjectInstanceModified", objectId="1021")["objectName"] == "Subscriber"
    assert admin.pbx_management.values(1, "Subscriber/1021", ["ClickAndPh"]) == {"ClickAndPh": "A4980_Pro"}
    spare = connect("oxe1021", "1021")
    ref = spare.telephony.make_call("1002")
    assert spare.telephony.call(ref)["callData"]["state"] == "RINGING_OUTGOING"
    admin.user_management.delete("oxe1021")
    assert events.wait_for("OnUserDeleted")["loginName"] == "oxe1021"
    assert admin.pbx_management.values(1, "Subscriber/1021", ["ClickAndPh"]) == {"ClickAndPh": "NONE"}
    assert "oxe1021" not in admin.user_management.logins()


def test_a_user_deleted_here_is_still_an_oxe_subscriber(admin):
    admin.user_management.delete("oxe1005")
    assert "1005" in admin.pbx_management.instances(1, "Subscriber")
    assert admin.user_management.create(1, ["1005"])[0]["lastName"] == "Laurent"


def test_a_user_session_is_refused(fresh_sim):
    ca = str(fresh_sim.ca_path)
    http, _, info = login_like_node(fresh_sim.info.address, ca)
    url = info["privateBaseUrl"] + "/usermanagement"
    assert http.get(url, verify=ca).status_code == 403
    assert http.get(url + "/oxe1001", verify=ca).status_code == 403
    assert http.post(url, json={"nodeId": 1, "all": True}, verify=ca).status_code == 403
    assert http.delete(url + "/oxe1002", verify=ca).status_code == 403


@pytest.mark.parametrize("body, status", [
    ({}, 400),
    ({"nodeId": "x", "all": True}, 400),
    ({"nodeId": True, "all": True}, 400),
    ({"nodeId": 1}, 400),
    ({"nodeId": 1, "all": False}, 400),
    ({"nodeId": 1, "all": "maybe"}, 400),
    ({"nodeId": 1, "deviceNumbers": "1021"}, 400),
    ({"nodeId": 1, "deviceNumbers": [{"n": 1}]}, 400),
    ({"nodeId": 2, "all": True}, 404),
    ({"nodeId": 1, "deviceNumbers": ["1099"]}, 404),
    ({"nodeId": 1, "deviceNumbers": ["1020"]}, 400),
    ({"nodeId": 1, "deviceNumbers": ["1001"]}, 409),
])
def test_bad_create_bodies(raw_admin, body, status):
    http, url, ca = raw_admin
    r = http.post(url, data=json.dumps(body), headers={"content-type": "application/json"}, verify=ca)
    assert r.status_code == status, r.text
    assert r.json()["code"] == status


def test_unknown_logins_and_methods(raw_admin):
    http, url, ca = raw_admin
    assert http.delete(url + "/nobody", verify=ca).status_code == 404
    assert http.put(url + "/oxe1001", json={}, verify=ca).status_code == 405
    assert http.post(url, data="{oops", headers={"content-type": "application/json"}, verify=ca).status_code == 400
