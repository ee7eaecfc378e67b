"""Names, numbers, dates and blanks as spreadsheets write them."""

from __future__ import annotations

import datetime as dt
import decimal
import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from ingest.normalize import clean_column_names, normalize_frame


def _text(values: Sequence[str | None]) -> pd.DataFrame:
    """A text column `v`, beside a key column so that no row is entirely blank."""
    return pd.DataFrame(
        {"v": pd.Series(list(values), dtype="str"), "key": [f"k{i}" for i in range(len(values))]}
    )


def test_column_names() -> None:
    names, unnamed, repeated = clean_column_names(
        ["  Sales ", None, "Sales", "", "Line\nbreak", 2024.0, np.nan, "x" * 300, "Sales"]
    )

    assert names[:7] == ["Sales", "column_2", "Sales_2", "column_4", "Line break", "2024",
                         "column_7"]  # fmt: skip
    assert len(names[7]) == 120
    assert names[8] == "Sales_3"
    assert unnamed == ["column_2", "column_4", "column_7"]
    assert repeated == ["Sales_2", "Sales_3"]


def test_duplicate_and_empty_names_are_noted() -> None:
    df = pd.DataFrame([[1, 2, 3], [4, 5, 6]], columns=pd.Index(["a", "a", None], dtype=object))

    result = normalize_frame(df)

    assert list(result.df.columns) == ["a", "a_2", "column_3"]
    assert "Renamed repeated column names to “a_2”" in result.notes
    assert "Named the unnamed column “column_3”" in result.notes


@pytest.mark.parametrize(
    ("values", "expected", "note"),
    [
        (["$1,200.50", "$3,000", "($12.00)", "-$5"], [1200.5, 3000.0, -12.0, -5.0], "currency"),
        (["€ 1.200,50", "3.000 €", "-4,25 €"], [1200.5, 3000.0, -4.25], "currency"),
        (["12%", "5.5%", "-3 %"], [12.0, 5.5, -3.0], "12% reads as 12"),
        (["1 234 567", "2 000", "15"], [1234567, 2000, 15], "thousands"),
        (["1.5e3", "2E-2", ".5"], [1500.0, 0.02, 0.5], None),
        (["−7", "+8", "9"], [-7, 8, 9], None),
        (["1", "N/A", "#DIV/0!", "3"], [1.0, None, None, 3.0], None),
    ],
)
def test_numbers_written_as_text(
    values: list[str], expected: list[float | None], note: str | None
) -> None:
    result = normalize_frame(_text(values), decimal="," if "€ 1.200,50" in values else ".")

    got = result.df["v"]
    assert pd.api.types.is_numeric_dtype(got)
    assert [None if pd.isna(v) else v for v in got.tolist()] == expected
    if note:
        assert note in " ".join(result.notes)


@pytest.mark.parametrize(
    "values",
    [
        ["01234", "00501", "12345"],  # zip codes
        ["a1", "b2", "3"],
        ["1", "2", "three"],  # small columns must parse entirely
        ["+1 555 123 4567", "+44 20 7946 0958"],  # phone numbers
    ],
)
def test_text_that_only_looks_numeric_stays_text(values: list[str]) -> None:
    result = normalize_frame(_text(values))

    assert result.df["v"].tolist() == values
    assert result.df["v"].dtype == "str"


def test_a_few_bad_values_in_a_long_column_become_blank_with_a_note() -> None:
    values = [str(i) for i in range(99)] + ["unknown"]

    result = normalize_frame(_text(values))

    assert result.df["v"].isna().sum() == 1
    assert "1 value that wasn't a number left blank" in " ".join(result.notes)


