"""Client facades for directory, phone-set programming and analytics, against a recording fake O2G."""

from __future__ import annotations

from datetime import date

import pytest

from o2gmentor.client.analytics import Analytics
from o2gmentor.client.directory import Directory, DirectorySearchError
from o2gmentor.client.phonesetprogramming import PhoneSetProgramming


class FakeO2G:
    """Answers requests from a script and records them."""

    login = "oxe1001"

    def __init__(self, answers=None) -> None:
        self.answers = list(answers or [])
        self.sent: list[tuple] = []

    def request(self, method, service, path="", *, json_body=None, params=None, expect_json=False):
        self.sent.append((method, service, path, json_body, {k: v for k, v in (params or {}).items()
                                                            if v is not None}))
        return self.answers.pop(0) if self.answers and method == "GET" else None

    def default_device(self, login=None):
        return "1001"


def test_search_polls_through_nok_and_batches_until_finish():
    o2g = FakeO2G([{"resultCode": "NOK"},
                   {"resultCode": "OK", "resultElements": [{"contacts": [{"id": {"phoneNumber": "1"}}]}]},
                   {"resultCode": "OK", "resultElements": [{"contacts": [{"id": {"phoneNumber": "2"}}]}]},
                   {"resultCode": "FINISH"}])
    found = Directory(o2g).search(Directory.criterion("lastName", "BEGIN_WITH", "b"), limit=1, pause=0)
    assert [c["id"]["phoneNumber"] for c in found] == ["1", "2"]
    assert o2g.sent[0] == ("POST", "directory", "/search", {"filter": {"field": "lastName", "operation": "BEGIN_WITH",
                                                                       "operand": "b"}, "limit": 1}, {})


def test_search_gives_up_after_max_polls_and_cancels():
    o2g = FakeO2G([{"resultCode": "NOK"}] * 3)
    with pytest.raises(DirectorySearchError, match="3 polls"):
        Directory(o2g).search(Directory.criterion("lastName", "CONTAIN", "x"), max_polls=3, pause=0)
    assert o2g.sent[-1][0] == "DELETE"


def test_search_reports_a_timeout():
    o2g = FakeO2G([{"resultCode": "TIMEOUT"}])
    with pytest.raises(DirectorySearchError, match="TIMEOUT"):
        Directory(o2g).search(Directory.criterion("lastName", "CONTAIN", "x"), login="oxe1002")
    assert o2g.sent[0][4] == {"loginName": "oxe1002"}


def test_analytics_dates_and_parameters():
    o2g = FakeO2G([{"files": []}, {"chargings": []}, {"chargings": []}])
    a = Analytics(o2g)
    a.charging_files(1, date(2026, 3, 1), "20260302")
    a.chargings(1, date(2026, 3, 1), date(2026, 3, 2), top=3, all=True)
    a.chargings(1, files=["tax1_20260301_09", "tax1_20260301_10"])
    assert [s[4] for s in o2g.sent] == [
        {"nodeId": 1, "fromDate": "20260301", "toDate": "20260302"},
        {"nodeId": 1, "top": 3, "all": "true", "fromDate": "20260301", "toDate": "20260302"},
        {"nodeId": 1, "files": "tax1_20260301_09,tax1_20260301_10"},
    ]


def test_phone_set_switches_send_activate_without_a_body():
    o2g = FakeO2G()
    ps = PhoneSetProgramming(o2g)
    ps.lock()
    ps.camp_on(False, login="oxe1002", device_id="1002")
    ps.remote_extension(True)
    assert o2g.sent == [
        ("PUT", "phonesetprogramming", "/oxe1001/devices/1001/lock", None, {"activate": "true"}),
        ("PUT", "phonesetprogramming", "/oxe1002/devices/1002/campon", None, {"activate": "false"}),
        ("PUT", "phonesetprogramming", "/oxe1001/devices/1001/REActive", None, {"activate": "true"}),
    ]
