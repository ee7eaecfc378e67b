"""Slack's markup in a question is not part of it: `<@U123>` (people), `<!channel>` and
`<#C123|general>` carry no data words, and a link `<https://…|label>` is read as its label.
Without this, "<https://x.example|sign in again>" reached the value matcher as words."""

from __future__ import annotations

import re

_MARKUP = re.compile(r"<([^<>]*)>")


def without_slack_markup(text: str) -> str:
    return " ".join(_MARKUP.sub(_plain, text).split())


def _plain(match: re.Match[str]) -> str:
    inner = match.group(1)
    if inner[:1] in ("@", "!", "#"):
        return " "
    target, _, label = inner.partition("|")
    if re.match(r"^(https?|mailto|tel):", target, re.IGNORECASE):
        return f" {label} " if label else " "
    return match.group(0)  # not Slack markup: "<100" stays a comparison
