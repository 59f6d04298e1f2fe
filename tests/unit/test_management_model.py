"""The OXE management tree: object models, validation, filters, nested paths, free numbers, PBX coherence."""

from __future__ import annotations

import pytest

from o2gmentor.sim.model.bus import Recorder
from o2gmentor.sim.model.management import ManagementError, parse_attributes
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load


@pytest.fixture()
def pbx() -> Pbx:
    return Pbx(load("default"))


@pytest.fixture()
def rec(pbx: Pbx) -> Recorder:
    return Recorder(pbx.bus)


def ids(pbx: Pbx, path: str, flt: str | None = None) -> list[str]:
    return pbx.management.instances("1", path, flt)["objectIds"]


def values(pbx: Pbx, path: str) -> dict[str, list[str]]:
    return {a["name"]: a["value"] for a in pbx.management.get("1", path)["attributes"]}


def refused(status: int, fn, *args, **kwargs) -> str:
    with pytest.raises(ManagementError) as info:
        fn(*args, **kwargs)
    assert info.value.status == status, info.value.message
    return info.value.message


def new_subscriber(pbx: Pbx, number: str = "1030", **extra: str) -> str:
    attrs = {"Directory_Number": number, "Annu_Name": "Noel", "Annu_First_Name": "Marc",
             "Station_Type": "SIP_Extension", "ClickAndPh": "A4980_Pro", **extra}
    return pbx.management.create("1", "Subscriber", {k: [v] for k, v in attrs.items()})


# ----------------------------------------------------------------------------------------------- the tree
def test_root_lists_its_classes_and_every_site_user_is_a_subscriber(pbx):
    root = pbx.management.get("1")
    assert root["objectName"] == "Node" and root["objectNames"] == ["Subscriber", "Cost_Center", "System_Parameters"]
    subscribers = ids(pbx, "Subscriber")
    assert {u.number for u in pbx.site.users.values()} <= set(subscribers)
    assert {"1020", "1021"} <= set(subscribers)  # seeded OXE-only subscribers
    assert "oxe1020" not in pbx.site.users and "oxe1021" not in pbx.site.users


def test_a_site_user_reads_like_an_oxe_subscriber(pbx):
    alice = values(pbx, "Subscriber/1001")
    assert alice["Annu_Name"] == ["Martin"] and alice["Annu_First_Name"] == ["Alice"]
    assert alice["Station_Type"] == ["NOE_C_Color_IP"] and alice["ClickAndPh"] == ["A4980_Pro"]
    assert alice["Cost_Center_Name"] == ["Sales"] and alice["Cost_Center_Id"] == ["2"]
    assert "Secret_Code" not in alice  # write-only
    assert values(pbx, "Subscriber/1003")["Station_Type"] == ["SIP_Extension"]
    assert values(pbx, "Subscriber/1020")["ClickAndPh"] == ["NONE"]


def test_nested_paths_alternate_names_and_ids(pbx):
    assert ids(pbx, "System_Parameters/1/Free_Range_List") == ["1", "2"]
    assert values(pbx, "System_Parameters/1/Free_Range_List/2") == {
        "Name": ["Lyon lab"], "Begin_Range": ["1500"], "End_Range": ["1509"]}
    assert ids(pbx, "Subscriber/1001/Tsc_IP_subscriber") == ["1001"]
    assert ids(pbx, "Subscriber/1003/Tsc_IP_subscriber") == []  # a SIP extension is no IP set
    refused(404, pbx.management.get, "1", "System_Parameters/2")
    refused(404, pbx.management.get, "1", "Subscriber/9999")
    refused(404, pbx.management.instances, "1", "Subscriber/1001/Nope")
    refused(404, pbx.management.instances, "1", "Nope")
    refused(404, pbx.management.get, "2", "Subscriber/1001")


def test_get_with_attributes_restricts_the_answer(pbx):
    obj = pbx.management.get("1", "Subscriber/1002", ["Annu_Name", "Station_Type"])
    assert [a["name"] for a in obj["attributes"]] == ["Annu_Name", "Station_Type"]
    refused(400, pbx.management.get, "1", "Subscriber/1002", ["Nope"])


