"""Block Kit payloads. Pure functions of typed values: no Slack client here."""

from __future__ import annotations

from typing import Any

from planner.plan import Plan
from post.describe import describe
from sandbox.executor import SummaryValue

Block = dict[str, Any]

# Slack's own limits (https://docs.slack.dev/reference/block-kit/blocks).
HEADER_MAX = 150
SECTION_MAX = 3000
CONTEXT_MAX = 2000
CODE_MAX = 2900

SHOW_CODE_ACTION = "show_code"


def result_blocks(
    *,
    plan: Plan,
    summary: dict[str, SummaryValue],
    file_name: str,
    request_id: str,
    elapsed_s: float,
) -> list[Block]:
    spec = plan.primary
    blocks: list[Block] = [
        {"type": "header", "text": _plain(spec.title, HEADER_MAX)},
        {"type": "section", "text": _mrkdwn(describe(spec, summary), SECTION_MAX)},
    ]
    if plan.assumptions:
        guessed = "*What I had to guess:* " + " · ".join(plan.assumptions)
        blocks.append({"type": "context", "elements": [_mrkdwn(guessed, CONTEXT_MAX)]})
    footer = (
        f"Planned by {'rules' if plan.planner == 'rules' else 'an LLM'} · {file_name} · "
        f"{elapsed_s:.1f} s · request `{request_id}`"
    )
    blocks.append({"type": "context", "elements": [_mrkdwn(footer, CONTEXT_MAX)]})
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": SHOW_CODE_ACTION,
                    "text": _plain("Show code", 75),
                    "value": request_id,
                }
            ],
        }
    )
    return blocks


def result_fallback_text(plan: Plan, summary: dict[str, SummaryValue]) -> str:
    """The notification text for clients that do not render blocks."""
    return f"{plan.primary.title}: {describe(plan.primary, summary)}"


def message_blocks(text: str) -> list[Block]:
    return [{"type": "section", "text": _mrkdwn(text, SECTION_MAX)}]


def code_blocks(code: str) -> list[Block]:
    shown = code if len(code) <= CODE_MAX else code[:CODE_MAX] + "\n# … (cut)"
    # Triple backticks inside the code would end the block early.
    shown = shown.replace("```", "`\u200b``")
    return [{"type": "section", "text": {"type": "mrkdwn", "text": f"```{shown}```"}}]


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": True}


def _mrkdwn(text: str, limit: int) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": _cut(text, limit)}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
