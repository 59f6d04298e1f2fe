"""The mentoring pack's deliverable: one self-contained, printable HTML status report (and a PDF of it).

Inline CSS only — no JavaScript, no external URL — so it opens offline, mails as one file and prints well.
``o2gmentor report [--pdf] [--output DIR]``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from o2gmentor.course.acceptance import SURVEY, AcceptanceStatus
from o2gmentor.course.engagement import PARTIES, PARTY_NAMES, PHASES, Day
from o2gmentor.course.lessons import PHASE_NAMES, lessons, phase_of
from o2gmentor.course.logbook import Logbook, LogbookError
from o2gmentor.course.pool import PoolStatus, hours

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 "Segoe UI", "Helvetica Neue", Arial, "Noto Sans", sans-serif; color: #1d2430;
       margin: 0 auto; max-width: 190mm; padding: 10mm 0; -webkit-print-color-adjust: exact;
       print-color-adjust: exact; }
header { border-bottom: 3px solid #5b2d8e; padding-bottom: 8px; margin-bottom: 14px; }
header .kicker { color: #5b2d8e; font-weight: 600; letter-spacing: .06em; text-transform: uppercase;
                 font-size: 8.5pt; }
h1 { font-size: 20pt; margin: 2px 0 4px; }
header .who { color: #4a5363; }
h2 { font-size: 13pt; color: #5b2d8e; border-bottom: 1px solid #d9d2e6; padding-bottom: 2px; margin: 20px 0 8px;
     break-after: avoid; }
h3 { font-size: 11pt; margin: 10px 0 4px; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 9.5pt; }
th, td { text-align: left; vertical-align: top; padding: 4px 7px; border-bottom: 1px solid #e3e6ea; }
th { background: #f3f0f8; font-weight: 600; }
tr { break-inside: avoid; }
.cards { display: flex; gap: 10px; margin: 10px 0 4px; }
.card { flex: 1; border: 1px solid #e3e6ea; border-radius: 6px; padding: 8px 10px; }
.card .label { color: #4a5363; font-size: 8.5pt; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 15pt; font-weight: 700; }
.ok { color: #2e7d32; } .warn { color: #8d6e00; } .bad { color: #c62828; } .muted { color: #6b7280; }
.bar { height: 10px; background: #e8f5e9; border-radius: 5px; overflow: hidden; margin: 4px 0 2px; }
.bar div { height: 100%; background: #5b2d8e; }
.alert { border-left: 5px solid #c62828; background: #ffebee; padding: 6px 10px; margin: 6px 0; font-weight: 600; }
.alert.warn { border-color: #8d6e00; background: #fff8e1; color: #5f4a00; }
.note { font-size: 9pt; color: #4a5363; font-style: italic; }
.role { font-weight: 700; text-align: center; }
.tag { display: inline-block; border-radius: 3px; padding: 0 5px; font-size: 8.5pt; background: #eef0f3; margin: 1px; }
.tag.pass { background: #e8f5e9; color: #2e7d32; }
.signature { display: flex; gap: 20px; margin-top: 12px; }
.signature div { flex: 1; border-top: 1px solid #1d2430; padding-top: 4px; font-size: 9pt; color: #4a5363;
                 margin-top: 26px; }
footer { margin-top: 22px; border-top: 1px solid #e3e6ea; padding-top: 6px; font-size: 8.5pt; color: #6b7280; }
.checklist table { font-size: 9pt; }
section { break-inside: auto; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value if value is not None else ""))


def _table(headers: list[str], rows: list[list[str]], empty: str = "nothing recorded yet") -> str:
    if not rows:
        return f"<p class='muted'>{_e(empty)}</p>"
    head = f"<thead><tr>{''.join(f'<th>{h}</th>' for h in headers)}</tr></thead>" if any(headers) else ""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{head}<tbody>{body}</tbody></table>"


def _phases(book: Logbook, days: list[Day]) -> str:
    titles = {lesson.id: lesson.title for lesson in lessons()}
    ran = book.progress.lessons_run()
    by_phase: dict[int, list[str]] = {}
    for lesson_id, dates in sorted(ran.items()):
        phase = phase_of(lesson_id)
        if phase is None or lesson_id.startswith("9"):
            continue
        label = f"<b>{_e(lesson_id)}</b> {_e(titles.get(lesson_id, ''))} <span class='muted'>({_e(dates[0])}" \
                f"{' …' if len(dates) > 1 else ''})</span>"
        by_phase.setdefault(max(phase, 1), []).append(label)
    rows = []
    for day in days:
        done = day.delivered is not None
        state = "<span class='ok'>✔ delivered</span>" if done else "<span class='muted'>planned</span>" \
            if day.planned else "<span class='muted'>not planned</span>"
        rows.append([f"<b>Day {day.number}</b><br>{_e(day.phase)}", _e(Day.show(day.planned)),
                     _e(Day.show(day.delivered)) + f"<br>{state}",
                     "<br>".join(by_phase.get(day.number, [])) or "<span class='muted'>—</span>"])
    return _table(["Day · phase", "Planned", "Delivered", "Lessons run (first run)"], rows)


def _trainees(book: Logbook) -> str:
    rows = []
    for name, person in book.progress.summary().items():
        passed = " ".join(f"<span class='tag pass'>✓ {_e(k)}</span>" for k in person["passed"])
        pending = " ".join(f"<span class='tag'>{_e(k)}</span>" for k in person["not_passed"])
        rows.append([f"<b>{_e(name)}</b>", _e(", ".join(person["lessons"]) or "—"),
                     f"{len(person['passed'])}<br>{passed}", pending or "<span class='muted'>—</span>"])
    return _table(["Trainee", "Lessons run", "Exercises passed", "Tried, not passed yet"], rows,
                  "no progress recorded yet (the course records it when trainees run lessons and checks)")


def _pool(status: PoolStatus) -> str:
    share = 0 if status.total <= 0 else max(0, min(100, round(100 * status.used / status.total)))
    tone = "bad" if status.left <= 0 else "warn" if status.warning else "ok"
    alert = f"<div class='alert{' warn' if status.left > 0 else ''}'>⚠ {_e(status.warning_text)}</div>" \
        if status.warning_text else ""
    summary = (f"<p><b class='{tone}'>{status.left} of {status.total} half-hours left</b> "
               f"({_e(hours(status.left))} of {_e(hours(status.total))}) · used {status.used} "
               f"({_e(hours(status.used))}) · {status.days} day(s) of {status.day_half_hours} half-hours</p>"
               f"<div class='bar'><div style='width:{share}%'></div></div>{alert}")
    per_dev = _table(["Developer", "Half-hours"], [[_e(k), str(v)] for k, v in status.by_developer.items()])
    per_topic = _table(["Topic", "Half-hours"], [[_e(k), str(v)] for k, v in status.by_topic.items()])
    entries = _table(["Date", "Half-hours", "Developer", "Topic", "Lesson / question"],
                     [[_e(e["on_date"]), str(e["half_hours"]) + (" <span class='bad'>overdraw</span>"
                                                                if e["overdraw"] else ""),
                       _e(e["developer"]), _e(e["topic"]), _e(e["lesson"])] for e in status.entries],
                     "no support time used yet")
    return (f"{summary}<div class='cards'><div class='card' style='padding:4px 8px'><h3>Per developer</h3>{per_dev}"
            f"</div><div class='card' style='padding:4px 8px'><h3>Per topic</h3>{per_topic}</div></div>"
            f"<h3>Entries</h3>{entries}")


def _open_points(book: Logbook, acceptance: AcceptanceStatus) -> str:
    rows = [[f"#{p['id']}", "Open point", _e(p["text"]), _e(p["raised"][:10])] for p in book.open_points()]
    rows += [[f"R{r['id']}", "Reservation", _e(r["text"]), _e(r["raised"][:10])]
             for r in acceptance.open_reservations]
    return _table(["#", "Kind", "What", "Since"], rows, "no open point and no reservation")


def _matrix(book: Logbook) -> str:
    table, example = book.engagement.matrix()
    rows = [[_e(activity)] + [f"<span class='role'>{_e(parties.get(p, '')) or '—'}</span>" for p in PARTIES]
            for activity, parties in table.items()]
    note = ("<p class='note'>This is an <b>example</b> matrix: agree the real one with the customer and record it "
            "(<code>o2gmentor engagement matrix ACTIVITY PARTY ROLE</code>).</p>") if example else ""
    return _table(["Activity"] + [PARTY_NAMES[p] for p in PARTIES], rows) + \
        "<p class='note'>R = responsible · V = validates</p>" + note


def _checklist(book: Logbook) -> str:
    stored = book.checklist()
    if stored is None:
        return "<p class='muted'>No checklist stored (lesson 11's installation worksheet: " \
               "<code>book.store_checklist(worksheet.checklist())</code>).</p>"
    markup = stored["html"]
    if markup and not re.search(r"<\s*(script|iframe|object|embed|link)|\son\w+\s*=|javascript:", markup, re.I):
        body = markup
    else:
        body = f"<pre style='white-space:pre-wrap'>{_e(stored['markdown'])}</pre>"
    return f"<div class='checklist'>{body}<p class='note'>Stored {_e(stored['stored'][:10])}.</p></div>"


def _acceptance(book: Logbook, status: AcceptanceStatus) -> str:
    tone = "ok" if status.accepted else "warn"
    lines = [f"<p><b class='{tone}'>{_e(status.state)}</b></p>"]
    if status.comments:
        lines.append(f"<p><b>Comments:</b> {_e(status.comments)}</p>")
    if status.reservations:
        lines.append(_table(["#", "Reservation", "Raised", "Lifted"],
                            [[f"R{r['id']}", _e(r["text"]), _e(r["raised"][:10]), _e((r["lifted"] or "—")[:10])]
                             for r in status.reservations]))
    answers = book.acceptance.survey()
    if answers:
        rows = []
        for key, question in SURVEY.items():
            values = [a["ratings"][key] for a in answers if key in a["ratings"]]
            mean = sum(values) / len(values)
            rows.append([_e(question), f"<b>{mean:.1f}</b> / 5", "●" * round(mean) + "○" * (5 - round(mean))])
        lines.append(f"<h3>Satisfaction survey ({len(answers)} answer(s))</h3>")
        lines.append(_table(["Question", "Average", ""], rows))
        said = [a for a in answers if a["comments"]]
        for answer in said:
            who = f" — {_e(answer['respondent'])}" if answer["respondent"] else ""
            lines.append(f"<blockquote style='margin:4px 0 4px 10px;font-style:italic'>“{_e(answer['comments'])}”"
                         f"{who}</blockquote>")
    else:
        lines.append("<p class='muted'>Satisfaction survey: no answer yet.</p>")
    lines.append("<div class='signature'><div>Customer: name, date, signature</div>"
                 "<div>ALE expert: name, date, signature</div></div>")
    return "".join(lines)


def render(book: Logbook, today: date | None = None) -> str:
    """The status report as one self-contained HTML document."""
    today = today or date.today()
    info = book.engagement.get()
    status = book.pool.status()
    acceptance = book.acceptance.status(today)
    delivered = sum(1 for d in info.days if d.delivered)
    trainees = book.progress.summary()
    passed = sum(len(p["passed"]) for p in trainees.values())
    pool_tone = "bad" if status.left <= 0 else "warn" if status.warning else "ok"
    title = f"O2G mentoring — status report · {info.customer or 'customer'}"
    cards = (f"<div class='cards'>"
             f"<div class='card'><div class='label'>Mentoring days</div><div class='value'>{delivered} / 3</div>"
             f"delivered</div>"
             f"<div class='card'><div class='label'>Support pool</div><div class='value {pool_tone}'>"
             f"{status.left} / {status.total}</div>half-hours left</div>"
             f"<div class='card'><div class='label'>Exercises passed</div><div class='value'>{passed}</div>"
             f"{len(trainees)} trainee(s)</div>"
             f"<div class='card'><div class='label'>Acceptance</div>"
             f"<div class='value {'ok' if acceptance.accepted else ''}'>"
             f"{'accepted' if acceptance.accepted else 'open'}</div>"
             f"{'signed' if acceptance.signed_on else 'by default' if acceptance.accepted else 'not yet'}</div>"
             f"</div>")
    facts = _table(["", ""], [
        ["<b>Customer</b>", _e(info.customer or "—")], ["<b>Business partner</b>", _e(info.partner or "—")],
        ["<b>O2G integration</b>", _e(info.integration or "—")], ["<b>ALE expert</b>", _e(info.mentor or "—")],
        ["<b>Ordered</b>", _e(info.ordered or "—") + " <span class='muted'>(days at least three weeks later; remote, "
                                               "09:00–18:00 UTC+1)</span>"],
        ["<b>Developers</b>", _e(", ".join(info.developers) or "—")]])
    sections = [
        ("1. Engagement", facts),
        ("2. Phases covered", _phases(book, info.days)),
        ("3. Exercises passed per trainee", _trainees(book)),
        ("4. Support time", _pool(status)),
        ("5. Open points and reservations", _open_points(book, acceptance)),
        ("6. Responsibility matrix", _matrix(book)),
        ("7. Prerequisites checklist (day one)", _checklist(book)),
        ("8. Acceptance and satisfaction", _acceptance(book, acceptance)),
    ]
    body = "".join(f"<section><h2>{_e(name)}</h2>{content}</section>" for name, content in sections)
    phases = " · ".join(f"{n} {PHASES[n]}" for n in PHASES)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{CSS}</style></head><body>"
            f"<header><div class='kicker'>ALE OmniPCX Open Gateway · Mentoring Service Pack</div>"
            f"<h1>Status report</h1><div class='who'><b>{_e(info.customer or 'Customer')}</b>"
            f"{' with ' + _e(info.partner) if info.partner else ''} · report of {today:%d %B %Y}</div>"
            f"<div class='muted' style='font-size:9pt'>Phases: {_e(phases)} (course phase 0: "
            f"{_e(PHASE_NAMES[0])})</div></header>{cards}{body}"
            f"<footer>Produced by O2G Mentor from the mentor's logbook on "
            f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}. Progress is recorded locally by the course; "
            f"nothing is sent anywhere.</footer></body></html>")


def filename(book: Logbook, today: date | None = None) -> str:
    """``o2g-status-report-<customer>-<date>.html``."""
    customer = book.engagement.get().customer or "customer"
    slug = re.sub(r"[^a-z0-9]+", "-", customer.lower()).strip("-") or "customer"
    return f"o2g-status-report-{slug}-{(today or date.today()).isoformat()}.html"


def write(book: Logbook, folder: str | os.PathLike[str] = ".", *, pdf: bool = False, today: date | None = None
          ) -> list[Path]:
    """Write the HTML report into ``folder`` (and its PDF with ``pdf``); returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / filename(book, today)
    target.write_text(render(book, today), encoding="utf-8")
    written = [target]
    if pdf:
        written.append(print_pdf(target))
    return written


def chromium() -> str:
    """The Chromium (or Chrome) executable to print with."""
    for name in (os.environ.get("O2G_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser",
                 "google-chrome", "google-chrome-stable"):
        if name and (shutil.which(name) or (os.path.isfile(name) and os.access(name, os.X_OK))):
            return shutil.which(name) or name
    raise LogbookError("--pdf needs Chromium (Debian: apt-get install chromium; or set O2G_CHROMIUM); "
                       "the HTML report was written and prints from any browser")


def print_pdf(html_file: Path, timeout: float = 90.0) -> Path:
    """Print ``html_file`` to a PDF beside it with headless Chromium."""
    target = html_file.with_suffix(".pdf")
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="o2g-report-") as profile:
        command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={target}",
                   html_file.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise LogbookError(f"Chromium did not print {html_file.name} within {timeout:.0f} s") from None
    if not target.exists() or target.stat().st_size == 0:
        raise LogbookError(f"Chromium could not print the PDF: {(done.stderr or '').strip()[-300:]}")
    return target
