"""Serving a fake API's aiohttp app on a free local port."""

from __future__ import annotations

from aiohttp import web


async def serve_locally(app: web.Application) -> tuple[web.AppRunner, str]:
    """Start `app` on 127.0.0.1 and a free port; returns the runner (to clean up) and base URL.

    `handler_cancellation`: a client that gives up (a timeout test) cancels the slow handler, so
    stopping the server never waits for a scripted delay.
    """
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"
