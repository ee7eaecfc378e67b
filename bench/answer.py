"""Event → answer through Slack, against the in-process floor measured in the same run.

The whole stack as in the end-to-end tests: signed events into the real Bolt app, ARQ on the
local Redis, a real worker (Docker warm pool, renderer process) and the fake Slack Web API. Per
round, alternating so the shared machine's noise hits each alike:

- miss: a fresh workspace asks about examples/sales.csv: mention → final answer in the thread;
- hit: the same workspace asks the same question of the same file in a new thread (the answer
  cache answers; the file is still fetched and ingested to compute its key);
- floor: in this process, pandas reads the CSV, the same compiled chart code draws the figure,
  and a warm renderer process makes the PNG: the least an answer could cost here.

Then a generated 1,000,000-row CSV end to end (fresh workspaces), beside DuckDB's own
aggregation of the same file. Queue wait is ARQ's start time minus its enqueue time per job.

    .venv/bin/python -m bench.answer [--rounds 7] [--big-rounds 3] [--big-rows 1000000]
        [--set queue_poll_delay_s=0.5 --set aggregate_in_duckdb=false]  (the old defaults)
"""

from __future__ import annotations

import argparse
import asyncio
import sys

# Only the standard library at module level: the worker's ingest fork server runs this module
# again (as __mp_main__) in every child it forks, so anything imported here would be imported
# for every file read (measured: +1.5 CPU s per ingest with the stack imported here).


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--big-rounds", type=int, default=3)
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SETTING=VALUE",
        help="a worker setting for this run, e.g. queue_poll_delay_s=0.5 aggregate_in_duckdb=false",
    )
    from bench import answer_run

    asyncio.run(answer_run.run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
