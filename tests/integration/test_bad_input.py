"""Bad input gets what a real O2G gives: the right status and an O2G error body, never a 500 or a hang."""

from __future__ import annotations

import pytest
import requests

from tests.integration.test_sdk_contract import login_like_node


@pytest.fixture()
def env(fresh_sim):
    host, ca = fresh_sim.info.address, str(fresh_sim.ca_path)
    http, sessions_url, info = login_like_node(host, ca)
    return {"host": host, "ca": ca, "http": http, "sessions": sessions_url, "base": info["privateBaseUrl"],
            "sim": fresh_sim}


def assert_o2g_error(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == status and body["httpStatus"] and body["helpMessage"]
    return body


def test_wrong_password_is_401_with_a_basic_challenge(env):
    r = requests.get(f"https://{env['host']}/api/rest/authenticate?version=1.0", auth=("oxe1001", "nope"),
                     verify=env["ca"])
    assert_o2g_error(r, 401)
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    assert "Set-Cookie" not in r.headers


def test_unknown_login_and_missing_authorization_are_401(env):
    url = f"https://{env['host']}/api/rest/authenticate?version=1.0"
    assert_o2g_error(requests.get(url, auth=("nobody", "x"), verify=env["ca"]), 401)
    assert_o2g_error(requests.get(url, verify=env["ca"]), 401)
    assert_o2g_error(requests.get(url, headers={"Authorization": "Basic !!!"}, verify=env["ca"]), 401)


def test_unsupported_api_version_is_400(env):
    r = requests.get(f"https://{env['host']}/api/rest/authenticate?version=9.9", auth=("oxe1001", "1001"),
                     verify=env["ca"])
    assert_o2g_error(r, 400)


def test_session_without_application_name_is_400(env):
    auth = requests.get(f"https://{env['host']}/api/rest/authenticate?version=1.0", auth=("oxe1002", "1002"),
                        verify=env["ca"])
    cookies = auth.cookies
    url = auth.json()["internalUrl"]
    assert_o2g_error(requests.post(url, json={}, cookies=cookies, verify=env["ca"]), 400)
    assert_o2g_error(requests.post(url, json={"applicationName": ""}, cookies=cookies, verify=env["ca"]), 400)
    assert_o2g_error(requests.post(url, data="{not json", cookies=cookies, verify=env["ca"]), 400)
    # the case-insensitive spelling of the old OpenTouch client is accepted
    assert requests.post(url, json={"ApplicationName": "ot"}, cookies=cookies, verify=env["ca"]).status_code == 200


def test_services_without_a_cookie_are_401(env):
    r = requests.get(env["base"] + "/telephony/calls", verify=env["ca"])
    assert_o2g_error(r, 401)


def test_expired_session_is_refused_and_says_so(env):
    ttl = env["sim"].state.session_ttl
    env["sim"].call(env["sim"].state.sessions.clock.advance, ttl * 2)
    r = env["http"].get(env["base"] + "/telephony/calls", verify=env["ca"])
    assert r.status_code in (401, 403)
    assert_o2g_error(r, r.status_code)


def test_unknown_call_ref_is_404_with_the_telephony_detail(env):
    r = env["http"].post(env["base"] + "/telephony/calls/0000000000000000/hold", json={"deviceId": "1001"},
                         verify=env["ca"])
    body = assert_o2g_error(r, 404)
    assert body["telephony"]["errorType"] == "CALL_REFERENCE_NOT_FOUND"
    assert_o2g_error(env["http"].delete(env["base"] + "/telephony/calls/nope", verify=env["ca"]), 404)


@pytest.mark.parametrize("payload", ["{bad json", "[1, 2]", '"text"', "null"])
def test_malformed_json_is_400(env, payload):
    r = env["http"].post(env["base"] + "/telephony/calls", data=payload,
                         headers={"Content-Type": "application/json"}, verify=env["ca"])
    assert_o2g_error(r, 400)


@pytest.mark.parametrize("body", [{"deviceId": "1001"}, {"deviceId": "1001", "callee": 42.5},
                                  {"deviceId": "1001", "callee": "1002", "autoAnswer": "maybe"},
                                  {"deviceId": "1001", "callee": "77"}])
def test_bad_make_call_bodies_are_400(env, body):
    assert_o2g_error(env["http"].post(env["base"] + "/telephony/calls", json=body, verify=env["ca"]), 400)


@pytest.mark.parametrize(("method", "path"), [("POST", "/api/rest"), ("DELETE", "/api/rest"),
                                              ("PUT", "/api/rest/1.0/sessions"),
                                              ("PATCH", "/api/rest/1.0/telephony/calls")])
def test_wrong_method_is_405(env, method, path):
    r = env["http"].request(method, f"https://{env['host']}{path}", verify=env["ca"])
    assert_o2g_error(r, 405)
    assert r.headers.get("Allow")


def test_another_users_device_is_403(env):
    r = env["http"].post(env["base"] + "/telephony/calls", json={"deviceId": "1002", "callee": "1003"},
                         verify=env["ca"])
    assert_o2g_error(r, 403)
    assert_o2g_error(env["http"].get(env["base"] + "/users/oxe1002", verify=env["ca"]), 403)


def test_a_user_cannot_watch_someone_elses_events(env):
    r = env["http"].post(env["base"] + "/subscriptions", verify=env["ca"], json={
        "filter": {"selectors": [{"ids": ["oxe1002"], "names": ["telephony"]}]}, "version": "1.0"})
    assert_o2g_error(r, 403)


@pytest.mark.parametrize("flt", [{}, {"selectors": []}, {"selectors": [{"names": ["nosuchpackage"]}]},
                                 {"selectors": [{"names": "telephony"}]}, {"selectors": ["telephony"]}])
def test_bad_subscription_filters_are_400(env, flt):
    r = env["http"].post(env["base"] + "/subscriptions", json={"filter": flt, "version": "1.0"}, verify=env["ca"])
    assert_o2g_error(r, 400)


def test_unknown_subscription_channel_is_404(env):
    assert_o2g_error(requests.post(env["base"] + "/events/nope", verify=env["ca"]), 404)


def test_answering_a_call_that_does_not_ring_is_409(env):
    made = env["http"].post(env["base"] + "/telephony/calls", json={"deviceId": "1001", "callee": "1002"},
                            verify=env["ca"])
    ref = made.headers["Location"].rsplit("/", 1)[-1]
    r = env["http"].post(f"{env['base']}/telephony/calls/{ref}/answer", json={"deviceId": "1001"},
                         verify=env["ca"])
    body = assert_o2g_error(r, 409)
    assert body["telephony"]["errorType"] == "INCOMPATIBLE_WITH_STATE"


def test_unknown_paths_are_404(env):
    assert_o2g_error(env["http"].get(env["base"] + "/nosuchservice", verify=env["ca"]), 404)


def test_a_user_without_the_advanced_licence_has_basic_calls_only(env):
    auth = requests.get(f"https://{env['host']}/api/rest/authenticate?version=1.0", auth=("oxe1012", "1012"),
                        verify=env["ca"])
    http = requests.Session()
    http.cookies = auth.cookies
    info = http.post(auth.json()["internalUrl"], json={"applicationName": "t"}, verify=env["ca"]).json()
    urls = [s["relativeUrl"] for s in info["services"]]
    assert "/telephony/basicCall" in urls and "/telephony/calls" not in urls
    assert_o2g_error(http.get(env["base"] + "/telephony/calls", verify=env["ca"]), 403)
    r = http.post(env["base"] + "/telephony/basicCall", json={"deviceId": "1012", "callee": "1001"},
                  verify=env["ca"])
    assert r.status_code == 201


def test_admin_must_name_the_user(fresh_sim):
    host, ca = fresh_sim.info.address, str(fresh_sim.ca_path)
    http, _, info = login_like_node(host, ca, "admin", "admin-o2g")
    assert info["admin"] is True
    assert_o2g_error(http.get(info["privateBaseUrl"] + "/telephony/calls", verify=ca), 400)
    r = http.get(info["privateBaseUrl"] + "/telephony/calls?loginName=oxe1003", verify=ca)
    assert r.status_code == 200 and r.json() == {"calls": []}
    logins = http.get(info["privateBaseUrl"] + "/logins", verify=ca).json()["loginNames"]
    assert sorted(logins) == sorted(fresh_sim.state.pbx.site.users)
    r = http.post(info["privateBaseUrl"] + "/subscriptions", verify=ca,
                  json={"filter": {"selectors": [{"ids": [], "names": ["telephony"]}]}})
    assert_o2g_error(r, 400)
