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
    """The course: the simulator in the background (or the running one), then JupyterLab on lesson 00."""
    import os
    import shutil

    from o2gmentor.course import simproc

    info, started = simproc.ensure_running(port=args.port, scenario=args.scenario)
    print(f"Simulated O2G {'started' if started else 'already running'} at {info.url}; CA: {info.ca}")
    jupyter = shutil.which("jupyter", path=os.path.dirname(sys.executable)) or shutil.which("jupyter")
    if jupyter is None:
        print("error: JupyterLab is not installed in this environment", file=sys.stderr)
        return 1
    command = [jupyter, "lab", "--notebook-dir=.", "notebooks/00-start-here.ipynb"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(2, "--allow-root")  # containers run as root; JupyterLab refuses it otherwise
    os.execv(jupyter, command)
    return 0  # not reached


def _sim_stop(args: argparse.Namespace) -> int:
    from o2gmentor.course import simproc

    print("stopped" if simproc.stop(args.state_dir) else "no simulator was running")
    return 0


def _sim_ctl(args: argparse.Namespace) -> int:
    from o2gmentor.sim.control_client import SimControl
    from o2gmentor.sim.server import read_info

    ctl = SimControl.from_state_dir(args.state_dir)
    if args.port is not None:
        info = read_info(Path(args.state_dir)) if args.state_dir else ctl.info
        info.port = args.port
        ctl = SimControl(info)
    action, rest = args.action, args.args
    arity = {"status": 0, "phones": 0, "users": 0, "reset": 0, "answer": 1, "hangup": 1, "advance": 1,
             "phone": 1, "dial": 2, "outside-call": 2, "cti-down": (0, 1), "cti-up": (0, 1), "pbx-down": (0, 1),
             "pbx-up": (0, 1), "licence-expiring": 2, "expire-session": (0, 1), "drop-channels": 0,
             "unavailable": 1, "ha-switch": 0, "customer-call": 1, "traffic-start": (0, 9), "traffic-stop": 0,
             "staff-on": 0, "staff-off": 0, "ccd": 0}
    if action not in arity:
        print(f"unknown action {action!r}; one of: {', '.join(sorted(arity))}", file=sys.stderr)
        return 2
    low, high = arity[action] if isinstance(arity[action], tuple) else (arity[action], arity[action])
    if not low <= len(rest) <= high:
        print(f"{action} takes {low if low == high else f'{low} to {high}'} argument(s)", file=sys.stderr)
        return 2
    handlers = {
        "status": ctl.status, "phones": ctl.phones, "users": ctl.users, "reset": ctl.reset,
        "answer": ctl.answer, "hangup": ctl.hangup, "phone": ctl.phone, "dial": ctl.dial,
        "outside-call": ctl.outside_call, "advance": lambda s: {"clock": ctl.advance(float(s))},
        "cti-down": lambda node=None: ctl.cti_link(False, node), "cti-up": lambda node=None: ctl.cti_link(True, node),
        "pbx-down": lambda node=None: ctl.pbx_link(False, node), "pbx-up": lambda node=None: ctl.pbx_link(True, node),
        "licence-expiring": lambda name, days: ctl.licence_expiring(name, float(days)),
        "expire-session": lambda login=None: {"closed": ctl.expire_sessions(login)},
        "drop-channels": lambda: {"dropped": ctl.drop_channels()},
        "unavailable": lambda seconds: ctl.unavailable(float(seconds)), "ha-switch": ctl.ha_switch,
        "customer-call": lambda pilot: {"callRef": ctl.customer_call(pilot)},
        "traffic-start": lambda *pilots: ctl.start_traffic(list(pilots) or None), "traffic-stop": ctl.stop_traffic,
        "staff-on": lambda: {"changed": ctl.staff(True)}, "staff-off": lambda: {"changed": ctl.staff(False)},
        "ccd": ctl.ccd_status,
    }
    result = handlers[action](*rest)
    print(json.dumps(result, indent=2))
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

    lab = sub.add_parser("lab", help="start the course: the simulator in the background, then JupyterLab")
    lab.add_argument("--port", type=int, default=8443, help="the simulator's HTTPS port (default 8443)")
    lab.add_argument("--scenario", default="default")
    lab.set_defaults(func=_lab)

    stop = sub.add_parser("sim-stop", help="stop the background simulator")
    stop.add_argument("--state-dir", type=Path, default=None)
    stop.set_defaults(func=_sim_stop)

    ctl = sub.add_parser("sim-ctl", help="act on the running simulator (simulator only)",
                         description="Actions: status, phones, phone N, users, answer N, hangup N, dial N TO, "
                                     "outside-call FROM TO, advance SECONDS, reset; faults: cti-down [NODE], "
                                     "cti-up [NODE], pbx-down [NODE], pbx-up [NODE], licence-expiring NAME DAYS, "
                                     "expire-session [LOGIN], drop-channels, unavailable SECONDS, ha-switch; "
                                     "contact center: customer-call PILOT, traffic-start [PILOT…], traffic-stop, "
                                     "staff-on, staff-off, ccd")
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
