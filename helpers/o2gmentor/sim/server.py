"""Running the simulator: in the foreground (``o2gmentor sim``) or in a thread (tests, notebooks)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from aiohttp import web

from o2gmentor.logsafe import OneLineServerLogger, RedactFilter
from o2gmentor.sim import scenario as scenarios
from o2gmentor.sim.api.app import SimState, build_app
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.tls import ensure_certificates, server_context

DEFAULT_PORT = 8443


def default_state_dir() -> Path:
    """The per-user folder holding the CA and ``control.json`` (``O2G_SIM_STATE_DIR`` overrides)."""
    env = os.environ.get("O2G_SIM_STATE_DIR")
    return Path(env) if env else Path(platformdirs.user_state_dir("o2gmentor")) / "sim"


@dataclass
class SimInfo:
    """Where a running simulator is, as written to ``control.json``."""

    host: str
    port: int
    ca: str
    token: str
    scenario: str
    pid: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    @property
    def address(self) -> str:
        """``host:port`` as the SDKs want it."""
        return self.url.removeprefix("https://")

    def __repr__(self) -> str:  # the control token stays out of reprs
        return f"SimInfo(url={self.url!r}, scenario={self.scenario!r}, ca={self.ca!r}, pid={self.pid})"


def read_info(state_dir: Path) -> SimInfo | None:
    try:
        data = json.loads((state_dir / "control.json").read_text())
        return SimInfo(**data)
    except (OSError, ValueError, TypeError):
        return None


def _write_info(state_dir: Path, info: SimInfo) -> None:
    path = state_dir / "control.json"
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # private from the start: it holds the token
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps(info.__dict__, indent=2))
    tmp.replace(path)


class SimServer:
    """One simulated O2G listening on HTTPS, run on its own event loop thread."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT, scenario: str = "default",
                 state_dir: Path | None = None, keepalive_interval: float = 20.0, seed: int = 7,
                 write_info: bool = True) -> None:
        self.host, self.port = host, port
        self.state_dir = Path(state_dir) if state_dir else default_state_dir()
        self.scenario_name = scenario
        self.state = SimState(Pbx(scenarios.load(scenario), seed=seed), keepalive_interval=keepalive_interval)
        self.write_info = write_info
        self.ca_path = ensure_certificates(self.state_dir, [host])
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def info(self) -> SimInfo:
        return SimInfo(self.host, self.port, str(self.ca_path), self.state.control_token, self.scenario_name,
                       os.getpid())

    async def _start(self) -> None:
        # No access log, and a malformed request is one line without its headers (see o2gmentor.logsafe)
        self._runner = web.AppRunner(build_app(self.state), access_log=None, handle_signals=False,
                                     shutdown_timeout=1.0, logger=OneLineServerLogger())
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, ssl_context=server_context(self.state_dir),
                           reuse_address=True)
        await site.start()
        if self.port == 0:
            self.port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001
        if self.write_info:
            _write_info(self.state_dir, self.info)

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self.write_info and (read_info(self.state_dir) or self.info).token == self.state.control_token:
            (self.state_dir / "control.json").unlink(missing_ok=True)

    def start(self) -> SimServer:
        """Start in a background thread; returns once it accepts connections."""

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(self._start())
            except BaseException as exc:  # report the failure to start() and leave
                self._error = exc
                self._ready.set()
                return
            self._ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._stop())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="o2g-sim", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def call(self, fn, *args):
        """Run ``fn(*args)`` on the server's loop (the model is not shared between threads)."""
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(_as_coro(fn, *args), self._loop)
        return future.result(10)

    def run_forever(self) -> None:
        """Serve in the foreground until interrupted (``o2gmentor sim``)."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        for handler in logging.getLogger().handlers:  # whatever logs, no credential reaches sim.log
            handler.addFilter(RedactFilter())
        signal.signal(signal.SIGTERM, _exit_on_signal)
        self.start()
        print(f"Simulated O2G ({self.scenario_name}) on {self.info.url} — trust the course CA: {self.ca_path}",
              flush=True)
        try:
            assert self._thread is not None
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(0)


async def _as_coro(fn, *args):
    return fn(*args)
