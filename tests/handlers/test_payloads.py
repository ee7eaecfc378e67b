"""Reading Slack payloads into requests."""

from __future__ import annotations

from handlers.payloads import (
    button_request,
    command_wants_usage,
    file_ids,
    is_from_bot,
    is_question_message,
    is_thread_reply,
    mentions,
    question_text,
    request_from_command,
    request_from_event,
)


def test_the_bots_own_mention_is_removed_and_others_are_kept() -> None:
    text = "<@UBOT>  total revenue   by region, cc <@U123>"
    assert question_text(text, "UBOT") == "total revenue by region, cc <@U123>"


def test_a_mention_of_the_bot_is_told_from_a_mention_of_someone_else() -> None:
    assert mentions("hey <@UBOT> only EU", "UBOT")
    assert mentions("<@UBOT|chartroom> only EU", "UBOT")
    assert not mentions("<@U123> only EU", "UBOT")
    assert not mentions("only EU", None)


def test_messages_from_any_bot_are_ignored() -> None:
    assert is_from_bot({"bot_id": "B1", "text": "hi"}, "UBOT")
    assert is_from_bot({"subtype": "bot_message"}, "UBOT")
    assert is_from_bot({"user": "UBOT"}, "UBOT")
    assert not is_from_bot({"user": "U1"}, "UBOT")


def test_edits_and_deletions_are_not_questions_but_file_shares_and_broadcasts_are() -> None:
    assert not is_question_message({"subtype": "message_changed"})
    assert not is_question_message({"subtype": "message_deleted"})
    assert is_question_message({"subtype": "file_share"})
    assert is_question_message({"subtype": "thread_broadcast"})
    assert is_question_message({})


def test_a_reply_is_a_message_in_a_thread_other_than_its_root() -> None:
    assert is_thread_reply({"ts": "2.0", "thread_ts": "1.0"})
    assert not is_thread_reply({"ts": "1.0", "thread_ts": "1.0"})
    assert not is_thread_reply({"ts": "1.0"})


def test_a_mention_at_the_top_level_is_answered_in_a_new_thread_under_it() -> None:
    body = {"event_id": "Ev1", "team_id": "T1"}
    event = {
        "channel": "C1",
        "ts": "100.1",
        "user": "U1",
        "text": "<@UBOT> revenue",
        "files": [
            {"id": "F1", "name": "a.csv", "filetype": "csv", "size": 10, "created": 5},
            {"name": "no id"},
        ],
    }
    request = request_from_event(body, event, bot_user_id="UBOT", source="mention")
    assert request.request_id == "Ev1"
    assert request.team_id == "T1"
    assert request.thread_ts == "100.1"
    assert request.text == "revenue"
    assert [f.id for f in request.files] == ["F1"]
    assert request.files[0].identity() == "F1:5:10"
    assert request.must_answer


def test_a_mention_inside_a_thread_is_answered_in_that_thread() -> None:
    event = {"channel": "C1", "ts": "100.9", "thread_ts": "100.1", "user": "U1", "text": "x"}
    request = request_from_event({"event_id": "Ev2"}, event, bot_user_id="UBOT", source="reply")
    assert request.thread_ts == "100.1"
    assert request.conversation_id == "100.1"
    assert not request.must_answer


def test_a_dm_is_one_conversation_and_a_dm_without_a_file_may_be_chatter() -> None:
    event = {"channel": "D1", "ts": "7.1", "user": "U1", "text": "now by product"}
    request = request_from_event({}, event, bot_user_id="UBOT", source="dm", is_dm=True)
    assert request.conversation_id == "dm"
    assert not request.must_answer
    with_file = event | {"files": [{"id": "F1", "name": "a.csv"}]}
    assert request_from_event({}, with_file, bot_user_id="UBOT", source="dm").must_answer


def test_a_command_gets_a_request_id_from_its_trigger_and_no_thread_yet() -> None:
    command = {
        "trigger_id": "123.abc",
        "channel_id": "C1",
        "user_id": "U1",
        "text": "  a  b ",
        "response_url": "https://hooks.slack.com/commands/T1/1/x",
    }
    request = request_from_command(command)
    assert request.request_id == "cmd-123.abc"
    assert request.text == "a b"
    assert request.thread_ts is None
    assert request.response_url == "https://hooks.slack.com/commands/T1/1/x"
    assert file_ids({"files": None}) == []


def test_plot_alone_or_help_asks_for_the_usage() -> None:
    assert command_wants_usage({"text": ""})
    assert command_wants_usage({"text": "  Help "})
    assert command_wants_usage({"text": "?"})
    assert not command_wants_usage({"text": "help me chart revenue"})


def test_a_click_becomes_a_job_of_its_own_in_the_answers_thread() -> None:
    body = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U2"},
        "trigger_id": "555.666.abc",
        "container": {"type": "message", "message_ts": "9.9", "channel_id": "C1"},
        "channel": {"id": "C1"},
        "message": {"ts": "9.9", "thread_ts": "9.1"},
    }
    job = button_request(body, action="restyle", answer_id="Ev1", chart_type="line")
    assert job.request_id == "restyle-555.666.abc"
    assert (job.team_id, job.channel_id, job.thread_ts, job.user_id) == ("T1", "C1", "9.1", "U2")
    assert (job.answer_id, job.chart_type) == ("Ev1", "line")
