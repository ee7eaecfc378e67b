"""The fallback chain: providers in the order of `LLM_PROVIDERS`, each with its own retries.

The chain is long-lived (made once per worker) and shared by concurrent jobs, so per-request
accounting lives in a `UsageLedger` the caller passes in.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from core import metrics
from core.logs import get_logger
from providers.base import Completion, Health, JsonSchema, LLMProvider, Message, Usage
from providers.errors import AllProvidersFailed, ProviderError
from providers.pricing import estimate_cost_usd
from providers.retry import call_with_retries

log = get_logger(__name__)


@dataclass
class UsageLedger:
    """Tokens and estimated cost of every model call made for one request."""

    calls: int = 0
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = 0.0  # None once any call's price was unknown
    models: list[str] = field(default_factory=list)

    def record(self, completion: Completion, cost_usd: float | None) -> None:
        metrics.model_called(
            completion.provider,
            completion.model,
            completion.usage.input_tokens,
            completion.usage.output_tokens,
            cost_usd,
        )
        self.calls += 1
        self.usage = self.usage + completion.usage
        self.cost_usd = (
            None if cost_usd is None or self.cost_usd is None else (self.cost_usd + cost_usd)
        )
        label = f"{completion.provider}:{completion.model}"
        if label not in self.models:
            self.models.append(label)


@dataclass
class ProviderChain:
    providers: Sequence[LLMProvider]
    timeout_s: float
    max_retries: int
    local_providers: frozenset[str] = frozenset()  # names priced at zero (self-hosted models)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.providers]

    def describe(self) -> str:
        """'gemini:gemini-2.5-flash,openai:llama3.1' — part of the cache key's planner settings."""
        return ",".join(f"{p.name}:{p.model}" for p in self.providers)

    async def generate(
        self,
        messages: list[Message],
        *,
        schema: JsonSchema | None = None,
        temperature: float = 0.0,
        max_tokens: int = 2048,
        ledger: UsageLedger | None = None,
        purpose: str = "plan",
    ) -> Completion:
        """The first provider's answer that arrives; raises `AllProvidersFailed` otherwise."""
        errors: list[ProviderError] = []
        for provider in self.providers:
            started = time.perf_counter()
            try:
                completion = await call_with_retries(
                    partial(
                        provider.generate,
                        messages,
                        schema=schema,
                        temperature=temperature,
                        max_tokens=max_tokens,
                        timeout_s=self.timeout_s,
                    ),
                    provider=provider.name,
                    timeout_s=self.timeout_s,
                    max_retries=self.max_retries,
                )
            except ProviderError as exc:
                log.warning(
                    "llm provider failed, trying the next",
                    provider=provider.name,
                    purpose=purpose,
                    error=type(exc).__name__,
                    detail=exc.detail[:300],
                )
                errors.append(exc)
                continue
            cost = estimate_cost_usd(
                completion.provider,
                completion.model,
                completion.usage,
                local=provider.name in self.local_providers,
            )
            if ledger is not None:
                ledger.record(completion, cost)
            log.info(
                "llm call",
                provider=completion.provider,
                model=completion.model,
                purpose=purpose,
                input_tokens=completion.usage.input_tokens,
                output_tokens=completion.usage.output_tokens,
                cost_usd=None if cost is None else round(cost, 6),
                latency_ms=round((time.perf_counter() - started) * 1000),
            )
            return completion
        raise AllProvidersFailed(errors)

    async def health(self) -> list[Health]:
        results = []
        for provider in self.providers:
            try:
                results.append(await provider.health())
            except ProviderError as exc:
                results.append(Health(provider.name, provider.model, False, exc.detail))
        return results

    async def aclose(self) -> None:
        for provider in self.providers:
            await provider.aclose()
