"""A local fake of the Slack Web API that speaks its wire format and records every call.

The real `slack_sdk` client reaches it through `base_url`. It implements what Chartroom calls:
auth.test, chat.postMessage, chat.update, chat.postEphemeral (checking blocks the way Slack does
and answering `invalid_blocks` with Slack's error list), conversations.replies, views.publish,
assistant.threads.setStatus and setSuggestedPrompts, the file methods (`slack_files_api`), and
slash commands' response URLs. Tests make it refuse like Slack does: any method with an error
code, `missing_scope` with the scope it needs, `not_in_channel` for channels the bot is not in,
or `invalid_blocks` for every native chart (a workspace without the data visualization block);
and answer HTTP 429 (with Retry-After) or 5xx for a method's next calls, or drop the connection
after the call took effect (`http_faults`, `DROP_AFTER_EFFECT`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.slack_blocks import block_errors
from tests.fakes.slack_files_api import FakeFile, FileMethods, Upload, _bearer
from tests.fakes.slack_oauth import Installed, OAuthMethods

__all__ = ["Call", "FakeFile", "FakeSlack", "Upload"]

_POSTING = ("chat.postMessage", "chat.update", "chat.postEphemeral")
# In `http_faults`: the call takes effect, then the connection drops before the answer.
DROP_AFTER_EFFECT = -1


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class FakeSlack(FileMethods, OAuthMethods):
    bot_token: str = "xoxb-fake-bot-token"
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"
    team_id: str = "T0001"
    calls: list[Call] = field(default_factory=list)
    files: dict[str, FakeFile] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)  # posts to response URLs
    user_messages: list[dict[str, Any]] = field(default_factory=list)
    failing_methods: dict[str, str] = field(default_factory=dict)  # method → Slack error code
    missing_scopes: dict[str, str] = field(default_factory=dict)  # method → scope it needs
    not_member_of: set[str] = field(default_factory=set)  # channels the bot was not invited to
    reject_native_charts: bool = False
    # method → HTTP statuses for its next calls (429 with Retry-After: 1, 500…), used up in order
    http_faults: dict[str, list[int]] = field(default_factory=dict)
    # OAuth (see `slack_oauth`): the app's credentials, and the workspaces that installed it.
    client_id: str = "1111.2222"
    client_secret: str = "fake-client-secret"
    grants: dict[str, Installed] = field(default_factory=dict)
    installed: dict[str, Installed] = field(default_factory=dict)
    refresh_tokens: dict[str, Installed] = field(default_factory=dict)
    url: str = ""
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.url}/respond/{name}"

    async def start(self) -> None:
        app = web.Application(client_max_size=200 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/files-pri/{file_id}/{name}", self._download)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
        app.router.add_post("/respond/{name}", self._respond)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- set-up helpers for tests -------------------------------------------------------------

    def add_user_message(
        self,
        channel: str,
        ts: str,
        *,
        thread_ts: str | None = None,
        file_ids: Sequence[str] = (),
        user: str = "U0001",
    ) -> None:
        """A person's message, as conversations.replies will list it."""
        self.user_messages.append(
            {
                "type": "message",
                "channel": channel,
                "ts": ts,
                "thread_ts": thread_ts or ts,
                "user": user,
                "files": [self.file_object(f) for f in file_ids],
            }
        )

    # ---- queries for assertions --------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def thread_messages(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        return [
            m
            for (ch, _), m in self.messages.items()
            if ch == channel and m.get("thread_ts") == thread_ts
        ]

    async def wait_for(self, predicate: Callable[[], bool], timeout_s: float = 60.0) -> None:
        """Wait until `predicate()` holds; it is re-checked after every recorded call."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fake Slack: condition not met in {timeout_s} s")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.5))

    # ---- wire format ---------------------------------------------------------------------------

    def _next_id(self) -> int:
        return next(self._ids)

    def _record(self, method: str, args: dict[str, Any], token: str | None) -> None:
        self.calls.append(Call(method, args, token))
        self._changed.set()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _read_args(request)
        token = _bearer(request) or args.pop("token", None)
        self._record(method, args, token)
        faults = self.http_faults.get(method) or []
        dropped = bool(faults) and faults[0] == DROP_AFTER_EFFECT
        if dropped:
            faults.pop(0)  # the call takes effect below; its answer never arrives
        elif faults:
            status = faults.pop(0)
            headers = {"Retry-After": "1"} if status == 429 else {}
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=status, headers=headers
            )
        if method == "oauth.v2.access":  # the app's client id and secret, not a bot token
            return web.json_response(self.oauth_v2_access(request, args))
        if not self.token_ok(token):
            return web.json_response({"ok": False, "error": "invalid_auth"})
        refusal = self._refusal(method, args)
        if refusal is not None:
            return web.json_response({"ok": False, **refusal})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        body: dict[str, Any] = (
            self._m_auth_test(args, token) if method == "auth.test" else handler(args)
        )
        if dropped and request.transport is not None:
            request.transport.abort()  # the connection drops after Slack acted on the call
        return web.json_response(body)

    def _refusal(self, method: str, args: dict[str, Any]) -> dict[str, Any] | None:
        if method in self.missing_scopes:
            needed = self.missing_scopes[method]
            return {"error": "missing_scope", "needed": needed, "provided": "chat:write"}
        if method in self.failing_methods:
            return {"error": self.failing_methods[method]}
        if method in _POSTING and str(args.get("channel", "")) in self.not_member_of:
            return {"error": "not_in_channel"}
        if method in _POSTING and "blocks" in args:
            errors = block_errors(args["blocks"])
            if self.reject_native_charts and any(
                isinstance(b, dict) and b.get("type") == "data_visualization"
                for b in args["blocks"] or []
            ):
                errors.append("unsupported type `data_visualization` [json-pointer:/blocks]")
            if errors:
                return {
                    "error": "invalid_blocks",
                    "errors": errors,
                    "response_metadata": {"messages": [f"[ERROR] {e}" for e in errors]},
                }
        return None

    def token_ok(self, token: str | None) -> bool:
        return token == self.bot_token or token in self.installed

    def _m_auth_test(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        installed = self.installed.get(token or "")
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake",
            "user": "chartroom",
            "team_id": installed.team_id if installed else self.team_id,
            **({"enterprise_id": installed.enterprise_id} if installed else {}),
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
        }

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        ts = f"1700000000.{self._next_id():06d}"
        message = {
            "ts": ts,
            "text": args.get("text", ""),
            "blocks": args.get("blocks"),
            "thread_ts": args.get("thread_ts"),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "history": [],
        }
        self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel")), str(args.get("ts")))
        message = self.messages.get(key)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message["history"].append(message["text"])
        message["text"] = args.get("text", "")
        message["blocks"] = args.get("blocks")
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message["text"]}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        self.ephemerals.append(dict(args))
        return {"ok": True, "message_ts": f"1700000001.{self._next_id():06d}"}

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        found = [m for m in self.user_messages if m["channel"] == channel and m["thread_ts"] == ts]
        found += [
            m for (ch, _), m in self.messages.items() if ch == channel and m["thread_ts"] == ts
        ]
        found.sort(key=lambda m: float(m["ts"]))
        return {"ok": True, "messages": found, "has_more": False}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view") or {}
        errors = block_errors(view.get("blocks"), surface="home")
        if errors:
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
        return {"ok": True, "view": {"id": "V0001", **view}}

    def _m_assistant_threads_setStatus(self, args: dict[str, Any]) -> dict[str, Any]:
        messages = args.get("loading_messages")
        if messages is not None and (not isinstance(messages, list) or len(messages) > 10):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True}

    def _m_assistant_threads_setSuggestedPrompts(self, args: dict[str, Any]) -> dict[str, Any]:
        prompts = args.get("prompts")
        if not isinstance(prompts, list) or not 1 <= len(prompts) <= 4:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True}

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append(dict(body) | {"url_name": request.match_info["name"]})
        self._changed.set()
        return web.Response(text="ok")


async def _read_args(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        loaded = await request.json()
        body = dict(loaded) if isinstance(loaded, dict) else {}
        return {k: _maybe_json(str(v)) for k, v in request.query.items()} | body
    form = await request.post()
    pairs = [*request.query.items(), *form.items()]
    return {key: _maybe_json(str(value)) for key, value in pairs}


def _maybe_json(text: str) -> Any:
    """slack_sdk form-encodes nested values (blocks, files) as JSON strings."""
    if text[:1] in ("[", "{"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text
