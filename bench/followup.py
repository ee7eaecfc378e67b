"""Event → answer for a first question and for a follow-up in the same thread, through Slack.

The whole stack as in the end-to-end tests: signed events into the real Bolt app, ARQ on the
local Redis, a real worker (sandbox, renderer), and the fake Slack Web API, which records every
call. Each round uses a fresh workspace id so the answer cache never answers. The follow-up is
the asker's reply without a mention; it must make no files.info, download or
conversations.replies call (the data is kept in Redis), and the script fails if it does.

    .venv/bin/python -m bench.followup [--rounds 5] [--rows 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import structlog.contextvars
import structlog.testing

from tests.e2e.stack import Stack, running_stack

ROOT = Path(__file__).resolve().parents[1]
SLACK_READS = ("files.info", "download", "conversations.replies", "files.list")


def generated_csv(rows: int) -> bytes:
    rng = random.Random(7)
    regions, products = ["EU", "US", "APAC", "LATAM"], ["Widget", "Gadget", "Gizmo"]
    lines = ["date,region,product,units,revenue"]
    for i in range(rows):
        month, day = i % 12 + 1, i % 28 + 1
        units = rng.randint(1, 20)
        lines.append(
            f"2024-{month:02d}-{day:02d},{regions[i % 4]},{products[i % 3]},{units},"
            f"{units * rng.uniform(5, 50):.2f}"
        )
    return ("\n".join(lines) + "\n").encode()


Round = tuple[float, float, list[str], str, str]  # first s, follow-up s, reads, their job ids


async def one_round(stack: Stack, name: str, content: bytes) -> Round:
    stack.team_id = f"TB{uuid.uuid4().hex[:9].upper()}"  # no cached answers
    shared = stack.share(name, content)
    started = time.perf_counter()
    first_id, thread = await stack.mention("total revenue by region", files=[shared])
    await stack.final_reply(thread, timeout_s=300)
    first_s = time.perf_counter() - started
    await stack.outcome(first_id)  # the job's last steps after the message shows
    mark = len(stack.slack.calls)
    started = time.perf_counter()
    follow_id = await stack.reply("make it a line chart by month", thread)
    await stack.final_reply(thread, after=1, timeout_s=300)
    follow_s = time.perf_counter() - started
    await stack.outcome(follow_id)
    reads = [c.method for c in stack.slack.calls[mark:] if c.method in SLACK_READS]
    return first_s, follow_s, reads, first_id, follow_id


def stage_medians(logs: list[MutableMapping[str, Any]], job_ids: set[str]) -> str:
    """Median milliseconds per stage over the worker's "charted" log lines of these jobs."""
    timings = [e["timings_ms"] for e in logs if e.get("event") == "charted"
               and e.get("request_id") in job_ids]  # fmt: skip
    stages = sorted({k for t in timings for k in t})
    return ", ".join(
        f"{k} {statistics.median([t.get(k, 0) for t in timings]):,.0f}" for k in stages
    )


async def run(rounds: int, rows: int) -> int:
    files = [("sales.csv", (ROOT / "examples" / "sales.csv").read_bytes())]
    if rows:
        files.append((f"generated-{rows}.csv", generated_csv(rows)))
    biggest = max(len(c) for _, c in files) // (1024 * 1024) + 2
    workspace = Path(tempfile.mkdtemp(prefix="chartroom-bench-"))
    failed = False
    async with running_stack(workspace, max_file_mb=biggest, log_level="WARNING") as stack:
        await one_round(stack, *files[0])  # warm-up: worker start, first sandbox and render
        print(f"{'file':28} {'rows':>9} {'first q p50':>12} {'follow-up p50':>14} {'ratio':>6}")
        stages: list[str] = []
        for name, content in files:
            firsts, follows, first_ids, follow_ids = [], [], set(), set()
            # The request id is bound to the job's context, merged in by this processor.
            merge = [structlog.contextvars.merge_contextvars]
            with structlog.testing.capture_logs(processors=merge) as logs:
                for _ in range(rounds):
                    first_s, follow_s, reads, first_id, follow_id = await one_round(
                        stack, name, content
                    )
                    firsts.append(first_s)
                    follows.append(follow_s)
                    first_ids.add(first_id)
                    follow_ids.add(follow_id)
                    if reads:
                        print(f"FAIL: the follow-up asked Slack for {reads}", file=sys.stderr)
                        failed = True
            first, follow = statistics.median(firsts), statistics.median(follows)
            count = content.count(b"\n") - 1
            print(
                f"{name:28} {count:>9,} {first * 1000:>10,.0f}ms {follow * 1000:>12,.0f}ms "
                f"{first / follow:>5.1f}x"
            )
            stages.append(f"  {name}, first question (ms): {stage_medians(logs, first_ids)}")
            stages.append(f"  {name}, follow-up (ms):      {stage_medians(logs, follow_ids)}")
        print("Worker stage medians (data_fetched = files.info + download + ingest; data_kept =")
        print("the normalized Parquet restored from Redis):")
        print("\n".join(stages))
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rows", type=int, default=200_000, help="0: examples/sales.csv only")
    args = parser.parse_args()
    return asyncio.run(run(args.rounds, args.rows))


if __name__ == "__main__":
    sys.exit(main())
