"""Slack file objects (from events, files.list, conversations.replies) read into `SharedFile`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.request import SharedFile


def shared_file(obj: Mapping[str, Any]) -> SharedFile | None:
    """None for anything without a file id. Events may carry a file with only its id (e.g.
    `"file_access": "check_file_info"`); the worker's files.info fills in the rest."""
    file_id = obj.get("id")
    if not isinstance(file_id, str) or not file_id:
        return None
    size = obj.get("size")
    version = obj.get("updated") or obj.get("edit_timestamp") or obj.get("created") or ""
    return SharedFile(
        id=file_id,
        name=str(obj.get("name") or obj.get("title") or ""),
        filetype=str(obj.get("filetype") or "").lower(),
        mimetype=str(obj.get("mimetype") or "").lower(),
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        version=str(version),
    )


def shared_files(objs: Sequence[Any] | None) -> list[SharedFile]:
    found = [shared_file(o) for o in objs or [] if isinstance(o, Mapping)]
    return [f for f in found if f is not None]
