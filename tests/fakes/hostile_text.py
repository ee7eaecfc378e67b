"""A corpus of hostile file and question text, and what it means for a Slack payload to be safe.

A mrkdwn text is safe when, with its code spans taken out, it holds no `<` or `>` but the
mentions we put there ourselves (of `ASKER`, a channel, a date), nothing Slack would link and no
spreadsheet formula; a payload is safe when its mrkdwn texts are, and no string anywhere in it
holds a bidi override or a zero-width character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

ASKER = "UASKER1"
HOSTILE = [
    "<!channel> <@U0BOSS> q3.csv",
    "<!here|here> <!everyone>",
    "<#C0SECRET> <@W123>",
    "<https://evil.com/login|sign in again>",
    '=HYPERLINK("http://evil.com/x","click me")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "http://evil.com/a_b?c=<d>",
    "visit www.evil.com or evil.com/path",
    "R&D &amp; <b>bold</b>",
    "invoice\u202egnp.exe",
    "zero\u200bwidth\u200d\u2066isolate\u2069\ufeff",
    "back`tick http://evil.com` out",
    "```block``` http://evil.com",
    "*bold* _it_ ~strike~ > quote",
]
_OURS = re.compile(rf"<@{ASKER}>|<#C0CHAN>|<!date\^\d+\^[^|>]*\|recently>")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_LINKABLE = re.compile(r"(?i)[a-z]+://|www\.|evil\.com(?![a-z0-9])|mailto:|\w@[a-z0-9\-]+\.[a-z]")
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c]")


def assert_safe_mrkdwn(text: str) -> None:
    outside = _CODE.sub(" ", _OURS.sub(" ", text))
    assert "<" not in outside and ">" not in outside, text
    assert not _LINKABLE.search(outside), text
    assert not re.search(r"(^|\s|\*)[=+@]\S*\(", outside), text  # a formula outside code


def strings(payload: Any) -> Iterator[str]:
    if isinstance(payload, str):
        yield payload
    elif isinstance(payload, dict):
        for value in payload.values():
            yield from strings(value)
    elif isinstance(payload, list | tuple):
        for value in payload:
            yield from strings(value)


def mrkdwn_texts(payload: Any) -> Iterator[str]:
    if isinstance(payload, dict):
        if payload.get("type") == "mrkdwn":
            yield str(payload["text"])
        for value in payload.values():
            yield from mrkdwn_texts(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from mrkdwn_texts(value)


def assert_safe(payload: Any, *, fallback: str | None = None) -> None:
    """Blocks (or any payload) and the message's notification text, which Slack parses too."""
    for text in strings(payload):
        assert not INVISIBLE.search(text), text
    for text in mrkdwn_texts(payload):
        assert_safe_mrkdwn(text)
    if fallback is not None:
        assert_safe_mrkdwn(fallback)
        assert not INVISIBLE.search(fallback)
