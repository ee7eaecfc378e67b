"""Normalized data kept in Redis between the questions of a conversation.

Workers may run on other machines, so a follow-up cannot count on the Parquet file the first
answer left on one worker's disk. Per file version (and sheet), under the workspace's keys:

    chartroom:{team}:profile:{digest}   the DataProfile JSON (always, so a reply can be read as
                                        a request or as chatter without any download)
    chartroom:{team}:data:{digest}      the normalized Parquet bytes, when at most
                                        THREAD_DATA_MAX_MB; bigger files are downloaded again

Both expire after THREAD_DATA_TTL_S; each use renews them. Missing or expired data is never an
error: the caller downloads and ingests again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from redis.asyncio import Redis

from core import keys
from core.data_ref import DataRef
from core.logs import get_logger
from ingest.profile import DataProfile
from workers.pipeline import ReadyData

log = get_logger(__name__)

PARQUET_NAME = "data.parquet"
# A profile is small (columns, stats, a bounded value index); this only stops a pathological one.
PROFILE_MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class DataStore:
    redis: Redis
    max_bytes: int
    ttl_s: int

    async def put(self, team_id: str, ref: DataRef, data: ReadyData) -> bool:
        """Keep `data` for follow-ups. True when the Parquet bytes were kept too."""
        profile_json = data.profile.model_dump_json()
        size = await asyncio.to_thread(lambda: data.parquet_path.stat().st_size)
        keep_bytes = size <= self.max_bytes
        try:
            if len(profile_json) > PROFILE_MAX_BYTES:
                return False
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.set(keys.profile(team_id, ref.identity()), profile_json, ex=self.ttl_s)
                if keep_bytes:
                    parquet = await asyncio.to_thread(data.parquet_path.read_bytes)
                    pipe.set(keys.data(team_id, ref.identity()), parquet, ex=self.ttl_s)
                await pipe.execute()
        except Exception:
            # Follow-ups fall back to downloading again; the answer itself is unaffected.
            log.warning("could not keep the data for follow-ups", exc_info=True)
            return False
        log.info("data kept for follow-ups", parquet_bytes=size, parquet_kept=keep_bytes)
        return keep_bytes

    async def profile(self, team_id: str, ref: DataRef) -> DataProfile | None:
        raw = await self.redis.get(keys.profile(team_id, ref.identity()))
        if raw is None:
            return None
        try:
            return DataProfile.model_validate_json(raw)
        except ValidationError:
            log.warning("stored profile of another shape; ingesting again")
            return None

    async def get(self, team_id: str, ref: DataRef, workdir: Path) -> ReadyData | None:
        """The data written to `workdir`, or None when it is not (or no longer) kept."""
        data_key, profile_key = (
            keys.data(team_id, ref.identity()),
            keys.profile(team_id, ref.identity()),
        )
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.getex(data_key, ex=self.ttl_s)
            pipe.getex(profile_key, ex=self.ttl_s)
            parquet, profile_json = await pipe.execute()
        if parquet is None or profile_json is None:
            return None
        try:
            profile = DataProfile.model_validate_json(profile_json)
        except ValidationError:
            log.warning("stored profile of another shape; ingesting again")
            return None
        path = workdir / PARQUET_NAME
        await asyncio.to_thread(_write, path, bytes(parquet))
        return ReadyData(path, profile)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
