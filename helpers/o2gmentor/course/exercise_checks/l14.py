"""Lesson 14 — OXE configuration for O2G: a monitored subscriber (14-1), the installer's forgotten attribute
(14-2), a functional-test item of one's own (14-3).

The checks judge the O2G: the Subscriber object and its attributes through PBX management, the user O2G lists
for its number, a login, a call that rings, events that arrive; 14-3 runs the trainee's item through the
functional-test runner on a healthy O2G and — on the simulator — with the management link down.

14-2 forbids deleting and recreating the subscriber. Its preparation opens a *watch*: an administrator's
subscription to the ``pbxManagement`` events, which a real O2G sends too (``OnPbxObjectInstanceDeleted``,
o2g-api-core.md §8.8), kept until the clean-up. On the simulator the preparation also gives the subscriber the
installer's cost center, which a subscriber created again from the exercise's table usually lacks.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from o2gmentor.client import O2GError
from o2gmentor.course import functional
from o2gmentor.course.checks import Failed, NotAttempted, Trial, exercise
from o2gmentor.course.trainee_code import call_trainee

# The new employee of 14-1 and the forgotten one of 14-2 (the exercises' briefs give the same values).
NEW_HIRE = {"Annu_Name": "Fontaine", "Annu_First_Name": "Nora", "Station_Type": "SIP_Extension",
            "Cost_Center_Name": "Warehouse"}
NEW_HIRE_NUMBER = "1040"  # on the simulator
FORGOTTEN = {"Annu_Name": "Girard", "Annu_First_Name": "Theo", "Station_Type": "SIP_Extension"}
FORGOTTEN_NUMBER = "1041"  # on the simulator
INSTALLER_COST_CENTER = "Warehouse"  # 🧪 given to Theo by the preparation on the simulator (its cost centers)
MONITORED = "A4980_Pro"  # the ClickAndPh value ALE's samples set (any value but NONE makes O2G monitor)


def node_of(pm: Any) -> str:
    """The first OXE node PBX management knows (the simulated site has one)."""
    return str(pm.node_ids()[0])


def subscriber(pm: Any, node: str, number: str) -> dict[str, Any] | None:
    """The attributes of ``Subscriber/{number}``, or None when there is none."""
    if pm.instances(node, "Subscriber", filter=f"Directory_Number=={number}") == []:
        return None
    return pm.values(node, f"Subscriber/{number}")


def cost_center_names(pm: Any, node: str) -> list[str]:
    """The names of the node's cost centers (``Cost_Center`` instances), or [] when the node lists none."""
    try:
        ids = pm.instances(node, "Cost_Center")
    except O2GError:
        return []  # a node whose root has no Cost_Center class under that name
    return [str(pm.values(node, f"Cost_Center/{i}", ["Cost_Center_Name"]).get("Cost_Center_Name")) for i in ids]


# ----------------------------------------------------------------------------------------- 14-2's watch
@dataclass
class Watch:
    """An administrator's ``pbxManagement`` subscription opened when 14-2 prepares Theo's subscriber."""

    number: str
    stream: Any = None
    session: Any = None  # a session opened for the watch (closed with it); None when it uses the caller's
    marker: str | None = None  # the cost center the preparation gave him (simulator only)
    created: int = 0  # OnPbxObjectInstanceCreated events for Subscriber/{number}
    deleted: int = 0  # OnPbxObjectInstanceDeleted events for Subscriber/{number}
    lock: threading.Lock = field(default_factory=threading.Lock)

    def see(self, event: dict[str, Any]) -> None:
        """The stream's callback (reader thread): count what happens to this subscriber."""
        if event.get("objectName") != "Subscriber" or str(event.get("objectId")) != self.number:
            return
        with self.lock:
            if event.get("eventName") == "OnPbxObjectInstanceCreated":
                self.created += 1
            elif event.get("eventName") == "OnPbxObjectInstanceDeleted":
                self.deleted += 1

    @property
    def reliable(self) -> bool:
        """The channel saw the preparation's own creation and never had to reconnect (so it missed nothing)."""
        return self.stream is not None and self.created > 0 and self.stream.reconnects == 0

    def close(self) -> None:
        if self.stream is not None:
            self.stream.stop()
        if self.session is not None:
            self.session.close()


_WATCHES: dict[tuple[str, str], Watch] = {}


def _key(course: Any, number: str) -> tuple[str, str]:
    return (str(course.url), str(number))


def watch_of(course: Any, number: str) -> Watch | None:
    """The watch 14-2's preparation opened for ``number`` in this kernel, if any."""
    return _WATCHES.get(_key(course, number))


def close_watch(course: Any, number: str | None) -> None:
    """Stop the watch of ``number`` (the clean-up; a new preparation replaces it)."""
    if number:
        watch = _WATCHES.pop(_key(course, number), None)
        if watch is not None:
            watch.close()


