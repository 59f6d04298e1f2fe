"""PBX management over HTTPS: the client facade, raw requests shaped like the Node SDK, events, rights, bad input."""

from __future__ import annotations

import json

import pytest
import requests

from o2gmentor.client import O2GError
from o2gmentor.sim import scenario as scenarios
from o2gmentor.sim.server import SimServer
from tests.integration.test_sdk_contract import NODE_HEADERS, login_like_node

NEW = {"Directory_Number": "1030", "Annu_Name": "Noel", "Annu_First_Name": "Marc", "Station_Type": "SIP_Extension",
       "ClickAndPh": "A4980_Pro", "Cost_Center_Name": "Sales", "Secret_Code": "4321"}


@pytest.fixture()
def admin(connect):
    return connect("admin")


@pytest.fixture()
def node_http(fresh_sim):
    """An administrator session opened the Node SDK's way: (http session, pbxs URL, ca)."""
    ca = str(fresh_sim.ca_path)
    http, _, info = login_like_node(fresh_sim.info.address, ca, "admin", "admin-o2g")
    service = next(s for s in info["services"] if s["serviceName"].lower() == "pbxmanagement")
    return http, info["privateBaseUrl"] + service["relativeUrl"], ca


def status_of(err: pytest.ExceptionInfo) -> int:
    return err.value.status


# ----------------------------------------------------------------------------------------------- client facade
def test_nodes_models_and_the_root(admin):
    pm = admin.pbx_management
    assert pm.node_ids() == ["1"]
    assert pm.node(1) == {"nodeId": 1, "fqdn": "lyon-oxe1.bluewave.example"}
    assert pm.root(1)["objectNames"] == ["Subscriber", "Cost_Center", "System_Parameters"]
    model = pm.model(1, "Subscriber")
    assert model["objectName"] == "Subscriber" and model["create"]
    assert {"Directory_Number", "Annu_Name", "Station_Type", "ClickAndPh"} <= {a["name"] for a in model["attributes"]}
    assert [o["objectName"] for o in pm.model(1)["objects"]] == ["Subscriber", "Cost_Center", "System_Parameters"]


def test_create_read_modify_delete_with_the_client(admin):
    pm = admin.pbx_management
    assert pm.create(1, "Subscriber", NEW) == "1030"
    assert "1030" in pm.instances(1, "Subscriber")
    assert "1030" not in pm.free_numbers(1)
    assert pm.values(1, "Subscriber/1030", ["Annu_Name", "Cost_Center_Id"]) == {"Annu_Name": "Noel",
                                                                                  "Cost_Center_Id": "2"}
    pm.modify(1, "Subscriber/1030", {"Annu_First_Name": "Marcel"})
    assert admin.users.get("oxe1030")["firstName"] == "Marcel"
    pm.delete(1, "Subscriber/1030")
    with pytest.raises(O2GError) as err:
        pm.get(1, "Subscriber/1030")
    assert status_of(err) == 404
    with pytest.raises(O2GError) as err:
        admin.users.get("oxe1030")
    assert status_of(err) == 404


def test_filters_travel_form_encoded(admin, node_http):
    pm = admin.pbx_management  # requests encodes spaces as '+', as Java does
    assert pm.instances(1, "Subscriber", "Station_Type==SIP_Extension and Annu_Name==*it") == ["1012"]
    http, pbxs, ca = node_http  # Node's URLSearchParams does the same; '%20' must work too
    url = f"{pbxs}/1/instances/Subscriber?filter=Annu_Name%3D%3DMa*%20or%20Annu_Name%3D%3DPetit"
    assert http.get(url, verify=ca).json() == {"objectName": "Subscriber", "objectIds": ["1001", "1012"]}


def test_nested_objects_free_ranges_and_free_numbers(admin):
    pm = admin.pbx_management
    range_id = pm.create(1, "System_Parameters/1/Free_Range_List",
                         {"Name": "Annex", "Begin_Range": "3000", "End_Range": "3002"})
    assert pm.values(1, f"System_Parameters/1/Free_Range_List/{range_id}")["Begin_Range"] == "3000"
    assert pm.free_numbers(1)[-3:] == ["3000", "3001", "3002"]
    pm.modify(1, "Subscriber/1001/Tsc_IP_subscriber/1001", {"IP_Softphone_Emul": "Yes"})
    assert pm.values(1, "Subscriber/1001/Tsc_IP_subscriber/1001") == {"IP_Softphone_Emul": "Yes"}
    pm.delete(1, f"System_Parameters/1/Free_Range_List/{range_id}")
    assert "3000" not in pm.free_numbers(1)


