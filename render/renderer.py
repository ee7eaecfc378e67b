"""The seam for turning figure JSON into images."""

from __future__ import annotations

from typing import Any, Protocol


class Renderer(Protocol):
    """Figure JSON in, PNG bytes out. Implementations keep their browser warm between calls.

    Raises `core.errors.RenderFailed`.
    """

    async def start(self) -> None: ...

    async def png(
        self, figure: dict[str, Any], *, width: int, height: int, scale: float
    ) -> bytes: ...

    async def aclose(self) -> None: ...