def test_models_describe_attributes_and_children(pbx):
    model = pbx.management.model_json("1", "Subscriber")
    attrs = {a["name"]: a for a in model["attributes"]}
    assert model["create"] and model["delete"] and "FORCED_DELETE" in model["otherActions"]
    assert attrs["Directory_Number"]["mandatory"] and attrs["Directory_Number"]["lengthValue"] == "1..8"
    assert attrs["ClickAndPh"]["typeValue"] == "Enumerated" and "A4980_Pro" in attrs["ClickAndPh"]["allowedValues"]
    assert attrs["Facility_Category_Id"]["typeValue"] == "Integer"
    assert [c["objectName"] for c in model["objects"]] == ["Tsc_IP_subscriber"]
    assert pbx.management.model_json("1")["objectName"] == "Node"
    assert pbx.management.model_json("1", "Free_Directory_Number")["create"] is False
    refused(404, pbx.management.model_json, "1", "Nope")


# ----------------------------------------------------------------------------------------------- filters
@pytest.mark.parametrize("flt, expected", [
    ("Annu_Name==Martin", ["1001"]),
    ("Annu_Name==Ma*", ["1001"]),
    ("Annu_Name==*eau", ["1004"]),
    ("Station_Type==SIP_Extension", ["1003", "1007", "1012"]),
    ("Directory_Number=ge=1010 and Directory_Number=le=1012", ["1010", "1011", "1012"]),
    ("Station_Type==ANALOG or Annu_Name==Petit", ["1012", "1020"]),
    ("Cost_Center_Name==Sales and Annu_Name!=Martin", ["1002", "1003"]),
    ("Cost_Center_Name==Sales AND Annu_Name=!Martin", ["1002", "1003"]),
    ("Annu_Name==Martin or Annu_Name==Lefevre and Station_Type==SIP_Extension", ["1001"]),
    ("(Annu_Name==Martin or Annu_Name==Dubois) and Station_Type==SIP_Extension", ["1003"]),
    ("ClickAndPh==NONE", ["1020", "1021"]),
])
def test_filters(pbx, flt, expected):
    assert ids(pbx, "Subscriber", flt) == expected


@pytest.mark.parametrize("flt", ["Nope==1", "Annu_Name", "Annu_Name==x and", "(Annu_Name==x", "Secret_Code==1001",
                                 "and Annu_Name==x", "Annu_Name==x)"])
def test_bad_filters_are_400(pbx, flt):
    refused(400, pbx.management.instances, "1", "Subscriber", flt)


# ----------------------------------------------------------------------------------------------- validation
@pytest.mark.parametrize("attrs, words", [
    ({"Annu_Name": ["X"]}, "mandatory"),
    ({"Directory_Number": ["123456789"]}, "1..8"),
    ({"Directory_Number": ["10x1"]}, "not a valid"),
    ({"Directory_Number": ["1030"], "Station_Type": ["PHONE"]}, "allowed"),
    ({"Directory_Number": ["1030"], "Facility_Category_Id": ["one"]}, "Integer"),
    ({"Directory_Number": ["1030"], "Annu_Name": ["A" * 21]}, "0..20"),
    ({"Directory_Number": ["1030"], "Colour": ["blue"]}, "no attribute"),
    ({"Directory_Number": ["1030", "1031"]}, "exactly one"),
    ({"Directory_Number": ["1030"], "Station_Type": ["ANALOG"], "ClickAndPh": ["A4980_Pro"]}, "cannot carry"),
    ({"Directory_Number": ["1030"], "Cost_Center_Name": ["Nowhere"]}, "Cost_Center"),
    ({"Directory_Number": ["1030"], "Cost_Center_Name": ["Sales"], "Cost_Center_Id": ["3"]}, "different"),
    ({"Directory_Number": ["1030"], "Secret_Code": ["12"]}, "4..8"),
])
def test_invalid_subscribers_are_400(pbx, attrs, words):
    assert words in refused(400, pbx.management.create, "1", "Subscriber", attrs)
    assert "1030" not in ids(pbx, "Subscriber")


def test_an_existing_number_is_409(pbx):
    refused(409, new_subscriber, pbx, "1001")
    refused(409, new_subscriber, pbx, "1020")
    refused(409, new_subscriber, pbx, "4000")  # the voicemail


@pytest.mark.parametrize("raw", [None, "x", [{"name": "A"}], [{"name": "A", "value": "1"}],
                                 [{"name": "A", "value": [True]}], [{"value": ["1"]}],
                                 [{"name": "A", "value": ["1"]}, {"name": "A", "value": ["2"]}]])
def test_malformed_attribute_lists_are_400(raw):
    with pytest.raises(ManagementError) as info:
        parse_attributes(raw)
    assert info.value.status == 400


