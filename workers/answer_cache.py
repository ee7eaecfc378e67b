"""Finished answers cached in Redis, so asking the same thing of the same data costs no model call
and no sandbox run.

The key is a sha256 over everything that can change the answer: the workspace, the normalized
question, the data's fingerprint (a hash of the normalized Parquet's bytes), the thread's context
version (how many answers the thread already holds, since follow-ups read them) and the planner's
settings (providers and models, prompt versions, code settings, chart size). The workspace is also
the first part of the Redis key, so one workspace's entries can never be read by another, even
on a hash collision (`core.keys.answer_cache`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from core import keys
from core.logs import get_logger

log = get_logger(__name__)

MAX_ENTRY_BYTES = 20 * 1024 * 1024  # answers bigger than this are not worth a Redis round-trip


@dataclass(frozen=True)
class CacheScope:
    """Who asked and where: the parts of the key that come from Slack, not the data."""

    workspace_id: str
    thread_version: int = 0


def normalize_question(question: str) -> str:
    """Case, spacing, Unicode forms and trailing punctuation don't change the answer."""
    text = unicodedata.normalize("NFKC", question).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip("?.!… ")


def data_fingerprint(parquet_path: Path) -> str:
    """sha256 of the normalized Parquet: the same content gives the same file, whatever its name."""
    digest = hashlib.sha256()
    with parquet_path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_key(scope: CacheScope, question: str, fingerprint: str, planner_settings: str) -> str:
    material = json.dumps(
        [
            scope.workspace_id,
            normalize_question(question),
            fingerprint,
            scope.thread_version,
            planner_settings,
        ],
        ensure_ascii=False,
    )
    digest = hashlib.sha256(material.encode("utf-8")).hexdigest()
    return keys.answer_cache(scope.workspace_id, digest)


@dataclass
class AnswerCache:
    redis: Redis
    ttl_s: int

    async def get(self, key: str) -> dict[str, Any] | None:
        try:
            raw = await self.redis.get(key)
        except Exception:
            log.warning("answer cache read failed", exc_info=True)
            return None
        if raw is None:
            return None
        try:
            entry = json.loads(raw)
        except ValueError:
            log.warning("answer cache entry unreadable; ignoring it", key=key)
            return None
        return entry if isinstance(entry, dict) else None

    async def put(self, key: str, entry: dict[str, Any]) -> bool:
        """Store `entry` (JSON-ready; bytes base64-encoded with `encode_bytes`). Best effort."""
        raw = json.dumps(entry, separators=(",", ":"))
        if len(raw) > MAX_ENTRY_BYTES:
            log.info("answer too large to cache", bytes=len(raw))
            return False
        try:
            await self.redis.set(key, raw, ex=self.ttl_s)
        except Exception:
            log.warning("answer cache write failed", exc_info=True)
            return False
        return True


def encode_bytes(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def decode_bytes(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
