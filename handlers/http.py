"""The HTTP face of the Slack app: `/slack/events` (signed requests), `/health`, `/metrics`,
and in multi-workspace mode Bolt's `/slack/install` and `/slack/oauth_redirect`."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import Redis
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp

from core import metrics
from core.installations import Installations
from core.logs import get_logger
from core.worker_status import live_workers
from handlers.metrics import SLACK_REQUESTS

log = get_logger(__name__)


def build_web_app(
    bolt_app: AsyncApp,
    redis: Redis,
    *,
    queue_name: str = "chartroom:queue",
    installations: Installations | None = None,
) -> web.Application:
    async def slack_events(request: web.Request) -> web.Response:
        # Bolt checks the signature and timestamp; an unsigned or stale request gets a 401.
        response = await to_aiohttp_response(
            await bolt_app.async_dispatch(await to_bolt_request(request))
        )
        SLACK_REQUESTS.labels(status=str(response.status)).inc()
        return response

    async def health(_: web.Request) -> web.Response:
        try:
            await redis.ping()
            workers = await live_workers(redis)
        except Exception as exc:
            log.warning("health: redis unreachable", error=type(exc).__name__)
            return web.json_response({"ok": False, "redis": "unreachable"}, status=503)
        warnings = [f"{w.worker_id}: {w.warning}" for w in workers if w.warning]
        # The app itself is alive (200, for liveness probes); "ok" says whether questions get
        # answered: not with no worker, or none that can draw charts (`/ready` answers 503).
        ok = any(w.ready for w in workers)
        if not workers:
            warnings.append("no worker is running")
        elif not ok:
            warnings.append("no worker can draw charts")
        return web.json_response(
            {
                "ok": ok,
                "redis": "ok",
                "workers": [w.model_dump() for w in workers],
                "warnings": warnings,
            }
        )

    async def install(request: web.Request) -> web.Response:
        assert bolt_app.oauth_flow is not None
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(
            await bolt_app.oauth_flow.handle_installation(bolt_request)
        )

    async def oauth_redirect(request: web.Request) -> web.Response:
        assert bolt_app.oauth_flow is not None
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await bolt_app.oauth_flow.handle_callback(bolt_request))

    async def ready(_: web.Request) -> web.Response:
        """Ready to answer: Redis, the installations database (multi-workspace), and at least one
        live worker (a worker publishes itself once its sandbox and renderer have started)."""
        checks: dict[str, str] = {}
        try:
            await redis.ping()
            workers = await live_workers(redis)
            checks["redis"] = "ok"
            checks["workers"] = f"{len(workers)} live" if workers else "none live"
            if workers and not any(w.ready for w in workers):
                checks["workers"] += ", none can draw charts (no sandbox)"
                workers = []
        except Exception as exc:
            checks["redis"] = f"unreachable ({type(exc).__name__})"
            workers = []
        if installations is not None:
            try:
                async with installations.engine.connect() as conn:
                    await conn.exec_driver_sql("SELECT 1")
                checks["database"] = "ok"
            except Exception as exc:
                checks["database"] = f"unreachable ({type(exc).__name__})"
        ok = bool(workers) and all(v == "ok" for k, v in checks.items() if k != "workers")
        return web.json_response({"ready": ok, **checks}, status=200 if ok else 503)

    async def metrics_page(_: web.Request) -> web.Response:
        try:
            await metrics.update_queue_gauges(redis, queue_name)
        except Exception as exc:
            log.warning("metrics: queue unreadable", error=type(exc).__name__)
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/health", health)
    app.router.add_get("/ready", ready)
    app.router.add_get("/metrics", metrics_page)
    flow = bolt_app.oauth_flow
    if flow is not None:
        app.router.add_get(flow.install_path, install)
        app.router.add_get(flow.redirect_uri_path, oauth_redirect)
    return app
