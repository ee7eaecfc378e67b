"""`python bot.py plot`: the local pipeline as a person runs it, in a real child process."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

from tests.fakes.openai_api import running_fake_openai

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PRIVATE_ENV = ("SLACK_", "REDIS_", "LLM_", "GEMINI_", "OPENAI_", "BEDROCK_", "AWS_")


def bot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # No Slack token, no Redis URL, no key: the local path must not need them.
    env = {k: v for k, v in os.environ.items() if not k.startswith(PRIVATE_ENV)}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_plot_writes_a_png_and_an_offline_html_page(tmp_path: Path) -> None:
    done = bot(
        "plot", str(EXAMPLES / "sales.csv"), "total revenue by region", "-o", "out", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    png = (tmp_path / "out" / "chart.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 10_000
    html = (tmp_path / "out" / "chart.html").read_text()
    assert "<script" in html
    assert '<script src="http' not in html  # plotly.js is inlined: the page opens offline
    assert len(html) > 1_000_000
    assert "Total revenue by region" in done.stdout
    assert "aggregate" in done.stdout


def test_json_prints_the_plan_and_only_the_plan_on_stdout(tmp_path: Path) -> None:
    done = bot(
        "plot",
        str(EXAMPLES / "cities.json"),
        "rainfall by city, top 5",
        "--json",
        "--dry-run",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    chart = json.loads(done.stdout)["charts"][0]
    assert chart["chart_type"] == "bar"
    assert (chart["x"], chart["y"], chart["limit"]) == ("city", "rainfall_mm", 5)
    for field in ("aggregate", "color", "filters", "title"):
        assert field in chart


def test_dry_run_plans_without_running_or_rendering(tmp_path: Path) -> None:
    done = bot(
        "plot",
        str(EXAMPLES / "ventes_latin1.csv"),
        "chiffre d'affaires by région",
        "--dry-run",
        "-o",
        "out",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Région" in done.stdout
    assert not (tmp_path / "out").exists()


def test_a_problem_with_the_file_is_a_clear_message_and_exit_code_2(tmp_path: Path) -> None:
    bad = tmp_path / "report.pdf"
    bad.write_bytes(b"%PDF-1.7 not a table")
    done = bot("plot", str(bad), "revenue by region", cwd=tmp_path)
    assert done.returncode == 2
    assert "I can't chart report.pdf" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_question_about_missing_columns_lists_the_ones_there_are(tmp_path: Path) -> None:
    done = bot(
        "plot", str(EXAMPLES / "sales.csv"), "profit by warehouse", "--dry-run", cwd=tmp_path
    )
    assert done.returncode == 2
    assert "order_date" in done.stderr
    assert "revenue" in done.stderr


def test_a_provider_without_its_key_names_the_setting_to_set(tmp_path: Path) -> None:
    done = bot(
        "plot",
        str(EXAMPLES / "sales.csv"),
        "revenue by region",
        "--provider",
        "gemini",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "set GEMINI_API_KEY to use the gemini provider" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_provider_is_refused_with_the_choices(tmp_path: Path) -> None:
    done = bot("plot", str(EXAMPLES / "sales.csv"), "q", "--provider", "claude", cwd=tmp_path)
    assert done.returncode == 2
    assert "gemini, bedrock, openai" in done.stderr


async def test_provider_openai_plans_through_a_local_openai_compatible_server(
    tmp_path: Path,
) -> None:
    plan = {
        "charts": [
            {
                "chart_type": "line",
                "x": "order_date",
                "y": "revenue",
                "aggregate": "sum",
                "time_grain": "M",
                "title": "Monthly revenue",
            }
        ]
    }
    async with running_fake_openai() as fake:
        fake.script.queue(f"Sure!\n```json\n{json.dumps(plan)}\n```")
        env = {k: v for k, v in os.environ.items() if not k.startswith(PRIVATE_ENV)}
        env |= {"OPENAI_BASE_URL": fake.url, "OPENAI_MODEL": "llama3.1"}
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            "plot",
            str(EXAMPLES / "sales.csv"),
            "monthly revenue",
            "--provider",
            "openai",
            "--dry-run",
            "--json",
            cwd=tmp_path,
            env=env,
            stdout=PIPE,
            stderr=PIPE,
        )
        out, err = await asyncio.wait_for(child.communicate(), 120)
    assert child.returncode == 0, err.decode()
    answered = json.loads(out)
    assert answered["planner"] == "llm"
    assert answered["charts"][0]["title"] == "Monthly revenue"
    assert "answered by: llm · openai:llama3.1" in err.decode()
    assert fake.script.requests[0]["model"] == "llama3.1"
