"""The public datasets of the people's-questions set, read from the files PyPI packages ship.

plotly (a runtime dependency), vega_datasets and palmerpenguins (the `dev` extra) carry small,
well-known tables. Their files are located with `importlib.util.find_spec` and never imported:
vega_datasets' own loader may not work with pandas 3. Each file goes through our real ingest
(`ingest_file`, default limits), so column names, types and dates are the ones a person uploading
the same file would get.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.settings import Settings
from ingest.limits import IngestLimits
from ingest.load import ingest_file
from ingest.profile import DataProfile


@dataclass(frozen=True)
class DatasetFile:
    """Where a dataset lives: a package, a path inside it, and the name a person would upload."""

    package: str
    path: str
    upload_name: str


DATASETS: dict[str, DatasetFile] = {
    "gapminder": DatasetFile("plotly", "package_data/datasets/gapminder.csv.gz", "gapminder.csv"),
    "tips": DatasetFile("plotly", "package_data/datasets/tips.csv.gz", "tips.csv"),
    "wind": DatasetFile("plotly", "package_data/datasets/wind.csv.gz", "wind.csv"),
    "election": DatasetFile("plotly", "package_data/datasets/election.csv.gz", "election.csv"),
    "stocks-wide": DatasetFile("plotly", "package_data/datasets/stocks.csv.gz", "stocks.csv"),
    "cars": DatasetFile("vega_datasets", "_data/cars.json", "cars.json"),
    "stocks-long": DatasetFile("vega_datasets", "_data/stocks.csv", "stocks.csv"),
    "seattle-weather": DatasetFile(
        "vega_datasets", "_data/seattle-weather.csv", "seattle-weather.csv"
    ),
    "us-employment": DatasetFile("vega_datasets", "_data/us-employment.csv", "us-employment.csv"),
    "airports": DatasetFile("vega_datasets", "_data/airports.csv", "airports.csv"),
    "barley": DatasetFile("vega_datasets", "_data/barley.json", "barley.json"),
    "iowa-electricity": DatasetFile(
        "vega_datasets", "_data/iowa-electricity.csv", "iowa-electricity.csv"
    ),
    "penguins": DatasetFile("palmerpenguins", "data/penguins.csv", "penguins.csv"),
}


class DatasetMissing(RuntimeError):
    """A dataset's package is not installed (install the `dev` extra)."""


def dataset_path(name: str) -> Path:
    """The file of dataset `name` inside its installed package (possibly gzip-compressed).

    Raises:
        KeyError: `name` is not one of `DATASETS`.
        DatasetMissing: its package is not installed, or the file is not in it.
    """
    entry = DATASETS[name]
    spec = importlib.util.find_spec(entry.package)
    roots = list(spec.submodule_search_locations or []) if spec else []
    for root in roots:
        path = Path(root) / entry.path
        if path.is_file():
            return path
    raise DatasetMissing(
        f"{entry.path} of package {entry.package} not found; "
        "install the dev extra: pip install -e '.[dev]'"
    )


def default_limits() -> IngestLimits:
    """The limits a worker applies with default settings (no .env file read)."""
    return IngestLimits.from_settings(Settings(_env_file=None))


@functools.cache
def load_profile(name: str) -> DataProfile:
    """The profile of dataset `name` through our real ingest; computed once per process."""
    entry = DATASETS[name]
    source = dataset_path(name)
    with tempfile.TemporaryDirectory(prefix=f"people-{name}-") as scratch:
        upload = Path(scratch) / entry.upload_name
        # Our ingest refuses gzip (people upload plain files); unpack as a person would.
        opener = gzip.open if source.suffix == ".gz" else open
        with opener(source, "rb") as src:
            upload.write_bytes(src.read())
        ingested = ingest_file(upload, entry.upload_name, Path(scratch) / "work", default_limits())
    return ingested.profile
