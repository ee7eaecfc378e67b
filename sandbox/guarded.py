"""`PolicyCheckedExecutor`: the AST policy in front of any executor.

The policy is the first layer, not the boundary: code it accepts still runs in the sandbox, and
code it refuses never reaches one. Operators can switch it off (`SANDBOX_POLICY=false`, or
`bot.py run-code --no-policy`) to reproduce what the sandbox alone does with a snippet.
"""

from __future__ import annotations

from pathlib import Path

from sandbox.executor import Executor, RunResult
from sandbox.policy import check_code


class PolicyCheckedExecutor:
    def __init__(self, inner: Executor) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name  # may change: `auto` falls back to local when Docker goes away

    async def run(self, code: str, data_path: Path) -> RunResult:
        check_code(code)  # raises CodeRefused with reasons fit for the thread
        return await self.inner.run(code, data_path)

    async def start(self) -> None:
        await self.inner.start()

    async def aclose(self) -> None:
        await self.inner.aclose()
