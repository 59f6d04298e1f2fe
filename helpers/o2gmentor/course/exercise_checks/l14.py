"""Lesson 14 — OXE configuration for O2G: a monitored subscriber (14-1), the installer's forgotten attribute
(14-2), a functional-test item of one's own (14-3).

The checks judge the O2G: the Subscriber object and its attributes through PBX management, the user O2G lists
for its number, a login, a call that rings, events that arrive; 14-3 runs the trainee's item through the
functional-test runner on a healthy O2G and — on the simulator — with the management link down.
"""

from __future__ import annotations

from typing import Any

from o2gmentor.client import O2GError
from o2gmentor.course import functional
from o2gmentor.course.checks import NotAttempted, Trial, exercise

# The new employee of 14-1 and the forgotten one of 14-2 (the exercises' briefs give the same values).
NEW_HIRE = {"Annu_Name": "Fontaine", "Annu_First_Name": "Nora", "Station_Type": "SIP_Extension",
            "Cost_Center_Name": "Warehouse"}
NEW_HIRE_NUMBER = "1040"  # on the simulator
FORGOTTEN = {"Annu_Name": "Girard", "Annu_First_Name": "Theo", "Station_Type": "SIP_Extension"}
FORGOTTEN_NUMBER = "1041"  # on the simulator
MONITORED = "A4980_Pro"


def node_of(pm: Any) -> str:
    """The first OXE node PBX management knows (the simulated site has one)."""
    return str(pm.node_ids()[0])


def subscriber(pm: Any, node: str, number: str) -> dict[str, Any] | None:
    """The attributes of ``Subscriber/{number}``, or None when there is none."""
    if pm.instances(node, "Subscriber", filter=f"Directory_Number=={number}") == []:
        return None
    return pm.values(node, f"Subscriber/{number}")


def prepare_forgotten(course: Any, number: str | None, admin: Any | None = None) -> bool:
    """14-2's setup: the installer's subscriber, created without ClickAndPh.

    Idempotent on the simulator (a leftover of an earlier run is deleted first). On a real O2G nothing existing
    is touched: an already used number is refused. Returns whether the subscriber was created.
    """
    if not number:
        return False
    own = admin is None
    admin = admin or course.connect(admin=True, application="o2gmentor-exercise")
    try:
        pm = admin.pbx_management
        node = node_of(pm)
        if subscriber(pm, node, number) is not None:
            if course.sim is None:
                raise RuntimeError(f"{number} is already used on this OXE: choose another free test number")
            pm.delete(node, f"Subscriber/{number}")  # 🧪 a leftover of an earlier run
        pm.create(node, "Subscriber", {"Directory_Number": number, **FORGOTTEN})
        return True
    finally:
        if own:
            admin.close()


def remove_subscriber(course: Any, number: str | None, admin: Any | None = None) -> bool:
    """Clean-up of 14-1 / 14-2: delete ``Subscriber/{number}`` if it exists; returns whether it did."""
    if not number:
        return False
    own = admin is None
    admin = admin or course.connect(admin=True, application="o2gmentor-exercise")
    try:
        pm = admin.pbx_management
        node = node_of(pm)
        if subscriber(pm, node, number) is None:
            return False
        pm.delete(node, f"Subscriber/{number}")
        return True
    finally:
        if own:
            admin.close()


def _user_of(t: Trial, admin: Any, number: str, not_found_hint: str) -> str:
    try:
        login = admin.users.by_number(number)["loginName"]
    except O2GError as exc:
        if exc.status in (400, 403, 404):
            t.fail(not_found_hint)
        raise
    t.expect(login in admin.users.logins(), f"O2G lists its user {login}",
             f"O2G answers for {login} but does not list it in GET /logins — wait for the OXE to be loaded "
             "(system/status: loaded) and check again")
    return login


