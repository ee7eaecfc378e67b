"""A generated sales CSV for benchmarks: order time, region, product, units, revenue.

Written a million rows at a time, so a 10-million-row file (442 MB) needs little memory.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

REGIONS = ["EU", "North America", "APAC", "LATAM", "Africa"]
_CHUNK_ROWS = 1_000_000


def write_sales_csv(path: Path, rows: int) -> Path:
    """Write `rows` rows to `path` (same seed, same file every time)."""
    rng = np.random.default_rng(42)
    start = np.datetime64("2020-01-01T00:00")
    products = [f"SKU-{i:03d}" for i in range(60)]
    with path.open("w") as fh:
        for first in range(0, rows, _CHUNK_ROWS):
            n = min(_CHUNK_ROWS, rows - first)
            minutes = rng.integers(0, 4 * 365 * 24 * 60, n).astype("timedelta64[m]")
            frame = pd.DataFrame(
                {
                    "order_time": start + minutes,
                    "region": rng.choice(REGIONS, n),
                    "product": rng.choice(products, n),
                    "units": rng.integers(1, 50, n),
                    "revenue": np.round(rng.gamma(2.0, 60.0, n), 2),
                }
            )
            frame.to_csv(fh, index=False, header=first == 0)
    return path


def cached_sales_csv(folder: Path, rows: int) -> Path:
    """The generated file for `rows` rows in `folder`, written on first use."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"sales-{rows}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        write_sales_csv(partial, rows)
        partial.rename(path)
    return path
