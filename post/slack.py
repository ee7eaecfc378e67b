"""Posting finished charts (and data files) into the thread. Slack's failures leave as
`core.errors` types: a `files:write` missing from the app ends in a message naming it."""

from __future__ import annotations

import html
import re
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from core.slack_errors import slack_call
from post.describe import describe
from post.mrkdwn import visible
from render.html import PlotlyJs, figure_html
from workers.answer import ChartResult, DrawnChart

ALT_TEXT_MAX = 1000  # Slack's limit for an image's alt text


def alt_text(chart: DrawnChart) -> str:
    """The chart described in plain text for screen readers (mrkdwn and entities undone)."""
    sentence = html.unescape(re.sub(r"[*_`]", "", describe(chart.spec, chart.summary)))
    text = f"{chart.spec.chart_type.capitalize()} chart. {sentence}"
    return text[:ALT_TEXT_MAX]


async def upload_chart(
    client: AsyncWebClient,
    channel_id: str,
    thread_ts: str,
    result: ChartResult,
    *,
    plotlyjs: PlotlyJs = "inline",
) -> list[str]:
    """Each chart's PNG, and the same chart as an interactive HTML page, as one upload.
    Returns the uploaded files' ids."""
    files: list[dict[str, Any]] = []
    numbered = len(result.charts) > 1
    for index, chart in enumerate(result.charts):
        title = visible(chart.spec.title)
        stem = f"chart-{index + 1}" if numbered else "chart"
        files.append(
            {
                "content": chart.png,
                "filename": f"{stem}.png",
                "title": title,
                "alt_txt": alt_text(chart),
            }
        )
        page = figure_html(chart.figure, title=title, plotlyjs=plotlyjs)
        files.append(
            {
                "content": page.encode("utf-8"),
                "filename": f"{stem}.html",
                "title": f"{title} (interactive: download and open in a browser)",
            }
        )
    async with slack_call("upload the chart"):
        response = await client.files_upload_v2(
            channel=channel_id, thread_ts=thread_ts, file_uploads=files
        )
    return [str(f.get("id")) for f in response.get("files") or [] if isinstance(f, dict)]


async def upload_file(
    client: AsyncWebClient,
    channel_id: str,
    thread_ts: str,
    *,
    content: bytes,
    filename: str,
    title: str,
    doing: str,
) -> None:
    async with slack_call(doing):
        await client.files_upload_v2(
            channel=channel_id,
            thread_ts=thread_ts,
            file_uploads=[{"content": content, "filename": filename, "title": title}],
        )
