"""LLM-written code for the part of an ask the compiler cannot express ("annotate the max").

    compiled code + ask ─▶ model ─▶ code ─▶ [safety review] ─▶ policy ─▶ sandbox ─▶ figure
                             ▲                                     │ refused / raised / timed out
                             └───── the reasons or traceback ◀─────┘   (at most `repairs` times)

The policy always checks this code, whatever `SANDBOX_POLICY` says, and the sandbox always runs it:
the model is as untrusted as the file. When every attempt fails, the caller keeps the compiled
chart and says what could not be added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import CodeFailed, CodeRefused, CodeTimedOut
from core.logs import get_logger
from ingest.profile import DataProfile
from planner.answer_json import AnswerNotJSON, extract_json
from planner.code_prompt import (
    REVIEW_SCHEMA,
    code_messages,
    code_repair_message,
    extract_code,
    read_verdict,
    review_messages,
)
from planner.plan import ChartSpec
from planner.prompt import PromptOptions
from providers.base import Message
from providers.chain import ProviderChain, UsageLedger
from providers.errors import ProviderError
from sandbox.executor import Executor
from sandbox.policy import check_code

log = get_logger(__name__)


@dataclass(frozen=True)
class CustomCode:
    code: str
    figure: dict[str, Any]
    model: str
    repairs: int  # 0: the first code worked


@dataclass(frozen=True)
class CustomCodeFailed:
    reason: str  # for the thread: why the extra could not be drawn
    fixes_tried: int


@dataclass
class CustomCodeWriter:
    chain: ProviderChain
    executor: Executor
    repairs: int = 2
    safety_review: bool = False
    options: PromptOptions = field(default_factory=PromptOptions)

    async def draw(
        self,
        spec: ChartSpec,
        compiled_code: str,
        profile: DataProfile,
        data_path: Path,
        *,
        ledger: UsageLedger | None = None,
    ) -> CustomCode | CustomCodeFailed:
        messages = code_messages(spec, compiled_code, profile, options=self.options)
        error = "no attempt made"
        for attempt in range(self.repairs + 1):
            try:
                completion = await self.chain.generate(
                    messages, max_tokens=4096, ledger=ledger, purpose="code"
                )
            except ProviderError as exc:
                return CustomCodeFailed(f"no model answered ({exc.detail[:200]})", attempt)
            model = f"{completion.provider}:{completion.model}"
            try:
                code = extract_code(completion.text)
                check_code(code)  # the free check first: refused code never costs a review
                refusal = await self._review(code, ledger)
                if refusal:
                    # A second opinion said no: never run it, never ask for a variant.
                    return CustomCodeFailed(f"the safety review refused it: {refusal}", attempt)
                run = await self.executor.run(code, data_path)
            except ValueError as exc:
                error = str(exc)
            except CodeRefused as exc:
                error = "The policy refused it:\n" + "\n".join(exc.reasons[:10])
            except CodeFailed as exc:
                error = exc.detail
            except CodeTimedOut as exc:
                error = f"It ran past the {exc.limit_s:g} s time limit; make it cheaper."
            else:
                return CustomCode(code, run.figure, model, attempt)
            log.info("llm chart code failed", attempt=attempt + 1, error=error[-500:])
            messages = [
                *messages,
                Message("assistant", completion.text[:20_000]),
                code_repair_message(error),
            ]
        return CustomCodeFailed(_last_line(error), self.repairs)

    async def _review(self, code: str, ledger: UsageLedger | None) -> str | None:
        """None when the review is off or says safe; else its reason."""
        if not self.safety_review:
            return None
        try:
            completion = await self.chain.generate(
                review_messages(code), schema=REVIEW_SCHEMA, ledger=ledger, purpose="review"
            )
            data = completion.parsed or extract_json(completion.text)
        except (ProviderError, AnswerNotJSON) as exc:
            # Fail closed: a review that could not be read is not a yes.
            return f"no usable review ({type(exc).__name__})"
        verdict = read_verdict(data)
        log.info("llm safety review", safe=verdict.safe, reason=verdict.reason)
        return None if verdict.safe else verdict.reason or "no reason given"


def _last_line(error: str) -> str:
    lines = [line for line in error.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else error)[:300]
