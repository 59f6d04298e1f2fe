"""The ``o2gmentor`` command: run the simulator, act on it, list the site's accounts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from o2gmentor.client.errors import O2GConnectionError, O2GError


def _sim(args: argparse.Namespace) -> int:
    from o2gmentor.sim.server import DEFAULT_PORT, SimServer

    if args.background:
        from o2gmentor.course import simproc

        info, started = simproc.ensure_running(port=args.port or DEFAULT_PORT, scenario=args.scenario,
                                               state_dir=args.state_dir, host=args.host)
        print(f"Simulated O2G {'started' if started else 'already running'} at {info.url} "
              f"(scenario {info.scenario}); CA: {info.ca}")
        return 0
    port = DEFAULT_PORT if args.port is None else args.port
    SimServer(host=args.host, port=port, scenario=args.scenario, state_dir=args.state_dir).run_forever()
    return 0


def _lab(args: argparse.Namespace) -> int:
    """The course: the trainee's workspace, the simulator in the background, then JupyterLab on lesson 00."""
    from o2gmentor.course import labrun

    return labrun.run(sim_port=args.port, scenario=args.scenario, lab_port=args.lab_port,
                      open_browser=not args.no_browser, with_solutions=args.solutions)


def _reset(args: argparse.Namespace) -> int:
    from o2gmentor.course.workspace import Workspace, find_course_root

    workspace = Workspace(find_course_root())
    if not workspace.path.exists():
        print("no workspace yet: `make lab` (or `o2gmentor lab`) creates it")
        return 1
    restored = workspace.reset(args.name)
    for line in restored:
        print(f"fresh copy: workspace/{line}")
    print(f"{len(restored)} file(s) restored; changed copies were kept in workspace/.backups/")
    return 0


def _sim_stop(args: argparse.Namespace) -> int:
    from o2gmentor.course import simproc

    print("stopped" if simproc.stop(args.state_dir) else "no simulator was running")
    return 0


# sim-ctl actions: the words after the action, and what it does (shown on a usage error).
SIM_ACTIONS: dict[str, tuple[str, str]] = {
    "status": ("", "scenario, simulated clock, number of sessions and calls"),
    "phones": ("", "every phone with its state and calls"),
    "phone": ("N", "one phone, e.g. phone 1002"),
    "users": ("", "the site's accounts"),
    "reset": ("", "hang up everything, end every session, reload the scenario"),
    "answer": ("N", "the person at N picks up, e.g. answer 1002"),
    "hangup": ("N", "the person at N hangs up (a ringing phone declines)"),
    "dial": ("N TO", "the person at N picks up and dials TO, e.g. dial 1001 1002"),
    "outside-call": ("FROM TO", "an outside number calls TO, e.g. outside-call 0472000001 1003"),
    "advance": ("SECONDS", "move the simulated clock on, e.g. advance 60"),
    "cti-down": ("[NODE]", "the CTI link of NODE (default: the first node) goes down"),
    "cti-up": ("[NODE]", "the CTI link comes back"),
    "pbx-down": ("[NODE]", "the PBX management link goes down"),
    "pbx-up": ("[NODE]", "the PBX management link comes back"),
    "licence-expiring": ("NAME DAYS", "licence NAME expires in DAYS (negative: expired)"),
    "expire-session": ("[LOGIN]", "end the sessions of LOGIN (or all) now"),
    "drop-channels": ("", "cut every open event channel"),
    "unavailable": ("SECONDS", "O2G answers 503 to everything for SECONDS"),
    "ha-switch": ("", "the HA pair swaps servers; every session ends"),
    "customer-call": ("PILOT", "an outside customer calls PILOT, e.g. customer-call 3000"),
    "traffic-start": ("[PILOT…]", "customers call at the scenario's rates"),
    "traffic-stop": ("", "customers stop calling"),
    "staff-on": ("", "simulated agents log on"),
    "staff-off": ("", "simulated agents log off"),
    "ccd": ("", "pilots, waiting calls, every operator's state"),
}


def _arity(words: str) -> tuple[int, int]:
    parts = words.split()
    required = sum(1 for p in parts if not p.startswith("["))
    return required, (99 if "…" in words else len(parts))


def _number(text: str, what: str, action: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{action}: {what} must be a number, not {text!r} "
                         f"(usage: o2gmentor sim-ctl {action} {SIM_ACTIONS[action][0]})") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{action}: {what} must be a finite number")
    return value