def close_watches() -> None:
    """Stop every watch (tests)."""
    while _WATCHES:
        _WATCHES.popitem()[1].close()


def prepare_forgotten(course: Any, number: str | None, admin: Any | None = None) -> bool:
    """14-2's setup: the installer's subscriber, created without ClickAndPh, and a watch on what happens to it.

    Idempotent on the simulator (a leftover of an earlier run is deleted first). On a real O2G nothing existing
    is touched: an already used number is refused. Returns whether the subscriber was created.
    """
    if not number:
        return False
    close_watch(course, number)
    own = admin is None
    session = admin or course.connect(admin=True, application="o2gmentor-exercise")
    watch = Watch(str(number), session=session if own else None)
    try:
        pm = session.pbx_management
        node = node_of(pm)
        if subscriber(pm, node, number) is not None:
            if course.sim is None:
                raise RuntimeError(f"{number} is already used on this OXE: choose another free test number")
            pm.delete(node, f"Subscriber/{number}")  # 🧪 a leftover of an earlier run
        try:
            watch.stream = session.subscribe(["pbxManagement"], on_event=watch.see)
        except O2GError:
            watch.stream = None  # no pbxManagement events here: the check falls back on the cost center
        attributes = {"Directory_Number": number, **FORGOTTEN}
        if course.sim is not None and INSTALLER_COST_CENTER in cost_center_names(pm, node):
            attributes["Cost_Center_Name"] = watch.marker = INSTALLER_COST_CENTER
        pm.create(node, "Subscriber", attributes)
        if watch.stream is not None:
            try:
                watch.stream.wait_for("OnPbxObjectInstanceCreated", timeout=min(course.patience, 5.0),
                                      objectName="Subscriber", objectId=str(number))
            except TimeoutError:
                pass  # the watch did not see it: not reliable, the check says so
    except BaseException:
        watch.close()
        raise
    _WATCHES[_key(course, number)] = watch
    return True


def remove_subscriber(course: Any, number: str | None, admin: Any | None = None) -> bool:
    """Clean-up of 14-1 / 14-2: delete ``Subscriber/{number}`` if it exists (and stop 14-2's watch on it);
    returns whether it deleted one."""
    if not number:
        return False
    close_watch(course, number)
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


# ----------------------------------------------------------------------------------------- shared steps
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


def _is_stub(value: Any) -> bool:
    return value is None or value is Ellipsis


# ---------------------------------------------------------------------------------------------------- 14-1
@exercise("14-1", "A new employee, monitored by O2G")
def check_new_hire(t: Trial, created_number: Any, number: Any, callee: Any = "oxe1002") -> None:
    if _is_stub(number):
        raise NotAttempted("no number to check: on a real O2G, give a free test number in NEW_NUMBER and run the "
                           "exercise again")
    number = str(number)
    admin = t.session(admin=True)
    pm = admin.pbx_management
    node = node_of(pm)
    sub = subscriber(pm, node, number)
    if _is_stub(created_number):
        if sub is not None:
            t.fail(f"{number} exists but created_number is None. Running the create cell again now only gets a "
                   f"409 (the number is taken): either set created_number = {number!r} in a new cell, or run the "
                   "notebook again from the top (its preparation deletes the leftover) with "
                   "created_number = pm.create(NODE, 'Subscriber', {…}) — the clean-up deletes it either way")
        raise NotAttempted
    created_number = str(created_number)
    if sub is None:
        if created_number != number and subscriber(pm, node, created_number) is not None:
            t.fail(f"you created Subscriber {created_number}, but Nora's number is {number}: delete "
                   f"{created_number} (pm.delete(NODE, 'Subscriber/{created_number}')) and create {number}")
        t.fail(f"there is no Subscriber {number} on node {node}: did the create run? pm.create(NODE, 'Subscriber', "
               "{…}) returns the new object's id")
    t.expect(created_number == number, f"Subscriber {number} exists on node {node}",
             f"Subscriber {number} exists, but the value you pass is {created_number!r}: pass what pm.create returned")
    a4980 = sub.get("ClickAndPh")
    t.expect(a4980 not in (None, "", "NONE"), f"ClickAndPh is {a4980}, not NONE: O2G monitors the subscriber",
             f"created but not monitored: ClickAndPh is {a4980 or 'NONE'} — the default. O2G only monitors a "
             f"subscriber whose ClickAndPh (A4980) is not NONE: give 'ClickAndPh': '{MONITORED}' (or fix it now "
             f"with pm.modify(NODE, 'Subscriber/{number}', {{'ClickAndPh': '{MONITORED}'}}))")
    if sub.get("Annu_Name") == NEW_HIRE["Annu_First_Name"] and sub.get("Annu_First_Name") == NEW_HIRE["Annu_Name"]:
        t.fail("first and last names are swapped: Annu_Name is the last name (Fontaine), Annu_First_Name the "
               "first name (Nora)")
    wrong = {k: (sub.get(k), v) for k, v in NEW_HIRE.items() if sub.get(k) != v}
    centers = ""
    if "Cost_Center_Name" in wrong:
        names = cost_center_names(pm, node)
        centers = (f" (the cost centers of node {node}: {', '.join(names)} — pm.instances(NODE, 'Cost_Center') "
                   "lists their ids, pm.values(NODE, f'Cost_Center/{id}') shows each name)") if names else ""
    t.expect(not wrong, "its name, set type and cost center are the brief's",
             "these attributes differ from the brief (yours → expected): "
             + ", ".join(f"{k}: {got!r} → {want!r}" for k, (got, want) in wrong.items())
             + f" — fix them with pm.modify(NODE, 'Subscriber/{number}', {{…}}){centers}")
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
RECREATED = ("the task forbids deleting and recreating him: on a real OXE his subscriber carries his set's "
             "configuration (keys, voicemail, rights…), which a new one does not have. Run the preparation cell "
             "again (it recreates the installer's subscriber), then fix it in place: one pm.modify")


