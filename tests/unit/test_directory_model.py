"""Directory search model: criteria validation and matching, the search protocol, limits and idle timeout."""

from __future__ import annotations

import pytest

from o2gmentor.sim import scenario
from o2gmentor.sim.clock import VirtualClock
from o2gmentor.sim.model.directory import (
    Compound,
    CriterionError,
    Leaf,
    SearchLimitError,
    SearchRegistry,
    criterion_json,
    parse_criterion,
    search,
    site_contacts,
)
from o2gmentor.sim.model.site import Site


@pytest.fixture(scope="module")
def contacts():
    return site_contacts(Site(scenario.load("default")))


def names(found):
    return [c.get("lastName") for c in found]


@pytest.mark.parametrize("raw", [
    None, [], "lastName",
    {"field": "lastName", "operation": "BEGINS_WITH", "operand": "b"},  # SDK enum name, not the wire value
    {"field": "email", "operation": "CONTAIN", "operand": "b"},
    {"field": "lastName", "operation": "CONTAIN", "operand": ""},
    {"field": "lastName", "operation": "CONTAIN"},
    {"field": "lastName", "operation": "CONTAIN", "operand": True},
    {"operation": "AND", "operand": []},
    {"operation": "OR", "operand": {"field": "lastName"}},
    {"operation": "AND", "operand": [{"field": "lastName", "operation": "NOPE", "operand": "x"}]},
])
def test_bad_criteria_are_refused(raw):
    with pytest.raises(CriterionError):
        parse_criterion(raw)


def test_too_deep_a_filter_is_refused():
    raw = {"field": "lastName", "operation": "CONTAIN", "operand": "a"}
    for _ in range(12):
        raw = {"operation": "AND", "operand": [raw]}
    with pytest.raises(CriterionError, match="deeper"):
        parse_criterion(raw)


def test_criterion_round_trips_to_json():
    raw = {"operation": "OR", "operand": [{"field": "lastName", "operation": "BEGIN_WITH", "operand": "b"},
                                          {"field": "id.phoneNumber", "operation": "END_WITH", "operand": "12"}]}
    parsed = parse_criterion(raw)
    assert isinstance(parsed, Compound) and isinstance(parsed.operands[0], Leaf)
    assert criterion_json(parsed) == raw


@pytest.mark.parametrize(("field", "operation", "operand", "expected"), [
    ("lastName", "BEGIN_WITH", "b", ["Bernard", "Benali"]),
    ("lastName", "EQUAL_IGNORE_CASE", "MARTIN", ["Martin"]),
    ("lastName", "EQUAL_IGNORE_CASE", "Mart", []),
    ("firstName", "CONTAIN", "ar", ["Haddad", "Benali", "Diallo"]),  # Farid, Karim, Omar
    ("lastName", "END_WITH", "ER", ["Weber", "Keller"]),
    ("id.loginName", "EQUAL_IGNORE_CASE", "oxe1004", ["Moreau"]),
    ("lastName", "CONTAIN", "express", ["Transports Rhone Express"]),  # an outside contact
])
def test_leaf_matching(contacts, field, operation, operand, expected):
    assert names(search(contacts, parse_criterion({"field": field, "operation": operation, "operand": operand}))) \
        == expected


def test_phone_number_matches_users_and_externals(contacts):
    found = search(contacts, parse_criterion({"field": "id.phoneNumber", "operation": "BEGIN_WITH", "operand": "04"}))
    assert found == [{"id": {"phoneNumber": "0472000001"}, "type": {"main": "EXTERNAL"},
                      "displayName": "Transports Rhone Express", "lastName": "Transports Rhone Express"}]


def test_and_or(contacts):
    b = {"field": "lastName", "operation": "BEGIN_WITH", "operand": "b"}
    hugo = {"field": "firstName", "operation": "EQUAL_IGNORE_CASE", "operand": "hugo"}
    martin = {"field": "lastName", "operation": "EQUAL_IGNORE_CASE", "operand": "martin"}
    assert names(search(contacts, parse_criterion({"operation": "AND", "operand": [b, hugo]}))) == ["Bernard"]
    assert names(search(contacts, parse_criterion({"operation": "OR", "operand": [martin, hugo]}))) \
        == ["Martin", "Bernard"]


def test_user_party_info(contacts):
    found = search(contacts, parse_criterion({"field": "id.loginName", "operation": "EQUAL_IGNORE_CASE",
                                              "operand": "oxe1001"}))
    assert found == [{"id": {"loginName": "oxe1001", "phoneNumber": "1001"}, "firstName": "Alice",
                      "lastName": "Martin", "type": {"main": "USER"}, "displayName": "Alice Martin"}]


# ------------------------------------------------------------------------------ the protocol
def results(n):
    return [{"id": {"phoneNumber": str(i)}} for i in range(n)]


def test_protocol_nok_then_batches_then_finish():
    reg = SearchRegistry(VirtualClock())
    reg.start(("s1", "u"), "u", results(5), limit=2)
    assert reg.poll(("s1", "u")) == {"resultCode": "NOK"}
    sizes = []
    while (answer := reg.poll(("s1", "u")))["resultCode"] == "OK":
        sizes.append(len(answer["resultElements"][0]["contacts"]))
    assert sizes == [2, 2, 1]
    assert answer == {"resultCode": "FINISH"}
    assert reg.poll(("s1", "u")) == {"resultCode": "FINISH"}
    assert reg.live_count("u") == 0


def test_no_result_is_nok_then_finish():
    reg = SearchRegistry(VirtualClock())
    reg.start(("s1", "u"), "u", [])
    assert [reg.poll(("s1", "u"))["resultCode"] for _ in range(3)] == ["NOK", "FINISH", "FINISH"]


def test_without_limit_batches_are_at_most_100():
    reg = SearchRegistry(VirtualClock())
    reg.start(("s1", "u"), "u", results(150))
    reg.poll(("s1", "u"))
    assert len(reg.poll(("s1", "u"))["resultElements"][0]["contacts"]) == 100


def test_idle_search_times_out_after_a_minute():
    clock = VirtualClock()
    reg = SearchRegistry(clock)
    reg.start(("s1", "u"), "u", results(3), limit=1)
    reg.poll(("s1", "u"))
    clock.advance(59)
    assert reg.poll(("s1", "u"))["resultCode"] == "OK"  # polling keeps it alive
    clock.advance(59)
    assert reg.poll(("s1", "u"))["resultCode"] == "OK"
    clock.advance(61)
    assert reg.poll(("s1", "u")) == {"resultCode": "TIMEOUT"}
    assert reg.live_count("u") == 0


def test_at_most_five_live_searches_per_account():
    reg = SearchRegistry(VirtualClock())
    for i in range(5):
        reg.start((f"s{i}", "u"), "u", results(1))
    with pytest.raises(SearchLimitError, match="5 directory searches"):
        reg.start(("s5", "u"), "u", results(1))
    reg.start(("s0", "u"), "u", results(1))  # replacing one's own search is fine
    reg.start(("x", "other"), "other", results(1))  # another account is not affected
    assert reg.cancel(("s1", "u"))
    reg.start(("s5", "u"), "u", results(1))


def test_closing_a_session_frees_its_searches():
    reg = SearchRegistry(VirtualClock())
    reg.start(("admin-s", "oxe1001"), "admin", results(1))
    reg.start(("admin-s", "oxe1002"), "admin", results(1))
    reg.forget_session("admin-s")
    assert reg.poll(("admin-s", "oxe1001")) is None
    assert reg.live_count("admin") == 0
    assert not reg.cancel(("admin-s", "oxe1002"))
