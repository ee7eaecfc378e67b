"""Replay the recorded-answer library through each provider's real SDK client and the LLM planner.

For every recorded answer (tests/fakes/llm_answers.py) and every provider (Gemini, Bedrock
Converse, OpenAI-compatible, each a local fake speaking the real wire format), the planner gets
that answer first and, when it asks for a repair, a correct plan second. It reports, per provider,
the share of answers that became a valid plan on the first try, the share rescued by the repair
turn, and what the repair turn fixed (the first problem line, by kind). Also the end-to-end
planning latency of a first-try answer vs a repaired one.

    .venv/bin/python -m bench.llm_answers
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from core.logs import configure_logging
from core.settings import Settings
from ingest.limits import IngestLimits
from ingest.load import ingest_file
from planner.llm_planner import LLMPlanner
from providers.factory import make_chain
from tests.fakes.bedrock_api import FakeBedrock, running_fake_bedrock
from tests.fakes.gemini_api import API_KEY as GEMINI_KEY
from tests.fakes.gemini_api import running_fake_gemini
from tests.fakes.llm_answers import ANSWERS, REVENUE_BY_REGION, plan_json
from tests.fakes.llm_script import Script
from tests.fakes.openai_api import running_fake_openai

ROOT = Path(__file__).resolve().parents[1]
GOOD = plan_json(REVENUE_BY_REGION)


def _settings(name: str, url: str) -> Settings:
    values: dict[str, Any] = {"llm_providers": (name,), "llm_timeout_s": 10, "llm_max_retries": 0}
    if name == "gemini":
        values |= {"gemini_api_key": GEMINI_KEY, "gemini_base_url": url}
    elif name == "bedrock":
        values |= {"bedrock_region": "us-east-1", "bedrock_endpoint_url": url}
    else:
        values |= {"openai_base_url": url, "openai_model": "llama3.1"}
    return Settings.model_validate(values)


def _servers() -> list[tuple[str, Callable[[], AbstractAsyncContextManager[Any]]]]:
    return [
        ("gemini", running_fake_gemini),
        ("bedrock", running_fake_bedrock),
        ("openai", running_fake_openai),
    ]


def _kind(problem: str) -> str:
    text = problem.lower()
    for needle, kind in (
        ("does not exist", "unknown column"),
        ("is not one of", "chart type or value outside the fixed set"),
        ("unknown field", "a field the plan does not have"),
        ("json", "invalid or missing JSON"),
        ("needs", "a column of the wrong type for the chart or filter"),
        ("is not a time column", "a column of the wrong type for the chart or filter"),
        ("missing required field", "a required field left out"),
        ("no json object", "invalid or missing JSON"),
    ):
        if needle in text:
            return kind
    return problem[:60]


async def _provider_run(name: str, url: str, script: Script, profile: Any) -> dict[str, Any]:
    chain = make_chain(_settings(name, url))
    assert chain is not None
    planner = LLMPlanner(chain)
    first = repaired = fell_back = 0
    fixed: Counter[str] = Counter()
    first_ms: list[float] = []
    repaired_ms: list[float] = []
    try:
        for answer in ANSWERS:
            script.reset()
            script.queue(answer.text or " ", GOOD)
            started = time.perf_counter()
            planned = await planner.plan("total revenue by region", profile)
            elapsed = (time.perf_counter() - started) * 1000
            if planned.path == "llm":
                first += 1
                first_ms.append(elapsed)
            elif planned.path == "llm-repaired":
                repaired += 1
                repaired_ms.append(elapsed)
                fixed[_kind(planned.repaired[0])] += 1
            else:
                fell_back += 1
    finally:
        await chain.aclose()
    return {
        "first": first,
        "repaired": repaired,
        "rules": fell_back,
        "fixed": fixed,
        "first_ms": statistics.median(first_ms) if first_ms else 0.0,
        "repaired_ms": statistics.median(repaired_ms) if repaired_ms else 0.0,
    }


async def main() -> int:
    configure_logging(level="ERROR", fmt="console")
    os.environ |= {
        "AWS_ACCESS_KEY_ID": FakeBedrock.access_key,
        "AWS_SECRET_ACCESS_KEY": FakeBedrock.secret_key,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }
    workdir = Path(tempfile.mkdtemp(prefix="bench-llm-"))
    profile = ingest_file(
        ROOT / "examples/sales.csv", "sales.csv", workdir, IngestLimits.from_settings(Settings())
    ).profile
    total = len(ANSWERS)
    print(f"{total} recorded answers × 3 providers (real SDK clients, local fake APIs)\n")
    print(
        "| provider | valid first try | valid after one repair | rules answered | "
        "median plan ms (first try / repaired) |"
    )
    print("|---|---:|---:|---:|---:|")
    fixed_all: Counter[str] = Counter()
    for name, server in _servers():
        async with server() as fake:
            row = await _provider_run(name, fake.url, fake.script, profile)
        fixed_all.update(row["fixed"])
        valid = row["first"] + row["repaired"]
        print(
            f"| {name} | {row['first']}/{total} ({row['first'] / total:.0%}) | "
            f"{valid}/{total} ({valid / total:.0%}) | {row['rules']} | "
            f"{row['first_ms']:.0f} / {row['repaired_ms']:.0f} |"
        )
    print("\nWhat the repair turn fixed (all providers):")
    for kind, count in fixed_all.most_common():
        print(f"  {count:3d}  {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