def _culprit_named(culprit: Any) -> bool:
    text = re.sub(r"[^a-z0-9]", "", str(culprit).lower())
    return "clickandph" in text or "a4980" in text


@exercise("14-2", "The installer forgot something")
def check_forgotten(t: Trial, culprit: Any, login: Any, number: Any) -> None:
    if _is_stub(number):
        raise NotAttempted("no subscriber was prepared: on a real O2G, give a free test number in THEO_NUMBER and "
                           "run the preparation cell")
    t.attempted(culprit=culprit, theo_login=login)
    number = str(number)
    culprit_hint = None
    if _culprit_named(culprit):
        t.ok("you found the culprit: ClickAndPh (the A4980 attribute) decides whether O2G monitors a subscriber")
    elif str(culprit).strip().upper() in ("NONE", "A4980_PRO", "SIP_EXTENSION", "UA_VIRTUAL"):
        culprit_hint = (f"{culprit!r} is a value: name the attribute whose value keeps O2G from seeing him "
                        "(the column name in the comparison table)")
    else:
        culprit_hint = (f"{culprit!r} is not what kept O2G from seeing him: compare his Subscriber with David's — "
                        "which attribute decides whether O2G monitors a subscriber? (names, numbers and set types "
                        "differ between any two people)")
    try:
        _judge_fix(t, login, number)
    except Failed as failure:
        if culprit_hint:
            raise Failed(f"{failure} — and the culprit: {culprit_hint}") from None
        raise
    if culprit_hint:
        t.fail(f"the fix works (✓ above), but the culprit you name is not the one: {culprit_hint}")


def _installer_marker(course: Any, pm: Any, node: str) -> str | None:
    """The cost center the preparation gives Theo (simulator only), when no watch of this kernel remembers it."""
    if course.sim is None or INSTALLER_COST_CENTER not in cost_center_names(pm, node):
        return None
    return INSTALLER_COST_CENTER


def _judge_fix(t: Trial, login: Any, number: str) -> None:
    """Theo's subscriber, fixed in place: still the installer's object, monitored, his user logs in and gets
    events."""
    admin = t.session(admin=True)
    pm = admin.pbx_management
    node = node_of(pm)
    sub = subscriber(pm, node, number)
    t.expect(sub is not None, f"Subscriber {number} is still there",
             f"Subscriber {number} is gone: the fix is one PUT on the existing subscriber "
             "(pm.modify), not a delete — run the preparation cell again and fix it")
    watch = watch_of(t.course, number)
    marker = watch.marker if watch is not None else _installer_marker(t.course, pm, node)
    if watch is not None and watch.deleted:
        t.fail(f"Subscriber {number} was deleted and created again (the pbxManagement event channel opened by the "
               f"preparation saw OnPbxObjectInstanceDeleted for it): {RECREATED}")
    if marker and sub.get("Cost_Center_Name") != marker:
        t.fail(f"Subscriber {number} is not the one the installer made: its cost center is "
               f"{sub.get('Cost_Center_Name') or 'empty'}, the installer's was {marker} — was it deleted and "
               f"created again? {RECREATED}")
    t.expect(sub.get("Annu_Name") == FORGOTTEN["Annu_Name"], "it is still Theo Girard's",
             f"Subscriber {number} is no longer Theo Girard's (Annu_Name {sub.get('Annu_Name')!r}): fix the "
             "existing subscriber with pm.modify, do not replace it")
    changed = {name: sub.get(name) for name, value in FORGOTTEN.items() if sub.get(name) != value}
    t.expect(not changed, "nothing else of his was changed",
             f"you changed more than the culprit: {', '.join(f'{k} is now {v!r}' for k, v in changed.items())} "
             f"(the installer's was {', '.join(repr(FORGOTTEN[k]) for k in changed)}). On a real OXE that changes "
             "his set; a fix touches only what was wrong — put the rest back with pm.modify")
    if watch is not None and watch.reliable:
        t.ok("fixed in place: no OnPbxObjectInstanceDeleted for it since the preparation")
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
LINK_WORDS = ("management", "cmis", "pbx link", "pbxlink")


