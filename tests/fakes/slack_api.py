"""A local fake of the Slack Web API that speaks its wire format and records every call.

The real `slack_sdk` client reaches it through `base_url`. It implements what Chartroom calls:
auth.test, chat.postMessage, chat.update, chat.postEphemeral, files.info, files.list, private file
downloads (with Slack's real habit of answering a bad token with an HTML login page),
files.getUploadURLExternal, the upload URL and files.completeUploadExternal.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web

LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in</body></html>"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class FakeFile:
    id: str
    name: str
    content: bytes
    filetype: str
    mimetype: str
    size: int
    serve_login_page: bool = False


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    alt_txt: str | None
    data: bytes = b""
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None


@dataclass
class FakeSlack:
    bot_token: str = "xoxb-fake-bot-token"
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"
    team_id: str = "T0001"
    calls: list[Call] = field(default_factory=list)
    files: dict[str, FakeFile] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    user_messages: list[dict[str, Any]] = field(default_factory=list)
    failing_methods: dict[str, str] = field(default_factory=dict)  # method → Slack error code
    url: str = ""
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    async def start(self) -> None:
        app = web.Application(client_max_size=200 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/files-pri/{file_id}/{name}", self._download)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
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

    def add_file(
        self,
        name: str,
        content: bytes,
        *,
        filetype: str | None = None,
        mimetype: str = "text/csv",
        size: int | None = None,
        serve_login_page: bool = False,
    ) -> str:
        file_id = f"F{next(self._ids):07d}"
        self.files[file_id] = FakeFile(
            id=file_id,
            name=name,
            content=content,
            filetype=filetype or name.rsplit(".", 1)[-1].lower(),
            mimetype=mimetype,
            size=len(content) if size is None else size,
            serve_login_page=serve_login_page,
        )
        return file_id

    def file_object(self, file_id: str) -> dict[str, Any]:
        """The file object as Slack puts it in events and files.info answers."""
        f = self.files[file_id]
        private = f"{self.url}/files-pri/{self.team_id}-{f.id}/{quote(f.name, safe='')}"
        return {
            "id": f.id,
            "name": f.name,
            "title": f.name,
            "filetype": f.filetype,
            "mimetype": f.mimetype,
            "size": f.size,
            "url_private": private,
            "url_private_download": f"{private}?download=1",
        }

    def add_user_message(
        self, channel: str, ts: str, *, thread_ts: str | None = None, file_ids: Sequence[str] = ()
    ) -> None:
        """A person's message, as conversations.replies will list it."""
        self.user_messages.append(
            {
                "channel": channel,
                "ts": ts,
                "thread_ts": thread_ts or ts,
                "user": "U0001",
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

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _read_args(request)
        token = _bearer(request) or args.pop("token", None)
        self.calls.append(Call(method, args, token))
        self._changed.set()
        if token != self.bot_token:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method in self.failing_methods:
            return web.json_response({"ok": False, "error": self.failing_methods[method]})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        body: dict[str, Any] = handler(args)
        return web.json_response(body)

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake",
            "user": "chartroom",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
        }

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        ts = f"1700000000.{next(self._ids):06d}"
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
        return {"ok": True, "message_ts": f"1700000001.{next(self._ids):06d}"}

    def _m_files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = str(args.get("file", ""))
        if file_id not in self.files:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": self.file_object(file_id)}

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        found = [m for m in self.user_messages if m["channel"] == channel and m["thread_ts"] == ts]
        return {"ok": True, "messages": found, "has_more": False}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V0001", **(args.get("view") or {})}}

    def _m_files_list(self, args: dict[str, Any]) -> dict[str, Any]:
        found = [self.file_object(fid) for fid in reversed(self.files)]
        return {"ok": True, "files": found, "paging": {"count": len(found), "total": len(found)}}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"FUP{next(self._ids):06d}"
        self.uploads[file_id] = Upload(
            file_id=file_id,
            filename=str(args.get("filename")),
            length=int(args.get("length", 0)),
            alt_txt=args.get("alt_txt"),
        )
        return {"ok": True, "upload_url": f"{self.url}/upload/v1/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files") or []
        done = []
        for item in files:
            upload = self.uploads.get(item["id"])
            if upload is None or not upload.data:
                return {"ok": False, "error": "file_not_found"}
            upload.title = item.get("title")
            upload.channel = args.get("channel_id")
            upload.thread_ts = args.get("thread_ts")
            done.append({"id": upload.file_id, "title": upload.title, "name": upload.filename})
        return {"ok": True, "files": done}

    async def _download(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"].split("-", 1)[-1]
        self.calls.append(Call("download", {"file": file_id}, _bearer(request)))
        self._changed.set()
        f = self.files.get(file_id)
        if f is None:
            return web.Response(status=404, text="not found")
        if _bearer(request) != self.bot_token or f.serve_login_page:
            # Real Slack answers a missing or wrong token with its sign-in page and a 200.
            return web.Response(body=LOGIN_PAGE, content_type="text/html")
        return web.Response(body=f.content, content_type="application/octet-stream")

    async def _upload(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="not found")
        upload.data = await request.read()
        self.calls.append(Call("upload", {"file": upload.file_id}, None))
        self._changed.set()
        return web.Response(text=f"OK - {len(upload.data)}")


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


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ") if header.startswith("Bearer ") else None
