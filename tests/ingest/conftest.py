"""Fixtures for ingest tests: small limits, so limit checks need only small files."""

from __future__ import annotations

import pytest

from ingest.limits import IngestLimits


@pytest.fixture
def limits() -> IngestLimits:
    return IngestLimits(max_bytes=1024 * 1024, max_rows=1000, max_columns=50)
