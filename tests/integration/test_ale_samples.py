"""The exchanges of ALE's public REST samples, replayed: they must get what they read, for every login.

ALE's Python user-collection sample logs in as an administrator with a hand-made ``AlcUserId``
cookie, lists the logins, then reads each user, its preferences and its supported languages. It
reads ``voicemail.number`` and ``voicemail.id`` and each device's ``type``, ``id`` and ``subType``.
"""

from __future__ import annotations

import json

import requests


def test_user_collection_sample_gets_every_users_data(fresh_sim):
    base, ca = f"https://{fresh_sim.info.address}", str(fresh_sim.ca_path)
    headers = {"Content-type": "application/json"}
    desc = requests.get(base + "/api/rest", data="{}", headers=headers, verify=ca).json()
    auth = requests.get(desc["versions"][0]["internalUrl"], auth=("admin", "admin-o2g"), headers=headers,
                        verify=ca).json()
    cookie = {"AlcUserId": auth["credential"]}
    opened = requests.post(auth["internalUrl"], data=json.dumps({"applicationName": "Sebastien"}), cookies=cookie,
                           headers=headers, verify=ca)
    assert opened.status_code == 200
    info = opened.json()
    assert info["admin"] is True and info["timeToLive"] > 0
    base_url = info["privateBaseUrl"]

    logins = requests.get(base_url + "/logins", data="{}", cookies=cookie, headers=headers, verify=ca).json()
    assert len(logins["loginNames"]) == len(fresh_sim.state.pbx.site.users)
    rows = []
    for login in logins["loginNames"]:
        user = requests.get(f"{base_url}/users/{login}", data="{}", cookies=cookie, headers=headers, verify=ca).json()
        prefs = requests.get(f"{base_url}/users/{login}/preferences", data="{}", cookies=cookie, headers=headers,
                             verify=ca).json()
        langs = requests.get(f"{base_url}/users/{login}/preferences/supportedLanguages", data="{}", cookies=cookie,
                             headers=headers, verify=ca).json()
        devices = [(d["type"], d["id"], d["subType"]) for d in user["devices"]]
        rows.append((user["loginName"], user["companyPhone"], user["firstName"], user["lastName"],
                     user["voicemail"]["number"], user["voicemail"]["id"], devices, user["nodeId"],
                     prefs["guiLanguage"], langs["supportedLanguages"]))
    site = fresh_sim.state.pbx.site
    for login, phone, first, last, vm_number, vm_id, devices, node, gui, languages in rows:
        person = site.users[login]
        assert (phone, first, last, node) == (person.number, person.first_name, person.last_name, "1")
        assert vm_number == "4000" and vm_id and devices == [(d.type, d.id, d.sub_type) for d in person.devices]
        assert gui in languages
    closed = requests.delete(auth["internalUrl"], data="{}", cookies=cookie, headers=headers, verify=ca)
    assert closed.status_code == 204
