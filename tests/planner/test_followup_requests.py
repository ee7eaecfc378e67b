"""Which thread replies without a mention are chart requests, and which are people talking."""

from __future__ import annotations

import pytest

from ingest.profile import DataProfile
from planner.followup import reads_as_request
from planner.plan import ChartSpec, Plan
from tests.planner.conftest import orders_frame, profile_of

PREVIOUS = Plan(
    charts=[ChartSpec(chart_type="bar", x="region", y="revenue", aggregate="sum", title="-")]
)


@pytest.fixture(scope="module")
def orders() -> DataProfile:
    return profile_of(orders_frame())


@pytest.mark.parametrize(
    "reply",
    [
        "only EU",
        "make it a line chart",
        "as a pie",
        "what about 2023?",
        "2023?",
        "without APAC",
        "by product instead",
        "top 5",
        "log scale",
        "undo",
        "same for quantity",
        "weekly",
        "average instead",
        "and for Widget?",
        "unit price",
    ],
)
def test_a_short_refinement_is_a_request(reply: str, orders: DataProfile) -> None:
    assert reads_as_request(reply, orders, PREVIOUS)


@pytest.mark.parametrize(
    "reply",
    [
        "thanks!",
        "thank you 🙏",
        "nice",
        "lol",
        "ok",
        ":tada:",
        "",
        "I think the numbers for last week look off, can someone double check them with finance?",
        "<@U0ANA> can you check revenue?",
        "see you tomorrow",
    ],
)
def test_chatter_is_not_a_request(reply: str, orders: DataProfile) -> None:
    assert not reads_as_request(reply, orders, PREVIOUS)


def test_a_reply_naming_someone_else_with_a_chart_word_is_for_them(orders: DataProfile) -> None:
    assert not reads_as_request("<@U0ANA> show me that later", orders, PREVIOUS)
