"""`/plot` as a real command, files in a message (several, snippets, screenshots), and Slack's
own refusals (`missing_scope`, `not_in_channel`) told as what is missing, end to end."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator

import openpyxl
import pytest
import pytest_asyncio

from tests.e2e.stack import CHANNEL, SALES_CSV, Stack, context_text, running_stack

pytestmark = pytest.mark.asyncio(loop_scope="module")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("workspace")) as running:
        yield running


def public_posts(stack: Stack, channel: str) -> list[dict[str, object]]:
    return [
        c.args for c in stack.slack.calls_to("chat.postMessage") if c.args["channel"] == channel
    ]


async def test_plot_help_is_private_and_posts_nothing_public(stack: Stack) -> None:
    status, body = await stack.command("help", channel="C0HELP")
    assert status == 200
    assert "/plot QUESTION" in json.loads(body)["text"]
    assert public_posts(stack, "C0HELP") == []


async def test_plot_without_a_shared_file_tells_only_the_caller(stack: Stack) -> None:
    status, _ = await stack.command("revenue by region", user="U0NOFILE", channel="C0EMPTY")
    assert status == 200

    await stack.slack.wait_for(lambda: bool(stack.slack.responses))
    answer = stack.slack.responses[-1]
    assert answer["response_type"] == "ephemeral"
    assert "couldn't find a data file you shared in this channel" in answer["text"]
    assert public_posts(stack, "C0EMPTY") == []


async def test_plot_charts_the_newest_data_file_the_person_shared_in_the_channel(
    stack: Stack,
) -> None:
    stack.slack.add_file("old.csv", SALES_CSV, user="U0PLOT", channels=["C0PLOT"])
    stack.slack.add_file("shot.png", PNG, mimetype="image/png", user="U0PLOT", channels=["C0PLOT"])
    stack.slack.add_file("elsewhere.csv", SALES_CSV, user="U0PLOT", channels=["C0OTHER"])

    await stack.command("total revenue by product", user="U0PLOT", channel="C0PLOT")
    await stack.slack.wait_for(lambda: bool(public_posts(stack, "C0PLOT")))
    root = next(ts for (ch, ts), m in stack.slack.messages.items() if ch == "C0PLOT")
    final = await stack.final_reply(root, channel="C0PLOT")

    assert final["blocks"][0]["type"] == "header"
    assert "old.csv" in context_text(final)


async def test_plot_where_the_bot_was_not_invited_says_to_invite_it(stack: Stack) -> None:
    stack.slack.add_file("sales.csv", SALES_CSV, user="U0OUT", channels=["C0OUT"])
    stack.slack.not_member_of.add("C0OUT")
    responses = len(stack.slack.responses)

    await stack.command("revenue by region", user="U0OUT", channel="C0OUT")

    await stack.slack.wait_for(lambda: len(stack.slack.responses) > responses)
    text = stack.slack.responses[-1]["text"]
    assert "/invite @Chartroom" in text
    assert "try again in a minute" not in text


async def test_of_a_screenshot_and_a_csv_the_csv_is_charted_and_the_answer_says_so(
    stack: Stack,
) -> None:
    shot = stack.share("screenshot.png", PNG, mimetype="image/png")
    sales = stack.share("sales.csv", SALES_CSV)

    _, thread = await stack.mention("revenue by region", files=[shot, sales])
    final = await stack.final_reply(thread)

    assert final["blocks"][0]["type"] == "header"
    assert "Used *sales.csv*; also attached: screenshot.png" in context_text(final)


async def test_a_screenshot_alone_is_refused_by_name(stack: Stack) -> None:
    shot = stack.share("screenshot.png", PNG, mimetype="image/png")
    _, thread = await stack.mention("revenue by region", files=[shot])
    final = await stack.final_reply(thread)
    assert "I can't chart *screenshot.png*" in final["text"]
    assert "files.info" not in [
        c.method for c in stack.slack.calls if c.args.get("file") == shot["id"]
    ]


async def test_a_csv_snippet_named_untitled_is_charted(stack: Stack) -> None:
    snippet = stack.share(
        "Untitled", SALES_CSV, filetype="csv", mimetype="text/plain", mode="snippet"
    )
    _, thread = await stack.mention("total revenue by region", files=[snippet])
    final = await stack.final_reply(thread)
    assert final["blocks"][0]["type"] == "header"


async def test_a_snippet_shared_earlier_in_the_thread_is_found_by_a_later_mention(
    stack: Stack,
) -> None:
    snippet = stack.slack.add_file(
        "Untitled", SALES_CSV, filetype="csv", mimetype="text/plain", mode="snippet"
    )
    root = "1699999999.000400"
    stack.slack.add_user_message(CHANNEL, root)
    stack.slack.add_user_message(CHANNEL, "1699999999.000500", thread_ts=root, file_ids=[snippet])

    await stack.mention("revenue by product", thread_ts=root)
    final = await stack.final_reply(root)

    assert final["blocks"][0]["type"] == "header"


async def test_an_upload_refused_for_a_missing_scope_names_the_permission(stack: Stack) -> None:
    stack.slack.missing_scopes["files.completeUploadExternal"] = "files:write"
    try:
        _, thread = await stack.mention(
            "revenue by region", files=[stack.share("sales.csv", SALES_CSV)]
        )
        final = await stack.final_reply(thread)
    finally:
        stack.slack.missing_scopes.clear()

    assert "`files:write`" in final["text"]
    assert "OAuth &amp; Permissions" in final["text"] or "OAuth & Permissions" in final["text"]
    assert "try again in a minute" not in final["text"]


async def test_an_internal_failure_names_the_file_it_was_reading(stack: Stack) -> None:
    stack.slack.failing_methods["files.completeUploadExternal"] = "internal_error"
    try:
        event_id, thread = await stack.mention(
            "revenue by region", files=[stack.share("quarterly.csv", SALES_CSV)]
        )
        final = await stack.final_reply(thread)
    finally:
        stack.slack.failing_methods.clear()
    assert "quarterly.csv" in final["text"] and event_id in final["text"]


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    """An .xlsx with these sheets, in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sales_rows() -> list[list[object]]:
    header, *lines = SALES_CSV.decode().splitlines()
    rows: list[list[object]] = [list(header.split(","))]
    for line in lines:
        date, region, product, revenue = line.split(",")
        rows.append([date, region, product, int(revenue)])
    return rows


