"""Slack mrkdwn escaping. Column names, cell values, questions and model-written titles are all
untrusted: unescaped, `<!channel>` in a CSV header would notify a whole channel."""

from __future__ import annotations


def escape(text: str) -> str:
    """Slack's three control characters as entities, as Slack's formatting guide asks
    (https://docs.slack.dev/messaging/formatting-message-text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
