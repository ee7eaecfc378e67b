"""What can go wrong when asking a model, in our own terms. The type decides what happens next.

    ProviderError                     (retryable?)
     ├── ProviderNotConfigured        no  a setting is missing; names it
     ├── ProviderRejected             no  auth, bad request, unknown model: retrying won't help
     ├── ProviderEmptyAnswer          no  the model answered with nothing usable
     ├── ProviderRateLimited          yes 429 / throttling; carries Retry-After when given
     ├── ProviderUnavailable          yes 5xx, connection refused or reset
     ├── ProviderTimeout              yes no answer within the per-call timeout
     └── AllProvidersFailed           no  every provider in the chain failed (carries each error)

Retryable errors are retried with backoff inside one provider (`providers.retry`); any error then
moves the chain on to the next provider, and finally to the rule-based planner.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import ChartroomError


class ProviderError(ChartroomError):
    retryable: bool = False

    def __init__(self, provider: str, detail: str) -> None:
        super().__init__(f"{provider}: {detail}")
        self.provider = provider
        self.detail = detail


class ProviderNotConfigured(ProviderError):
    """A required setting is missing. `message` says which environment variable to set."""

    def __init__(self, provider: str, setting: str, why: str = "") -> None:
        detail = f"set {setting} to use the {provider} provider" + (f" ({why})" if why else "")
        super().__init__(provider, detail)
        self.setting = setting


class ProviderRejected(ProviderError):
    """The API refused the request (401/403/400/404): credentials, model id or request shape."""

    def __init__(self, provider: str, detail: str, *, status: int | None = None) -> None:
        super().__init__(provider, detail)
        self.status = status


class ProviderEmptyAnswer(ProviderError):
    """The model returned no text (blocked by a safety filter, zero candidates, empty content)."""


class ProviderRateLimited(ProviderError):
    retryable = True

    def __init__(self, provider: str, detail: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(provider, detail)
        self.retry_after_s = retry_after_s


class ProviderUnavailable(ProviderError):
    retryable = True

    def __init__(self, provider: str, detail: str, *, status: int | None = None) -> None:
        super().__init__(provider, detail)
        self.status = status


class ProviderTimeout(ProviderError):
    retryable = True

    def __init__(self, provider: str, timeout_s: float) -> None:
        super().__init__(provider, f"no answer within {timeout_s:g} s")
        self.timeout_s = timeout_s


class AllProvidersFailed(ProviderError):
    def __init__(self, errors: Sequence[ProviderError]) -> None:
        summary = "; ".join(str(e) for e in errors) or "no providers configured"
        super().__init__("chain", summary)
        self.errors = list(errors)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form; HTTP dates are rare on LLM APIs and
    are ignored, which falls back to exponential backoff)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
