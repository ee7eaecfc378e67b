"""Which data an answer was drawn from: a Slack file version and the sheet read from it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from core.request import SharedFile


class DataRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    file: SharedFile
    sheet: str | None = None  # the sheet asked for; None: the reader's own choice

    def identity(self) -> str:
        """Names the normalized data: the same file version read the same way."""
        return f"{self.file.identity()}:{self.sheet or ''}"

    @property
    def name(self) -> str:
        return self.file.name or "your file"
