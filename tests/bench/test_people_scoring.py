"""A planned chart is right when every field matches one acceptable plan."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bench.people.filters import Domain
from bench.people.questions import Question, SetFileError, load_questions
from bench.people.scoring import score
from ingest.profile import DataProfile
from planner.plan import ChartSpec

DATASETS = frozenset({"weather"})


def question(tmp_path: Path, *accept: dict[str, Any], profile: DataProfile) -> Question:
    line = {"id": "w-1", "dataset": "weather", "question": "q", "cause": "plain"}
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(line | {"accept": list(accept)}) + "\n", encoding="utf-8")
    return load_questions(path, DATASETS, lambda _: profile)[0]


def alt(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "chart_type": "line",
        "x": "date",
        "y": ["temp"],
        "aggregate": "mean",
        "color": None,
        "filters": [{"column": "date", "op": "year", "value": 2015}],
        "transform": None,
    }
    return base | fields


def chart(**fields: Any) -> ChartSpec:
    base: dict[str, Any] = {
        "chart_type": "line",
        "x": "date",
        "y": "temp",
        "aggregate": "mean",
        "filters": [{"column": "date", "op": "between", "value": ["2015-01-01", "2015-12-31"]}],
        "title": "t",
    }
    return ChartSpec.model_validate(base | fields)


def test_a_chart_matching_every_field_is_right_whatever_way_its_filter_is_written(
    tmp_path: Path, weather_profile: DataProfile, domains: Mapping[str, Domain]
) -> None:
    q = question(tmp_path, alt(), profile=weather_profile)
    outcome = score(q, chart(), domains)
    assert outcome.right
    assert all(outcome.fields.values())


def test_an_extra_filter_makes_the_item_wrong(
    tmp_path: Path, weather_profile: DataProfile, domains: Mapping[str, Domain]
) -> None:
    q = question(tmp_path, alt(), profile=weather_profile)
    extra = chart(
        filters=[
            {"column": "date", "op": "year", "value": 2015},
            {"column": "weather", "op": "eq", "value": "sun"},
        ]
    )
    outcome = score(q, extra, domains)
    assert not outcome.right
    assert [k for k, ok in outcome.fields.items() if not ok] == ["filters"]


def test_a_missing_filter_makes_the_item_wrong(
    tmp_path: Path, weather_profile: DataProfile, domains: Mapping[str, Domain]
) -> None:
    q = question(tmp_path, alt(), profile=weather_profile)
    assert not score(q, chart(filters=[]), domains).right


def test_any_listed_chart_type_or_aggregate_is_accepted_and_no_other(
    tmp_path: Path, weather_profile: DataProfile, domains: Mapping[str, Domain]
) -> None:
    q = question(
        tmp_path,
        alt(chart_type=["line", "bar"], aggregate=["mean", "median"]),
        profile=weather_profile,
    )
    assert score(q, chart(chart_type="bar", aggregate="median"), domains).right
    assert not score(q, chart(chart_type="area"), domains).right
    assert not score(q, chart(aggregate="sum"), domains).right


def test_the_best_of_several_alternatives_is_reported(
    tmp_path: Path, weather_profile: DataProfile, domains: Mapping[str, Domain]
) -> None:
    q = question(
        tmp_path,
        alt(chart_type="box", x=None, aggregate="none", filters=[]),
        alt(chart_type="bar", x="weather", filters=[]),
        profile=weather_profile,
    )
    outcome = score(q, chart(chart_type="bar", x="weather", aggregate="sum", filters=[]), domains)
    assert not outcome.right
    assert outcome.best == 1
    assert [k for k, ok in outcome.fields.items() if not ok] == ["aggregate"]


def test_measures_are_a_set_and_counts_draw_none(
    tmp_path: Path, weather_profile: DataProfile, domains: Mapping[str, Domain]
) -> None:
    q = question(tmp_path, alt(y=["year", "temp"], filters=[]), profile=weather_profile)
    assert score(q, chart(y="temp", extra_y=["year"], filters=[]), domains).right
    assert not score(q, chart(y="temp", filters=[]), domains).right
    counted = question(
        tmp_path,
        alt(chart_type="bar", x="weather", y=[], aggregate="count", filters=[]),
        profile=weather_profile,
    )
    assert score(
        counted,
        chart(chart_type="bar", x="weather", y=None, aggregate="count", filters=[]),
        domains,
    ).right


def test_optional_fields_are_checked_only_when_given(
    tmp_path: Path, weather_profile: DataProfile, domains: Mapping[str, Domain]
) -> None:
    plain = question(tmp_path, alt(), profile=weather_profile)
    assert score(plain, chart(time_grain="M", limit=5), domains).right
    monthly = question(tmp_path, alt(time_grain="M", limit=5), profile=weather_profile)
    assert score(monthly, chart(time_grain="M", limit=5), domains).right
    assert not score(monthly, chart(time_grain="W", limit=5), domains).right
    assert not score(monthly, chart(time_grain="M"), domains).right


def test_a_transform_must_match_its_kind_and_any_window_given(
    tmp_path: Path, weather_profile: DataProfile, domains: Mapping[str, Domain]
) -> None:
    weekly = question(
        tmp_path, alt(transform={"kind": "rolling_mean", "window": 7}), profile=weather_profile
    )
    assert score(weekly, chart(transform={"kind": "rolling_mean", "window": 7}), domains).right
    assert score(weekly, chart(transform={"kind": "rolling_mean"}), domains).right  # 7 by default
    assert not score(weekly, chart(transform={"kind": "rolling_mean", "window": 30}), domains).right
    assert not score(weekly, chart(), domains).right
    none_wanted = question(tmp_path, alt(), profile=weather_profile)
    assert not score(none_wanted, chart(transform={"kind": "cumsum"}), domains).right


def test_refusals_are_right_only_where_expected(
    tmp_path: Path, weather_profile: DataProfile, domains: Mapping[str, Domain]
) -> None:
    refuse = question(tmp_path, {"refuse": True}, profile=weather_profile)
    assert score(refuse, None, domains).right
    assert not score(refuse, chart(), domains).right
    answerable = question(tmp_path, alt(), profile=weather_profile)
    outcome = score(answerable, None, domains)
    assert not outcome.right
    assert outcome.refused


@pytest.mark.parametrize(
    ("broken", "says"),
    [
        (alt(x="humidity"), "no column 'humidity'"),
        (alt(filters=[{"column": "weather", "op": "eq", "value": "Sun"}]), "never holds"),
        (alt(chart_type="donut"), "chart_type"),
        ({k: v for k, v in alt().items() if k != "color"}, "missing ['color']"),
        (alt(filters=[{"column": "date", "op": "gte", "value": "last spring"}]), "not a date"),
    ],
)
def test_a_malformed_set_names_the_line_and_the_mistake(
    tmp_path: Path, weather_profile: DataProfile, broken: dict[str, Any], says: str
) -> None:
    good = {"id": "w-1", "dataset": "weather", "question": "q", "cause": "plain", "accept": [alt()]}
    bad = good | {"id": "w-2", "accept": [broken]}
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(SetFileError) as caught:
        load_questions(path, DATASETS, lambda _: weather_profile)
    assert caught.value.line == 3
    assert says in caught.value.message