def test_the_model_decides_which_operations_are_allowed(pbx):
    refused(403, pbx.management.create, "1", "System_Parameters/1/Free_Directory_Number", {"Directory_Number": ["1"]})
    refused(403, pbx.management.delete, "1", "System_Parameters/1")
    refused(403, pbx.management.modify, "1", "System_Parameters/1/Free_Directory_Number/1013",
            {"Directory_Number": ["1"]})
    refused(400, pbx.management.delete, "1", "Cost_Center/4", force=True)  # no FORCED_DELETE on Cost_Center
    refused(405, pbx.management.create, "1", "Subscriber/1001", {"Directory_Number": ["1"]})
    refused(405, pbx.management.delete, "1", "Subscriber")


def test_the_id_cannot_be_modified(pbx):
    refused(400, pbx.management.modify, "1", "Subscriber/1001", {"Directory_Number": ["1099"]})
    pbx.management.modify("1", "Subscriber/1001", {"Directory_Number": ["1001"], "Facility_Category_Id": ["3"]})
    assert values(pbx, "Subscriber/1001")["Facility_Category_Id"] == ["3"]


# -------------------------------------------------------------------------------- free numbers and ranges
def test_free_numbers_are_the_ranges_minus_the_numbers_in_use(pbx):
    free = ids(pbx, "System_Parameters/1/Free_Directory_Number")
    assert free[:3] == ["1000", "1013", "1014"] and "1020" not in free and "1021" not in free
    assert free[-10:] == [str(n) for n in range(1500, 1510)]
    new_subscriber(pbx, "1013")
    assert "1013" not in ids(pbx, "System_Parameters/1/Free_Directory_Number")
    assert values(pbx, "System_Parameters/1/Free_Directory_Number/1014") == {"Directory_Number": ["1014"]}
    refused(404, pbx.management.get, "1", "System_Parameters/1/Free_Directory_Number/1013")


def test_free_ranges_can_be_added_and_removed(pbx, rec):
    new_id = pbx.management.create("1", "System_Parameters/1/Free_Range_List",
                                   {"Name": ["Lab"], "Begin_Range": ["2400"], "End_Range": ["2401"]})
    assert new_id == "3"
    assert ids(pbx, "System_Parameters/1/Free_Directory_Number")[-2:] == ["2400", "2401"]
    assert rec.events[-1] == ("pbxManagement", None, {
        "eventName": "OnPbxObjectInstanceCreated", "nodeId": "1", "objectName": "Free_Range_List",
        "objectId": "3", "father": {"objectName": "System_Parameters", "objectId": "1"}})
    refused(400, pbx.management.create, "1", "System_Parameters/1/Free_Range_List",
            {"Begin_Range": ["2410"], "End_Range": ["2401"]})
    refused(400, pbx.management.create, "1", "System_Parameters/1/Free_Range_List",
            {"Begin_Range": ["240"], "End_Range": ["2401"]})
    pbx.management.delete("1", "System_Parameters/1/Free_Range_List/3")
    assert "2400" not in ids(pbx, "System_Parameters/1/Free_Directory_Number")


# ----------------------------------------------------------------------------------------------- cost centers
def test_cost_centers_are_referenced_by_subscribers(pbx):
    assert pbx.management.create("1", "Cost_Center", {"Cost_Center_Name": ["Lab"]}) == "5"
    refused(409, pbx.management.create, "1", "Cost_Center", {"Cost_Center_Name": ["Sales"]})
    new_subscriber(pbx, Cost_Center_Name="Lab")
    assert values(pbx, "Subscriber/1030")["Cost_Center_Id"] == ["5"]
    refused(409, pbx.management.delete, "1", "Cost_Center/5")  # still used
    pbx.management.modify("1", "Cost_Center/5", {"Cost_Center_Name": ["R&D"]})
    assert values(pbx, "Subscriber/1030")["Cost_Center_Name"] == ["R&D"]
    pbx.management.modify("1", "Subscriber/1030", {"Cost_Center_Id": ["2"]})
    assert values(pbx, "Subscriber/1030")["Cost_Center_Name"] == ["Sales"]
    pbx.management.delete("1", "Cost_Center/5")
    assert ids(pbx, "Cost_Center") == ["1", "2", "3", "4"]


