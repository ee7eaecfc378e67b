"""The stages a request goes through, as shown to the person waiting in the thread."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

Stage = Literal["reading", "planning", "running", "rendering"]
Progress = Callable[[Stage], Awaitable[None]]


async def no_progress(stage: Stage) -> None:
    """A `Progress` that reports nowhere (the CLI and benchmarks)."""