SALES_ROWS = _sales_rows()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_workbook_answer_names_the_sheet_read_and_a_follow_up_picks_another(
    stack: Stack,
) -> None:
    book = workbook(
        ("Summary", [["metric", "value"], ["orders", 144], ["regions", 3]]),
        ("Data", SALES_ROWS),
    )
    shared = stack.share("sales.xlsx", book, mimetype=XLSX)

    _, thread = await stack.mention("total revenue by region", files=[shared])
    first = await stack.final_reply(thread)
    assert "Read sheet “Summary”; the file also has “Data”" in first["text"]

    event_id = await stack.reply("total revenue by region from the Data sheet", thread)
    assert await stack.outcome(event_id) == "charted"
    second = await stack.final_reply(thread, after=1)
    assert "Read sheet “Data”; the file also has “Summary”" in context_text(second)
    mark = len(stack.slack.calls)

    event_id = await stack.reply("only EU", thread)  # the Data sheet stays in play, kept

    assert await stack.outcome(event_id) == "charted"
    assert "download" not in [c.method for c in stack.slack.calls[mark:]]


async def test_a_sheet_the_workbook_lacks_is_answered_with_the_sheets_it_has(
    stack: Stack,
) -> None:
    shared = stack.share("sales.xlsx", workbook(("Data", SALES_ROWS)), mimetype=XLSX)
    _, thread = await stack.mention("revenue by region, use sheet 3", files=[shared])
    final = await stack.final_reply(thread)
    assert "has no sheet number 3" in final["text"] and "“Data”" in final["text"]
