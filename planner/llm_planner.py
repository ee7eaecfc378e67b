"""The LLM planner: ask the provider chain for a `Plan`, check it against the data, repair once,
else let the rule-based planner answer.

    question + profile ─▶ prompt ─▶ chain.generate ─▶ extract JSON ─▶ check against the data
                                         ▲                                   │ problems
                                         └────── one repair turn ◀───────────┘
                                                         │ still wrong, or no provider answered
                                                         ▼
                                                 plan_from_rules
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from core.errors import NoMatchingColumn
from core.logs import get_logger
from ingest.profile import DataProfile
from planner.answer_json import AnswerNotJSON, extract_json
from planner.compile import compile_chart
from planner.compile_extras import compile_extras
from planner.followup import plan_followup
from planner.plan import Plan
from planner.plan_check import PlanProblems, check_plan
from planner.prompt import PromptOptions, Turn, plan_messages, plan_schema, repair_message
from planner.rules import plan_from_rules
from providers.base import Completion, Message
from providers.chain import ProviderChain, UsageLedger
from providers.errors import (
    AllProvidersFailed,
    ProviderEmptyAnswer,
    ProviderError,
    ProviderNotConfigured,
    ProviderRateLimited,
    ProviderRejected,
    ProviderTimeout,
)

log = get_logger(__name__)

PlanPath = Literal["rules", "llm", "llm-repaired"]


@dataclass(frozen=True)
class PlannedAnswer:
    """A plan and how it was reached, for the result message and the logs."""

    plan: Plan
    path: PlanPath
    model: str | None = None  # "gemini:gemini-2.5-flash" when an LLM planned
    fallback_reason: str | None = None  # why rules answered although an LLM was configured
    repaired: list[str] = field(default_factory=list)  # the problems the repair turn fixed


def plan_with_rules(
    question: str, profile: DataProfile, history: Sequence[Turn] = ()
) -> PlannedAnswer:
    """The rule-based answer: an edit of the thread's last plan when the question is a
    follow-up of it ("only EU", "make it a line"), else a new plan."""
    plans = [t.plan for t in history if _fits(t.plan, profile)]
    if plans:
        edited = plan_followup(question, profile, plans[-1], plans[:-1])
        if edited is not None:
            return PlannedAnswer(edited, "rules")
    return PlannedAnswer(plan_from_rules(question, profile), "rules")


def _fits(plan: Plan, profile: DataProfile) -> bool:
    """An earlier plan is about this file only if every column it names is the file's."""
    names = set(profile.names())
    return all(set(spec.columns()) <= names for spec in plan.charts)


@dataclass
class LLMPlanner:
    chain: ProviderChain
    options: PromptOptions = field(default_factory=PromptOptions)

    async def plan(
        self,
        question: str,
        profile: DataProfile,
        *,
        history: Sequence[Turn] = (),
        ledger: UsageLedger | None = None,
    ) -> PlannedAnswer:
        messages = plan_messages(question, profile, history=history, options=self.options)
        try:
            first = await self._ask(messages, ledger)
            try:
                return PlannedAnswer(read_plan(first, profile), "llm", _label(first))
            except PlanProblems as exc:
                problems = exc.problems
            log.info("llm plan rejected, asking for a repair", problems=problems[:10])
            repair = [
                *messages,
                Message("assistant", first.text[:20_000]),
                repair_message(problems),
            ]
            second = await self._ask(repair, ledger)
            try:
                plan = read_plan(second, profile)
            except PlanProblems as exc:
                log.warning("llm plan still wrong after repair", problems=exc.problems[:10])
                return _rules(question, profile, history, "the model's plan did not fit the data")
            return PlannedAnswer(plan, "llm-repaired", _label(second), repaired=problems)
        except ProviderError as exc:
            log.warning("no llm plan, rules answer", error=type(exc).__name__, detail=exc.detail)
            return _rules(question, profile, history, fallback_reason(exc))

    async def _ask(self, messages: list[Message], ledger: UsageLedger | None) -> Completion:
        return await self.chain.generate(
            messages, schema=plan_schema(), ledger=ledger, purpose="plan"
        )


def _rules(
    question: str, profile: DataProfile, history: Sequence[Turn], reason: str
) -> PlannedAnswer:
    # NoMatchingColumn from the rules still reaches the person: it says which columns exist.
    answer = plan_with_rules(question, profile, history)
    return PlannedAnswer(answer.plan, "rules", fallback_reason=reason)


def fallback_reason(error: ProviderError) -> str:
    """Why no model planned, in words for the thread (the details go to the log)."""
    errors = error.errors if isinstance(error, AllProvidersFailed) else [error]
    kinds = {type(e) for e in errors}
    if kinds and kinds <= {ProviderTimeout}:
        return "no model answered in time"
    if kinds and kinds <= {ProviderRateLimited}:
        return "the model is rate-limited right now"
    if kinds and kinds <= {ProviderEmptyAnswer}:
        return "the model's answer was empty"
    if kinds and kinds <= {ProviderRejected, ProviderNotConfigured}:
        return "the model refused the request: check its key and settings"
    return "the model was unavailable"


def read_plan(completion: Completion, profile: DataProfile) -> Plan:
    """The completion as a plan that fits the data and compiles, else `PlanProblems` saying why."""
    try:
        data = completion.parsed if completion.parsed is not None else extract_json(completion.text)
    except AnswerNotJSON as exc:
        raise PlanProblems([str(exc)]) from exc
    plan: Plan = check_plan(data, profile)
    problems: list[str] = []
    for index, spec in enumerate(plan.charts):
        try:
            compile_chart(spec, profile)
        except (ValueError, KeyError, NoMatchingColumn) as exc:
            problems.append(f"charts[{index}]: {_reason(exc)}")
    try:
        compile_extras(plan, profile)
    except (ValueError, KeyError) as exc:
        problems.append(f"summary_card/table: {_reason(exc)}")
    if problems:
        raise PlanProblems(problems)
    return plan


def _reason(exc: Exception) -> str:
    return exc.user_message if isinstance(exc, NoMatchingColumn) else str(exc)


def _label(completion: Completion) -> str:
    return f"{completion.provider}:{completion.model}"
