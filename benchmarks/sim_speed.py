"""How fast the simulated O2G is, as ratios measured side by side in one run.

1. Contact-center traffic: one simulated hour of customer calls (both pilots, simulated agents), against
   real time, with and without a listener receiving every event the PBX publishes.
2. REST round trips over HTTPS: ``GET /api/rest`` on the simulator against a bare aiohttp HTTPS server
   answering a fixed JSON body (same TLS, same client), and a whole make-call/release cycle.

Run: ``.venv/bin/python benchmarks/sim_speed.py`` (about 10 s on 2 cores). Numbers vary by machine;
the ratios are what to compare.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests
from aiohttp import web

from o2gmentor.client import O2G
from o2gmentor.sim.model.pbx import Pbx
from o2gmentor.sim.scenario import load
from o2gmentor.sim.server import SimServer
from o2gmentor.sim.tls import server_context

ROUNDS = 300


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def one_hour(listen: bool) -> tuple[float, int, int]:
    """One simulated contact-center hour: (wall seconds, customer calls, events heard by a listener)."""
    pbx = Pbx(load("default"), with_history=False)
    events: list = []
    if listen:
        pbx.bus.listen(lambda *event: events.append(event))
    pbx.ccd.staff(True)
    pbx.ccd.start_traffic()
    wall = timed(lambda: pbx.clock.advance(3600))
    return wall, len(pbx.ccd.records) + len(pbx.ccd.acd_calls), len(events)


def contact_center_hour() -> None:
    quiet, calls, _ = one_hour(False)
    watched, _, events = one_hour(True)
    print(f"contact center, one simulated hour: {calls} customer calls in {quiet:.3f} s wall time")
    print(f"  speed-up over real time: {3600 / quiet:,.0f}x")
    print(f"  with a listener receiving all {events} events: {watched:.3f} s ({watched / quiet:.2f}x)")


def bare_https_server(folder: Path) -> tuple[int, callable]:
    """A minimal aiohttp HTTPS server with the simulator's certificate: the baseline."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict = {}

    async def descriptor(_request: web.Request) -> web.Response:
        return web.json_response({"serverInfo": {"productName": "bare"}, "versions": []})

    async def start() -> None:
        app = web.Application()
        app.router.add_get("/api/rest", descriptor)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context(folder))
        await site.start()
        holder["port"] = site._server.sockets[0].getsockname()[1]  # noqa: SLF001
        holder["runner"] = runner

    def run() -> None:
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    ready.wait(10)

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)

    return holder["port"], stop


def per_request(url: str, ca: str) -> float:
    http = requests.Session()
    http.get(url, verify=ca)  # connection set up
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        http.get(url, verify=ca).raise_for_status()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def rest_round_trips() -> None:
    folder = Path(tempfile.mkdtemp(prefix="o2g-bench-"))
    sim = SimServer(port=0, state_dir=folder, write_info=False).start()
    port, stop_bare = bare_https_server(folder)
    ca = str(sim.ca_path)
    try:
        bare = per_request(f"https://127.0.0.1:{port}/api/rest", ca)
        simulated = per_request(f"https://{sim.info.address}/api/rest", ca)
        print(f"GET /api/rest, median of {ROUNDS}: simulator {simulated * 1e3:.2f} ms, "
              f"bare aiohttp {bare * 1e3:.2f} ms — ratio {simulated / bare:.2f}")
        alice = O2G(sim.info.address, "oxe1001", "1001", ca_bundle=ca).connect()
        cycles = []
        for _ in range(50):
            start = time.perf_counter()
            alice.telephony.release(alice.telephony.make_call("1002"))
            cycles.append(time.perf_counter() - start)
        cycle = statistics.median(cycles)
        print(f"make call + release (2 requests), median of 50: {cycle * 1e3:.2f} ms — "
              f"{cycle / bare:.1f}x a bare round trip")
        alice.close()
    finally:
        stop_bare()
        sim.stop()


if __name__ == "__main__":
    contact_center_hour()
    rest_round_trips()
