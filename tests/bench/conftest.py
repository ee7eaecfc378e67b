"""A small weather table whose profile the scorer tests compare filters against."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.people.filters import Domain, column_domains
from ingest.profile import DataProfile
from ingest.profiling import build_profile


def weather_frame() -> pd.DataFrame:
    """One row a day through 2014 and 2015; every value follows from the row number."""
    days = pd.date_range("2014-01-01", "2015-12-31", freq="D")
    n = len(days)
    return pd.DataFrame(
        {
            "date": days,
            "year": days.year,
            "temp": [float(i % 30) for i in range(n)],
            "weather": [("sun", "rain", "fog")[i % 3] for i in range(n)],
            "station": [f"S{i % 700}" for i in range(n)],
        }
    )


@pytest.fixture(scope="session")
def weather_profile() -> DataProfile:
    return build_profile(weather_frame(), file_name="weather.csv", file_kind="csv")


@pytest.fixture(scope="session")
def domains(weather_profile: DataProfile) -> dict[str, Domain]:
    return column_domains(weather_profile)