# ----------------------------------------------------------------------------------------------- Node SDK shape
def test_node_sdk_create_read_modify_delete(node_http):
    http, pbxs, ca = node_http
    assert http.get(pbxs, verify=ca).json() == {"nodeIds": ["1"]}
    body = {"attributes": [{"name": k, "value": [v]} for k, v in NEW.items()]}
    created = http.post(f"{pbxs}/1/instances/Subscriber", data=json.dumps(body),
                        headers={"content-type": "application/json"}, verify=ca)
    assert created.status_code == 201
    assert created.headers["Location"].endswith("/api/rest/1.0/pbxs/1/instances/Subscriber/1030")
    read = http.get(f"{pbxs}/1/instances/Subscriber/1030?attributes=Annu_Name,Station_Type", verify=ca).json()
    assert read == {"objectName": "Subscriber", "objectId": "1030", "objectNames": ["Tsc_IP_subscriber"],
                    "attributes": [{"name": "Annu_Name", "value": ["Noel"]},
                                   {"name": "Station_Type", "value": ["SIP_Extension"]}]}
    put = http.put(f"{pbxs}/1/instances/Subscriber/1030", verify=ca, headers={"content-type": "application/json"},
                   data=json.dumps({"attributes": [{"name": "Annu_Name", "value": ["Noël"]}]}))
    assert put.status_code == 204
    assert http.get(f"{pbxs}/1/instances/Subscriber/1030", verify=ca).json()["attributes"][1]["value"] == ["Noël"]
    assert http.delete(f"{pbxs}/1/instances/Subscriber/1030?force", verify=ca).status_code == 204
    assert not http.get(f"{pbxs}/1/instances/Subscriber/1030", verify=ca).ok


# ----------------------------------------------------------------------------------------------- events
def test_admin_subscription_receives_pbx_and_user_management_events(admin):
    events = admin.subscribe({"pbxManagement": [], "userManagement": []})
    pm = admin.pbx_management
    pm.create(1, "Subscriber", NEW)
    created = events.wait_for("OnPbxObjectInstanceCreated", objectId="1030")
    assert created == {"eventName": "OnPbxObjectInstanceCreated", "nodeId": "1", "objectName": "Subscriber",
                       "objectId": "1030"}
    assert events.wait_for("OnUserCreated")["user"]["loginName"] == "oxe1030"
    pm.modify(1, "Subscriber/1001/Tsc_IP_subscriber/1001", {"IP_Softphone_Emul": "Yes"})
    modified = events.wait_for("OnPbxObjectInstanceModified", objectId="1001")
    assert modified["father"] == {"objectName": "Subscriber", "objectId": "1001"}
    pm.modify(1, "Subscriber/1030", {"ClickAndPh": "NONE"})
    assert events.wait_for("OnUserDeleted")["loginName"] == "oxe1030"
    pm.delete(1, "Subscriber/1030")
    events.wait_for("OnPbxObjectInstanceDeleted", objectId="1030")


def test_renaming_a_user_tells_its_watchers(admin):
    events = admin.subscribe({"user": ["oxe1002"]})
    admin.pbx_management.modify(1, "Subscriber/1002", {"Annu_Name": "Lefebvre"})
    changed = events.wait_for("OnUserInfoChanged", loginName="oxe1002")
    assert changed["user"]["lastName"] == "Lefebvre"


# ----------------------------------------------------------------------------------------------- the point: coherence
def test_a_new_subscriber_logs_in_and_calls(admin, connect):
    admin.pbx_management.create(1, "Subscriber", NEW)
    marc = connect("oxe1030", "4321")
    alice = connect("oxe1001")
    assert marc.users.get()["lastName"] == "Noel"
    events = alice.subscribe(["telephony"])
    ref = marc.telephony.make_call("1001")
    events.wait_for("OnCallCreated", callRef=ref)
    alice.telephony.answer(ref)
    call = marc.telephony.call(ref)
    assert call["callData"]["state"] == "ACTIVE"
    assert [p["participantId"] for p in call["participants"]] == ["1001"]


# ----------------------------------------------------------------------------------------------- rights
def test_a_user_session_is_refused(fresh_sim):
    ca = str(fresh_sim.ca_path)
    http, _, info = login_like_node(fresh_sim.info.address, ca)
    assert all(s["serviceName"].lower() != "pbxmanagement" for s in info["services"])
    for path in ("/pbxs", "/pbxs/1", "/pbxs/1/instances/Subscriber", "/pbxs/1/model"):
        assert http.get(info["privateBaseUrl"] + path, verify=ca).status_code == 403
    r = http.post(info["privateBaseUrl"] + "/pbxs/1/instances/Subscriber", verify=ca,
                  json={"attributes": [{"name": "Directory_Number", "value": ["1030"]}]})
    assert r.status_code == 403


