"""Filters are compared by the rows they keep, whatever way they are written."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bench.people.filters import Domain, ValueSet, conditions, same_rows
from planner.plan import Filter, Scalar


def f(column: str, op: str, value: Scalar | list[Scalar]) -> Filter:
    return Filter.model_validate({"column": column, "op": op, "value": value})


def same(
    a: list[Filter],
    b: list[Filter],
    domains: Mapping[str, Domain],
    tolerance: Mapping[str, int] | None = None,
) -> bool:
    return same_rows(conditions(a, domains), conditions(b, domains), tolerance)


@pytest.mark.parametrize(
    "written",
    [
        [f("date", "between", ["2014-01-01", "2014-12-31"])],
        [f("date", "gte", "2014-01-01"), f("date", "lt", "2015-01-01")],
        [f("date", "gte", "2014-01-01"), f("date", "lte", "2014-12-31")],
        [f("date", "lte", "2014-12-31T00:00:00")],
        [f("date", "lt", "2015")],
        [f("date", "eq", "2014")],
    ],
)
def test_a_year_filter_equals_every_other_way_of_writing_that_year(
    written: list[Filter], domains: Mapping[str, Domain]
) -> None:
    assert same([f("date", "year", 2014)], written, domains)


def test_a_different_year_or_a_shorter_range_is_not_the_same(
    domains: Mapping[str, Domain],
) -> None:
    year = [f("date", "year", 2014)]
    assert not same(year, [f("date", "year", 2015)], domains)
    assert not same(year, [f("date", "between", ["2014-01-01", "2014-12-30"])], domains)
    assert not same(year, [f("date", "lt", "2014-12-31")], domains)


def test_gt_a_date_starts_the_next_day_and_lte_keeps_the_whole_day(
    domains: Mapping[str, Domain],
) -> None:
    assert same([f("date", "gt", "2015-06-30")], [f("date", "gte", "2015-07-01")], domains)
    assert same([f("date", "lte", "2015-03-31")], [f("date", "lt", "2015-04-01")], domains)
    assert same(
        [f("date", "eq", "2015-03")], [f("date", "between", ["2015-03-01", "2015-03-31"])], domains
    )


def test_a_bound_past_the_last_date_is_no_bound(domains: Mapping[str, Domain]) -> None:
    since_july = [f("date", "gte", "2015-07-01")]
    assert same(since_july, [f("date", "between", ["2015-07-01", "2016-06-30"])], domains)
    assert same(since_july, [f("date", "between", ["2015-07-01", "2015-12-31"])], domains)


def test_a_filter_that_keeps_every_row_is_no_filter(domains: Mapping[str, Domain]) -> None:
    assert conditions([f("date", "gte", "2010-01-01")], domains) == {}
    assert conditions([f("weather", "in", ["fog", "rain", "sun"])], domains) == {}
    assert conditions([f("weather", "ne", "snow")], domains) == {}
    assert same([], [f("year", "between", [2014, 2015])], domains)


def test_whole_number_columns_read_gt_3_as_gte_4(domains: Mapping[str, Domain]) -> None:
    assert same([f("year", "gt", 2014)], [f("year", "gte", 2015)], domains)
    assert same([f("year", "eq", 2015)], [f("year", "gt", 2014.5)], domains)
    assert same([f("year", "year", 2015)], [f("year", "eq", 2015)], domains)
    assert not same([f("year", "gt", 2014)], [f("year", "gte", 2014)], domains)


def test_number_bounds_keep_their_strictness(domains: Mapping[str, Domain]) -> None:
    assert not same([f("temp", "gt", 20)], [f("temp", "gte", 20)], domains)
    assert same([f("temp", "gt", 20)], [f("temp", "gt", 20.0)], domains)
    assert same([f("temp", "ne", 5)], [f("temp", "not_in", [5])], domains)


def test_values_are_sets_and_case_sensitive(domains: Mapping[str, Domain]) -> None:
    assert same([f("weather", "eq", "sun")], [f("weather", "in", ["sun"])], domains)
    assert same(
        [f("weather", "in", ["sun", "rain"])], [f("weather", "in", ["rain", "sun"])], domains
    )
    assert same([f("weather", "in", ["sun", "rain"])], [f("weather", "ne", "fog")], domains)
    assert not same([f("weather", "eq", "sun")], [f("weather", "eq", "Sun")], domains)
    assert conditions([f("weather", "eq", "Sun")], domains) == {
        "weather": ValueSet(keep=True, values=frozenset())
    }


def test_two_filters_on_one_column_intersect(domains: Mapping[str, Domain]) -> None:
    both = [f("weather", "in", ["sun", "rain"]), f("weather", "ne", "rain")]
    assert same(both, [f("weather", "eq", "sun")], domains)
    window = [f("date", "gte", "2014-03-01"), f("date", "year", 2014)]
    assert same(window, [f("date", "between", ["2014-03-01", "2014-12-31"])], domains)


def test_values_of_a_column_with_too_many_to_list_are_kept_as_written(
    domains: Mapping[str, Domain],
) -> None:
    assert conditions([f("station", "ne", "nowhere")], domains) == {
        "station": ValueSet(keep=False, values=frozenset({"nowhere"}))
    }


def test_relative_starts_may_differ_by_the_tolerance_only(
    domains: Mapping[str, Domain],
) -> None:
    expected = [f("date", "gte", "2015-07-01")]
    june_30 = [f("date", "gte", "2015-06-30")]
    assert not same(expected, june_30, domains)
    assert same(expected, june_30, domains, {"date": 1})
    assert not same(expected, [f("date", "gte", "2015-06-29")], domains, {"date": 1})
    assert not same(expected, [f("date", "gte", "2015-06-30")], domains, {"temp": 1})


def test_filters_on_different_columns_are_never_the_same(
    domains: Mapping[str, Domain],
) -> None:
    assert not same([f("date", "year", 2015)], [f("year", "eq", 2015)], domains)
    assert not same([f("weather", "eq", "sun")], [], domains)
