"""What the person is told when a job ends without a chart, and how it is logged. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.errors import (
    CodeFailed,
    CodeRefused,
    CodeTimedOut,
    SlackFailed,
    UserError,
)
from post import texts

Level = Literal["info", "warning", "error", "exception"]


@dataclass(frozen=True)
class Failure:
    outcome: str  # for ARQ's result record and the "job done" log line
    text: str  # for the thread
    level: Level
    log_message: str


def failure_of(exc: Exception, request_id: str, file_name: str | None) -> Failure:
    if isinstance(exc, UserError):
        return Failure("user_error", texts.user_error(exc.user_message), "info", "user error")
    if isinstance(exc, CodeRefused):
        return Failure(
            "refused", texts.user_error(exc.user_message), "warning", "chart code refused"
        )
    if isinstance(exc, CodeTimedOut):
        return Failure(
            "timeout", texts.code_timed_out(exc.limit_s), "warning", "chart code timed out"
        )
    if isinstance(exc, CodeFailed):
        return Failure(
            "code_failed", texts.code_failed(request_id, file_name), "error", "chart code failed"
        )
    if isinstance(exc, SlackFailed):
        return Failure(
            "slack_error",
            texts.internal_failure(request_id, file_name),
            "exception",
            f"job failed: Slack answered {exc.error}",
        )
    return Failure(
        "internal_error", texts.internal_failure(request_id, file_name), "exception", "job failed"
    )
