"""The plain-data jobs that travel from a Slack listener to a worker through Redis."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# mention: @Chartroom in a channel; dm: a message in the bot's DM; command: /plot;
# reply: the asker's reply in a thread Chartroom answered, without a mention (answered only when
# it reads as a chart request).
Source = Literal["mention", "dm", "command", "reply"]


class SharedFile(BaseModel):
    """A file attached to a message, as Slack described it in the event: nothing downloaded yet."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str = ""
    filetype: str = ""  # Slack's own type: "csv", "xlsx", "png"…; snippets have one too
    mimetype: str = ""
    size: int | None = None
    # Slack's `updated` (or `created`) time: an edited snippet or re-uploaded version gets a new
    # one, so (id, version, size) names the bytes.
    version: str = ""

    def identity(self) -> str:
        return f"{self.id}:{self.version}:{self.size if self.size is not None else ''}"


class PlotRequest(BaseModel):
    """Everything a worker needs to answer one question. Plain data only: no clients, no tokens."""

    model_config = ConfigDict(frozen=True)

    request_id: str  # Slack's event id (or the command's trigger id): also the ARQ job id
    source: Source
    team_id: str
    enterprise_id: str | None = None  # set for Enterprise Grid workspaces
    enterprise_install: bool = False  # an org-wide install: the token belongs to the enterprise
    channel_id: str
    thread_ts: str | None  # the thread the answer goes to; None for /plot until its root exists
    user_id: str
    text: str  # the question, with the bot mention removed
    files: list[SharedFile] = Field(default_factory=list)
    is_dm: bool = False
    response_url: str | None = None  # /plot only: where ephemeral answers to the command go

    @property
    def conversation_id(self) -> str:
        """A DM is one conversation (its last file stays in play); elsewhere, each thread."""
        if self.is_dm:
            return "dm"
        assert self.thread_ts is not None
        return self.thread_ts

    @property
    def must_answer(self) -> bool:
        """Addressed to the bot for sure. Otherwise (a reply without a mention, a DM message
        without a file in a conversation that has data) it is answered only when it reads as a
        chart request; chatter gets no message at all."""
        return self.source in ("mention", "command") or (self.source == "dm" and bool(self.files))


ButtonAction = Literal["restyle", "show_data"]


class ButtonRequest(BaseModel):
    """A click on an answer's buttons that needs a worker: the same plan drawn as another chart
    type (no re-planning from the text), or the data behind the chart."""

    model_config = ConfigDict(frozen=True)

    request_id: str  # a job id of its own, from the interaction's trigger id
    action: ButtonAction
    team_id: str
    enterprise_id: str | None = None
    enterprise_install: bool = False
    channel_id: str
    thread_ts: str
    user_id: str
    answer_id: str  # the request id of the answer whose button was clicked
    chart_type: str | None = None  # restyle only
