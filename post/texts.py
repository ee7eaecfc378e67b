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
    return STAGE_TEXT["reading"].format(file=escape(file_name) if file_name else "your file")


def stage(stage: Stage, file_name: str) -> str:
    return STAGE_TEXT[stage].format(file=escape(file_name))


def worker_restarted() -> str:
    return ":arrows_counterclockwise: A worker restarted while making this chart; trying again…"


def internal_failure(request_id: str, file_name: str | None = None) -> str:
    chart = f"the chart from *{escape(file_name)}*" if file_name else "this chart"
    return (
        f":warning: Something went wrong on my side while making {chart}, and it isn't "
        f"anything in your file or question. The team can trace it with request id `{request_id}`. "
        "Please try again in a minute."
    )


def code_failed(request_id: str, file_name: str | None = None) -> str:
    data = f"*{escape(file_name)}*" if file_name else "this data"
    return (
        f":warning: The chart code failed on {data}. Try naming the columns you want, e.g. "
        f"`total revenue by region`. (request id `{request_id}`)"
    )


def cancelled(user_id: str) -> str:
    return (
        f":no_entry_sign: Cancelled by <@{user_id}>. Nothing more will be posted for this question."
    )


def redrawing(chart_type: str) -> str:
    return f":art: Drawing it as {article(chart_type)} {chart_type} chart…"


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def files_note(used: str, skipped: list[str]) -> str:
    """Said when a message carried several files."""
    others = ", ".join(escape(n) for n in skipped[:5]) + (" …" if len(skipped) > 5 else "")
    return f"Used *{escape(used)}*; also attached: {others}."


def sheet_note(sheet: str, others: list[str]) -> str:
    """Which sheet was read and which others the workbook has."""
    if not others:
        return f"Read sheet “{escape(sheet)}”."
    shown = ", ".join(f"“{escape(o)}”" for o in others[:8]) + (" …" if len(others) > 8 else "")
    return (
        f"Read sheet “{escape(sheet)}”; the file also has {shown}. "
        f"Say e.g. `use the {escape(others[0])} sheet` to chart another."
    )


def code_timed_out(limit_s: float) -> str:
    return (
        f":hourglass: Making this chart took longer than my {limit_s:g} s limit. Try a simpler "
        "question or a smaller file."
    )


def workspace_busy(limit: int) -> str:
    return (
        f":hourglass_flowing_sand: This workspace already has {limit} charts queued or being "
        "drawn, which is as many as it may have at once. I haven't queued this one: ask again "
        "in a minute, when one of them is done."
    )


def forgotten(conversations: int, files: int, answers: int, where: str) -> str:
    if not (conversations or answers):
        return f":wastebasket: I had nothing kept for {where}."
    return (
        f":wastebasket: Forgotten for {where}: {conversations} conversation(s), the kept data of "
        f"{files} file(s) and {answers} answer record(s). The messages in Slack stay; delete "
        "them there if you want them gone too. Cached answers expire within the hour."
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

USAGE = (
    "*How to use Chartroom*\n"
    "• In a channel: attach a CSV, TSV, Excel (.xlsx), JSON or Parquet file, mention me and ask, "
    "e.g. `@Chartroom total revenue by region`.\n"
    "• Then keep going in the thread without mentioning me: `only EU`, `make it a line`, "
    "`top 5`, `by month`, `same for units`.\n"
    "• `/plot QUESTION` charts the data file you shared most recently in this channel.\n"
    "• In a DM: send me the file with your question; later questions reuse it.\n"
    "• Excel: `use the Data sheet` or `sheet 2` picks the sheet.\n"
    "• Under each answer: change the chart type, see the code or the data, and tell me if it "
    "helped."
)

HELP_WORDS = frozenset({"help", "?", "usage", "how", "how do i use this", "what can you do"})

LOADING_MESSAGES = [
    "Reading the file…",
    "Planning the chart…",
    "Running the chart code in the sandbox…",
    "Drawing the chart…",
]

SUGGESTED_PROMPTS = [
    {"title": "How do I use Chartroom?", "message": "help"},
    {"title": "Chart a file", "message": "total revenue by region"},
    {"title": "A trend over time", "message": "monthly revenue by region in 2024"},
    {"title": "Top items", "message": "top 10 products by revenue"},
]

WELCOME = (
    ":wave: Hi! Send me a data file (CSV, TSV, Excel, JSON or Parquet) with a question and "
    "I'll answer with a chart. Try:\n"
    + "\n".join(f"• `{p['message']}`" for p in SUGGESTED_PROMPTS[1:])
    + "\nThen refine it: `only EU`, `make it a line`, `top 5`."
)

FEEDBACK_THANKS = {
    "up": ":thumbsup: Thanks! Glad it helped.",
    "down": ":thumbsdown: Thanks for saying so. Try naming the columns you want, or change the "
    "chart type with the menu under the answer.",
}

NOT_YOURS_TO_CANCEL = "Only the person who asked can cancel this chart."

ALREADY_FINISHED = "That chart has already finished (or was cancelled)."


def assistant_status() -> str:
    return "is making your chart…"


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
