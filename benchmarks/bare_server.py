"""The baseline for ``make bench``: a bare aiohttp HTTPS handler with the simulator's TLS setup.

It answers every GET with ``web.json_response`` of a fixed object (the bench passes the simulator's own
answer to the same request, so both send the same bytes) — one catch-all route, no session, no middleware.
The TLS context is the simulator's own (``o2gmentor.sim.tls.server_context`` on the same certificate), the
server the same aiohttp ``AppRunner`` + ``TCPSite`` without an access log.

Run by ``benchmarks/harness.py`` in its own process: prints ``PORT <n>`` once listening on 127.0.0.1,
stops on SIGTERM (or when its parent goes away and closes stdin).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from pathlib import Path

from aiohttp import web

from o2gmentor.sim.tls import server_context


async def serve(cert_dir: Path, body: object) -> None:
    async def handler(_request: web.Request) -> web.Response:
        return web.json_response(body)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context(cert_dir), reuse_address=True)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=3600)  # bounded: never outlives a bench by an hour
    except asyncio.TimeoutError:
        pass
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cert-dir", type=Path, required=True, help="the simulator's state folder (server.pem)")
    parser.add_argument("--body", type=Path, required=True, help="file holding the JSON body to answer")
    args = parser.parse_args()
    asyncio.run(serve(args.cert_dir, json.loads(args.body.read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main()
