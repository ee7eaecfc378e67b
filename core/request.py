"""The plain-data job that travels from a Slack listener to a worker through Redis."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class PlotRequest(BaseModel):
    """Everything a worker needs to answer one question. Plain data only: no clients, no tokens."""

    model_config = ConfigDict(frozen=True)

    request_id: str  # Slack's event id (or the command's trigger id): also the ARQ job id
    source: Literal["mention", "dm", "command"]
    team_id: str
    channel_id: str
    thread_ts: str  # the thread the answer goes to
    user_id: str
    text: str  # the question, with the bot mention removed
    file_ids: list[str] = Field(default_factory=list)
    placeholder_ts: str | None = None  # the reply the worker edits as it goes
