"""Retries for one provider call: exponential backoff with jitter, Retry-After honoured.

tenacity does the looping; this module only decides what to retry (the error type's `retryable`),
how long to wait (Retry-After when the API sent one, else exponential with full jitter, capped),
and enforces the per-call timeout so a slow answer becomes a retryable `ProviderTimeout`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from core.logs import get_logger
from providers.errors import ProviderError, ProviderRateLimited, ProviderTimeout

log = get_logger(__name__)

T = TypeVar("T")

MAX_WAIT_S = 30.0  # never sleep longer than this on one retry, whatever Retry-After says


class wait_retry_after:
    """Wait what the server asked for (capped), else fall back to exponential jitter."""

    def __init__(self, initial_s: float, max_s: float = MAX_WAIT_S) -> None:
        self._max_s = max_s
        self._fallback = wait_exponential_jitter(initial=initial_s, max=max_s, jitter=initial_s)

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, ProviderRateLimited) and error.retry_after_s is not None:
            return min(error.retry_after_s, self._max_s)
        return float(self._fallback(state))


async def call_with_retries(
    attempt: Callable[[], Awaitable[T]],
    *,
    provider: str,
    timeout_s: float,
    max_retries: int,
    initial_wait_s: float = 0.5,
) -> T:
    """Run `attempt` up to `max_retries + 1` times; each try gets `timeout_s`."""

    async def timed() -> T:
        try:
            async with asyncio.timeout(timeout_s):
                return await attempt()
        except TimeoutError:
            raise ProviderTimeout(provider, timeout_s) from None

    def log_retry(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "llm call failed, retrying",
            provider=provider,
            attempt=state.attempt_number,
            error=type(error).__name__,
            detail=str(error)[:300],
            wait_s=round(state.upcoming_sleep, 2),
        )

    retrying = AsyncRetrying(
        retry=retry_if_exception(lambda e: isinstance(e, ProviderError) and e.retryable),
        stop=stop_after_attempt(max_retries + 1),
        wait=wait_retry_after(initial_wait_s),
        before_sleep=log_retry,
        reraise=True,
    )
    return await retrying(timed)