@pytest.mark.parametrize(
    ("values", "decimal", "expected", "order"),
    [
        (["2024-01-05", "2024-02-29"], ".", [(2024, 1, 5), (2024, 2, 29)], None),
        (["05/01/2024", "13/02/2024"], ".", [(2024, 1, 5), (2024, 2, 13)], "day/month/year"),
        (["05/01/2024", "02/13/2024"], ",", [(2024, 5, 1), (2024, 2, 13)], "month/day/year"),
        (["01.03.2024", "02.03.2024"], ",", [(2024, 3, 1), (2024, 3, 2)], "day/month/year"),
        (["Jan 5, 2024", "Feb 6, 2024"], ".", [(2024, 1, 5), (2024, 2, 6)], None),
        (["2024-01", "2024-02"], ".", [(2024, 1, 1), (2024, 2, 1)], None),
    ],
)
def test_dates_written_as_text(
    values: list[str], decimal: str, expected: list[tuple[int, int, int]], order: str | None
) -> None:
    result = normalize_frame(_text(values), decimal="," if decimal == "," else ".")

    got = result.df["v"]
    assert pd.api.types.is_datetime64_any_dtype(got)
    assert [(t.year, t.month, t.day) for t in got] == expected
    if order:
        assert order in " ".join(result.notes)


def test_mixed_offsets_become_utc() -> None:
    result = normalize_frame(_text(["2024-01-05T10:00:00+01:00", "2024-01-05T10:00:00+02:00"]))

    assert str(result.df["v"].dt.tz) == "UTC"


@pytest.mark.parametrize(
    "values", [["2019", "2020", "2021"], ["12", "7", "30"], ["Q1 2024", "Q2 2024"], ["10:30"]]
)
def test_years_counts_and_labels_are_not_dates(values: list[str]) -> None:
    result = normalize_frame(_text(values))

    assert not pd.api.types.is_datetime64_any_dtype(result.df["v"])


def test_true_false_text_becomes_boolean() -> None:
    result = normalize_frame(_text(["TRUE", "false", None]))

    assert result.df["v"].dtype == "boolean"


def test_empty_rows_and_columns_are_dropped() -> None:
    df = pd.DataFrame(
        {"a": ["1", None, " ", "2"], "Empty": [None, None, "", "  "], "b": ["x", None, None, "y"]},
        dtype="str",
    )

    result = normalize_frame(df)

    assert list(result.df.columns) == ["a", "b"]
    assert result.df["a"].tolist() == [1, 2]
    assert "Left out column “Empty”: no values" in result.notes
    assert "Left out 2 empty rows" in result.notes


def test_python_objects_from_excel_and_json() -> None:
    df = pd.DataFrame(
        {
            "mixed": [1, "two", 3.0, None],
            "flags": [True, False, None, True],
            "when": [dt.date(2024, 1, 1), dt.datetime(2024, 1, 2, 3), None, dt.date(2024, 1, 4)],
            "money": [decimal.Decimal("1.10"), decimal.Decimal("2"), None, 3],
            "nested": [{"a": 1}, [1, 2], None, "x"],
            "clock": [dt.time(9, 30), None, dt.time(10), dt.time(11)],
        },
        dtype=object,
    )

    result = normalize_frame(df).df

    assert result["mixed"].tolist()[:3] == ["1", "two", "3.0"]
    assert result["flags"].dtype == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(result["when"])
    assert result["money"].tolist()[:2] == [1.1, 2.0]
    assert result["nested"].tolist()[:2] == ['{"a": 1}', "[1, 2]"]
    assert result["clock"].tolist()[0] == "09:30:00"
    result.to_parquet(io.BytesIO())  # every column has a type Parquet can store


def test_na_markers_in_a_text_column_are_blanks_and_said() -> None:
    df = pd.DataFrame(
        {"sex": ["male", "female", "NA", "male", "n/a", "female"], "mass": [1, 2, 3, 4, 5, 6]}
    )
    result = normalize_frame(df)
    assert result.df["sex"].isna().tolist() == [False, False, True, False, True, False]
    assert result.notes == ["Column “sex” had “NA”-style markers read as blanks"]


def test_a_column_made_mostly_of_na_keeps_them_as_values() -> None:
    df = pd.DataFrame({"code": ["NA", "NA", "EU", "NA"]})
    assert normalize_frame(df).df["code"].tolist() == ["NA", "NA", "EU", "NA"]
