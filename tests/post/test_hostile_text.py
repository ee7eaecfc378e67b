"""Every text and block builder, fed a corpus of hostile file and question text, sends nothing
Slack would act on: no mention, no link, no formula outside code, no invisible character (what
"safe" means is in `tests.fakes.hostile_text`)."""

from __future__ import annotations

import random

import pytest

from core.chart_table import ChartTable
from core.errors import (
    CodeRefused,
    EmptyFile,
    FileNotReadable,
    FileTooDemanding,
    FileTooLarge,
    NoMatchingColumn,
    SheetNotFound,
    TooManyColumns,
    TooManyRows,
    UnparseableFile,
    UnsupportedFileType,
)
from core.records import RecentAnswer
from core.worker_status import WorkerStatus
from ingest.profile import ColumnProfile, DataProfile
from planner.llm_planner import PlannedAnswer
from planner.plan import ChartSpec, Filter, Metric, Plan, SummaryCard, TableSpec
from post import texts
from post.blocks import code_blocks, message_blocks, working_blocks
from post.data_blocks import data_blocks, data_fallback_text
from post.describe import describe
from post.home import home_view
from post.mrkdwn import escape
from post.native_chart import native_chart_block
from post.result_blocks import result_blocks, result_fallback_text
from post.slack import alt_text
from sandbox.executor import SummaryValue, TableData
from tests.fakes.hostile_text import (
    ASKER,
    HOSTILE,
    INVISIBLE,
    assert_safe,
    assert_safe_mrkdwn,
)
from workers.answer import ChartResult, DrawnChart
from workers.failures import failure_of


def _profile(name: str) -> DataProfile:
    columns = [
        ColumnProfile(name=name, dtype="object", role="category", non_null=3, distinct=3),
        ColumnProfile(name="revenue", dtype="float64", role="number", non_null=3, distinct=3),
    ]  # fmt: skip
    return DataProfile(file_name=name, file_kind="csv", rows=3, columns=columns)


def _result(word: str) -> ChartResult:
    spec = ChartSpec(
        chart_type="bar",
        x=word,
        y="revenue",
        color=word,
        aggregate="sum",
        filters=[Filter(column=word, op="eq", value=word)],
        title=word[:200],
    )
    plan = Plan(
        charts=[spec, spec.model_copy(update={"chart_type": "line"})],
        summary_card=SummaryCard(
            metrics=[Metric(label=word[:60], column="revenue", aggregate="max")]
        ),
        table=TableSpec(title=word[:200], group_by=[word], value="revenue"),
        assumptions=[f"Read {word} as the category"],
        unused=[word],
        not_done=[f"a {word} transform"],
        changes=[f"only {word}"],
    )
    summary: dict[str, SummaryValue] = {
        "top_label": word, "top_value": 3.0, "rows_used": 3, "rows_total": 3, "groups": 2,
    }  # fmt: skip
    figure = {
        "data": [{"type": "bar", "x": [word, "b"], "y": [1, 2], "name": word}],
        "layout": {"xaxis": {"title": {"text": word}}, "yaxis": {"title": {"text": word}}},
    }
    charts = [DrawnChart(s, "fig = None\n", figure, summary, note=word) for s in plan.charts]
    table = TableData(columns=[word, "revenue"], rows=[[word, 1.0], ["b", 2.0]])
    return ChartResult(plan, PlannedAnswer(plan, "rules"), charts, _profile(word), table)


@pytest.mark.parametrize("word", HOSTILE)
def test_the_answer_message_and_its_parts(word: str) -> None:
    result = _result(word)
    blocks = result_blocks(
        result,
        file_name=word,
        request_id="Ev1",
        elapsed_s=1.0,
        notes=[texts.files_note(word, [word]), texts.sheet_note(word, [word])],
        chart_types=["bar", "line"],
        native_chart=True,
    )
    assert_safe(blocks, fallback=escape(result_fallback_text(result)))
    assert_safe_mrkdwn(describe(result.primary.spec, result.summary))
    assert not INVISIBLE.search(alt_text(result.primary))