def _logs_in(t: Trial, login: str) -> Any:
    try:
        user = t.session(login)
    except O2GError as exc:
        t.fail(f"{login} cannot log in ({exc.status}): its password is the set's secret code — on a real O2G "
               f"set O2G_PASSWORD_{login.upper()} to it")
    except RuntimeError as exc:
        t.fail(f"{login}: {exc}")
    t.ok(f"{login} logs in")
    return user


# ---------------------------------------------------------------------------------------------------- 14-1
@exercise("14-1", "A new employee, monitored by O2G")
def check_new_hire(t: Trial, created_number: Any, number: Any, callee: Any = "oxe1002") -> None:
    t.attempted(created_number, number)
    created_number, number = str(created_number), str(number)
    admin = t.session(admin=True)
    pm = admin.pbx_management
    node = node_of(pm)
    sub = subscriber(pm, node, number)
    if sub is None:
        if created_number != number and subscriber(pm, node, created_number) is not None:
            t.fail(f"you created Subscriber {created_number}, but Nora's number is {number}: delete "
                   f"{created_number} (pm.delete(NODE, 'Subscriber/{created_number}')) and create {number}")
        t.fail(f"there is no Subscriber {number} on node {node}: did the create run? pm.create(NODE, 'Subscriber', "
               "{…}) returns the new object's id")
    t.expect(created_number == number, f"Subscriber {number} exists on node {node}",
             f"Subscriber {number} exists, but the value you pass is {created_number!r}: pass what pm.create returned")
    a4980 = sub.get("ClickAndPh")
    t.expect(a4980 not in (None, "", "NONE"), f"ClickAndPh is {a4980}: O2G monitors the subscriber",
             f"created but not monitored: ClickAndPh is {a4980 or 'NONE'} — the default. O2G only monitors a "
             f"subscriber whose ClickAndPh (A4980) is not NONE: give 'ClickAndPh': '{MONITORED}' (or fix it now "
             f"with pm.modify(NODE, 'Subscriber/{number}', {{'ClickAndPh': '{MONITORED}'}}))")
    t.expect(a4980 == MONITORED, f"ClickAndPh is {MONITORED}, as the brief asks",
             f"ClickAndPh is {a4980}: the brief (and ALE's samples) use {MONITORED}")
    if sub.get("Annu_Name") == NEW_HIRE["Annu_First_Name"] and sub.get("Annu_First_Name") == NEW_HIRE["Annu_Name"]:
        t.fail("first and last names are swapped: Annu_Name is the last name (Fontaine), Annu_First_Name the "
               "first name (Nora)")
    wrong = {k: (sub.get(k), v) for k, v in NEW_HIRE.items() if sub.get(k) != v}
    t.expect(not wrong, "its name, set type and cost center are the brief's",
             "these attributes differ from the brief (yours → expected): "
             + ", ".join(f"{k}: {got!r} → {want!r}" for k, (got, want) in wrong.items())
             + f" — fix them with pm.modify(NODE, 'Subscriber/{number}', {{…}})")
    login = _user_of(t, admin, number, f"Subscriber {number} has ClickAndPh={a4980}, but O2G has no user with "
                                       f"company phone {number} yet — is the subscriber filter of this O2G NONE "
                                       "(system/status: subscriberFilter)?")
    nora = _logs_in(t, login)
    callee_session = t.session(str(callee))
    callee_number = callee_session.users.get()["companyPhone"]
    events = callee_session.subscribe(["telephony"])
    try:
        ref = nora.telephony.make_call(callee_number)
        try:
            ringing = events.wait_for("OnCallCreated", timeout=t.course.patience)
        finally:
            nora.telephony.release(ref)
    finally:
        events.stop()
    t.expect(ringing.get("callData", {}).get("state") == "RINGING_INCOMING",
             f"{login} calls {callee}: it rings at {callee_number}",
             f"{callee}'s phone did not ring for the call (saw {ringing.get('callData', {}).get('state')})")