def _readable_clock(result: object) -> object:
    """Show the simulated clock as a date and time, not as seconds since 1970."""
    if isinstance(result, dict) and isinstance(result.get("clock"), (int, float)):
        from datetime import datetime, timezone

        moment = datetime.fromtimestamp(result["clock"], tz=timezone.utc)
        return {**result, "clock": f"{moment:%Y-%m-%d %H:%M:%S} UTC (simulated)"}
    return result


def _sim_ctl(args: argparse.Namespace) -> int:
    from o2gmentor.sim.control_client import SimControl
    from o2gmentor.sim.server import read_info

    action, rest = args.action, args.args
    if action not in SIM_ACTIONS:
        print(f"unknown action {action!r}; one of: {', '.join(sorted(SIM_ACTIONS))}", file=sys.stderr)
        return 2
    words, what = SIM_ACTIONS[action]
    low, high = _arity(words)
    if not low <= len(rest) <= high:
        print(f"usage: o2gmentor sim-ctl {action} {words}".rstrip() + f"\n  {what}", file=sys.stderr)
        return 2
    ctl = SimControl.from_state_dir(args.state_dir)
    if args.port is not None:
        info = read_info(Path(args.state_dir)) if args.state_dir else ctl.info
        info.port = args.port
        ctl = SimControl(info)
    handlers = {
        "status": ctl.status, "phones": ctl.phones, "users": ctl.users, "reset": ctl.reset,
        "answer": ctl.answer, "hangup": ctl.hangup, "phone": ctl.phone, "dial": ctl.dial,
        "outside-call": ctl.outside_call,
        "advance": lambda s: {"clock": ctl.advance(_number(s, "SECONDS", "advance"))},
        "cti-down": lambda node=None: ctl.cti_link(False, node), "cti-up": lambda node=None: ctl.cti_link(True, node),
        "pbx-down": lambda node=None: ctl.pbx_link(False, node), "pbx-up": lambda node=None: ctl.pbx_link(True, node),
        "licence-expiring": lambda name, days: ctl.licence_expiring(name, _number(days, "DAYS", "licence-expiring")),
        "expire-session": lambda login=None: {"closed": ctl.expire_sessions(login)},
        "drop-channels": lambda: {"dropped": ctl.drop_channels()},
        "unavailable": lambda seconds: ctl.unavailable(_number(seconds, "SECONDS", "unavailable")),
        "ha-switch": ctl.ha_switch,
        "customer-call": lambda pilot: {"callRef": ctl.customer_call(pilot)},
        "traffic-start": lambda *pilots: ctl.start_traffic(list(pilots) or None), "traffic-stop": ctl.stop_traffic,
        "staff-on": lambda: {"changed": ctl.staff(True)}, "staff-off": lambda: {"changed": ctl.staff(False)},
        "ccd": ctl.ccd_status,
    }
    result = handlers[action](*rest)
    print(json.dumps(_readable_clock(result), indent=2))
    return 0


def _users(args: argparse.Namespace) -> int:
    from o2gmentor.sim import scenario as scenarios
    from o2gmentor.sim.api.app import SimState
    from o2gmentor.sim.model.pbx import Pbx

    rows = SimState(Pbx(scenarios.load(args.scenario), with_history=False)).directory()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'login':<10} {'password':<11} {'number':<7} {'role':<11} name")
    for row in rows:
        extra = f" (pro-ACD set {row['proacd']})" if row.get("proacd") else ""
        print(f"{row['login'] or '-':<10} {row['password'] or '-':<11} {row['number'] or '-':<7} {row['role']:<11} "
              f"{row['name']}{extra}")
    return 0


def _build(args: argparse.Namespace) -> int:
    from o2gmentor.course.exercises import ExerciseError, build

    try:
        report = build(args.solutions, args.exercises, check=args.check)
    except ExerciseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.check:
        for line in report:
            print(line, file=sys.stderr)
        print("exercises are in step with their solutions" if not report else f"{len(report)} problem(s)")
        return 1 if report else 0
    orphans = [line for line in report if line.startswith("no solution")]
    for line in report:
        print(("⚠️  " if line in orphans else "wrote ") + line)
    return 1 if orphans else 0


