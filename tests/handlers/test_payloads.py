"""Reading Slack payloads into requests."""

from __future__ import annotations

from handlers.payloads import (
    file_ids,
    is_from_bot,
    is_question_message,
    question_text,
    request_from_command,
    request_from_event,
)


def test_the_bots_own_mention_is_removed_and_others_are_kept() -> None:
    text = "<@UBOT>  total revenue   by region, cc <@U123>"
    assert question_text(text, "UBOT") == "total revenue by region, cc <@U123>"


def test_messages_from_any_bot_are_ignored() -> None:
    assert is_from_bot({"bot_id": "B1", "text": "hi"}, "UBOT")
    assert is_from_bot({"subtype": "bot_message"}, "UBOT")
    assert is_from_bot({"user": "UBOT"}, "UBOT")
    assert not is_from_bot({"user": "U1"}, "UBOT")


def test_edits_and_deletions_are_not_questions_but_file_shares_are() -> None:
    assert not is_question_message({"subtype": "message_changed"})
    assert not is_question_message({"subtype": "message_deleted"})
    assert is_question_message({"subtype": "file_share"})
    assert is_question_message({})


def test_a_mention_at_the_top_level_is_answered_in_a_new_thread_under_it() -> None:
    body = {"event_id": "Ev1", "team_id": "T1"}
    event = {
        "channel": "C1",
        "ts": "100.1",
        "user": "U1",
        "text": "<@UBOT> revenue",
        "files": [{"id": "F1", "name": "a.csv"}, {"name": "no id"}],
    }
    request = request_from_event(body, event, bot_user_id="UBOT", source="mention")
    assert request.request_id == "Ev1"
    assert request.thread_ts == "100.1"
    assert request.text == "revenue"
    assert request.file_ids == ["F1"]


def test_a_mention_inside_a_thread_is_answered_in_that_thread() -> None:
    event = {"channel": "C1", "ts": "100.9", "thread_ts": "100.1", "user": "U1", "text": "x"}
    request = request_from_event({"event_id": "Ev2"}, event, bot_user_id="UBOT", source="dm")
    assert request.thread_ts == "100.1"
    assert request.source == "dm"


def test_a_command_gets_a_request_id_from_its_trigger() -> None:
    command = {"trigger_id": "123.abc", "channel_id": "C1", "user_id": "U1", "text": "  a  b "}
    request = request_from_command(command, thread_ts="55.5")
    assert request.request_id == "cmd-123.abc"
    assert request.text == "a b"
    assert request.thread_ts == "55.5"
    assert file_ids({"files": None}) == []
