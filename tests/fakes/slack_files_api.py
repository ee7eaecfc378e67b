"""The fake Slack's file methods: files.info, files.list, private downloads (answering a bad
token with Slack's HTML sign-in page, as Slack does), and the external upload flow
(files.getUploadURLExternal, the upload URL, files.completeUploadExternal)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import web

LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in</body></html>"


@dataclass
class FakeFile:
    id: str
    name: str
    content: bytes
    filetype: str
    mimetype: str
    size: int
    user: str = "U0001"
    channels: list[str] = field(default_factory=list)
    created: int = field(default_factory=lambda: int(time.time()))
    serve_login_page: bool = False
    mode: str = "hosted"
    download_delay_s: float = 0.0  # a slow file server, to catch a job in the middle


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


class FileMethods:
    """Mixed into `FakeSlack`, which provides these attributes."""

    url: str
    team_id: str
    bot_token: str
    files: dict[str, FakeFile]
    uploads: dict[str, Upload]

    def _next_id(self) -> int:
        raise NotImplementedError

    def token_ok(self, token: str | None) -> bool:
        raise NotImplementedError

    def _record(self, method: str, args: dict[str, Any], token: str | None) -> None:
        raise NotImplementedError

    def add_file(
        self,
        name: str,
        content: bytes,
        *,
        filetype: str | None = None,
        mimetype: str = "text/csv",
        size: int | None = None,
        serve_login_page: bool = False,
        user: str = "U0001",
        channels: Sequence[str] = (),
        mode: str = "hosted",
        download_delay_s: float = 0.0,
    ) -> str:
        file_id = f"F{self._next_id():07d}"
        self.files[file_id] = FakeFile(
            id=file_id,
            name=name,
            content=content,
            filetype=filetype or name.rsplit(".", 1)[-1].lower(),
            mimetype=mimetype,
            size=len(content) if size is None else size,
            serve_login_page=serve_login_page,
            user=user,
            channels=list(channels),
            mode=mode,
            download_delay_s=download_delay_s,
        )
        return file_id

    def file_object(self, file_id: str) -> dict[str, Any]:
        """The file object as Slack puts it in events and files.info answers."""
        f = self.files[file_id]
        private = f"{self.url}/files-pri/{self.team_id}-{f.id}/{quote(f.name, safe='')}"
        return {
            "id": f.id,
            "created": f.created,
            "timestamp": f.created,
            "name": f.name,
            "title": f.name,
            "mimetype": f.mimetype,
            "filetype": f.filetype,
            "pretty_type": f.filetype.upper(),
            "user": f.user,
            "mode": f.mode,
            "editable": f.mode == "snippet",
            "is_external": False,
            "external_type": "",
            "is_public": True,
            "size": f.size,
            "url_private": private,
            "url_private_download": f"{private}?download=1",
            "channels": list(f.channels),
        }

    def _m_files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = str(args.get("file", ""))
        if file_id not in self.files:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": self.file_object(file_id)}

    def _m_files_list(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, user = args.get("channel"), args.get("user")
        found = [
            self.file_object(f.id)
            for f in reversed(self.files.values())
            if (not channel or not f.channels or channel in f.channels)
            and (not user or f.user == user)
        ][: int(args.get("count") or 100)]
        return {"ok": True, "files": found, "paging": {"count": len(found), "total": len(found)}}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"FUP{self._next_id():06d}"
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
        self._record("download", {"file": file_id}, _bearer(request))
        f = self.files.get(file_id)
        if f is None:
            return web.Response(status=404, text="not found")
        if f.download_delay_s:
            await asyncio.sleep(f.download_delay_s)
        if not self.token_ok(_bearer(request)) or f.serve_login_page:
            # Real Slack answers a missing or wrong token with its sign-in page and a 200.
            return web.Response(body=LOGIN_PAGE, content_type="text/html")
        return web.Response(body=f.content, content_type="application/octet-stream")

    async def _upload(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="not found")
        upload.data = await request.read()
        self._record("upload", {"file": upload.file_id}, None)
        return web.Response(text=f"OK - {len(upload.data)}")


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ") if header.startswith("Bearer ") else None
