"""The App Home tab: how to use Chartroom, the workspace's latest charts, and what answers.

Pure. Another person's chart is listed by type and channel only, never by title: titles carry
column names and values from files the viewer may not be allowed to see. DMs are listed only
to the person who asked in them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.records import RecentAnswer
from core.worker_status import WorkerStatus
from post import texts
from post.blocks import SECTION_MAX, Block, mrkdwn, plain
from post.mrkdwn import cut, escape

RECENT_SHOWN = 10


def home_view(
    viewer: str, recent: Sequence[RecentAnswer], workers: Sequence[WorkerStatus]
) -> dict[str, Any]:
    blocks: list[Block] = [
        {"type": "header", "text": plain("Chartroom", 150)},
        {"type": "section", "text": {"type": "mrkdwn", "text": texts.USAGE}},
        {"type": "divider"},
        {"type": "header", "text": plain("Latest charts in this workspace", 150)},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": cut(_recent(viewer, recent), SECTION_MAX)},
        },
        {"type": "divider"},
        {"type": "header", "text": plain("What answers here", 150)},
        {"type": "section", "text": mrkdwn(_answering(workers), SECTION_MAX)},
    ]
    return {"type": "home", "blocks": blocks}


def _recent(viewer: str, recent: Sequence[RecentAnswer]) -> str:
    lines = []
    for answer in recent:
        if answer.is_dm and answer.user_id != viewer:
            continue
        when = f"<!date^{int(answer.created_at)}^{{date_short_pretty}} {{time}}|recently>"
        where = "in your DM" if answer.is_dm else f"in <#{answer.channel_id}>"
        if answer.user_id == viewer:
            lines.append(f"• *{escape(answer.title)}* ({answer.chart_type}) {where}, {when}")
        else:
            lines.append(f"• a {answer.chart_type} chart by <@{answer.user_id}> {where}, {when}")
        if len(lines) == RECENT_SHOWN:
            break
    return "\n".join(lines) or "No charts yet. Attach a file and mention me to make the first."


def _answering(workers: Sequence[WorkerStatus]) -> str:
    if not workers:
        return "No worker is running right now: questions wait in the queue until one starts."
    planners = sorted({w.planner for w in workers})
    sandboxes = sorted({w.sandbox for w in workers})
    lines = [
        f"Planner: {', '.join(planners)}"
        + (" (no LLM key: the rule-based planner answers)" if planners == ["rules"] else ""),
        f"Sandbox for chart code: {', '.join(sandboxes)}",
        f"Workers: {len(workers)}",
    ]
    lines += [f"Note: {w.warning}" for w in workers if w.warning]
    return "\n".join(lines)