def _preflight(args: argparse.Namespace) -> int:
    """Check that an application can reach an O2G; exit 1 when a step fails (warnings pass)."""
    from o2gmentor.course.config import load_settings
    from o2gmentor.course.preflight import preflight

    password = None
    if args.login:
        password = load_settings().password_for(args.login)
        if password is None and sys.stdin is not None and sys.stdin.isatty():
            import getpass

            password = getpass.getpass(f"O2G password for {args.login}: ") or None
    result = preflight(args.host, ca_bundle=args.ca_bundle, login=args.login, password=password)
    print(result)
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="o2gmentor", description="O2G Mentor: the course's tools")
    sub = parser.add_subparsers(dest="command", required=True)

    sim = sub.add_parser("sim", help="run the simulated O2G (foreground; --background to detach)")
    sim.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sim.add_argument("--port", type=int, default=None, help="HTTPS port (default 8443; 0 = any free port)")
    sim.add_argument("--scenario", default="default", help="scenario name or path to a scenario JSON file")
    sim.add_argument("--state-dir", type=Path, default=None, help="folder for ca.pem and control.json")
    sim.add_argument("--background", action="store_true", help="start in the background (or reuse) and return")
    sim.set_defaults(func=_sim)

    lab = sub.add_parser("lab", help="start the course: your workspace, the simulator, then JupyterLab")
    lab.add_argument("--port", type=int, default=8443, help="the simulator's HTTPS port (default 8443)")
    lab.add_argument("--scenario", default="default")
    lab.add_argument("--lab-port", type=int, default=8888, help="JupyterLab's port (default 8888, or the next free)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser; just print the URL")
    lab.add_argument("--solutions", action="store_true", help="mentors: copy solutions/ into the workspace too")
    lab.set_defaults(func=_lab)

    reset = sub.add_parser("reset", help="fresh copies of the lessons in your workspace (all, or one: reset 11)")
    reset.add_argument("name", nargs="?", default=None, help="a lesson or exercise number, e.g. 11 or 11-1")
    reset.set_defaults(func=_reset)

    stop = sub.add_parser("sim-stop", help="stop the background simulator")
    stop.add_argument("--state-dir", type=Path, default=None)
    stop.set_defaults(func=_sim_stop)

    ctl = sub.add_parser("sim-ctl", help="act on the running simulator (simulator only)",
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         description="Actions (simulator only — not part of O2G):\n" + "\n".join(
                             f"  {name} {words}".ljust(32) + what for name, (words, what) in SIM_ACTIONS.items()))
    ctl.add_argument("--port", type=int, default=None, help="the simulator's port, if not the recorded one")
    ctl.add_argument("--state-dir", type=Path, default=None)
    ctl.add_argument("action")
    ctl.add_argument("args", nargs="*")
    ctl.set_defaults(func=_sim_ctl)

    build = sub.add_parser("build", help="generate exercises/ from solutions/ (--check: only compare)")
    build.add_argument("--check", action="store_true", help="write nothing; fail if exercises/ is out of step")
    build.add_argument("--solutions", type=Path, default=Path("solutions"))
    build.add_argument("--exercises", type=Path, default=Path("exercises"))
    build.set_defaults(func=_build)

    users = sub.add_parser("users", help="list the simulated site's accounts")
    users.add_argument("--json", action="store_true", help="as JSON: login, password, number, name, role")
    users.add_argument("--scenario", default="default")
    users.set_defaults(func=_users)

    preflight = sub.add_parser("preflight", help="check DNS, TCP, TLS, certificate, discovery (and a login) of an O2G",
                               description="Checks in order: DNS, TCP reach, the TLS chain against the CA bundle, "
                                           "the certificate's dates and names, GET /api/rest, and with --login a "
                                           "session opened and closed (password from O2G_PASSWORD_<LOGIN> or "
                                           ".env, else asked). Exit code 1 when a step fails.")
    preflight.add_argument("host", help="host[:port] of the O2G (port 443 by default)")
    preflight.add_argument("--ca-bundle", default=None, help="PEM file of the CA that signed O2G's certificate "
                                                              "(default: the system store)")
    preflight.add_argument("--login", default=None, help="also log in with this account and open a session")
    preflight.set_defaults(func=_preflight)

    from o2gmentor.course.mentor_cli import add_commands  # pool, engagement, acceptance, report, slides, schedule

    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (O2GError, O2GConnectionError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
