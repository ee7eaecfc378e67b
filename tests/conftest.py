"""Fixtures shared by every test package: real local services and the fake Slack Web API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.slack_api import FakeSlack


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A started fake Slack Web API on a free local port; `fake_slack.api_url` is its base URL."""
    slack = FakeSlack()
    await slack.start()
    yield slack
    await slack.stop()
