"""Directory search over HTTPS: the Node SDK's exchange, the client facade, rights, limits and timeouts."""

from __future__ import annotations

import json

import pytest
import requests

from o2gmentor.client.directory import Directory
from o2gmentor.client.errors import O2GError
from tests.integration.test_sdk_contract import NODE_HEADERS, login_like_node


def raw(client, method: str, path: str, **kwargs) -> requests.Response:
    """A request with the client's cookie, bypassing the facade (to check the wire)."""
    return client.transport.http.request(method, client.base_url + path, verify=client.transport.verify, **kwargs)


def test_node_sdk_directory_exchange(fresh_sim):
    host, ca = fresh_sim.info.address, str(fresh_sim.ca_path)
    http, _, info = login_like_node(host, ca)
    url = next(s for s in info["services"] if s["serviceName"].lower() == "directory")["relativeUrl"]
    search_url = info["privateBaseUrl"] + url + "/search"
    body = {"filter": {"field": "lastName", "operation": "BEGIN_WITH", "operand": "b"}, "limit": 10}
    r = http.post(search_url, data=json.dumps(body), headers={"content-type": "application/json"}, verify=ca)
    assert r.status_code == 201
    assert http.get(search_url, verify=ca).json() == {"resultCode": "NOK"}
    ok = http.get(search_url, verify=ca).json()
    assert ok["resultCode"] == "OK"
    contacts = ok["resultElements"][0]["contacts"]
    assert [c["id"] for c in contacts] == [{"loginName": "oxe1008", "phoneNumber": "1008"},
                                           {"loginName": "oxe1011", "phoneNumber": "1011"}]
    assert contacts[0]["lastName"] == "Bernard" and contacts[0]["type"] == {"main": "USER"}
    assert http.get(search_url, verify=ca).json() == {"resultCode": "FINISH"}
    r = http.post(search_url, data=json.dumps(body), headers={"content-type": "application/json"}, verify=ca)
    assert http.delete(search_url, headers=NODE_HEADERS, verify=ca).status_code == 204
    assert http.get(search_url, verify=ca).status_code == 404


def test_client_search_collects_every_batch(connect):
    alice = connect("oxe1001")
    d = alice.directory
    everyone = d.search(d.criterion("id.phoneNumber", "BEGIN_WITH", "10"), limit=5)
    assert len(everyone) == 12  # three batches of at most 5
    found = d.search(d.any_of(d.criterion("lastName", "EQUAL_IGNORE_CASE", "martin"),
                              d.criterion("lastName", "CONTAIN", "supply")))
    assert [c.get("displayName") for c in found] == ["Alice Martin", "Paris Parts Supply"]
    assert found[1]["type"] == {"main": "EXTERNAL"} and "loginName" not in found[1]["id"]
    assert d.search(d.all_of(d.criterion("firstName", "BEGIN_WITH", "a"),
                             d.criterion("lastName", "BEGIN_WITH", "z"))) == []


def test_criterion_helpers_refuse_unknown_names():
    with pytest.raises(ValueError):
        Directory.criterion("email", "CONTAIN", "x")
    with pytest.raises(ValueError):
        Directory.criterion("lastName", "BEGINS_WITH", "x")


@pytest.mark.parametrize("body", [
    {},
    {"filter": None},
    {"filter": {"field": "lastName", "operation": "BEGINS_WITH", "operand": "b"}},
    {"filter": {"field": "nickname", "operation": "CONTAIN", "operand": "b"}},
    {"filter": {"operation": "AND", "operand": "b"}},
    {"filter": {"field": "lastName", "operation": "CONTAIN", "operand": "b"}, "limit": 0},
    {"filter": {"field": "lastName", "operation": "CONTAIN", "operand": "b"}, "limit": 101},
    {"filter": {"field": "lastName", "operation": "CONTAIN", "operand": "b"}, "limit": "10"},
    ["not", "an", "object"],
])
def test_bad_searches_are_400(connect, body):
    alice = connect("oxe1001")
    r = raw(alice, "POST", "/directory/search", json=body)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == 400


def test_poll_or_cancel_without_a_search_is_404(connect):
    alice = connect("oxe1001")
    assert raw(alice, "GET", "/directory/search").status_code == 404
    assert raw(alice, "DELETE", "/directory/search").status_code == 404


def test_without_telephony_advanced_licence_it_is_403(connect):
    lea = connect("oxe1012")
    assert "directory" not in lea.services  # not even listed for her session
    r = raw(lea, "POST", "/directory/search",
            json={"filter": {"field": "lastName", "operation": "CONTAIN", "operand": "a"}})
    assert r.status_code == 403 and "TELEPHONY_ADVANCED" in r.json()["helpMessage"]


def test_an_administrator_must_name_the_user(connect):
    admin = connect("admin")
    body = {"filter": {"field": "lastName", "operation": "CONTAIN", "operand": "a"}}
    assert raw(admin, "POST", "/directory/search", json=body).status_code == 400
    found = admin.directory.search(Directory.criterion("firstName", "EQUAL_IGNORE_CASE", "hugo"), login="oxe1001")
    assert [c["id"]["phoneNumber"] for c in found] == ["1008"]


def test_an_idle_search_times_out_on_the_virtual_clock(connect, fresh_sim):
    alice = connect("oxe1001")
    d = alice.directory
    advance = fresh_sim.state.pbx.clock.advance
    d.start(d.criterion("lastName", "CONTAIN", "e"), limit=1)
    assert d.poll()["resultCode"] == "NOK"
    fresh_sim.call(advance, 59)
    assert d.poll()["resultCode"] == "OK"  # polling keeps it alive
    fresh_sim.call(advance, 59)
    assert d.poll()["resultCode"] == "OK"
    fresh_sim.call(advance, 61)
    assert d.poll() == {"resultCode": "TIMEOUT"}
    assert d.poll() == {"resultCode": "TIMEOUT"}
    assert len(d.search(d.criterion("lastName", "EQUAL_IGNORE_CASE", "petit"))) == 1  # a new search works


def test_a_sixth_concurrent_search_is_refused_until_one_ends(connect):
    clients = [connect("oxe1002") for _ in range(6)]
    criterion = Directory.criterion("lastName", "CONTAIN", "a")
    for client in clients[:5]:
        client.directory.start(criterion)
    with pytest.raises(O2GError) as err:
        clients[5].directory.start(criterion)
    assert err.value.status == 403 and "5 directory searches" in err.value.message
    clients[0].directory.cancel()
    clients[5].directory.start(criterion)
    connect("oxe1003").directory.start(criterion)  # another user is not affected


def test_closing_a_session_frees_its_search(connect):
    clients = [connect("oxe1005") for _ in range(5)]
    criterion = Directory.criterion("lastName", "CONTAIN", "a")
    for client in clients:
        client.directory.start(criterion)
    clients[0].close()
    connect("oxe1005").directory.start(criterion)


def test_an_administrator_cannot_search_for_an_unlicensed_user(connect):
    admin = connect("admin")
    body = {"filter": {"field": "lastName", "operation": "CONTAIN", "operand": "a"}}
    r = raw(admin, "POST", "/directory/search", params={"loginName": "oxe1012"}, json=body)
    assert r.status_code == 403 and "oxe1012" in r.json()["helpMessage"]
