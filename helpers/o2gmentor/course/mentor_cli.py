"""The mentor's commands of ``o2gmentor``: pool, engagement, acceptance, report, slides, schedule.

Every logbook command takes ``--logbook PATH`` (else ``O2G_LOGBOOK``, else the per-user state folder).
Refused input prints ``error: …`` and exits 1 (``o2gmentor.cli.main`` turns the ``LogbookError`` into it);
a usage mistake exits 2 (argparse).
"""

from __future__ import annotations

import argparse
import functools
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from o2gmentor.course.logbook import Logbook, LogbookError


def _book(args: argparse.Namespace) -> Logbook:
    return Logbook(getattr(args, "logbook", None))


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A logbook that is not a logbook (or cannot be opened) is a clear error, not a traceback."""
    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except sqlite3.Error as exc:
            raise LogbookError(f"the logbook {_book(args).path} cannot be used: {exc}") from None
    return run


# ---------------------------------------------------------------------------------------------- pool
def _pool(args: argparse.Namespace) -> int:
    book = _book(args)
    if args.pool_action == "add":
        status = book.pool.add(args.half_hours, developer=args.developer, topic=args.topic, lesson=args.lesson or "",
                               on=args.date, overdraw=args.overdraw)
        print(f"logged {args.half_hours} half-hour(s) for {args.developer} ({args.topic})")
    elif args.pool_action == "topup":
        status = book.pool.topup(args.days, note=args.note or "")
        print(f"added {args.days} day(s) to the support pool")
    else:
        status = book.pool.status()
    print(status)
    if args.pool_action is None and args.entries:
        for e in status.entries:
            print(f"  {e['on_date']}  {e['half_hours']:>2} × ½h  {e['developer']:<14} {e['topic']}"
                  + (f" (lesson/question: {e['lesson']})" if e["lesson"] else "") + ("  OVERDRAW" if e["overdraw"]
                                                                                    else ""))
    return 0


# ---------------------------------------------------------------------------------------------- engagement
def _engagement(args: argparse.Namespace) -> int:
    from o2gmentor.course.engagement import PARTIES, Day

    book = _book(args)
    action = args.engagement_action
    if action == "set":
        book.engagement.set(customer=args.customer, partner=args.partner, integration=args.integration,
                            mentor=args.mentor, ordered=args.ordered, day_half_hours=args.day_half_hours,
                            warn_at=args.warn_at)
    elif action == "day":
        (book.engagement.deliver_day if args.delivered else book.engagement.plan_day)(
            args.number, args.start, args.end, note=args.note)
    elif action == "developer":
        book.engagement.add_developer(*args.names)
    elif action == "matrix" and args.activity:
        if not (args.party and args.role):
            raise LogbookError("usage: o2gmentor engagement matrix ACTIVITY PARTY ROLE (e.g. Licensing partner R)")
        book.engagement.set_role(args.activity, args.party, "" if args.role == "-" else args.role)
    elif action == "point":
        print(f"open point #{book.open_point(' '.join(args.text))}")
    elif action == "close-point":
        book.close_point(args.number)
    info = book.engagement.get()
    print(f"Customer: {info.customer or '—'} · partner: {info.partner or '—'} · ALE expert: {info.mentor or '—'}")
    print(f"O2G integration: {info.integration or '—'}")
    print(f"Ordered: {info.ordered or '—'} · support pool: {info.day_half_hours} half-hours a day, "
          f"warning at {info.warn_at} left")
    for day in info.days:
        print(f"Day {day.number} ({day.phase}): planned {Day.show(day.planned)} · delivered {Day.show(day.delivered)}")
    print(f"Developers: {', '.join(info.developers) or '—'}")
    table, example = book.engagement.matrix()
    print("Responsibility matrix" + (" (EXAMPLE — agree it with the customer)" if example else "") + ":")
    print("  " + "".ljust(40) + "".join(p.ljust(10) for p in PARTIES))
    for activity, parties in table.items():
        print("  " + activity.ljust(40) + "".join((parties.get(p) or "-").ljust(10) for p in PARTIES))
    for point in book.open_points():
        print(f"Open point #{point['id']}: {point['text']}")
    return 0


# ---------------------------------------------------------------------------------------------- acceptance
def _acceptance(args: argparse.Namespace) -> int:
    book = _book(args)
    action = args.acceptance_action
    if action == "notify":
        book.acceptance.notify_completion(args.date)
    elif action == "comment":
        book.acceptance.comment(" ".join(args.text))
    elif action == "reserve":
        print(f"reservation R{book.acceptance.reserve(' '.join(args.text))}")
    elif action == "lift":
        book.acceptance.lift(args.number)
    elif action == "sign":
        book.acceptance.sign(args.by, args.date)
    elif action == "survey":
        ratings = {}
        for item in args.rating:
            key, _, value = item.partition("=")
            if not value.strip().isdigit():
                raise LogbookError(f"--rating {item!r}: QUESTION=1..5, e.g. overall=5")
            ratings[key.strip()] = int(value)
        print(f"survey answer #{book.acceptance.fill_survey(ratings, args.comments or '', args.respondent or '')}")
    print(book.acceptance.status(args.today))
    return 0


# ---------------------------------------------------------------------------------------------- report
def _report(args: argparse.Namespace) -> int:
    from o2gmentor.course import report

    for path in report.write(_book(args), args.output, pdf=args.pdf):
        print(f"wrote {path}")
    return 0


# ---------------------------------------------------------------------------------------------- slides, schedule
def _slides(args: argparse.Namespace) -> int:
    from o2gmentor.course import slides

    problems = slides.run(check=args.check, force=args.force)
    for line in problems:
        print(line, file=sys.stderr if args.check else sys.stdout)
    if args.check:
        print("every lesson has slide metadata" if not problems else f"{len(problems)} lesson(s) without it "
              "(run `o2gmentor slides`)")
        return 1 if problems else 0
    return 0


def _schedule(args: argparse.Namespace) -> int:
    from o2gmentor.course import schedule

    target = Path(args.output) if args.output else None
    written, problems = schedule.run(target, check=args.check)
    for line in problems:
        print(f"error: {line}", file=sys.stderr)
    if args.check:
        print("the schedule is in step with the lessons and fits" if not problems else "out of step or too long")
    else:
        print(f"wrote {written}")
    return 1 if problems else 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the mentor's subcommands to the ``o2gmentor`` parser."""
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--logbook", default=argparse.SUPPRESS, metavar="PATH",
                       help="the logbook file (default: O2G_LOGBOOK, else the per-user state folder)")

    pool = sub.add_parser("pool", parents=[where], help="support pool: how much support time is left (add, topup)",
                          description="Without an action: the pool's status — used, left, per developer and topic.")
    pool.add_argument("--entries", action="store_true", help="list every entry too")
    pool_sub = pool.add_subparsers(dest="pool_action")
    add = pool_sub.add_parser("add", parents=[where], help="log support time in half-hours")
    add.add_argument("half_hours", type=int, metavar="HALF_HOURS", help="number of half-hour periods (1 = 30 min)")
    add.add_argument("--developer", required=True, help="who was helped (registered with `engagement developer`)")
    add.add_argument("--topic", required=True, help="what it was about")
    add.add_argument("--lesson", default=None, help="the lesson or the question")
    add.add_argument("--date", default=None, help="YYYY-MM-DD (default today)")
    add.add_argument("--overdraw", action="store_true", help="record it even if the pool goes below zero")
    topup = pool_sub.add_parser("topup", parents=[where], help="the customer buys more support days")
    topup.add_argument("days", type=int, nargs="?", default=1, metavar="DAYS", help="default 1")
    topup.add_argument("--note", default=None, help="e.g. the order reference")
    pool.set_defaults(func=_guarded(_pool))

    eng = sub.add_parser("engagement", parents=[where], help="the engagement: customer, partner, days, matrix")
    eng_sub = eng.add_subparsers(dest="engagement_action")
    set_ = eng_sub.add_parser("set", parents=[where], help="customer, partner, integration, order date, pool size")
    for name in ("customer", "partner", "integration", "mentor"):
        set_.add_argument(f"--{name}", default=None)
    set_.add_argument("--ordered", default=None, help="the order date, YYYY-MM-DD")
    set_.add_argument("--day-half-hours", type=int, default=None, help="half-hours in one support day (default 18)")
    set_.add_argument("--warn-at", type=int, default=None, help="warn when this many half-hours are left (default 2)")
    day = eng_sub.add_parser("day", parents=[where], help="plan (or --delivered) one of the three days",
                             description="Times in ISO 8601 with an offset (no offset: UTC+1), within "
                                         "09:00–18:00 UTC+1, at least three weeks after the order.")
    day.add_argument("number", type=int, choices=(1, 2, 3))
    day.add_argument("start", help="e.g. 2025-03-10T09:00+01:00")
    day.add_argument("end", help="e.g. 2025-03-10T17:00+01:00")
    day.add_argument("--delivered", action="store_true", help="record the delivered session (default: planned)")
    day.add_argument("--note", default=None)
    dev = eng_sub.add_parser("developer", parents=[where], help="register the partner's developers")
    dev.add_argument("names", nargs="+", metavar="NAME")
    matrix = eng_sub.add_parser("matrix", parents=[where], help="show, or set one role of the responsibility matrix")
    matrix.add_argument("activity", nargs="?", help="e.g. Licensing")
    matrix.add_argument("party", nargs="?", help="customer, partner or ALE")
    matrix.add_argument("role", nargs="?", help="R, V, RV or - (none)")
    point = eng_sub.add_parser("point", parents=[where], help="note an open point for the report")
    point.add_argument("text", nargs="+")
    close = eng_sub.add_parser("close-point", parents=[where], help="an open point is settled")
    close.add_argument("number", type=int)
    eng.set_defaults(func=_guarded(_engagement))

    acc = sub.add_parser("acceptance", parents=[where], help="acceptance form: notify, comment, reserve, sign, survey")
    acc.add_argument("--today", default=None, help=argparse.SUPPRESS)
    acc_sub = acc.add_subparsers(dest="acceptance_action")
    notify = acc_sub.add_parser("notify", parents=[where], help="completion notified (the ten days start)")
    notify.add_argument("--date", default=None)
    comment = acc_sub.add_parser("comment", parents=[where], help="the customer's comments")
    comment.add_argument("text", nargs="+")
    reserve = acc_sub.add_parser("reserve", parents=[where], help="a reservation of the customer")
    reserve.add_argument("text", nargs="+")
    lift = acc_sub.add_parser("lift", parents=[where], help="a reservation is lifted")
    lift.add_argument("number", type=int)
    sign = acc_sub.add_parser("sign", parents=[where], help="the customer signs the form")
    sign.add_argument("--by", required=True)
    sign.add_argument("--date", default=None)
    survey = acc_sub.add_parser("survey", parents=[where], help="one survey answer: --rating QUESTION=1..5 …")
    survey.add_argument("--rating", action="append", default=[], metavar="QUESTION=N",
                        help="expertise, material, fit, support, overall")
    survey.add_argument("--comments", default=None)
    survey.add_argument("--respondent", default=None)
    acc.set_defaults(func=_guarded(_acceptance))

    rep = sub.add_parser("report", parents=[where], help="write the status report (HTML; --pdf too)")
    rep.add_argument("--pdf", action="store_true", help="also print it to PDF with headless Chromium")
    rep.add_argument("--output", default=".", metavar="DIR", help="folder to write to (default: here)")
    rep.set_defaults(func=_guarded(_report))

    sl = sub.add_parser("slides", help="give every lesson's cells slide metadata (RISE); --check only verifies")
    sl.add_argument("--check", action="store_true")
    sl.add_argument("--force", action="store_true", help="recompute every cell's slide type, even hand-set ones")
    sl.set_defaults(func=_slides)

    sch = sub.add_parser("schedule", help="write mentors/schedule.md from the lessons' metadata; --check verifies")
    sch.add_argument("--check", action="store_true")
    sch.add_argument("--output", default=None, help="default: mentors/schedule.md in the course folder")
    sch.set_defaults(func=_schedule)
