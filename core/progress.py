"""The stages a request goes through, as shown to the person waiting in the thread."""

from __future__ import annotations

from typing import Literal, Protocol

Stage = Literal["reading", "planning", "running", "rendering"]


class Progress(Protocol):
    """Awaited as each stage starts, and while reading with the rows read so far."""

    async def __call__(self, stage: Stage, *, rows: int | None = None) -> None: ...


async def no_progress(stage: Stage, *, rows: int | None = None) -> None:
    """A `Progress` that reports nowhere (the CLI and benchmarks)."""
