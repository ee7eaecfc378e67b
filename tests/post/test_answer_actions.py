"""The buttons and menu under every answer, and the App Home."""

from __future__ import annotations

import json

from core.records import RecentAnswer
from core.worker_status import WorkerStatus
from post.answer_actions import answer_actions, chart_type_value, read_chart_type_value
from post.home import home_view
from tests.fakes.slack_blocks import block_errors


def test_the_menu_offers_the_fitting_types_with_the_current_one_chosen() -> None:
    block = answer_actions(
        "Ev1", current="line", chart_types=["bar", "line", "area"], has_data=True
    )
    assert block_errors([block]) == []
    menu, *buttons = block["elements"]
    assert [o["value"] for o in menu["options"]] == ["bar|Ev1", "line|Ev1", "area|Ev1"]
    assert menu["initial_option"]["value"] == "line|Ev1"
    assert [b["action_id"] for b in buttons] == [
        "show_code",
        "show_data",
        "feedback_up",
        "feedback_down",
    ]


def test_no_menu_when_only_one_type_fits() -> None:
    block = answer_actions("Ev1", current="box", chart_types=[], has_data=False)
    assert all(e["type"] == "button" for e in block["elements"])


def test_a_menu_value_reads_back_and_a_forged_one_does_not() -> None:
    assert read_chart_type_value(chart_type_value("pie", "Ev9")) == ("pie", "Ev9")
    assert read_chart_type_value("rm -rf|Ev9") is None
    assert read_chart_type_value("pie") is None


def test_the_home_lists_the_viewers_titles_and_only_the_type_of_others_charts() -> None:
    recent = [
        RecentAnswer(request_id="1", title="My <!channel> chart", chart_type="bar", channel_id="C1",
                     thread_ts="1", user_id="U1", created_at=1.7e9),
        RecentAnswer(request_id="2", title="Their payroll", chart_type="pie", channel_id="C2",
                     thread_ts="2", user_id="U2", created_at=1.7e9),
        RecentAnswer(request_id="3", title="Their DM", chart_type="line", channel_id="D2",
                     thread_ts="3", user_id="U2", created_at=1.7e9, is_dm=True),
    ]  # fmt: skip
    view = home_view(
        "U1",
        recent,
        [WorkerStatus(worker_id="w", sandbox="docker", started_at="t", planner="openai:m → rules")],
    )
    assert block_errors(view["blocks"], surface="home") == []
    shown = json.dumps(view, ensure_ascii=False)
    assert "My &lt;!channel&gt; chart" in shown
    assert "Their payroll" not in shown and "a pie chart by <@U2>" in shown
    assert (
        "Their DM" not in shown
        and "line" not in shown.split("What answers here")[0].split("Latest charts")[1]
    )
    assert "openai:m → rules" in shown


def test_the_home_says_when_no_worker_is_running() -> None:
    assert "No worker is running" in json.dumps(home_view("U1", [], []))