def test_an_administrator_without_the_management_licence_is_refused(sim, tmp_path):
    data = scenarios.load("default")
    data["licences"] = [lic for lic in data["licences"] if lic["grants"] != "MANAGEMENT"]
    path = tmp_path / "no-management.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    other = SimServer(port=0, scenario=str(path), state_dir=sim.state_dir, write_info=False).start()
    try:
        ca = str(other.ca_path)
        http, _, info = login_like_node(other.info.address, ca, "admin", "admin-o2g")
        assert all(s["serviceName"].lower() != "pbxmanagement" for s in info["services"])
        r = http.get(info["privateBaseUrl"] + "/pbxs", verify=ca)
        assert r.status_code == 403 and "MANAGEMENT" in r.json()["helpMessage"]
        assert http.get(info["privateBaseUrl"] + "/usermanagement", verify=ca).status_code == 200  # no licence
    finally:
        other.stop()


# ----------------------------------------------------------------------------------------------- bad input
def send(node_http, method: str, path: str, body=None, raw: str | None = None) -> requests.Response:
    http, pbxs, ca = node_http
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    headers = {**NODE_HEADERS, "content-type": "application/json"}
    return http.request(method, pbxs + path, data=data, headers=headers, verify=ca)


@pytest.mark.parametrize("method, path, body, status", [
    ("GET", "/2", None, 404),
    ("GET", "/x/instances", None, 404),
    ("GET", "/1/model/Nope", None, 404),
    ("GET", "/1/instances/Nope", None, 404),
    ("GET", "/1/instances/Subscriber/9999", None, 404),
    ("GET", "/1/instances/Subscriber/1001/Nope/1", None, 404),
    ("GET", "/1/instances/Subscriber?filter=Nope==1", None, 400),
    ("GET", "/1/instances/Subscriber?filter=Annu_Name", None, 400),
    ("GET", "/1/instances/Subscriber/1001?attributes=Nope", None, 400),
    ("POST", "/1/instances/Subscriber", "RAW{not json", 400),
    ("POST", "/1/instances/Subscriber", {}, 400),
    ("POST", "/1/instances/Subscriber", {"attributes": "Directory_Number=1030"}, 400),
    ("POST", "/1/instances/Subscriber", {"attributes": [{"name": "Directory_Number", "value": "1030"}]}, 400),
    ("POST", "/1/instances/Subscriber", {"attributes": [{"name": "Annu_Name", "value": ["X"]}]}, 400),
    ("POST", "/1/instances/Subscriber", {"attributes": [{"name": "Directory_Number", "value": ["1001"]}]}, 409),
    ("POST", "/1/instances/Subscriber", {"attributes": [{"name": "Directory_Number", "value": ["1030"]},
                                                        {"name": "Station_Type", "value": ["FAX"]}]}, 400),
    ("POST", "/1/instances/Nope", {"attributes": []}, 404),
    ("POST", "/1/instances/Subscriber/1001", {"attributes": []}, 405),
    ("POST", "/1/instances/System_Parameters", {"attributes": []}, 403),
    ("PUT", "/1/instances/Subscriber/1001", {"attributes": [{"name": "Directory_Number", "value": ["1099"]}]}, 400),
    ("PUT", "/1/instances/Subscriber/1001", {"attributes": [{"name": "Facility_Category_Id", "value": ["x"]}]}, 400),
    ("PUT", "/1/instances/Subscriber/1001", {"attributes": []}, 400),
    ("PUT", "/1/instances/Subscriber/9999", {"attributes": [{"name": "Annu_Name", "value": ["X"]}]}, 404),
    ("PUT", "/1/instances/Subscriber", {"attributes": [{"name": "Annu_Name", "value": ["X"]}]}, 405),
    ("DELETE", "/1/instances/Subscriber/9999", None, 404),
    ("DELETE", "/1/instances/System_Parameters/1", None, 403),
    ("DELETE", "/1/instances/Cost_Center/2", None, 409),
    ("DELETE", "/1/instances/Cost_Center/2?force", None, 400),
    ("PATCH", "/1/instances/Subscriber/1001", {"attributes": []}, 405),
    ("POST", "/1/model", {}, 405),
])
def test_bad_input_gets_an_o2g_error(node_http, method, path, body, status):
    raw = body[3:] if isinstance(body, str) else None
    r = send(node_http, method, path, None if raw else body, raw)
    assert r.status_code == status, r.text
    assert r.json()["code"] == status and r.json()["helpMessage"]
