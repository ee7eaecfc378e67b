"""The follow-up specification: threads of two and three turns as people type them in Slack,
each follow-up with what its chart must be. Fields not listed are not checked; `filters` is the
whole list (as (column, op, value) triples, in any order)."""

from __future__ import annotations

from typing import Any

Expect = dict[str, Any]
# None: the reply is chatter and must not be read as a request at all.
Thread = tuple[str, list[tuple[str, Expect | None]]]


def f(column: str, op: str, value: Any) -> tuple[str, str, Any]:
    return (column, op, tuple(value) if isinstance(value, list) else value)


THREADS: list[Thread] = [
    # --- orders (region, product, revenue, quantity, unit_price, order_date) -----------------
    (
        "orders",
        [
            ("total revenue by region", {}),
            (
                "only EU",
                {
                    "chart_type": "bar",
                    "x": "region",
                    "y": "revenue",
                    "filters": [f("region", "eq", "EU")],
                },
            ),
        ],
    ),
    (
        "orders",
        [
            ("revenue by month and region", {}),
            (
                "make it a line chart",
                {"chart_type": "line", "x": "order_date", "color": "region", "time_grain": "M"},
            ),
        ],
    ),
    (
        "orders",
        [
            ("revenue by region", {}),
            ("as a pie", {"chart_type": "pie", "x": "region", "y": "revenue"}),
        ],
    ),
    ("orders", [("revenue by product", {}), ("top 2", {"x": "product", "limit": 2})]),
    (
        "orders",
        [
            ("revenue by product", {}),
            ("without APAC", {"x": "product", "filters": [f("region", "ne", "APAC")]}),
        ],
    ),
    (
        "orders",
        [("revenue by product in EU", {}), ("all regions again", {"x": "product", "filters": []})],
    ),
    (
        "orders",
        [
            ("revenue by region", {}),
            ("same for quantity", {"x": "region", "y": "quantity", "aggregate": "sum"}),
        ],
    ),
    (
        "orders",
        [
            ("revenue by region", {}),
            (
                "show average unit price instead",
                {"x": "region", "y": "unit_price", "aggregate": "mean"},
            ),
        ],
    ),
    (
        "orders",
        [
            ("revenue by region", {}),
            ("by product instead", {"x": "product", "y": "revenue", "color": None}),
        ],
    ),
    (
        "orders",
        [("revenue by region", {}), ("split by product", {"x": "region", "color": "product"})],
    ),
    (
        "orders",
        [("revenue by region and product", {}), ("no split", {"x": "region", "color": None})],
    ),
    (
        "orders",
        [
            ("revenue by region", {}),
            ("average instead", {"x": "region", "y": "revenue", "aggregate": "mean"}),
        ],
    ),
    ("orders", [("revenue by product", {}), ("ascending", {"x": "product", "sort": ("y", "asc")})]),
    (
        "orders",
        [
            ("revenue over time", {}),
            ("weekly", {"chart_type": "line", "x": "order_date", "time_grain": "W"}),
        ],
    ),
    (
        "orders",
        [("revenue over time", {}), ("log scale", {"chart_type": "line", "y_scale": "log"})],
    ),
    ("orders", [("revenue by region", {}), ("as a table", {"chart_type": "table", "x": "region"})]),
    (
        "orders",
        [
            ("revenue by region", {}),
            ("only EU", {"filters": [f("region", "eq", "EU")]}),
            ("undo", {"filters": []}),
        ],
    ),
    (
        "orders",
        [
            ("revenue by product", {}),
            ("only EU", {"filters": [f("region", "eq", "EU")]}),
            ("and US too", {"filters": [f("region", "in", ["EU", "US"])]}),
        ],
    ),
    (
        "orders",
        [
            ("revenue over time", {}),
            ("by region", {"chart_type": "line", "x": "order_date", "color": "region"}),
        ],
    ),
    (
        "orders",
        [("revenue by region", {}), ("quantity too", {"y": "revenue", "extra_y": ["quantity"]})],
    ),
    (
        "orders",
        [
            ("revenue by region", {}),
            ("scatter of unit price vs quantity", {"chart_type": "scatter", "filters": []}),
        ],
    ),
    (
        "orders",
        [("revenue by product", {}), ("count instead", {"x": "product", "aggregate": "count"})],
    ),
    (
        "orders",
        [
            ("revenue over time", {}),
            ("cumulative", {"chart_type": "line", "transform": {"kind": "cumsum"}}),
        ],
    ),
    (
        "orders",
        [
            ("revenue by product", {}),
            (
                "in february",
                {"filters": [f("order_date", "between", ["2023-02-01", "2023-02-28"])]},
            ),
        ],
    ),
    (
        "orders",
        [("revenue by product", {}), ("price over 5", {"filters": [f("unit_price", "gt", 5)]})],
    ),
    # --- weather (date, precipitation, temp_max, temp_min, wind, weather) -------------------
    (
        "weather",
        [
            ("avg max temp by month", {}),
            ("2014", {"x": "date", "y": "temp_max", "filters": [f("date", "year", 2014)]}),
        ],
    ),
    (
        "weather",
        [
            ("avg max temp by month", {}),
            ("what about 2013?", {"filters": [f("date", "year", 2013)]}),
        ],
    ),
    ("weather", [("avg max temp by month in 2014", {}), ("all years", {"filters": []})]),
    (
        "weather",
        [
            ("rain per month", {}),
            ("as bars", {"chart_type": "bar", "x": "date", "y": "precipitation"}),
        ],
    ),
    (
        "weather",
        [
            ("max temp over time", {}),
            ("7 day rolling avg", {"transform": {"kind": "rolling_mean", "window": 7}}),
        ],
    ),
    (
        "weather",
        [
            ("avg max temp by month", {}),
            ("show min temp too", {"y": "temp_max", "extra_y": ["temp_min"]}),
        ],
    ),
    (
        "weather",
        [
            ("days per weather type", {}),
            ("only 2015", {"x": "weather", "filters": [f("date", "year", 2015)]}),
        ],
    ),
    (
        "weather",
        [
            ("rain by month", {}),
            ("weekly", {"time_grain": "W"}),
            (
                "last 6 months",
                {
                    "time_grain": "W",
                    "filters": [f("date", "between", ["2015-07-01", "2015-12-31"])],
                },
            ),
        ],
    ),
    (
        "weather",
        [
            ("wind by weather", {}),
            ("median instead", {"x": "weather", "y": "wind", "aggregate": "median"}),
        ],
    ),
    ("weather", [("avg max temp by month", {}), ("thanks!", None)]),
    # --- cars --------------------------------------------------------------------------------
    (
        "cars",
        [
            ("avg mpg by origin", {}),
            ("by cylinders instead", {"x": "Cylinders", "y": "Miles_per_Gallon"}),
        ],
    ),
    (
        "cars",
        [
            ("avg mpg by origin", {}),
            ("japan only", {"x": "Origin", "filters": [f("Origin", "eq", "Japan")]}),
        ],
    ),
    ("cars", [("avg hp by origin", {}), ("max instead", {"y": "Horsepower", "aggregate": "max"})]),
    ("cars", [("avg mpg by origin", {}), ("as a pie", {"chart_type": "pie", "x": "Origin"})]),
    (
        "cars",
        [
            ("avg mpg over the years", {}),
            ("split by origin", {"chart_type": "line", "color": "Origin"}),
        ],
    ),
    (
        "cars",
        [
            ("avg mpg by origin", {}),
            ("same for weight", {"y": "Weight_in_lbs", "aggregate": "mean"}),
        ],
    ),
    (
        "cars",
        [("avg mpg by origin", {}), ("without europe", {"filters": [f("Origin", "ne", "Europe")]})],
    ),
    (
        "cars",
        [
            ("hp vs weight", {}),
            ("only usa", {"chart_type": "scatter", "filters": [f("Origin", "eq", "USA")]}),
        ],
    ),
    # --- countries ----------------------------------------------------------------------------
    (
        "countries",
        [("life exp by continent", {}), ("only 2007", {"filters": [f("year", "eq", 2007)]})],
    ),
    (
        "countries",
        [
            ("life exp by continent in 2007", {}),
            ("what about 1952?", {"filters": [f("year", "eq", 1952)]}),
        ],
    ),
    (
        "countries",
        [
            ("life exp by continent", {}),
            ("gdp per cap instead", {"y": "gdpPercap", "aggregate": "mean"}),
        ],
    ),
    ("countries", [("population by country in 2007", {}), ("top 3", {"x": "country", "limit": 3})]),
    (
        "countries",
        [
            ("life exp over the years", {}),
            ("by continent", {"chart_type": "line", "color": "continent"}),
        ],
    ),
    (
        "countries",
        [
            ("life exp over the years", {}),
            ("only europe", {"filters": [f("continent", "eq", "Europe")]}),
            ("and asia", {"filters": [f("continent", "in", ["Europe", "Asia"])]}),
        ],
    ),
    (
        "countries",
        [("life exp by continent", {}), ("since 1980", {"filters": [f("year", "gte", 1980)]})],
    ),
    ("countries", [("gdp per cap by continent", {}), ("log scale", {"y_scale": "log"})]),
    # --- tips -------------------------------------------------------------------------------
    ("tips", [("total tips by day", {}), ("split by sex", {"x": "day", "color": "sex"})]),
    (
        "tips",
        [("total tips by day", {}), ("only dinner", {"filters": [f("time", "eq", "Dinner")]})],
    ),
    ("tips", [("total tips by day", {}), ("average instead", {"aggregate": "mean"})]),
    (
        "tips",
        [
            ("total tips by day", {}),
            (
                "tip as % of bill",
                {"x": "day", "y": "tip", "denominator": "total_bill", "as_percent": True},
            ),
        ],
    ),
    ("tips", [("avg tip by day", {}), ("smokers only", {"filters": [f("smoker", "eq", "Yes")]})]),
    ("tips", [("avg tip by day", {}), ("by time instead", {"x": "time"})]),
    ("tips", [("avg tip by day", {}), ("lol that friday bar", None)]),
    # --- long prices -------------------------------------------------------------------------
    (
        "prices_long",
        [
            ("price by ticker over time", {}),
            ("only AAPL and GOOG", {"filters": [f("symbol", "in", ["AAPL", "GOOG"])]}),
        ],
    ),
    (
        "prices_long",
        [
            ("price by ticker over time", {}),
            ("without IBM", {"filters": [f("symbol", "ne", "IBM")]}),
        ],
    ),
    ("prices_long", [("msft price over time", {}), ("yoy", {"transform": {"kind": "yoy"}})]),
    (
        "prices_long",
        [
            ("msft price over time", {}),
            (
                "since 2002",
                {"filters": [f("symbol", "eq", "MSFT"), f("date", "gte", "2002-01-01")]},
            ),
        ],
    ),
    ("prices_long", [("price by ticker over time", {}), ("quarterly", {"time_grain": "Q"})]),
    # --- wide prices ----------------------------------------------------------------------------
    (
        "prices_wide",
        [("AAPL vs GOOG", {}), ("add MSFT", {"y": "AAPL", "extra_y": ["GOOG", "MSFT"]})],
    ),
    ("prices_wide", [("AAPL over time", {}), ("same for GOOG", {"y": "GOOG"})]),
    # --- sources ----------------------------------------------------------------------------
    (
        "sources",
        [
            ("net generation over time", {}),
            ("by source", {"color": "source"}),
            ("as an area chart", {"chart_type": "area", "color": "source"}),
        ],
    ),
    (
        "sources",
        [
            ("net generation by source", {}),
            ("since 2010", {"filters": [f("year", "gte", "2010-01-01")]}),
        ],
    ),
    (
        "sources",
        [
            ("net generation over time by source", {}),
            ("share of total", {"transform": {"kind": "share"}, "color": "source"}),
        ],
    ),
    (
        "sources",
        [
            ("net generation over time by source", {}),
            ("only renewables", {"filters": [f("source", "eq", "Renewables")]}),
        ],
    ),
    # --- airports ---------------------------------------------------------------------------
    ("airports", [("airports per state", {}), ("top 5", {"x": "state", "limit": 5})]),
    (
        "airports",
        [("airports per state", {}), ("not alaska", {"filters": [f("state", "ne", "AK")]})],
    ),
]
