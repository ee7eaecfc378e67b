"""What the fake LLM servers answer, in order: a script of replies shared by every wire format.

Each fake server (`openai_api`, `gemini_api`, `bedrock_api`) pops the next `Reply` for every
generate call and records the request it got, so tests can say "first a 429, then this answer"
and then look at what the real SDK client actually sent.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One answer. With `status` >= 400 the server sends that error (and `headers`) instead of
    `text`; `delay_s` makes it wait first (to exercise timeouts); `structured` answers through the
    API's structured channel (a Bedrock tool call) instead of plain text."""

    text: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    structured: dict[str, Any] | None = None
    input_tokens: int = 120
    output_tokens: int = 40


def error(status: int, *, retry_after: float | None = None, delay_s: float = 0.0) -> Reply:
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
    return Reply(status=status, headers=headers, delay_s=delay_s)


@dataclass
class Script:
    """Replies to hand out in order; when it runs dry, `default` answers every further call."""

    replies: deque[Reply] = field(default_factory=deque)
    default: Reply | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)

    def queue(self, *replies: Reply | str) -> None:
        self.replies.extend(Reply(text=r) if isinstance(r, str) else r for r in replies)

    def next(self, request: dict[str, Any]) -> Reply:
        self.requests.append(request)
        if self.replies:
            return self.replies.popleft()
        if self.default is not None:
            return self.default
        return Reply(status=500, text="the fake LLM's script ran out of replies")

    def reset(self) -> None:
        self.replies.clear()
        self.requests.clear()
        self.default = None
