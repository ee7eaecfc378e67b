"""Small tables shaped like the public datasets people ask about, for planner specifications."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ingest.profile import DataProfile
from ingest.profiling import build_profile


def profile(df: pd.DataFrame, name: str) -> DataProfile:
    return build_profile(df, file_name=name, file_kind="csv")


def weather() -> DataProfile:
    """Daily weather, one row per day, 2012-2015 (like vega's seattle-weather)."""
    days = pd.date_range("2012-01-01", "2015-12-31", freq="D")
    i = np.arange(len(days))
    kinds = ["sun", "fog", "rain", "drizzle", "snow"]
    return profile(
        pd.DataFrame(
            {
                "date": days,
                "precipitation": (i % 11) * 0.7,
                "temp_max": 10 + (i % 23) * 0.9,
                "temp_min": 2 + (i % 17) * 0.6,
                "wind": 1 + (i % 9) * 0.5,
                "weather": [kinds[k % 5] for k in i],
            }
        ),
        "seattle-weather.csv",
    )


def cars() -> DataProfile:
    """Cars with long column names and a few repeated years (like vega's cars)."""
    n = 120
    i = np.arange(n)
    origins = ["USA", "Japan", "Europe"]
    return profile(
        pd.DataFrame(
            {
                "Name": [f"car {k}" for k in i],
                "Miles_per_Gallon": 15 + (i % 20) * 1.1,
                "Cylinders": 4 + (i % 3) * 2,
                "Horsepower": 60 + (i % 30) * 5.0,
                "Weight_in_lbs": 2000 + (i % 40) * 50,
                "Year": pd.to_datetime([f"{1970 + k % 12}-01-01" for k in i]),
                "Origin": [origins[k % 3] for k in i],
            }
        ),
        "cars.json",
    )


def sources() -> DataProfile:
    """Electricity by source and year: a full panel (like vega's iowa-electricity)."""
    years = pd.date_range("2001-01-01", periods=17, freq="YS")
    names = ["Fossil Fuels", "Nuclear Energy", "Renewables"]
    rows = [
        (y, s, 1000 * (k + 1) + 37 * j) for j, y in enumerate(years) for k, s in enumerate(names)
    ]
    return profile(pd.DataFrame(rows, columns=["year", "source", "net_generation"]), "iowa.csv")


def prices_long() -> DataProfile:
    """Monthly prices of a few tickers, long format (like vega's stocks)."""
    months = pd.date_range("2000-01-01", periods=60, freq="MS")
    symbols = ["MSFT", "AMZN", "IBM", "AAPL", "GOOG"]
    rows = [(s, m, 10.0 + k * 3 + j) for k, s in enumerate(symbols) for j, m in enumerate(months)]
    return profile(pd.DataFrame(rows, columns=["symbol", "date", "price"]), "stocks.csv")


def prices_wide() -> DataProfile:
    """Weekly prices, one column per ticker (like plotly's stocks)."""
    weeks = pd.date_range("2018-01-01", periods=104, freq="W-MON")
    i = np.arange(len(weeks))
    return profile(
        pd.DataFrame(
            {"date": weeks, "GOOG": 1 + i * 0.01, "AAPL": 1 + i * 0.02, "MSFT": 1 + i * 0.015}
        ),
        "stocks.csv",
    )


def countries() -> DataProfile:
    """Countries by year (like plotly's gapminder): a year column of numbers, levels and rates."""
    names = {
        "Canada": "Americas",
        "Brazil": "Americas",
        "France": "Europe",
        "Spain": "Europe",
        "Japan": "Asia",
        "India": "Asia",
        "Kenya": "Africa",
    }
    rows = [
        (c, cont, y, 50 + k + (y - 1952) * 0.3, 10_000_000 * (k + 1) + y, 1000.0 * (k + 1) + y)
        for k, (c, cont) in enumerate(names.items())
        for y in range(1952, 2008, 5)
    ]
    return profile(
        pd.DataFrame(rows, columns=["country", "continent", "year", "lifeExp", "pop", "gdpPercap"]),
        "gapminder.csv",
    )


def tips() -> DataProfile:
    """Restaurant bills (like plotly's tips): yes/no smoker, lunch/dinner."""
    n = 80
    i = np.arange(n)
    return profile(
        pd.DataFrame(
            {
                "total_bill": 10 + (i % 17) * 1.5,
                "tip": 1 + (i % 7) * 0.5,
                "sex": [["Male", "Female"][k % 2] for k in i],
                "smoker": ["Yes" if k % 3 == 0 else "No" for k in i],
                "day": [["Thur", "Fri", "Sat", "Sun"][k % 4] for k in i],
                "time": [["Lunch", "Dinner"][k % 2] for k in i],
                "size": 1 + i % 6,
            }
        ),
        "tips.csv",
    )


def airports() -> DataProfile:
    """Airports with US state codes (like vega's airports)."""
    states = ["TX", "CA", "AK", "NY", "OR", "IN"]
    n = 90
    i = np.arange(n)
    return profile(
        pd.DataFrame(
            {
                "iata": [f"A{k:03d}" for k in i],
                "city": [f"City {k % 30}" for k in i],
                "state": [states[k % 6] for k in i],
                "country": ["USA"] * n,
            }
        ),
        "airports.csv",
    )
