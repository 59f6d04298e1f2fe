"""Mutation testing (`make mutation`): how many planted bugs the fast tests catch, per module.

Runs mutmut (3.x) once per module group below, each in its own scratch workspace under build/mutation/<group>,
so the working tree is never touched (mutmut writes its mutated copies into <workspace>/mutants) and another
`make test` running meanwhile sees the real code. Each group selects only the fast tests that exercise it
(unit tests and the simulator/client HTTPS integration tests; never notebooks or the browser); mutmut then runs,
for each mutant, only the selected tests that reached the mutated function, stopping at the first failure.
A mutant is *detected* when a test fails, errors, or runs out of time (each test has a 30 s wall-clock limit
through pytest-timeout, and mutmut adds a CPU-time limit of 15 x the tests' measured time).

    python benchmarks/mutation.py                 # every group, fresh, then the score table
    python benchmarks/mutation.py sim_sessions    # one group
    python benchmarks/mutation.py --from <commit> [group…]  # the code and tests of a commit (e.g. a baseline)
    python benchmarks/mutation.py --report        # the scores of the last run, without running anything
    python benchmarks/mutation.py --recheck [group…]  # after writing tests: the last run's survivors only
    MUTATION_JOBS=1 python benchmarks/mutation.py # one worker (default: 2)
    MUTATION_WORKSPACES=/tmp/m python benchmarks/mutation.py  # workspaces elsewhere (two runs side by side)

Prints one line per module, ``<module>: <detected>/<mutants> detected (<score> %, target 80 %, met|missed)``,
and writes the survivors of each group to build/mutation/<group>/survivors.txt (``mutmut show <name>`` in
<workspace> prints one as a diff). Scores and the known equivalent mutants are in benchmarks/README.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("MUTATION_WORKSPACES") or ROOT / "build" / "mutation")  # one workspace per group
TARGET = 80.0
PER_TEST_TIMEOUT = 30  # seconds of wall clock per test (pytest-timeout): a mutant that hangs is detected


@dataclass(frozen=True)
class Group:
    modules: tuple[str, ...]  # paths under helpers/
    tests: tuple[str, ...]  # test files or node ids, relative to the repository root


GROUPS: dict[str, Group] = {
    # the call model and the event bus it publishes on: the model's unit tests and call control over HTTPS
    "call_model": Group(
        ("o2gmentor/sim/model/calls.py", "o2gmentor/sim/model/bus.py"),
        ("tests/unit/test_call_model.py", "tests/unit/test_call_model_consultation.py",
         "tests/unit/test_model_edge_cases.py", "tests/unit/test_call_model_rules.py",
         "tests/unit/test_routing_model.py", "tests/unit/test_ccd_model.py",
         "tests/integration/test_call_control_over_http.py"),
    ),
    # the simulator's sessions: over HTTPS, with the session clock stepped (no test that sleeps)
    "sim_sessions": Group(
        ("o2gmentor/sim/api/sessions.py",),
        ("tests/integration/test_sim_session_records.py", "tests/integration/test_login_flood.py",
         "tests/integration/test_bad_input.py", "tests/integration/test_hardening.py",
         "tests/integration/test_session_lifetime.py"),
    ),
    # subscriptions and the event channel, as the SDKs use them
    "sim_subscriptions": Group(
        ("o2gmentor/sim/api/subscriptions.py",),
        ("tests/integration/test_sdk_contract.py", "tests/integration/test_bad_input.py",
         "tests/integration/test_subscription_rules.py"),
    ),
    # the client's transport, session and event stream against the simulator
    "client": Group(
        ("o2gmentor/client/transport.py", "o2gmentor/client/session.py", "o2gmentor/client/events.py"),
        ("tests/unit/test_client_units.py", "tests/integration/test_client.py",
         "tests/integration/test_client_promises.py", "tests/integration/test_client_tls_hints.py",
         "tests/integration/test_log_secrets.py", "tests/integration/test_client_contract.py",
         "tests/integration/test_client_event_stream_rules.py", "tests/integration/test_client_session_rules.py",
         "tests/integration/test_client_error_details.py"),
    ),
}


# The workspace's own conftest.py (beside tests/, so the tests' conftest is copied unchanged):
# 1. mutmut runs, for each mutant, the tests that reached the mutated function while it measured them; but what
#    runs once when the session-scoped simulator starts (its route tables, its stores) is reached during the
#    first test that uses the simulator only, and would be tested by that test alone. Every test that uses the
#    simulator goes through what was built then: a function reached while the first simulator started counts as
#    reached by every test that uses the simulator.
# 2. Each mutant's tests run fastest first (mutmut stops at the first failure).
STARTUP_PLUGIN = '''
import os

import pytest

# ---- added by benchmarks/mutation.py (mutation workspace only)
_sim_startup: set[str] = set()
_sim_tests: list[str] = []


def _measuring() -> bool:
    return os.environ.get("MUTANT_UNDER_TEST") == "stats"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    yield
    if _measuring() and "sim" in item.fixturenames:
        from mutmut.state import state

        _sim_tests.append(item.nodeid)
        if len(_sim_tests) == 1:
            _sim_startup.update(state()._stats)  # noqa: SLF001


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if not _measuring() or not _sim_tests:
        return
    from mutmut.state import state

    tests_of = state().tests_by_mangled_function_name
    for function in _sim_startup:
        tests_of[function] = set(tests_of.get(function, ())) | set(_sim_tests)


def pytest_collection_modifyitems(session, config, items):
    import json as _json
    from pathlib import Path as _Path

    stats = _Path("mutmut-stats.json")
    if _measuring() or not stats.exists():
        return
    duration = _json.loads(stats.read_text()).get("duration_by_test", {})
    items.sort(key=lambda item: duration.get(item.nodeid, 0.0))
'''


def _pyproject(group: Group, ws: Path) -> str:
    tests = [t for t in group.tests if (ws / t.split("::")[0]).exists()]
    cfg = {
        "source_paths": ["src"],
        "only_mutate": [f"src/{m}" for m in group.modules],
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", f"--timeout={PER_TEST_TIMEOUT}"],
        "use_git_change_detection": False,
        "use_setproctitle": False,
        "also_copy": ["conftest.py"],
    }
    lines = ["[tool.pytest.ini_options]", 'testpaths = ["tests"]', f"timeout = {PER_TEST_TIMEOUT}", "", "[tool.mutmut]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in cfg.items()]
    return "\n".join(lines) + "\n"


def _extract(rev: str, path: str, into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev, path], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)


def prepare(name: str, group: Group, rev: str | None = None) -> Path:
    """A fresh workspace: src/o2gmentor and tests/ (from the working tree, or as they are in commit ``rev``),
    and the mutmut settings."""
    ws = BUILD / name
    if ws.exists():
        shutil.rmtree(ws)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    if rev:
        _extract(rev, "helpers/o2gmentor", ws)
        (ws / "helpers").rename(ws / "src")
        _extract(rev, "tests", ws)
    else:
        shutil.copytree(ROOT / "helpers" / "o2gmentor", ws / "src" / "o2gmentor", ignore=ignore)
        shutil.copytree(ROOT / "tests", ws / "tests", ignore=ignore)
    (ws / "conftest.py").write_text(STARTUP_PLUGIN)
    (ws / "pyproject.toml").write_text(_pyproject(group, ws))
    return ws


def _python_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.py"))
            if "__pycache__" not in p.parts}


def prepare_recheck(group: Group, ws: Path) -> list[str]:
    """Refresh the tests of the last run's workspace and return its survivors' names.

    Only valid while the code is the one that was mutated: adding tests can only turn survivors into detected
    mutants, so the survivors, re-run against today's tests, give today's score."""
    if not (ws / "mutants").exists():
        raise SystemExit(f"no earlier run in {ws}: run the group first")
    if _python_files(ROOT / "helpers" / "o2gmentor") != _python_files(ws / "src" / "o2gmentor"):
        raise SystemExit(f"helpers/o2gmentor changed since the run in {ws}: run the group again, not --recheck")
    shutil.rmtree(ws / "tests")
    shutil.copytree(ROOT / "tests", ws / "tests", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (ws / "pyproject.toml").write_text(_pyproject(group, ws))
    return [entry.split()[0] for _, _, survivors in scores(ws, group) for entry in survivors]


def _metas(ws: Path, group: Group) -> dict[Path, dict]:
    return {meta: json.loads(meta.read_text()) for module in group.modules
            if (meta := ws / "mutants" / "src" / (module + ".meta")).exists()}


def keep_detected(ws: Path, group: Group, before: dict[Path, dict]) -> None:
    """After a re-check, put back the verdicts of the mutants it did not re-run.

    mutmut forgets every other verdict when the tests changed; those mutants were detected by tests that are still
    there, unchanged, so their verdicts stand."""
    from mutmut.stats import status_by_exit_code

    for meta, data in _metas(ws, group).items():
        old = before.get(meta, {}).get("exit_code_by_key", {})
        codes = data["exit_code_by_key"]
        for key, code in codes.items():
            if code is None and old.get(key) is not None and \
                    status_by_exit_code[old[key]] in ("killed", "timeout", "segfault"):
                codes[key] = old[key]
        meta.write_text(json.dumps(data, indent=4))


def run(name: str, ws: Path, jobs: int, mutants: list[str] | None = None) -> int:
    env = dict(os.environ)
    # what the root conftest.py would set: a throw-away logbook and simulator state, never the user's
    env["O2G_LOGBOOK"] = str(ws / "logbook.sqlite")
    env["O2G_SIM_STATE_DIR"] = str(ws / "sim-state")
    env["O2G_SIM_PORT"] = "0"
    env["O2G_MODE"] = "sim"
    env.pop("PYTHONPATH", None)
    mutmut = Path(sys.executable).with_name("mutmut")
    with open(ws / "mutmut.log", "a" if mutants else "w") as log:
        proc = subprocess.run([str(mutmut), "run", "--max-children", str(jobs), *(mutants or [])], cwd=ws, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    return proc.returncode


def scores(ws: Path, group: Group) -> list[tuple[str, dict[str, int], list[str]]]:
    from mutmut.stats import status_by_exit_code

    out = []
    for module in group.modules:
        meta = ws / "mutants" / "src" / (module + ".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        counts: dict[str, int] = {}
        survivors = []
        for key, code in sorted(codes.items()):
            status = status_by_exit_code[code]
            counts[status] = counts.get(status, 0) + 1
            if status not in ("killed", "timeout", "segfault"):
                survivors.append(f"{key}  ({status})")
        out.append((module, counts, survivors))
    return out


def main(argv: list[str]) -> int:
    rev, report_only, recheck = None, False, False
    if argv[:1] == ["--from"]:
        rev, argv = argv[1], argv[2:]
    if argv[:1] == ["--report"]:  # the scores of the last run of each group, without running anything
        report_only, argv = True, argv[1:]
    if argv[:1] == ["--recheck"]:  # the last run's survivors against today's tests (the code unchanged)
        recheck, argv = True, argv[1:]
    names = argv or list(GROUPS)
    unknown = [n for n in names if n not in GROUPS]
    if unknown:
        print(f"unknown group(s) {unknown}; groups: {', '.join(GROUPS)}")
        return 2
    jobs = int(os.environ.get("MUTATION_JOBS", "2"))
    lines, ok = [], True
    for name in names:
        group = GROUPS[name]
        ws = BUILD / name
        if recheck:
            started = time.monotonic()
            survivors = prepare_recheck(group, ws)
            print(f"[{name}] re-checking {len(survivors)} survivors against today's tests ...", flush=True)
            before = _metas(ws, group)
            rc = run(name, ws, jobs, survivors) if survivors else 0
            keep_detected(ws, group, before)
            print(f"[{name}] mutmut exit {rc} after {time.monotonic() - started:.0f} s (log: {ws / 'mutmut.log'})",
                  flush=True)
        elif not report_only:
            started = time.monotonic()
            print(f"[{name}] mutating {', '.join(group.modules)} ...", flush=True)
            ws = prepare(name, group, rev)
            rc = run(name, ws, jobs)
            took = time.monotonic() - started
            print(f"[{name}] mutmut exit {rc} after {took:.0f} s (log: {ws / 'mutmut.log'})", flush=True)
        all_survivors = []
        for module, counts, survivors in scores(ws, group):
            total = sum(counts.values())
            detected = counts.get("killed", 0) + counts.get("timeout", 0) + counts.get("segfault", 0)
            score = 100.0 * detected / total if total else 0.0
            met = total > 0 and score >= TARGET
            ok = ok and met
            rest = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()) if k != "killed")
            lines.append(f"{module}: {detected}/{total} detected ({score:.1f} %, target {TARGET:.0f} %, "
                         f"{'met' if met else 'missed'}){' — ' + rest if rest else ''}")
            all_survivors += survivors
        (ws / "survivors.txt").write_text("\n".join(all_survivors) + "\n")
    print("\nmutation scores (detected = killed + timed out):")
    for line in lines:
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