# ----------------------------------------------------------------------------------------------- coherence with the PBX
def test_an_a4980_subscriber_becomes_an_o2g_user_who_can_call(pbx, rec):
    new_subscriber(pbx, Secret_Code="4321")
    user = pbx.site.users["oxe1030"]
    assert (user.password, user.first_name, user.last_name, user.number) == ("4321", "Marc", "Noel", "1030")
    assert user.devices[0].type == "SOFTPHONE" and user.voicemail == pbx.site.voicemail_number
    assert pbx.site.check_password("oxe1030", "4321") == "user"
    created = [e for p, _, e in rec.events if p == "userManagement"]
    assert created == [{"eventName": "OnUserCreated", "user": user.to_json()}]
    ref = pbx.calls.make_call("1030", "1001")
    pbx.calls.answer(ref, "1001")
    assert pbx.calls.calls[ref].party("1001").state == "ACTIVE"


def test_without_a4980_a_subscriber_is_not_an_o2g_user(pbx):
    pbx.management.create("1", "Subscriber", {"Directory_Number": ["1031"]})
    assert "oxe1031" not in pbx.site.users
    assert values(pbx, "Subscriber/1031")["ClickAndPh"] == ["NONE"]
    pbx.management.modify("1", "Subscriber/1031", {"ClickAndPh": ["A4980_Pro"]})
    assert pbx.site.users["oxe1031"].password == "0000"  # no Secret_Code given


def test_renaming_a_user_subscriber_updates_the_user(pbx, rec):
    pbx.management.modify("1", "Subscriber/1002", {"Annu_Name": ["Lefebvre"]})
    assert pbx.site.users["oxe1002"].last_name == "Lefebvre"
    assert rec.events[-1][:2] == ("user", "oxe1002")
    assert rec.events[-1][2]["eventName"] == "OnUserInfoChanged"
    assert rec.events[-1][2]["user"]["lastName"] == "Lefebvre"
    assert rec.events[-2] == ("pbxManagement", None, {"eventName": "OnPbxObjectInstanceModified", "nodeId": "1",
                                                      "objectName": "Subscriber", "objectId": "1002"})


def test_clickandph_none_or_delete_removes_the_user(pbx, rec):
    ref = pbx.calls.make_call("1001", "1002")
    pbx.management.modify("1", "Subscriber/1002", {"ClickAndPh": ["NONE"]})
    assert "oxe1002" not in pbx.site.users and ref not in pbx.calls.calls
    assert ("userManagement", None, {"eventName": "OnUserDeleted", "loginName": "oxe1002"}) in rec.events
    pbx.management.delete("1", "Subscriber/1003")
    assert "oxe1003" not in pbx.site.users and "1003" not in ids(pbx, "Subscriber")
    assert rec.events[-1] == ("pbxManagement", None, {"eventName": "OnPbxObjectInstanceDeleted", "nodeId": "1",
                                                      "objectName": "Subscriber", "objectId": "1003"})
    refused(404, pbx.management.get, "1", "Subscriber/1003")


def test_station_type_change_follows_the_ip_sub_object_and_the_device(pbx):
    pbx.management.modify("1", "Subscriber/1003", {"Station_Type": ["NOE_C_IP"]})
    assert ids(pbx, "Subscriber/1003/Tsc_IP_subscriber") == ["1003"]
    assert pbx.site.users["oxe1003"].devices[0].type == "DESKPHONE"
    pbx.management.modify("1", "Subscriber/1003/Tsc_IP_subscriber/1003", {"IP_Softphone_Emul": ["Yes"]})
    assert values(pbx, "Subscriber/1003/Tsc_IP_subscriber/1003") == {"IP_Softphone_Emul": ["Yes"]}


def test_users_management_enables_and_disables_subscribers(pbx):
    users = pbx.management.make_users("1", ["1021"])
    assert [u.login for u in users] == ["oxe1021"] and users[0].password == "1021"
    assert values(pbx, "Subscriber/1021")["ClickAndPh"] == ["A4980_Pro"]
    refused(409, pbx.management.make_users, "1", ["1021"])
    refused(400, pbx.management.make_users, "1", ["1020"])  # ANALOG
    refused(404, pbx.management.make_users, "1", ["1099"])
    pbx.management.remove_o2g_user("oxe1021")
    assert "oxe1021" not in pbx.site.users and values(pbx, "Subscriber/1021")["ClickAndPh"] == ["NONE"]
    assert [u.login for u in pbx.management.make_users("1", None)] == ["oxe1021"]  # all: the fax is skipped


def test_reset_rebuilds_the_tree(pbx):
    new_subscriber(pbx)
    pbx.reset()
    assert "1030" not in ids(pbx, "Subscriber") and "oxe1030" not in pbx.site.users
