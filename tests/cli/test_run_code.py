"""`python bot.py run-code`: an operator replays a generated snippet through policy and sandbox."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SALES = ROOT / "examples" / "sales.csv"


def run_code(code: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(code)
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "bot.py"),
            "run-code",
            str(snippet),
            "--data",
            str(SALES),
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("sandbox", ["docker", "local"])
def test_good_code_runs_and_the_figure_is_summarised(tmp_path: Path, sandbox: str) -> None:
    code = (
        "totals = df.groupby('region', as_index=False)['revenue'].sum()\n"
        "fig = px.bar(totals, x='region', y='revenue')\n"
    )
    done = run_code(code, tmp_path, "--sandbox", sandbox)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ok (sandbox: {sandbox})")
    assert "bar: 4 points" in done.stdout


def test_refused_code_exits_3_with_the_reasons(tmp_path: Path) -> None:
    done = run_code("import os\nfig = os.system('id')\n", tmp_path, "--sandbox", "local")
    assert done.returncode == 3
    assert done.stdout.startswith("refused")
    assert "line 1: importing `os` is not allowed" in done.stdout


def test_without_the_policy_the_sandbox_alone_answers(tmp_path: Path) -> None:
    code = "import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=2)\n"
    done = run_code(code, tmp_path, "--sandbox", "docker", "--no-policy")
    assert done.returncode == 4
    assert done.stdout.startswith("failed (sandbox: docker)")
    assert "OSError" in done.stdout or "unreachable" in done.stdout.lower()
