"""What every fault case checks: whatever failed, the question ended with exactly one message in
its thread (the placeholder, edited into the answer or a clear failure), at most one set of
uploaded files, and nothing lost."""

from __future__ import annotations

import asyncio

from tests.faults.harness import Asked, Harness, is_progress


async def assert_one_answer(h: Harness, asked: Asked, *, charted: bool = True) -> str:
    """One message in the thread, not progress; one chart upload (PNG + HTML) or none. Checked
    again after a pause, so a late duplicate would be seen. Returns the final text."""
    final = await h.final(asked)
    await asyncio.sleep(1.0)
    messages = h.bot_messages(asked)
    assert len(messages) == 1, [m["text"] for m in messages]
    assert messages[0]["ts"] == final["ts"] and not is_progress(messages[0]["text"])
    assert len(h.uploads(asked)) == (2 if charted else 0)
    if charted:
        assert "Revenue" in final["text"] or "revenue" in final["text"], final["text"]
    return str(messages[0]["text"])


def placeholder_said_after(h: Harness, asked: Asked, first: str, then: str) -> bool:
    texts = h.placeholder_texts(asked)
    seen = [i for i, t in enumerate(texts) if first in t]
    return bool(seen) and any(then in t for t in texts[seen[0] + 1 :])