# ---------------------------------------------------------------------------------------------------- 14-2
@exercise("14-2", "The installer forgot something")
def check_forgotten(t: Trial, culprit: Any, login: Any, number: Any) -> None:
    t.attempted(culprit, login, number)
    number = str(number)
    t.expect(str(culprit).strip().lower() in ("clickandph", "a4980"),
             f"you found the culprit: {culprit} (A4980) decides whether O2G monitors a subscriber",
             f"{culprit!r} is not what keeps O2G from seeing him: compare his Subscriber with a colleague's — "
             "which attribute decides whether O2G monitors a subscriber?")
    admin = t.session(admin=True)
    pm = admin.pbx_management
    node = node_of(pm)
    sub = subscriber(pm, node, number)
    t.expect(sub is not None, f"Subscriber {number} is still there",
             f"Subscriber {number} is gone: the fix is one PUT on the existing subscriber "
             "(pm.modify), not a delete — run the preparation cell again and fix it")
    t.expect(sub.get("Annu_Name") == FORGOTTEN["Annu_Name"], "it is still Theo Girard's",
             f"Subscriber {number} is no longer Theo Girard's (Annu_Name {sub.get('Annu_Name')!r}): fix the "
             "existing subscriber with pm.modify, do not replace it")
    t.expect(sub.get("ClickAndPh") not in (None, "", "NONE"), f"ClickAndPh is now {sub.get('ClickAndPh')}",
             f"ClickAndPh of Subscriber {number} is still NONE: O2G still ignores him. "
             f"pm.modify(NODE, 'Subscriber/{number}', {{'ClickAndPh': '{MONITORED}'}})")
    real_login = _user_of(t, admin, number, f"ClickAndPh is set but O2G has no user for {number} yet")
    t.expect(str(login) == real_login, f"{real_login} is the login O2G gives him",
             f"O2G's user for {number} is {real_login!r}, not {login!r}: ask O2G "
             f"(admin.users.by_number('{number}')['loginName']) rather than guessing")
    theo = _logs_in(t, real_login)
    events = theo.subscribe(["telephony"])
    try:
        events.mark()
        theo.telephony.request_snapshot()
        events.wait_for("OnTelephonyState", timeout=t.course.patience)
    except TimeoutError:
        t.fail(f"{real_login}'s event channel opened but no event arrived within {t.course.patience:g} s")
    finally:
        events.stop()
    t.ok(f"{real_login}'s events arrive (OnTelephonyState on his event channel)")


# ---------------------------------------------------------------------------------------------------- 14-3
def _one(course: Any, item: Any) -> functional.Result:
    return functional.run(course, [item], title="exercise 14-3").results[0]


@exercise("14-3", "A functional-test item of your own")
def check_own_item(t: Trial, item: Any) -> None:
    t.attempted(item)
    t.expect(callable(item) or isinstance(item, functional.Item), "your item is a function of the run's context",
             f"an item is a function taking the run's context (def my_item(ctx): …), not a {type(item).__name__}")
    healthy = _one(t.course, item)
    if healthy.passed and not healthy.detail:
        raise NotAttempted  # the stub: the function body returns None
    t.expect(healthy.passed, f"on a healthy O2G it passes: {healthy.detail}",
             f"on a healthy O2G your item fails: {healthy.detail or healthy.status} — it should pass when the "
             "management link is up")
    sim = t.course.sim
    if sim is None:
        t.ok("the faulted half (management link down) runs on the simulator only")
        return
    sim.pbx_link(False)
    try:
        faulted = _one(t.course, item)
    finally:
        sim.pbx_link(True)
    t.expect(faulted.status == functional.FAIL, f"with the management link down it fails: {faulted.detail}",
             "your item passed while the management link to node 1 was down: read `connected` of each node in "
             "system/status (ctx.admin().system.status()['pbxs']), or read the model of Subscriber through PBX "
             "management — it answers 503 then — and ctx.fail(…) when it is down")
    t.expect("management" in faulted.detail.lower() or "connected" in faulted.detail.lower()
             or "503" in faulted.detail,
             "its reason points at the management link",
             f"it fails, but its reason ({faulted.detail!r}) does not say the management link is down: "
             "say which node and what is wrong, e.g. ctx.fail(f'node {node}: management link down')")
