"""Block Kit payloads. Pure functions of typed values: no Slack client here."""

from __future__ import annotations

from typing import Any

from post.mrkdwn import code_block, cut, escape, visible

Block = dict[str, Any]

# Slack's own limits (https://docs.slack.dev/reference/block-kit/blocks).
HEADER_MAX = 150
SECTION_MAX = 3000
CONTEXT_MAX = 2000
CODE_MAX = 2900

# Action ids of the buttons Chartroom puts under its messages (handlers/actions.py answers them).
SHOW_CODE_ACTION = "show_code"
SHOW_DATA_ACTION = "show_data"
CHART_TYPE_ACTION = "chart_type"
FEEDBACK_UP_ACTION = "feedback_up"
FEEDBACK_DOWN_ACTION = "feedback_down"
CANCEL_ACTION = "cancel_job"
BUTTON_TEXT_MAX = 75
VALUE_MAX = 2000


def message_blocks(text: str) -> list[Block]:
    return [{"type": "section", "text": mrkdwn(text, SECTION_MAX)}]


def trusted_blocks(text: str) -> list[Block]:
    """Our own mrkdwn, sent as it is: only for texts built from Slack ids and fixed words (a
    `<@U…>` mention must stay a mention). Everything from a person or a file goes through
    `message_blocks`, which escapes."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": cut(text, SECTION_MAX)}}]


def working_blocks(text: str, request_id: str) -> list[Block]:
    """A placeholder while the job is queued or running: its progress and a Cancel button."""
    return [
        {"type": "section", "text": mrkdwn(text, SECTION_MAX)},
        {
            "type": "actions",
            "elements": [button("Cancel", CANCEL_ACTION, request_id, style="danger")],
        },
    ]


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(text, BUTTON_TEXT_MAX),
        "value": value[:VALUE_MAX],
    }
    if style:
        element["style"] = style
    return element


def code_blocks(code: str) -> list[Block]:
    shown = code if len(code) <= CODE_MAX else code[:CODE_MAX] + "\n# … (cut)"
    return [{"type": "section", "text": {"type": "mrkdwn", "text": code_block(shown)}}]


def plain(text: str, limit: int) -> dict[str, Any]:
    """Slack shows plain_text as typed (no mentions, no links): only invisible characters go."""
    return {"type": "plain_text", "text": _cut(visible(text), limit), "emoji": True}


def mrkdwn(text: str, limit: int) -> dict[str, Any]:
    """Every mrkdwn text we send is escaped: none of ours links or mentions on purpose."""
    return {"type": "mrkdwn", "text": cut(escape(text), limit)}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
