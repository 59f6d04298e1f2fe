"""ALE's public Postman tutorial, step by step, with plain ``requests`` and a hand-made cookie.

The tutorial (and ALE's Python sample) copy the ``credential`` into ``Cookie: AlcUserId=…``
themselves instead of relying on Set-Cookie; the simulator must answer both ways.
"""

from __future__ import annotations

import requests

from tests.integration.test_sdk_contract import Channel


def test_the_tutorial_steps_get_the_tutorial_answers(fresh_sim):
    host, ca = fresh_sim.info.address, str(fresh_sim.ca_path)
    api = f"https://{host}/api/rest"

    # Discovery, then authenticate with Basic auth (the sample also sends a JSON content type on GET)
    assert requests.get(api, verify=ca).status_code == 200
    auth = requests.get(f"{api}/authenticate?version=1.0", auth=("oxe1001", "1001"), verify=ca,
                        headers={"Content-type": "application/json"})
    assert auth.status_code == 200
    cookie = {"Cookie": f"AlcUserId={auth.json()['credential']}"}

    def call(method, path, **kw):
        return requests.request(method, f"{api}/1.0{path}", headers=cookie, verify=ca, **kw)

    # Session: POST 200 with its info, GET 200 with the same
    opened = call("POST", "/sessions", json={"applicationName": "MyApp"})
    assert opened.status_code == 200 and opened.json()["services"]
    assert call("GET", "/sessions").json()["login"] == "oxe1001"

    # Logins and user (a user sees only itself); /users/{extension} also finds the user
    assert call("GET", "/logins").json() == {"loginNames": ["oxe1001"]}
    assert call("GET", "/users/oxe1001").json()["companyPhone"] == "1001"
    assert call("GET", "/users/1001").json()["loginName"] == "oxe1001"

    # Subscription 200 ACCEPTED, polling URL streams events
    sub = call("POST", "/subscriptions", json={"filter": {"selectors": [
        {"ids": ["oxe1001"], "names": ["telephony"]}, {"ids": ["oxe1001"], "names": ["eventSummary"]}]},
        "version": "1.0"})
    assert sub.status_code == 200
    body = sub.json()
    assert (body["status"], body["mode"], body["format"]) == ("ACCEPTED", "CHUNK", "JSON")
    channel = Channel(body["publicPollingUrl"], ca, method="GET", headers={})
    channel.wait("OnChannelInformation")

    # basicCall 201; the callee rings; the caller's state goes BUSY
    made = call("POST", "/telephony/basicCall", json={"deviceId": "1001", "callee": "1002", "autoAnswer": True})
    assert made.status_code == 201
    channel.wait("OnCallCreated", loginName="oxe1001")
    assert channel.wait("OnUserStateModified", state="BUSY")["loginName"] == "oxe1001"
    assert fresh_sim.call(fresh_sim.state.pbx.calls.user_state, "oxe1002") == "FREE"  # still ringing

    # Hang up with basicCall/dropme: 204
    assert call("POST", "/telephony/basicCall/dropme").status_code == 204
    channel.wait("OnCallRemoved", loginName="oxe1001")

    # DELETE subscription 204, DELETE session 204, then the cookie no longer works
    assert call("DELETE", f"/subscriptions/{body['subscriptionId']}").status_code == 204
    assert call("DELETE", "/sessions").status_code == 204
    assert call("GET", "/sessions").status_code == 401
    channel.close()