def _run_trainee_item(course: Any, item: Any) -> functional.Result:
    """Run the trainee's item through the runner, calling it via ``call_trainee`` (stub → ⏳)."""
    function = item.test if isinstance(item, functional.Item) else item
    label = getattr(function, "__name__", "management_link_up")  # the exercise's name for it
    name = functional.as_item(item).name if callable(item) or isinstance(item, functional.Item) else label
    verdicts: list[Exception] = []

    def test(ctx: functional.Context) -> Any:
        try:
            return call_trainee(function, ctx, name=label, none_ok=True)
        except (NotAttempted, Failed) as exc:
            verdicts.append(exc)
            raise

    result = functional.run(course, [functional.Item(name, test)], title="exercise 14-3").results[0]
    if verdicts:
        raise verdicts[0]
    return result


def _names_node(text: str, pbxs: list[dict[str, Any]]) -> bool:
    for pbx in pbxs:
        node_id, name = str(pbx.get("nodeId", "")), str(pbx.get("name") or "")
        if node_id and re.search(rf"(?<![0-9]){re.escape(node_id)}(?![0-9])", text):
            return True
        if name and name.lower() in text.lower():
            return True
    return False


@exercise("14-3", "A functional-test item of your own")
def check_own_item(t: Trial, item: Any) -> None:
    t.attempted(item)
    healthy = _run_trainee_item(t.course, item)
    if not healthy.passed:
        t.fail(f"on a healthy O2G your item fails: {healthy.detail or healthy.status} — it should pass when the "
               "management link is up")
    if healthy.returned is None:
        t.fail("your item returns None: return a short note of what it saw, e.g. "
               "return f\"{len(pbxs)} node(s) connected\" — did you forget `return`? (the runner accepts it, "
               "but its table then says “no note”, and the day's report shows nothing for it)")
    if not str(healthy.returned).strip():
        t.fail("your item returns an empty note: return a short text of what it saw, e.g. '1 node(s) connected'")
    t.ok(f"on a healthy O2G it passes: {healthy.detail}")
    sim = t.course.sim
    if sim is None:
        t.ok("the faulted half (management link down) runs on the simulator only")
        return
    admin = t.session(admin=True)
    pbxs = admin.system.status().get("pbxs", [])
    node = node_of(admin.pbx_management)
    sim.pbx_link(False)
    try:
        try:
            admin.pbx_management.model(node, "Subscriber")
            o2g_text = ""
        except O2GError as exc:
            o2g_text = exc.message or ""  # O2G's own words for the fault: not the trainee's
        faulted = _run_trainee_item(t.course, item)
    finally:
        sim.pbx_link(True)
    if faulted.status != functional.FAIL:
        verb = "was skipped" if faulted.status == functional.SKIP else "passed"
        returned = " — a returned text always counts as a pass, even one that says something is wrong" \
            if verb == "passed" and faulted.shown else ""
        t.fail(f"your item {verb} while the management link to node {node} was down "
               f"({faulted.shown}){returned}: read `connected` of each node in system/status "
               "(ctx.admin().system.status()['pbxs']) and call ctx.fail(…) when it is false")
    if faulted.cause in (functional.BY_O2G, functional.BY_CONNECTION, functional.BY_TIMEOUT):
        t.fail(f"it fails, but only because a request failed ({faulted.detail}): that reason is O2G's text, "
               "not yours — the simulator's 503 happens to name the link, a real O2G's may not. Read `connected` "
               "in system/status (or catch the O2GError) and say it yourself: "
               "ctx.fail(f'node {node}: management link down')")
    own = faulted.detail.replace(o2g_text, "") if o2g_text else faulted.detail
    says_link = any(word in own.lower() for word in LINK_WORDS)
    says_node = _names_node(own, pbxs)
    t.expect(says_link and says_node,
             f"with the management link down it fails, in your own words naming the node and the link: "
             f"{faulted.detail}",
             f"it fails, but its reason ({faulted.detail!r}) does not say "
             + (" and ".join(w for w, missing in (("which node", not says_node),
                                                   ("that its management link is down", not says_link)) if missing))
             + (" in your own words (O2G's text in it does not count)" if o2g_text and o2g_text in faulted.detail
                else "")
             + ": e.g. ctx.fail(f'node {node}: management link down')")
