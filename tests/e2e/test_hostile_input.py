"""A hostile file and question, end to end through the real app, worker and local sandbox.

The file is named like a Slack mention, its columns like Python internals (`__class__`,
`os.system`, `{0.os}`), one of its cells is a spreadsheet formula with a link and another hides
a right-to-left override. The question carries a disguised link. The chart is drawn with the right
numbers (our own compiled code is never refused), and nothing the bot sends mentions, links or
reorders text; the "Show code" button pressed the moment the answer appears finds the answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from post import texts
from tests.e2e.stack import Stack, blocks_of, running_stack
from tests.fakes.hostile_text import ASKER, INVISIBLE, assert_safe

pytestmark = pytest.mark.asyncio(loop_scope="module")

FILE_NAME = "<!channel> <@U0BOSS> q3.csv"
FORMULA = '=HYPERLINK("http://evil.com/x","click")'
HIDDEN = "b\u202egnp"  # shows as "bpng" reversed: "b" then "gnp" read right to left
HOSTILE_CSV = (
    "__class__,os.system,{0.os},__globals__\n"
    f'"{FORMULA.replace(chr(34), chr(34) * 2)}",50,1.5,x\n'
    f"{HIDDEN},7,2.5,y\n"
    "c,11,3.5,x\n"
    f"{HIDDEN},13,4.5,y\n"
).encode()
QUESTION = "<!channel> total os.system by __class__ <@U0BOSS> <mailto:a@b.co|sign in again>"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(
        tmp_path_factory.mktemp("workspace"), sandbox_backend="local", slack_native_charts=True
    ) as running:
        yield running


def sent_to_slack(stack: Stack) -> list[dict[str, Any]]:
    methods = ("chat.postMessage", "chat.update", "chat.postEphemeral")
    return [c.args for c in stack.slack.calls if c.method in methods]


async def test_a_hostile_file_charts_with_the_right_numbers_and_sends_nothing_unsafe(
    stack: Stack,
) -> None:
    _, thread = await stack.mention(QUESTION, files=[stack.share(FILE_NAME, HOSTILE_CSV)])
    final = await stack.final_reply(thread)

    # Show code, pressed the moment the answer shows: the record is saved before the answer.
    ephemerals = len(stack.slack.calls_to("chat.postEphemeral"))
    assert await stack.click(final, "show_code", user="U0002") == 200
    await stack.slack.wait_for(lambda: len(stack.slack.calls_to("chat.postEphemeral")) > ephemerals)
    shown = stack.slack.calls_to("chat.postEphemeral")[-1].args
    assert shown["text"] != texts.ANSWER_EXPIRED
    code = shown["blocks"][0]["text"]["text"]
    assert "COLUMNS = list(df.columns)" in code, code
    assert "x_col = COLUMNS[0]" in code, code
    assert "'__class__'" not in code

    answer = " ".join(b["text"]["text"] for b in blocks_of(final, "section") if "text" in b)
    assert "from 4 of 4 rows" in answer
    assert f"Largest: *`{FORMULA}`* at 50." in answer
    # Slack's own chart beside the PNG: its labels lose the right-to-left override.
    (native,) = blocks_of(final, "data_visualization")
    points = native["chart"]["series"][0]["data"]
    assert {p["label"]: p["value"] for p in points}["bgnp"] == 20

    for sent in sent_to_slack(stack):
        assert_safe(sent.get("blocks") or [], fallback=str(sent.get("text") or ""))
    placeholder = stack.slack.calls_to("chat.postMessage")[0].args
    assert "&lt;!channel&gt; &lt;@U0BOSS&gt; q3.csv" in placeholder["text"]


async def test_show_data_of_a_hostile_file_is_plain_and_right(stack: Stack) -> None:
    _, thread = await stack.mention(
        "total os.system by __class__", files=[stack.share(FILE_NAME, HOSTILE_CSV)]
    )
    final = await stack.final_reply(thread)
    posts = len(stack.slack.calls_to("chat.postMessage"))
    assert await stack.click(final, "show_data", user=ASKER) == 200
    await stack.slack.wait_for(lambda: len(stack.slack.calls_to("chat.postMessage")) > posts)
    table = stack.slack.calls_to("chat.postMessage")[-1].args
    assert_safe(table["blocks"], fallback=table["text"])
    rows = next(b for b in table["blocks"] if b["type"] == "table")["rows"]
    cells = {row[0]["text"]: row[1]["text"] for row in rows[1:]}
    assert cells == {FORMULA: "50", "bgnp": "20", "c": "11"}
    assert not any(INVISIBLE.search(cell["text"]) for row in rows for cell in row)
