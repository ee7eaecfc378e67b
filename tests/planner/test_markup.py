"""Slack markup in a question is not read as words of the question."""

from __future__ import annotations

import pytest

from planner.markup import without_slack_markup


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("revenue by region cc <@U0123|ana>", "revenue by region cc"),
        ("<!channel> revenue by region", "revenue by region"),
        ("revenue in <#C0123|sales-eu> by month", "revenue in by month"),
        (
            "units by product <https://evil.example/login|sign in again>",
            "units by product sign in again",
        ),
        ("units by product <https://example.com/data.csv>", "units by product"),
        ("mail <mailto:ana@example.com|ana@example.com>", "mail ana@example.com"),
        ("orders with price <100 and >5", "orders with price <100 and >5"),
    ],
)
def test_markup_is_dropped_and_links_read_as_their_label(typed: str, read: str) -> None:
    assert without_slack_markup(typed) == read
