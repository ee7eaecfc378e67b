"""LLM-written chart code for what the compiler cannot draw ("annotate the maximum"): a fake
OpenAI-compatible model writes it, the real policy checks it, the real bubblewrap sandbox runs it.

Each sandbox run costs about a second, so every spec here runs as little code as it can.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings
from ingest.limits import IngestLimits
from ingest.load import IngestedData, ingest_file
from planner.code_prompt import REVIEW_SCHEMA
from planner.compile import compile_chart
from planner.plan import ChartSpec
from providers.chain import ProviderChain, UsageLedger
from providers.factory import make_chain
from sandbox.executor import RunResult
from sandbox.factory import make_executor
from sandbox.local import LocalExecutor
from tests.fakes.llm_script import error
from tests.fakes.openai_api import FakeOpenAI, running_fake_openai
from workers.custom_code import CustomCode, CustomCodeFailed, CustomCodeWriter

if shutil.which("bwrap") is None:
    pytest.fail("bubblewrap is required for these tests: apt-get install bubblewrap")

SALES_CSV = Path(__file__).resolve().parents[2] / "examples" / "sales.csv"
LIMITS = IngestLimits(max_bytes=50 * 1024 * 1024, max_rows=1_000_000, max_columns=500)
MODEL = "llama3.1"
SPEC = ChartSpec(
    chart_type="bar",
    x="region",
    y="revenue",
    aggregate="sum",
    title="Revenue by region",
    custom="annotate the maximum",
)
ANNOTATE = (
    "top = table.loc[table['revenue'].idxmax()]\n"
    "fig.add_annotation(x=top['region'], y=top['revenue'], text='Highest revenue', "
    "showarrow=True)\n"
)
RAISES = "missing = df['no_such_column']\n"
NEVER_ASKED = "```python\nfig = None\n```"

MakeWriter = Callable[..., CustomCodeWriter]


@dataclass
class RecordingExecutor:
    """The real bubblewrap executor, noting each code it is given: "never run" is checkable."""

    inner: LocalExecutor
    name: str = "local"
    ran: list[str] = field(default_factory=list)

    async def start(self) -> None:
        await self.inner.start()

    async def run(self, code: str, data_path: Path) -> RunResult:
        self.ran.append(code)
        return await self.inner.run(code, data_path)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture(scope="module")
def sales(tmp_path_factory: pytest.TempPathFactory) -> IngestedData:
    return ingest_file(SALES_CSV, "sales.csv", tmp_path_factory.mktemp("sales"), LIMITS)


@pytest.fixture(scope="module")
def compiled(sales: IngestedData) -> str:
    """The compiler's code for SPEC: the model's starting point."""
    return compile_chart(SPEC, sales.profile)


@pytest.fixture
async def executor() -> AsyncIterator[RecordingExecutor]:
    local = make_executor(Settings(_env_file=None, sandbox_backend="local"))
    assert isinstance(local, LocalExecutor)
    recording = RecordingExecutor(local)
    await recording.start()
    yield recording
    await recording.aclose()


@pytest.fixture
async def llm() -> AsyncIterator[FakeOpenAI]:
    async with running_fake_openai() as server:
        yield server


@pytest.fixture
async def chain(llm: FakeOpenAI) -> AsyncIterator[ProviderChain]:
    configured = Settings(
        _env_file=None,
        llm_providers="openai",
        openai_base_url=llm.url,
        openai_model=MODEL,
        openai_api_key=None,
        llm_timeout_s=5.0,
        llm_max_retries=0,
    )
    made = make_chain(configured)
    assert made is not None
    yield made
    await made.aclose()


@pytest.fixture
def make_writer(chain: ProviderChain, executor: RecordingExecutor) -> MakeWriter:
    def make(**options: Any) -> CustomCodeWriter:
        return CustomCodeWriter(chain, executor, **options)

    return make


def fenced(code: str) -> str:
    """An answer as models write it: a sentence, then the code in a ```python fence."""
    return f"Here is the chart with the maximum annotated:\n```python\n{code}```\n"


def last_turns(llm: FakeOpenAI, request: int) -> list[tuple[str, str]]:
    """(role, text) of the last two messages of a request: the answer and the follow-up."""
    return [(m["role"], m["content"]) for m in llm.requests[request]["messages"][-2:]]


async def test_good_code_the_first_time_draws_the_extra_without_repairs(
    llm: FakeOpenAI,
    make_writer: MakeWriter,
    executor: RecordingExecutor,
    sales: IngestedData,
    compiled: str,
) -> None:
    llm.script.queue(fenced(compiled + ANNOTATE))

    drawn = await make_writer().draw(SPEC, compiled, sales.profile, sales.parquet_path)

    assert isinstance(drawn, CustomCode)
    assert (drawn.repairs, drawn.model) == (0, f"openai:{MODEL}")
    assert drawn.code == compiled + ANNOTATE
    assert executor.ran == [drawn.code]
    totals = sales.read_frame().groupby("region")["revenue"].sum()
    [note] = drawn.figure["layout"]["annotations"]
    assert note["text"] == "Highest revenue"
    assert note["x"] == totals.idxmax()
    assert note["y"] == pytest.approx(totals.max())
    [asked] = llm.requests
    system, user = (m["content"] for m in asked["messages"])
    assert "plotly Figure in a variable named `fig`" in system
    assert '"also_wanted": "annotate the maximum"' in user
    assert f"```python\n{compiled}```" in user
    assert "response_format" not in asked


async def test_code_that_raises_goes_back_with_its_traceback_and_the_fix_is_drawn(
    llm: FakeOpenAI,
    make_writer: MakeWriter,
    executor: RecordingExecutor,
    sales: IngestedData,
    compiled: str,
) -> None:
    first = fenced(compiled + RAISES)
    llm.script.queue(first, fenced(compiled + ANNOTATE))

    drawn = await make_writer().draw(SPEC, compiled, sales.profile, sales.parquet_path)

    assert isinstance(drawn, CustomCode)
    assert drawn.repairs == 1
    assert len(executor.ran) == 2
    assert len(llm.requests) == 2
    (answered_role, answered), (asked_role, asked) = last_turns(llm, 1)
    assert (answered_role, answered) == ("assistant", first)
    assert asked_role == "user"
    assert "Traceback" in asked
    assert "KeyError: 'no_such_column'" in asked


async def test_code_the_policy_refuses_is_never_run_and_the_reasons_go_to_the_model(
    llm: FakeOpenAI,
    make_writer: MakeWriter,
    executor: RecordingExecutor,
    sales: IngestedData,
    compiled: str,
) -> None:
    llm.script.queue(fenced("import os\n" + compiled + ANNOTATE), fenced(compiled + ANNOTATE))

    drawn = await make_writer().draw(SPEC, compiled, sales.profile, sales.parquet_path)

    assert isinstance(drawn, CustomCode)
    assert drawn.repairs == 1
    assert executor.ran == [compiled + ANNOTATE]  # only the second code reached the sandbox
    [(_, asked)] = last_turns(llm, 1)[1:]
    assert "The policy refused it" in asked
    assert "line 1: importing `os` is not allowed" in asked


async def test_three_bad_answers_give_up_with_a_short_reason(
    llm: FakeOpenAI,
    make_writer: MakeWriter,
    executor: RecordingExecutor,
    sales: IngestedData,
    compiled: str,
) -> None:
    llm.script.queue(
        fenced("import subprocess\n" + compiled),  # refused by the policy
        "```python\n```",  # no code at all
        fenced(compiled + RAISES),  # runs, and raises
        NEVER_ASKED,
    )

    failed = await make_writer(repairs=2).draw(SPEC, compiled, sales.profile, sales.parquet_path)

    assert isinstance(failed, CustomCodeFailed)
    assert failed.fixes_tried == 2
    assert "KeyError" in failed.reason
    assert "no_such_column" in failed.reason
    assert "\n" not in failed.reason
    assert len(failed.reason) <= 300
    assert len(llm.requests) == 3
    assert executor.ran == [compiled + RAISES]
    assert "importing `subprocess` is not allowed" in last_turns(llm, 1)[1][1]
    assert "the answer held no code" in last_turns(llm, 2)[1][1]


async def test_when_no_model_answers_nothing_runs(
    llm: FakeOpenAI,
    make_writer: MakeWriter,
    executor: RecordingExecutor,
    sales: IngestedData,
    compiled: str,
) -> None:
    llm.script.default = error(503)

    failed = await make_writer().draw(SPEC, compiled, sales.profile, sales.parquet_path)

    assert isinstance(failed, CustomCodeFailed)
    assert failed.reason.startswith("no model answered")
    assert failed.fixes_tried == 0
    assert executor.ran == []


# ---- the optional safety review ----------------------------------------------------------------


async def test_a_review_saying_unsafe_stops_the_code_before_it_runs(
    llm: FakeOpenAI,
    make_writer: MakeWriter,
    executor: RecordingExecutor,
    sales: IngestedData,
    compiled: str,
) -> None:
    llm.script.queue(
        fenced(compiled + ANNOTATE),
        '{"safe": false, "reason": "it reads the environment"}',
        NEVER_ASKED,
    )
    ledger = UsageLedger()

    failed = await make_writer(safety_review=True).draw(
        SPEC, compiled, sales.profile, sales.parquet_path, ledger=ledger
    )

    assert isinstance(failed, CustomCodeFailed)
    assert "safety review" in failed.reason
    assert "it reads the environment" in failed.reason
    assert failed.fixes_tried == 0
    assert executor.ran == []
    assert len(llm.requests) == 2  # the code, its review, and no variant asked for
    review = llm.requests[1]
    assert review["response_format"]["json_schema"]["schema"] == REVIEW_SCHEMA
    assert ANNOTATE in review["messages"][-1]["content"]
    assert ledger.calls == 2


async def test_a_review_that_is_not_json_fails_closed(
    llm: FakeOpenAI,
    make_writer: MakeWriter,
    executor: RecordingExecutor,
    sales: IngestedData,
    compiled: str,
) -> None:
    llm.script.queue(fenced(compiled + ANNOTATE), "Looks safe to me!", NEVER_ASKED)

    failed = await make_writer(safety_review=True).draw(
        SPEC, compiled, sales.profile, sales.parquet_path
    )

    assert isinstance(failed, CustomCodeFailed)
    assert "safety review" in failed.reason
    assert "no usable review" in failed.reason
    assert executor.ran == []
    assert len(llm.requests) == 2


async def test_a_review_saying_safe_lets_the_code_run(
    llm: FakeOpenAI,
    make_writer: MakeWriter,
    executor: RecordingExecutor,
    sales: IngestedData,
    compiled: str,
) -> None:
    llm.script.queue(
        fenced(compiled + ANNOTATE), '{"safe": true, "reason": "plain pandas and plotly"}'
    )

    drawn = await make_writer(safety_review=True).draw(
        SPEC, compiled, sales.profile, sales.parquet_path
    )

    assert isinstance(drawn, CustomCode)
    assert drawn.repairs == 0
    assert executor.ran == [compiled + ANNOTATE]
