"""Installing Chartroom into several workspaces through Slack's OAuth v2 (Bolt's flow), with the
installations in a real PostgreSQL database, and forgetting a workspace that uninstalls.

The real app and worker run against the fake Slack, which answers `oauth.v2.access` as Slack
does; the browser's part (the install page, the redirect with the code) is played by the test.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
import pytest_asyncio

from handlers.oauth import BOT_SCOPES
from tests.e2e.stack import CHANNEL, SALES_CSV, SIGNING_SECRET, Stack, running_stack
from tests.fakes.slack_events import event_envelope, post_event
from tests.postgres import rows_mentioning, throwaway_database

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(300)]

STATE_COOKIE = "slack-app-oauth-state"


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    with throwaway_database() as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(
    tmp_path_factory: pytest.TempPathFactory, database_url: str
) -> AsyncIterator[Stack]:
    workspace = tmp_path_factory.mktemp("workspaces")
    async with running_stack(workspace, database_url=database_url, slack_bot_token=None) as s:
        yield s


def app_url(stack: Stack, path: str) -> str:
    return stack.events_url.removesuffix("/slack/events") + path


async def install_page(stack: Stack) -> tuple[str, str]:
    """The authorize link on the install page, and the state cookie the page set."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(app_url(stack, "/slack/install")) as page,
    ):
        assert page.status == 200
        found = re.search(r'href="([^"]+/oauth/v2/authorize\?[^"]+)"', await page.text())
        cookie = page.cookies.get(STATE_COOKIE)
    assert found, "the install page links to Slack's authorize URL"
    assert cookie is not None and cookie["secure"], "the state cookie is set, https only"
    return html.unescape(found.group(1)), cookie.value


async def install(stack: Stack, team_id: str, **grant: object) -> None:
    """Open the install page, approve in 'Slack', follow the redirect back to the app (with
    the state cookie, as the browser sends it over https)."""
    link, cookie = await install_page(stack)
    state = parse_qs(urlsplit(link).query)["state"][0]
    code = stack.slack.grant_install(team_id, **grant)  # type: ignore[arg-type]
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            app_url(stack, "/slack/oauth_redirect"),
            params={"code": code, "state": state},
            headers={"Cookie": f"{STATE_COOKIE}={cookie}"},
        ) as done,
    ):
        assert done.status == 200, await done.text()


async def ask(stack: Stack, team_id: str) -> dict[str, object]:
    sales = stack.share("sales.csv", SALES_CSV)
    _, thread = await stack.mention("total revenue by region", files=[sales], team_id=team_id)
    answer = await stack.final_reply(thread)
    posted = [
        c
        for c in stack.slack.calls_to("chat.postMessage")
        if c.args.get("thread_ts") == thread or c.args.get("ts") == thread
    ]
    return {"answer": answer, "tokens": {c.token for c in posted}}


def token_of(stack: Stack, team_id: str) -> set[str]:
    return {token for token, who in stack.slack.installed.items() if who.team_id == team_id}


async def test_the_install_page_links_to_slacks_authorize_url_for_this_app(stack: Stack) -> None:
    link, _ = await install_page(stack)
    query = parse_qs(urlsplit(link).query)
    assert link.startswith(f"{stack.slack.url}/oauth/v2/authorize?")
    assert query["client_id"] == [stack.slack.client_id]
    assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)
    assert query["state"][0]


async def test_a_redirect_with_a_forged_state_installs_nothing(
    stack: Stack, database_url: str
) -> None:
    code = stack.slack.grant_install("TFORGED")
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            app_url(stack, "/slack/oauth_redirect"), params={"code": code, "state": "forged"}
        ) as response,
    ):
        assert response.status == 400
    assert rows_mentioning(database_url, "TFORGED") == {}


async def test_two_workspaces_install_and_each_is_answered_with_its_own_token(
    stack: Stack, database_url: str
) -> None:
    await install(stack, "TALPHA")
    await install(stack, "TBRAVO")
    assert rows_mentioning(database_url, "TALPHA")
    assert rows_mentioning(database_url, "TBRAVO")

    alpha, bravo = await ask(stack, "TALPHA"), await ask(stack, "TBRAVO")

    assert alpha["tokens"] == token_of(stack, "TALPHA")
    assert bravo["tokens"] == token_of(stack, "TBRAVO")
    for team in ("TALPHA", "TBRAVO"):
        kept = [k async for k in stack.redis.scan_iter(match=f"chartroom:{team}:*")]
        assert kept, f"{team} has its own thread state and answers"


async def test_a_rotating_token_is_refreshed_before_it_expires(stack: Stack) -> None:
    # A token with 10 minutes left: inside the refresh window of the app and the worker.
    await install(stack, "TROTATE", rotating=True, lifetime_s=600)
    (first_token,) = token_of(stack, "TROTATE")

    result = await ask(stack, "TROTATE")

    refreshes = [
        c
        for c in stack.slack.calls_to("oauth.v2.access")
        if c.args.get("grant_type") == "refresh_token"
    ]
    assert refreshes, "the expiring token was refreshed"
    assert first_token not in result["tokens"]  # type: ignore[operator]
    assert result["tokens"] <= token_of(stack, "TROTATE")  # type: ignore[operator]


async def test_an_uninstalled_workspace_leaves_nothing_in_redis_or_postgresql(
    stack: Stack, database_url: str
) -> None:
    await install(stack, "TGONE")
    await ask(stack, "TGONE")
    assert [k async for k in stack.redis.scan_iter(match="*TGONE*")]

    stack.slack.revoke("TGONE")
    uninstalled = event_envelope({"type": "app_uninstalled"}, team_id="TGONE")
    assert await post_event(stack.events_url, uninstalled, SIGNING_SECRET) == 200

    assert [k async for k in stack.redis.scan_iter(match="*TGONE*")] == []
    assert rows_mentioning(database_url, "TGONE") == {}
    assert rows_mentioning(database_url, "TALPHA"), "other workspaces keep their installs"
    assert CHANNEL  # the same channel id in every workspace never mixed their data
