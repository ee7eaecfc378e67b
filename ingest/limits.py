"""The size, row and column limits every ingest step checks, read once from `Settings`."""

from __future__ import annotations

from dataclasses import dataclass

from core.settings import Settings

# Compressed containers (xlsx, Parquet) may unpack to this many times `max_bytes`, and never more
# than the ceiling: real spreadsheets compress about 5-20x, zip bombs a million times.
UNPACK_FACTOR = 10
UNPACK_CEILING_BYTES = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class IngestLimits:
    """Limits for one uploaded file.

    Args:
        max_bytes: largest file accepted, as downloaded.
        max_rows: most data rows (the header row not counted).
        max_columns: most columns.
        memory_mb: most memory (resident) the ingest child process may use.
        cpu_s: most CPU seconds the ingest child process may use.
        timeout_s: longest the worker waits for the ingest child, wall clock.
    """

    max_bytes: int
    max_rows: int
    max_columns: int
    memory_mb: int = 2048
    cpu_s: int = 120
    timeout_s: float = 180.0

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestLimits:
        return cls(
            max_bytes=settings.max_file_bytes,
            max_rows=settings.max_rows,
            max_columns=settings.max_columns,
            memory_mb=settings.ingest_memory_mb,
            cpu_s=settings.ingest_cpu_s,
            timeout_s=settings.ingest_timeout_s,
        )

    @property
    def max_unpacked_bytes(self) -> int:
        """How much a compressed container (xlsx, Parquet) may expand to."""
        return min(UNPACK_FACTOR * self.max_bytes, UNPACK_CEILING_BYTES)


def describe_bytes(n_bytes: int) -> str:
    """A size in words for messages: "12 MB", "2.5 GB"."""
    mb = n_bytes / (1024 * 1024)
    return f"{mb / 1024:,.1f} GB" if mb >= 1024 else f"{mb:,.0f} MB"
