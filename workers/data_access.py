"""The data a job charts: kept from an earlier question in the conversation, or downloaded from
Slack and ingested (then kept for the next one)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from core.data_ref import DataRef
from core.logs import get_logger
from core.progress import Progress, no_progress
from ingest.profile import DataProfile
from ingest.slack_files import download_slack_file
from workers.data_store import DataStore
from workers.files import DATA_FILETYPES
from workers.pipeline import Pipeline, ReadyData

log = get_logger(__name__)


@dataclass(frozen=True)
class LoadedData:
    data: ReadyData
    name: str  # the file's name as shown to the person
    reused: bool  # True: no download, no parsing (kept from an earlier question)
    elapsed_ms: float = 0.0

    @property
    def timing(self) -> dict[str, float]:
        """For the answer's timings: "data_kept" (restored from Redis) or "data_fetched"."""
        return {"data_kept" if self.reused else "data_fetched": self.elapsed_ms}


@dataclass
class DataAccess:
    slack: AsyncWebClient
    http: aiohttp.ClientSession
    bot_token: str
    max_file_bytes: int
    download_timeout_s: float
    pipeline: Pipeline
    store: DataStore

    async def profile(self, team_id: str, ref: DataRef) -> DataProfile | None:
        """The profile kept for `ref`, without touching the file (None: not kept)."""
        return await self.store.profile(team_id, ref)

    async def load(
        self, team_id: str, ref: DataRef, workdir: Path, *, progress: Progress = no_progress
    ) -> LoadedData:
        """The data of `ref` (its sheet, for a workbook). Raises the `UserError`s of downloading
        and ingesting, the file's name in each (`SheetNotFound` names the sheets there are)."""
        started = time.perf_counter()
        kept = await self.store.get(team_id, ref, workdir)
        if kept is not None:
            log.info("data reused from the conversation", file_id=ref.file.id)
            elapsed = (time.perf_counter() - started) * 1000
            return LoadedData(kept, kept.profile.file_name or ref.name, True, elapsed)
        downloaded = await download_slack_file(
            self.slack,
            self.http,
            ref.file.id,
            workdir / "download",
            bot_token=self.bot_token,
            max_bytes=self.max_file_bytes,
            timeout_s=self.download_timeout_s,
        )
        data = await self.pipeline.ingest(
            downloaded.path,
            ingest_name(downloaded.name, downloaded.filetype),
            workdir,
            sheet=ref.sheet,
            progress=progress,
        )
        elapsed = (time.perf_counter() - started) * 1000
        await self.store.put(team_id, ref, data)
        return LoadedData(data, downloaded.name, False, elapsed)


def ingest_name(name: str, filetype: str) -> str:
    """A snippet named "Untitled" of Slack type csv is read as "Untitled.csv": the readers go by
    extension where the content alone can't tell (TSV or CSV, JSON Lines)."""
    _, dot, ext = name.rpartition(".")
    if (not dot or not ext.isalnum()) and filetype in DATA_FILETYPES and filetype != "text":
        return f"{name}.{filetype}"
    return name