@pytest.mark.parametrize("word", HOSTILE)
def test_placeholders_progress_and_failures(word: str) -> None:
    built = [
        texts.placeholder(word),
        texts.stage("planning", word),
        texts.internal_failure("Ev1", word),
        texts.code_failed("Ev1", word),
        texts.command_asked(ASKER, word),
        texts.user_error(word),
    ]
    errors = [
        NoMatchingColumn([word], [word, "revenue"], suggestions=[word], examples=[word]),
        UnsupportedFileType(word, word),
        FileTooLarge(word, 10, 5),
        TooManyRows(word, 10),
        TooManyColumns(word, 100_000, 10),
        EmptyFile(word),
        UnparseableFile(word, "csv", word),
        SheetNotFound(word, word, [word, "Sheet1"]),
        FileTooDemanding(word, word),
        FileNotReadable(word, word),
        CodeRefused([f"line 1: `{word}` is not allowed"]),
    ]
    built += [failure_of(error, "Ev1", word).text for error in errors]
    for text in built:
        assert_safe(working_blocks(text, "Ev1"), fallback=escape(text))
        assert_safe(message_blocks(text), fallback=escape(text))


@pytest.mark.parametrize("word", HOSTILE)
def test_show_code_show_data_and_the_home_tab(word: str) -> None:
    assert_safe(code_blocks(f"x_col = {word!r}\n{word}\n"))
    table = ChartTable(columns=[word, "revenue"], rows=[[word, 1.0]], total_rows=1)
    assert_safe(data_blocks(table, word, ASKER), fallback=data_fallback_text(word))
    answer = RecentAnswer(request_id="E", title=word, chart_type="bar", channel_id="C0CHAN",
                          thread_ts="1.2", user_id=ASKER, created_at=1.0)  # fmt: skip
    status = WorkerStatus(worker_id="h:1", sandbox="local", started_at="now")
    assert_safe(home_view(ASKER, [answer], [status]))


@pytest.mark.parametrize("word", HOSTILE)
def test_a_native_chart_keeps_no_invisible_characters(word: str) -> None:
    spec = ChartSpec(chart_type="bar", x="k", y="v", aggregate="sum", title=word[:200])
    figure = {"data": [{"type": "bar", "x": [word, "b"], "y": [1, 2]}], "layout": {}}
    assert_safe(native_chart_block(spec, figure))


def test_escaping_is_idempotent_and_keeps_ordinary_text_readable() -> None:
    for word in HOSTILE:
        assert escape(escape(word)) == escape(word)
    assert escape("R&D sales.csv") == "R&amp;D sales.csv"
    assert escape('=HYPERLINK("http://evil.com")') == '`=HYPERLINK("http://evil.com")`'
    assert escape("see http://evil.com now") == "see `http://evil.com` now"
    assert escape("-5 and +3") == "-5 and +3"
    assert escape("invoice\u202egnp.exe") == "invoicegnp.exe"


FRAGMENTS = [
    "`", "```", "<", ">", "&", "&lt;", "http://evil.com/a", "www.evil.com", "evil.com",
    '=HYPERLINK("http://evil.com")', "@SUM(", ")", '"', "'", "*", "_", "~", "\n", " ", "x",
    "<!channel>", "<@U1>", "\u202e", "\u200b", "“", "mailto:a@evil.com", "|",
]  # fmt: skip


def test_any_mix_of_hostile_fragments_comes_out_safe_alone_and_inside_our_templates() -> None:
    rng = random.Random(12)
    for _ in range(3000):
        word = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 8)))
        assert_safe_mrkdwn(escape(word))
        assert not INVISIBLE.search(escape(word))
        # Our own templates put file text inside marks and code spans, then escape the whole.
        for template in ("*{}*", "`{}`", "“{}” and `{}`", "```{}```\n*{}*"):
            assert_safe_mrkdwn(escape(template.format(word, word)))
