"""History does not slow the simulator down: per-user views cost O(that user's data), and history is bounded.

Timings are ratios measured in the same test (the same machine, the same moment), never absolute times.
"""

from __future__ import annotations

import time

from o2gmentor.sim.model import comlog as comlog_module
from o2gmentor.sim.model import history as history_module
from o2gmentor.sim.model import voicemail as voicemail_module
from o2gmentor.sim.model.history import Participation
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load


def cycles(pbx: Pbx, n: int) -> float:
    """Seconds for ``n`` make + decline cycles (each leaves a missed call: the event summary moves)."""
    start = time.perf_counter()
    for _ in range(n):
        ref = pbx.calls.make_call("1001", "1002")
        pbx.calls.drop_me(ref, "1001")
    return time.perf_counter() - start


def best_of(pbx: Pbx, n: int, repeats: int = 3) -> float:
    return min(cycles(pbx, n) for _ in range(repeats))


def old_records(pbx: Pbx, count: int) -> None:
    """``count`` finished calls of other users, as if the site had been busy for days."""
    logins = [u for u in pbx.site.users if u not in ("oxe1001", "oxe1002")]
    for i in range(count):
        login = logins[i % len(logins)]
        pbx.comlog.add(Participation(login=login, device=pbx.site.users[login].devices[0].id, call_ref=f"{i:016x}",
                                     role="CALLEE", begin=float(i), end=float(i) + 5, first_peers=["1001"]))


def test_a_call_costs_the_same_after_thousands_of_records_of_the_site():
    # each cycle publishes the callee's event summary: before the fix it walked every record of the site
    pbx = Pbx(load("default"), with_history=False)
    cycles(pbx, 50)  # warm up
    before = best_of(pbx, 150)
    old_records(pbx, 15_000)
    after = best_of(pbx, 150)
    assert after / before < 2.5, f"a call got {after / before:.1f}× slower with 15 000 records of other users"


def test_missed_counts_stay_right_through_acknowledge_delete_and_retention(monkeypatch):
    monkeypatch.setattr(comlog_module, "MAX_RECORDS_PER_USER", 30)
    monkeypatch.setattr(comlog_module, "MAX_RECORDS", 100)
    pbx = Pbx(load("default"), with_history=False)
    cycles(pbx, 40)
    log = pbx.comlog
    mine = log.query("oxe1002")
    assert len(mine) == 30, "a user keeps the newest MAX_RECORDS_PER_USER records"
    assert len(log.records) == 60, "the site keeps at most MAX_RECORDS"
    assert [r.record_id for r in mine] == sorted((r.record_id for r in mine), reverse=True)
    assert mine[0].record_id == max(r.record_id for r in log.records.values()), "the newest are kept"

    def brute(login: str) -> int:
        return sum(1 for r in log.records.values() if r.login == login and r.missed and not r.acknowledged)

    assert log.missed_count("oxe1002") == brute("oxe1002") == 30
    assert pbx.event_summary("oxe1002")["missedCallsNb"] == 30
    log.acknowledge("oxe1002", [mine[0].record_id, mine[0].record_id, mine[1].record_id], True)
    assert log.missed_count("oxe1002") == brute("oxe1002") == 28
    log.acknowledge("oxe1002", [mine[0].record_id], False)
    assert log.missed_count("oxe1002") == brute("oxe1002") == 29
    log.delete("oxe1002", [mine[2].record_id, mine[2].record_id, mine[3].record_id])
    assert log.missed_count("oxe1002") == brute("oxe1002") == 27
    assert log.delete("oxe1001", [mine[4].record_id]) == [], "nobody deletes another user's record"
    cycles(pbx, 20)  # retention drops the oldest, acknowledged or not, and the count follows
    assert log.missed_count("oxe1002") == brute("oxe1002")
    assert len(log.query("oxe1002")) == 30


def test_the_site_wide_cap_drops_the_oldest_records_of_any_user(monkeypatch):
    monkeypatch.setattr(comlog_module, "MAX_RECORDS", 100)
    pbx = Pbx(load("default"), with_history=False)
    old_records(pbx, 300)
    assert len(pbx.comlog.records) == 100
    assert min(pbx.comlog.records) == 201, "the oldest records went first"
    assert sum(len(pbx.comlog.query(login)) for login in pbx.site.users) == 100


def test_call_history_for_charging_is_bounded(monkeypatch):
    monkeypatch.setattr(history_module, "MAX_ENDED", 25)
    pbx = Pbx(load("default"), with_history=False)
    cycles(pbx, 30)
    assert len(pbx.calls.history.ended) == 25


def test_a_mailbox_keeps_its_newest_messages_and_its_own_count(monkeypatch):
    monkeypatch.setattr(voicemail_module, "MAX_MESSAGES", 5)
    pbx = Pbx(load("default"), with_history=False)
    for i in range(8):
        pbx.voicemail.deposit("oxe1002", "1001", 10, float(i))
    pbx.voicemail.deposit("oxe1003", "1001", 10, 99.0)
    mine = pbx.voicemail.of("oxe1002")
    assert [m.date for m in mine] == [7.0, 6.0, 5.0, 4.0, 3.0]
    assert pbx.voicemail.unread_count("oxe1002") == 5 and pbx.voicemail.unread_count("oxe1003") == 1
    pbx.voicemail.mark_read(mine[0])
    pbx.voicemail.delete("oxe1002", [mine[1].message_id, mine[1].message_id, "nope"])
    assert pbx.event_summary("oxe1002")["voiceMessagesNb"] == 3
    assert pbx.voicemail.info("oxe1002") == {"totalVoiceMsg": 4, "newVoiceMsg": 3, "storageUsage": 4}
