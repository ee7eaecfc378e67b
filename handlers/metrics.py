"""Prometheus counters the Slack app serves on /metrics."""

from __future__ import annotations

from prometheus_client import Counter

SLACK_REQUESTS = Counter(
    "chartroom_slack_requests_total", "Requests received on /slack/events", ["status"]
)
FEEDBACK = Counter(
    "chartroom_feedback_total",
    "Thumbs up/down on answers (a person changing their vote counts once more)",
    ["vote"],
)
