"""A question (mention, DM, /plot, or the asker's reply in a thread) becomes a chart.

    /plot: find the file first (no file: a private note, nothing public), then the thread root
    conversation state ─▶ which file ─▶ [reply without a mention: does it read as a request?
    no ─▶ nothing at all] ─▶ placeholder ─▶ data (kept, or downloaded and ingested) ─▶ plan,
    draw, render ─▶ deliver

A follow-up on data the conversation keeps makes no files.info, download or
conversations.replies call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.errors import NoFileAttached, UserError
from core.progress import Progress
from core.request import PlotRequest
from core.slack_errors import slack_call
from core.thread_state import ThreadState, load_thread
from ingest.profile import DataProfile
from planner.followup import reads_as_request
from post import texts
from workers.answer import ChartResult
from workers.answer_cache import CacheScope
from workers.data_access import LoadedData
from workers.deliver import Delivery, deliver
from workers.files import FileChoice, find_data_file
from workers.flow import JobFlow
from workers.pipeline import Asker
from workers.sheet_choice import read_sheet_ask
from workers.thread_memory import Conversation, load_turns, remember_asker

IGNORED = "ignored"


@dataclass
class QuestionFlow(JobFlow):
    request: PlotRequest | None = None

    async def work(self) -> str:
        assert self.request is not None
        request = self.request
        started = time.monotonic()
        if request.text.strip().lower() in texts.HELP_WORDS and not request.files:
            return await self._usage(request)
        asked = read_sheet_ask(request.text)
        choice: FileChoice | None = None
        if request.source == "command":
            request, choice = await self._command_thread(request, asked.sheet)
            if choice is None:
                return "no_file"
        assert request.thread_ts is not None
        self.thread_ts = request.thread_ts
        where = Conversation(request.team_id, request.channel_id, request.conversation_id)
        thread = await load_thread(
            self.redis, request.team_id, request.channel_id, request.conversation_id
        )
        if request.source == "reply" and thread is None:
            return IGNORED  # the conversation expired: a reply without a mention is not for us
        if choice is None:
            choice = await find_data_file(self.deps.slack, request, thread, sheet=asked.sheet)
        turns, version = await load_turns(self.redis, where)
        if _switched_data(thread, choice):
            turns = []  # another file or sheet: its columns differ, the question starts afresh
        loaded: LoadedData | None = None
        if not request.must_answer and asked.sheet is None:
            # Not addressed to the bot for sure: decide before anything shows in the thread (a
            # sheet asked for is a request in itself).
            loaded, profile = await self._profile(choice)
            previous = turns[-1].plan if turns else None
            if not reads_as_request(asked.question, profile, previous):
                return IGNORED
        reply = self.thread_reply(request.thread_ts, choice.data.name)
        await reply.start(texts.placeholder(choice.data.name))
        asker = Asker(CacheScope(request.team_id, version), turns)
        file_key = (
            self.deps.pipeline.file_cache_key(asker, asked.question, choice.data.identity())
            if choice.data.file.version  # an unversioned file is keyed by its bytes only
            else None
        )
        early = await self._answered_before(file_key, choice) if loaded is None else None
        if early is None and loaded is None:
            loaded = await self.deps.access.load(
                request.team_id, choice.data, self.workdir, progress=reply.stage
            )
        name = loaded.name if loaded is not None else choice.data.name
        reply.file_name = self.file_name = name
        # The file is readable: from now on the asker's replies here are follow-ups, even if
        # this question ends in a message rather than a chart.
        await remember_asker(
            self.redis,
            where,
            ThreadState.updated(thread, request.user_id, choice.data),
            ttl_s=self.deps.settings.thread_ttl_s,
        )
        if early is not None:
            result, profile = early
        else:
            assert loaded is not None
            result = await self._answer(loaded, asked.question, asker, file_key, reply.stage)
            profile = loaded.data.profile
        delivery = Delivery(
            where=where,
            thread_ts=request.thread_ts,
            user_id=request.user_id,
            question=asked.question,
            data=choice.data,
            file_name=name,
            is_dm=request.is_dm,
            notes=tuple(_notes(choice, name, profile)),
        )
        await deliver(self, reply, delivery, result, started)
        return "charted"

    async def _answer(
        self,
        loaded: LoadedData,
        question: str,
        asker: Asker,
        file_key: str | None,
        progress: Progress,
    ) -> ChartResult:
        try:
            result = await self.deps.pipeline.answer(
                loaded.data, question, progress=progress, asker=asker, file_key=file_key
            )
        except UserError as exc:
            # "No such column" on a workbook may mean the wrong sheet: say which were there.
            hint = _sheet_note(loaded.data.profile)
            if hint is None:
                raise
            raise UserError(f"{exc.user_message}\n{hint}") from exc
        result.timings_ms = loaded.timing | result.timings_ms
        return result

    async def _answered_before(
        self, file_key: str | None, choice: FileChoice
    ) -> tuple[ChartResult, DataProfile] | None:
        """The cached answer to this question about this file version, found by the Slack
        file's identity with the profile kept for it: no download, no parsing."""
        if file_key is None:
            return None
        assert self.request is not None
        profile = await self.deps.access.profile(self.request.team_id, choice.data)
        if profile is None:
            return None
        result = await self.deps.pipeline.cached_answer(file_key, profile)
        return None if result is None else (result, profile)

    async def _profile(self, choice: FileChoice) -> tuple[LoadedData | None, DataProfile]:
        """The data's profile: kept in Redis, else (new or expired) the data loaded."""
        assert self.request is not None
        kept = await self.deps.access.profile(self.request.team_id, choice.data)
        if kept is not None:
            return None, kept
        loaded = await self.deps.access.load(self.request.team_id, choice.data, self.workdir)
        return loaded, loaded.data.profile

    async def _command_thread(
        self, request: PlotRequest, sheet: str | None
    ) -> tuple[PlotRequest, FileChoice | None]:
        """/plot: the data file the person shared in the channel, then the thread root, posted
        once per request (a re-run reuses it). Without a file only the caller hears so."""
        try:
            choice = await find_data_file(self.deps.slack, request, None, sheet=sheet)
        except NoFileAttached:
            await self.respond_ephemeral(texts.COMMAND_NO_FILE)
            return request, None
        root = await self.state.get("root_ts")
        if root is None:
            async with slack_call("start a thread for your chart in this channel"):
                posted = await self.deps.slack.chat_postMessage(
                    channel=request.channel_id,
                    text=texts.command_asked(request.user_id, request.text),
                )
            root = str(posted["ts"])
            await self.state.set(root_ts=root)
        return request.model_copy(update={"thread_ts": root}), choice

    async def _usage(self, request: PlotRequest) -> str:
        if request.source == "command" or request.thread_ts is None:
            await self.respond_ephemeral(texts.USAGE)
        else:
            await self.thread_reply(request.thread_ts, "").say(texts.USAGE)
        return "help"


def _switched_data(thread: ThreadState | None, choice: FileChoice) -> bool:
    kept = thread.data if thread is not None else None
    return kept is not None and kept.identity() != choice.data.identity()


def _notes(choice: FileChoice, name: str, profile: DataProfile) -> list[str]:
    notes = []
    if choice.skipped:
        notes.append(texts.files_note(name, choice.skipped))
    hint = _sheet_note(profile)
    if hint is not None:
        notes.append(hint)
    return notes


def _sheet_note(profile: DataProfile) -> str | None:
    """Which sheet of a workbook was read, and the others, when it has several."""
    if not profile.sheet or len(profile.sheets) < 2:
        return None
    return texts.sheet_note(profile.sheet, [s for s in profile.sheets if s != profile.sheet])
