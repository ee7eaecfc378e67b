"""Jobs behind an answer's buttons: the same plan as another chart type, and the data behind it.

Neither plans from the question's text nor calls a model: the answer's record holds the plan
and the numbers drawn; the data comes from the conversation's store (downloaded again only when
it has expired).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.logs import get_logger
from core.records import AnswerRecord, load_answer
from core.request import ButtonRequest
from core.slack_errors import slack_call
from planner.compile import compile_chart
from planner.plan import Plan
from post import texts
from post.data_blocks import CSV_NAME, csv_bytes, data_blocks, data_fallback_text
from post.mrkdwn import escape, visible
from post.slack import upload_file
from workers.deliver import Delivery, deliver
from workers.flow import JobFlow
from workers.restyle import MENU_TYPES, restyle
from workers.thread_memory import Conversation

log = get_logger(__name__)


@dataclass
class ButtonFlow(JobFlow):
    button: ButtonRequest | None = None

    @property
    def clicked(self) -> ButtonRequest:
        assert self.button is not None
        return self.button

    async def answer_record(self) -> AnswerRecord | None:
        record = await load_answer(self.redis, self.clicked.team_id, self.clicked.answer_id)
        if record is None:
            await self.whisper(texts.ANSWER_EXPIRED)
        return record

    async def tell(self, text: str, *, trusted: bool = False) -> None:
        if self.reply is not None:
            await super().tell(text, trusted=trusted)
            return
        try:
            await self.whisper(text)
        except Exception:
            log.warning("could not tell the person who clicked", exc_info=True)

    async def whisper(self, text: str) -> None:
        """A note only the person who clicked sees, in the answer's thread."""
        async with slack_call("reply to your click"):
            await self.deps.slack.chat_postEphemeral(
                channel=self.clicked.channel_id,
                user=self.clicked.user_id,
                thread_ts=self.clicked.thread_ts,
                text=escape(text),
            )


@dataclass
class RestyleFlow(ButtonFlow):
    async def work(self) -> str:
        clicked = self.clicked
        started = time.monotonic()
        if clicked.chart_type not in MENU_TYPES:
            await self.whisper(texts.ANSWER_EXPIRED)
            return "expired"
        record = await self.answer_record()
        if record is None or record.data is None:
            if record is not None:
                await self.whisper(texts.ANSWER_EXPIRED)
            return "expired"
        chart_type = clicked.chart_type
        plan = restyle(Plan.model_validate_json(record.plan_json), chart_type)
        reply = self.thread_reply(record.thread_ts, record.file_name)
        await reply.start(texts.redrawing(chart_type))
        loaded = await self.deps.access.load(clicked.team_id, record.data, self.workdir)
        for spec in plan.charts:
            compile_chart(spec, loaded.data.profile)  # a plan the new type can't draw says why
        result = await self.deps.pipeline.draw(plan, loaded.data, progress=reply.stage)
        is_dm = clicked.channel_id.startswith("D")
        delivery = Delivery(
            where=Conversation(
                clicked.team_id, clicked.channel_id, "dm" if is_dm else record.thread_ts
            ),
            thread_ts=record.thread_ts,
            user_id=clicked.user_id,
            question=f"{record.question} (as a {chart_type} chart)",
            data=record.data,
            file_name=loaded.name,
            is_dm=is_dm,
        )
        await deliver(self, reply, delivery, result, started)
        return "redrawn"


@dataclass
class ShowDataFlow(ButtonFlow):
    async def work(self) -> str:
        clicked = self.clicked
        record = await self.answer_record()
        if record is None:
            return "expired"
        table = record.chart_data
        if table is None or not table.rows:
            await self.whisper("That chart has no table of numbers I can show.")
            return "no_data"
        self.file_name = record.file_name
        if await self.state.get("table_ts") is None:  # a re-run of this job posts it once
            async with slack_call("post the data behind the chart"):
                posted = await self.deps.slack.chat_postMessage(
                    channel=clicked.channel_id,
                    thread_ts=record.thread_ts,
                    text=data_fallback_text(record.title),
                    blocks=data_blocks(table, record.title, clicked.user_id),
                )
            await self.state.set(table_ts=str(posted["ts"]))
        await upload_file(
            self.deps.slack,
            clicked.channel_id,
            record.thread_ts,
            content=csv_bytes(table),
            filename=CSV_NAME,
            title=f"Data behind “{visible(record.title)}”",
            doing="upload the data as a CSV file",
        )
        return "data_shown"
