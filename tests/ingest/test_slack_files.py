"""Downloads from a local fake Slack, through the real slack_sdk client and aiohttp."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from core.errors import FileNotReadable, FileTooLarge
from ingest.slack_files import DownloadedFile, SlackUnavailable, download_slack_file
from tests.fakes.slack_api import FakeSlack

CSV = b"region,revenue\nNorth,10\nSouth,20\n"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


def _client(fake_slack: FakeSlack, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(token=token or fake_slack.bot_token, base_url=fake_slack.api_url)


async def _download(
    fake_slack: FakeSlack,
    session: aiohttp.ClientSession,
    file_id: str,
    dest: Path,
    *,
    client_token: str | None = None,
    bot_token: str | None = None,
    max_bytes: int = 1024 * 1024,
) -> DownloadedFile:
    return await download_slack_file(
        _client(fake_slack, client_token),
        session,
        file_id,
        dest,
        bot_token=bot_token or fake_slack.bot_token,
        max_bytes=max_bytes,
        timeout_s=10,
    )


async def test_happy_path(
    fake_slack: FakeSlack, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    file_id = fake_slack.add_file("Q3 sales.csv", CSV)

    got = await _download(fake_slack, session, file_id, tmp_path / "job")

    assert got.path.read_bytes() == CSV
    assert got.path.parent == tmp_path / "job"
    assert (got.name, got.filetype, got.mimetype, got.size_bytes) == (
        "Q3 sales.csv", "csv", "text/csv", len(CSV),
    )  # fmt: skip
    download = fake_slack.calls_to("download")
    assert [c.token for c in download] == [fake_slack.bot_token]


async def test_reported_size_over_limit_is_refused_before_download(
    fake_slack: FakeSlack, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    file_id = fake_slack.add_file("big.csv", CSV, size=50 * 1024 * 1024)

    with pytest.raises(FileTooLarge) as caught:
        await _download(fake_slack, session, file_id, tmp_path, max_bytes=1024 * 1024)

    assert "big.csv* (50.0 MB) is over my 1.0 MB limit" in caught.value.user_message
    assert fake_slack.calls_to("download") == []


async def test_under_reported_size_is_caught_and_partial_file_removed(
    fake_slack: FakeSlack, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    file_id = fake_slack.add_file("liar.csv", b"x" * 300_000, size=10)

    with pytest.raises(FileTooLarge):
        await _download(fake_slack, session, file_id, tmp_path / "job", max_bytes=100_000)

    assert list((tmp_path / "job").iterdir()) == []


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"bot_token": "xoxb-wrong"}, "sign-in page"),
        ({"client_token": "xoxb-wrong"}, "credentials were refused"),
    ],
)
async def test_wrong_token(
    fake_slack: FakeSlack,
    session: aiohttp.ClientSession,
    tmp_path: Path,
    kwargs: dict[str, Any],
    reason: str,
) -> None:
    file_id = fake_slack.add_file("data.csv", CSV)

    with pytest.raises(FileNotReadable) as caught:
        await _download(fake_slack, session, file_id, tmp_path / "job", **kwargs)

    assert reason in caught.value.user_message
    assert list((tmp_path / "job").glob("*")) == []


async def test_login_page_is_not_the_file(
    fake_slack: FakeSlack, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    file_id = fake_slack.add_file("data.csv", CSV, serve_login_page=True)

    with pytest.raises(FileNotReadable) as caught:
        await _download(fake_slack, session, file_id, tmp_path)

    assert "*data.csv*" in caught.value.user_message
    assert "sign-in page" in caught.value.user_message


async def test_unknown_file_id(
    fake_slack: FakeSlack, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    with pytest.raises(FileNotReadable) as caught:
        await _download(fake_slack, session, "F404", tmp_path)

    assert "wasn't found" in caught.value.user_message
    assert not isinstance(caught.value, SlackUnavailable)


async def test_name_is_cleaned_for_display(
    fake_slack: FakeSlack, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    file_id = fake_slack.add_file("<!channel>\u202ecsv.exe\n.csv", CSV, filetype="csv")

    got = await _download(fake_slack, session, file_id, tmp_path)

    assert got.name == "‹!channel›csv.exe.csv"
    assert got.path.name.endswith(".csv")


async def test_token_is_never_logged(
    fake_slack: FakeSlack,
    session: aiohttp.ClientSession,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="ingest")
    ok = fake_slack.add_file("ok.csv", CSV)
    await _download(fake_slack, session, ok, tmp_path)
    with pytest.raises(FileNotReadable):
        await _download(fake_slack, session, "F404", tmp_path)

    assert fake_slack.bot_token not in caplog.text


# A tiny Slack stand-in for what the shared fake does not do: chunked bodies, foreign hosts.


async def _start_server(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def odd_slack() -> AsyncIterator[tuple[str, list[str]]]:
    """Slack whose F1 streams 1 MB chunked with no Content-Length, F2 points elsewhere, and F3
    is named like a path (the shared fake puts names in URLs unescaped, so can't serve it)."""
    hits: list[str] = []
    base = ""

    async def files_info(request: web.Request) -> web.Response:
        file_id = request.query.get("file") or str((await request.post()).get("file"))
        url = f"{base}/dl/{file_id}" if file_id != "F2" else "https://files.evil.example/x.csv"
        name = "../../etc/passwd" if file_id == "F3" else "stream.csv"
        info = {"id": file_id, "name": name, "filetype": "csv", "size": 10}
        return web.json_response({"ok": True, "file": info | {"url_private_download": url}})

    async def download(request: web.Request) -> web.StreamResponse:
        hits.append(request.path)
        if request.match_info["file_id"] == "F3":
            return web.Response(body=CSV)
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(16):
            await response.write(b"y" * 65536)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_route("*", "/api/files.info", files_info)
    app.router.add_get("/dl/{file_id}", download)
    runner, base = await _start_server(app)
    yield base, hits
    await runner.cleanup()


async def test_stream_without_length_is_cut_at_the_limit(
    odd_slack: tuple[str, list[str]], session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    base, _ = odd_slack
    client = AsyncWebClient(token="xoxb-t", base_url=f"{base}/api/")

    with pytest.raises(FileTooLarge) as caught:
        await download_slack_file(
            client, session, "F1", tmp_path, bot_token="xoxb-t", max_bytes=200_000, timeout_s=10
        )

    assert "stream.csv" in caught.value.user_message
    assert list(tmp_path.iterdir()) == []


async def test_token_is_not_sent_to_other_hosts(
    odd_slack: tuple[str, list[str]], session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    base, hits = odd_slack
    client = AsyncWebClient(token="xoxb-t", base_url=f"{base}/api/")

    with pytest.raises(FileNotReadable) as caught:
        await download_slack_file(
            client, session, "F2", tmp_path, bot_token="xoxb-t", max_bytes=200_000, timeout_s=10
        )

    assert "doesn't point at Slack" in caught.value.user_message
    assert hits == []


async def test_hostile_name_stays_inside_dest_dir(
    odd_slack: tuple[str, list[str]], session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    base, _ = odd_slack
    client = AsyncWebClient(token="xoxb-t", base_url=f"{base}/api/")
    dest = tmp_path / "a" / "b" / "job"

    got = await download_slack_file(
        client, session, "F3", dest, bot_token="xoxb-t", max_bytes=200_000, timeout_s=10
    )

    assert got.path.resolve().parent == dest.resolve()
    assert ".." not in got.path.name and "passwd" not in got.path.name
    assert got.path.read_bytes() == CSV
    assert got.name == "../../etc/passwd"  # shown to the person as they named it
    assert not (tmp_path / "etc").exists()
