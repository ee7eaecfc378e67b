"""Posting a finished chart into the thread."""

from __future__ import annotations

import re

from slack_sdk.web.async_client import AsyncWebClient

from core.request import PlotRequest
from post.describe import describe
from render.html import figure_html
from workers.pipeline import ChartResult

ALT_TEXT_MAX = 1000  # Slack's limit for an image's alt text


def alt_text(result: ChartResult) -> str:
    """The chart described in plain text for screen readers (mrkdwn stripped)."""
    spec = result.plan.primary
    sentence = re.sub(r"[*_`]", "", describe(spec, result.summary))
    text = f"{spec.chart_type.capitalize()} chart. {sentence}"
    return text[:ALT_TEXT_MAX]


async def upload_chart(client: AsyncWebClient, request: PlotRequest, result: ChartResult) -> None:
    """The PNG, and the same chart as an interactive HTML page, as one upload into the thread."""
    title = result.plan.primary.title
    await client.files_upload_v2(
        channel=request.channel_id,
        thread_ts=request.thread_ts,
        file_uploads=[
            {
                "content": result.png,
                "filename": "chart.png",
                "title": title,
                "alt_txt": alt_text(result),
            },
            {
                "content": figure_html(result.figure, title=title).encode("utf-8"),
                "filename": "chart.html",
                "title": f"{title} (interactive: download and open in a browser)",
            },
        ],
    )
