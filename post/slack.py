"""Posting finished charts (and data files) into the thread. Slack's failures leave as
`core.errors` types: a `files:write` missing from the app ends in a message naming it."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from core.slack_errors import slack_call
from post.describe import describe
from render.html import PlotlyJs, figure_html
from workers.answer import ChartResult, DrawnChart

ALT_TEXT_MAX = 1000  # Slack's limit for an image's alt text


def alt_text(chart: DrawnChart) -> str:
    """The chart described in plain text for screen readers (mrkdwn stripped)."""
    sentence = re.sub(r"[*_`]", "", describe(chart.spec, chart.summary))
    text = f"{chart.spec.chart_type.capitalize()} chart. {sentence}"
    return text[:ALT_TEXT_MAX]


async def upload_chart(
    client: AsyncWebClient,
    channel_id: str,
    thread_ts: str,
    result: ChartResult,
    *,
    plotlyjs: PlotlyJs = "inline",
) -> None:
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
        page = figure_html(chart.figure, title=title, plotlyjs=plotlyjs)
        files.append(
            {
                "content": page.encode("utf-8"),
                "filename": f"{stem}.html",
                "title": f"{title} (interactive: download and open in a browser)",
            }
        )
    async with slack_call("upload the chart"):
        await client.files_upload_v2(channel=channel_id, thread_ts=thread_ts, file_uploads=files)


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
