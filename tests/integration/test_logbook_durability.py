"""No entry is lost when several processes write the logbook at once, or when one dies in the middle of a write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from o2gmentor.course.logbook import Logbook

pytestmark = pytest.mark.timeout(120)


def start(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


WRITER = """
import sys
from o2gmentor.course.logbook import Logbook, LogbookError
from o2gmentor.course import progress
path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
book = Logbook(path)
refused = 0
for i in range(count):
    try:
        book.pool.add(1, developer=name, topic=f"{name}-{i}")
    except LogbookError:
        refused += 1
    book.progress.record("exercise", f"{name}-{i}", "passed", trainee_name=name)
print(refused)
"""


def prepared(tmp_path, developers: list[str], days: int) -> Logbook:
    book = Logbook(tmp_path / "shared.sqlite")
    book.engagement.set(customer="Bluewave", day_half_hours=10)
    book.engagement.add_developer(*developers)
    if days > 1:
        book.pool.topup(days - 1)
    return book


def test_concurrent_writers_in_several_processes_lose_nothing(tmp_path):
    names = [f"dev{n}" for n in range(4)]
    book = prepared(tmp_path, names, days=20)  # 200 half-hours: enough for everyone
    writers = [start(WRITER, str(book.path), name, "30") for name in names]
    outputs = [w.communicate(timeout=90) for w in writers]
    assert all(w.returncode == 0 for w in writers), [err for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == ["0"] * 4
    status = book.pool.status()
    assert status.used == 120 and len(status.entries) == 120
    assert status.by_developer == {name: 30 for name in names}
    assert {e["topic"] for e in status.entries} == {f"{n}-{i}" for n in names for i in range(30)}
    assert {t: len(p["passed"]) for t, p in book.progress.summary().items()} == {name: 30 for name in names}


def test_racing_writers_never_take_the_pool_below_zero(tmp_path):
    names = [f"dev{n}" for n in range(4)]
    book = prepared(tmp_path, names, days=1)  # 10 half-hours for 40 attempts
    writers = [start(WRITER, str(book.path), name, "10") for name in names]
    outputs = [w.communicate(timeout=90) for w in writers]
    assert all(w.returncode == 0 for w in writers), [err for _, err in outputs]
    refused = sum(int(out.strip()) for out, _ in outputs)
    status = book.pool.status()
    assert (status.used, status.left, refused) == (10, 0, 30)
    assert not any(e["overdraw"] for e in status.entries)


KILLED_MID_TRANSACTION = """
import sys, time
from o2gmentor.course.logbook import Logbook
book = Logbook(sys.argv[1])
with book.write() as conn:
    for i in range(500):
        conn.execute("INSERT INTO pool_entries (on_date, half_hours, developer, topic, lesson, recorded) "
                     "VALUES ('2025-03-26', 1, 'Camille', 'never committed', '', 'now')")
    print("in the middle", flush=True)
    time.sleep(60)
"""


def test_a_writer_killed_mid_transaction_loses_only_its_own_change(tmp_path):
    book = prepared(tmp_path, ["Camille"], days=100)
    for i in range(5):
        book.pool.add(1, developer="Camille", topic=f"committed {i}")
    victim = start(KILLED_MID_TRANSACTION, str(book.path))
    assert victim.stdout.readline().strip() == "in the middle"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    assert victim.returncode == -signal.SIGKILL

    reopened = Logbook(book.path)
    status = reopened.pool.status()
    assert [e["topic"] for e in status.entries] == [f"committed {i}" for i in range(5)]
    assert status.used == 5
    began = time.monotonic()
    reopened.pool.add(1, developer="Camille", topic="after the crash")
    assert time.monotonic() - began < 5, "the dead writer's lock must not linger"
    import sqlite3

    with sqlite3.connect(book.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


KILLED_WHILE_WRITING = """
import sys
from o2gmentor.course.logbook import Logbook
book = Logbook(sys.argv[1])
i = 0
while True:
    book.pool.add(1, developer="Camille", topic=f"loop {i}")
    print(i, flush=True)
    i += 1
"""


def test_a_writer_killed_at_any_moment_keeps_every_committed_entry(tmp_path):
    book = prepared(tmp_path, ["Camille"], days=1000)
    victim = start(KILLED_WHILE_WRITING, str(book.path))
    reported = []
    while len(reported) < 40:
        reported.append(int(victim.stdout.readline()))
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    topics = [e["topic"] for e in Logbook(book.path).pool.status().entries]
    assert topics[:len(reported)] == [f"loop {i}" for i in reported], "every reported entry is there, in order"
    assert len(topics) - len(reported) <= 2, "at most the entries committed after the last report"
    assert topics == [f"loop {i}" for i in range(len(topics))], "no partial or duplicated entry"
