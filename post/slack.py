"""Posting finished charts into the thread."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from core.request import PlotRequest
from post.describe import describe
from render.html import figure_html
from workers.answer import ChartResult, DrawnChart

ALT_TEXT_MAX = 1000  # Slack's limit for an image's alt text


def alt_text(chart: DrawnChart) -> str:
    """The chart described in plain text for screen readers (mrkdwn stripped)."""
    sentence = re.sub(r"[*_`]", "", describe(chart.spec, chart.summary))
    text = f"{chart.spec.chart_type.capitalize()} chart. {sentence}"
    return text[:ALT_TEXT_MAX]


async def upload_chart(client: AsyncWebClient, request: PlotRequest, result: ChartResult) -> None:
    """Each chart's PNG, and the same chart as an interactive HTML page, as one upload."""
    files: list[dict[str, Any]] = []
    numbered = len(result.charts) > 1
    for index, chart in enumerate(result.charts):
        title = chart.spec.title
        stem = f"chart-{index + 1}" if numbered else "chart"
        files.append(
            {
                "content": chart.png,
                "filename": f"{stem}.png",
                "title": title,
                "alt_txt": alt_text(chart),
            }
        )
        files.append(
            {
                "content": figure_html(chart.figure, title=title).encode("utf-8"),
                "filename": f"{stem}.html",
                "title": f"{title} (interactive: download and open in a browser)",
            }
        )
    await client.files_upload_v2(
        channel=request.channel_id, thread_ts=request.thread_ts, file_uploads=files
    )
