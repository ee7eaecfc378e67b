"""Texts Chartroom shows in Slack, in one place (like bolt's `logger/messages.py`)."""

from __future__ import annotations

from core.progress import Stage
from post.mrkdwn import escape

STAGE_TEXT: dict[Stage, str] = {
    "reading": ":hourglass_flowing_sand: Reading {file}…",
    "planning": ":thinking_face: Planning a chart from {file}…",
    "running": ":gear: Running the chart code…",
    "rendering": ":art: Drawing the chart…",
}


def placeholder(file_name: str | None) -> str:
    return STAGE_TEXT["reading"].format(file=file_name or "your file")


def stage(stage: Stage, file_name: str) -> str:
    return STAGE_TEXT[stage].format(file=file_name)


def internal_failure(request_id: str) -> str:
    return (
        ":warning: Something went wrong on my side while making this chart, and it isn't "
        f"anything in your file or question. The team can trace it with request id `{request_id}`. "
        "Please try again in a minute."
    )


def code_failed(request_id: str) -> str:
    return (
        ":warning: The chart code failed on this data. Try naming the columns you want, e.g. "
        f"`total revenue by region`. (request id `{request_id}`)"
    )


def code_timed_out(limit_s: float) -> str:
    return (
        f":hourglass: Making this chart took longer than my {limit_s:g} s limit. Try a simpler "
        "question or a smaller file."
    )


def user_error(message: str) -> str:
    return f":information_source: {message}"


def command_asked(user_id: str, question: str) -> str:
    shown = escape(question.strip()[:500]) or "(no question: I'll pick a chart)"
    return f"<@{user_id}> asked for a chart: “{shown}”"


COMMAND_NO_FILE = (
    "I couldn't find a data file you shared in this channel recently. Attach a CSV, TSV, Excel "
    "(.xlsx), JSON or Parquet file in a message that mentions me, e.g. "
    "`@Chartroom total revenue by region`, or share the file here first and then run `/plot`."
)

HOME_INTRO = (
    "*Chartroom* turns a data file into a chart. Attach a CSV, TSV, Excel (.xlsx), JSON or "
    "Parquet file, mention me and ask in plain words: `@Chartroom monthly revenue in 2024`."
)

COMMAND_NOT_IN_CHANNEL = (
    "I can't post in this channel yet. Invite me with `/invite @Chartroom` and run `/plot` again."
)

ANSWER_EXPIRED = "I no longer have the details of that chart. Ask your question again."

HOME = (
    HOME_INTRO
    + "\n\n*How to use it*\n"
    + "• In a channel: attach a file, mention me, ask: `@Chartroom average price by category`.\n"
    + "• In a DM: send me the file with your question.\n"
    + "• `/plot question`: charts the last data file you shared in the channel.\n"
    + "• Ask for `top 10`, `monthly`, `in 2024`, `where region is EU`, `as a pie`, `stacked`…"
)
