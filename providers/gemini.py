"""Gemini through google-genai: one `generate()` is one `generateContent` request.

On the wire: POST {base_url}/v1beta/models/{model}:generateContent with the key in the
`x-goog-api-key` header. System messages go in `systemInstruction`, turns in `contents` (the
assistant's role is "model"), and a schema goes in `generationConfig.responseJsonSchema` with
`responseMimeType: application/json`: the field that takes a raw JSON Schema ($defs, anyOf) as
pydantic's `model_json_schema()` writes it (`responseSchema` takes Google's own OpenAPI subset).

google-genai quirks handled here:
- Left alone, it turns one call into several requests: automatic function calling and automatic
  continuation are on by default, and a connection error is retried after sleeping 1-10 s unless
  `retry_options` is set. Both features are off and `HttpRetryOptions(attempts=1)` is set:
  retries belong to `providers.retry`.
- It reads GOOGLE_API_KEY, GOOGLE_GENAI_USE_VERTEXAI/ENTERPRISE, GOOGLE_GEMINI_BASE_URL and
  GOOGLE_GENAI_API_VERSION from the environment; everything is passed explicitly instead.
- Its default API version is "v1", which lags "v1beta" on generation config fields; pinned.
- With aiohttp installed (we depend on it) the async transport is aiohttp: timeouts surface as
  `TimeoutError`, connection failures as `aiohttp.ClientError`, and `APIError.response` is the
  aiohttp response (its headers carry Retry-After when a gateway sends one).
- `HttpOptions.timeout` is in milliseconds.
"""

from __future__ import annotations

import math
import time
from typing import Any

import aiohttp
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from core.settings import Settings
from providers.base import Completion, Health, JsonSchema, Message, Usage, system_text, turns
from providers.errors import (
    ProviderEmptyAnswer,
    ProviderError,
    ProviderNotConfigured,
    ProviderRateLimited,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    parse_retry_after,
)

NAME = "gemini"
API_KEY_SETTING = "GEMINI_API_KEY"
DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/"
API_VERSION = "v1beta"
_ROLES = {"user": "user", "assistant": "model"}
_MAX_DETAIL = 300

# What a google-genai call raises when it fails; `_provider_error` maps each of them.
# (TimeoutError is an OSError, and aiohttp's timeouts are TimeoutErrors: the order there matters.)
_SDK_ERRORS: tuple[type[Exception], ...] = (
    genai_errors.APIError,
    TimeoutError,
    aiohttp.ClientError,
    OSError,
    ValueError,
)


class GeminiProvider:
    """The Gemini API (Google AI Studio key). Long-lived: one client, shared by concurrent jobs."""

    name = NAME

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        """`base_url`: a proxy or gateway in front of the API (None: Google's endpoint).
        `timeout_s`: for `health()`; `generate()` takes its own per call."""
        if not api_key.strip():
            raise ProviderNotConfigured(NAME, API_KEY_SETTING)
        self.model = model
        self._api_key = api_key.strip()
        self._timeout_s = timeout_s
        self._client = genai.Client(
            enterprise=False,
            api_key=self._api_key,
            http_options=types.HttpOptions(
                base_url=base_url or DEFAULT_BASE_URL,
                api_version=API_VERSION,
                timeout=_ms(timeout_s),
                retry_options=types.HttpRetryOptions(attempts=1),
            ),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> GeminiProvider:
        secret = settings.gemini_api_key
        api_key = secret.get_secret_value().strip() if secret is not None else ""
        if not api_key:
            raise ProviderNotConfigured(NAME, API_KEY_SETTING)
        return cls(
            api_key=api_key,
            model=settings.gemini_model,
            base_url=settings.gemini_base_url,
            timeout_s=settings.llm_timeout_s,
        )

    async def generate(
        self,
        messages: list[Message],
        *,
        schema: JsonSchema | None = None,
        temperature: float = 0.0,
        max_tokens: int = 2048,
        timeout_s: float,
    ) -> Completion:
        contents = [
            types.Content(role=_ROLES[m.role], parts=[types.Part(text=m.text)])
            for m in turns(messages)
        ]
        if not contents:
            raise ProviderRejected(NAME, "nothing to send: Gemini needs a user message")
        system = system_text(messages)
        config = types.GenerateContentConfig(
            system_instruction=types.Content(parts=[types.Part(text=system)]) if system else None,
            temperature=temperature,
            max_output_tokens=max_tokens,
            response_mime_type="application/json" if schema is not None else None,
            response_json_schema=schema,
            # One generate() must stay one request: our retry loop counts and times attempts.
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
            automatic_continuation=False,
            http_options=types.HttpOptions(timeout=_ms(timeout_s)),
        )
        started = time.perf_counter()
        try:
            response = await self._client.aio.models.generate_content(
                model=self.model, contents=contents, config=config
            )
        except _SDK_ERRORS as exc:
            raise self._provider_error(exc, timeout_s) from exc
        latency_ms = (time.perf_counter() - started) * 1000
        text = response.text or ""  # None when no text part; "thought" parts are skipped
        if not text.strip():
            raise ProviderEmptyAnswer(NAME, _why_empty(response))
        return Completion(
            text=text,
            provider=NAME,
            model=self.model,
            usage=_usage(response),
            latency_ms=latency_ms,
        )

    async def health(self) -> Health:
        """The key is set (checked when constructed); then GET models/{model}, the cheapest call
        that proves the key, the endpoint and the model id all work."""
        try:
            found = await self._client.aio.models.get(model=self.model)
        except _SDK_ERRORS as exc:
            error = self._provider_error(exc, self._timeout_s)
            return Health(NAME, self.model, ok=False, detail=error.detail)
        actions = found.supported_actions or []
        if actions and "generateContent" not in actions:
            detail = f"{self.model} does not support generateContent"
            return Health(NAME, self.model, ok=False, detail=detail)
        return Health(NAME, self.model, ok=True, detail=found.display_name or self.model)

    async def aclose(self) -> None:
        await self._client.aio.aclose()
        self._client.close()  # the SDK also opens a sync connection pool

    def _provider_error(self, exc: Exception, timeout_s: float) -> ProviderError:
        """The one place where google-genai's exceptions become `providers.errors` types."""
        if isinstance(exc, genai_errors.APIError):
            code = exc.code
            detail = self._redact(f"HTTP {code} {exc.status or ''}: {exc.message or ''}")
            if code == 429:
                return ProviderRateLimited(NAME, detail, retry_after_s=_retry_after_s(exc))
            if code == 408 or code >= 500:
                return ProviderUnavailable(NAME, detail, status=code)
            return ProviderRejected(NAME, detail, status=code)
        if isinstance(exc, genai_errors.UnknownApiResponseError):
            return ProviderUnavailable(NAME, "the API answered with something that is not JSON")
        if isinstance(exc, TimeoutError):
            return ProviderTimeout(NAME, timeout_s)
        if isinstance(exc, aiohttp.ClientConnectorError):  # its str() shows the SSL context
            detail = f"cannot connect to {exc.host}:{exc.port} ({exc.os_error})"
            return ProviderUnavailable(NAME, self._redact(detail))
        if isinstance(exc, aiohttp.ClientError | OSError):
            detail = self._redact(f"cannot reach the API: {type(exc).__name__}: {exc}")
            return ProviderUnavailable(NAME, detail)
        # A ValueError: the SDK refused to build the request (bad model id, bad config).
        return ProviderRejected(NAME, self._redact(f"request not sent: {exc}"))

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "[GEMINI_API_KEY]")[:_MAX_DETAIL]


def _ms(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


def _retry_after_s(exc: genai_errors.APIError) -> float | None:
    """Retry-After when a gateway sends one; else the wait Gemini itself puts in the error body
    (a google.rpc.RetryInfo detail: {"retryDelay": "35s"}), as it sends no Retry-After header."""
    headers = getattr(exc.response, "headers", None)
    seconds = parse_retry_after(headers.get("Retry-After") if headers is not None else None)
    return seconds if seconds is not None else _retry_info_delay_s(exc.details)


def _retry_info_delay_s(body: Any) -> float | None:
    error = body.get("error", body) if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    for item in details if isinstance(details, list) else []:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("google.rpc.RetryInfo"):
            delay = item.get("retryDelay")
            if isinstance(delay, str) and delay.endswith("s"):
                return parse_retry_after(delay.removesuffix("s"))
    return None


def _why_empty(response: types.GenerateContentResponse) -> str:
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        return f"the prompt was blocked (block reason {feedback.block_reason.value})"
    if not response.candidates:
        return "the answer has no candidates"
    reason = response.candidates[0].finish_reason
    name = reason.value if reason is not None else "unknown"
    if name == "MAX_TOKENS":
        # 2.5 models think first, and their thoughts count against max_output_tokens.
        return "no text before max_tokens ran out (finish reason MAX_TOKENS)"
    return f"the answer has no text (finish reason {name})"


def _usage(response: types.GenerateContentResponse) -> Usage:
    meta = response.usage_metadata
    if meta is None:
        return Usage()
    # Thinking tokens are billed as output but not counted in candidates_token_count.
    output = (meta.candidates_token_count or 0) + (meta.thoughts_token_count or 0)
    return Usage(input_tokens=meta.prompt_token_count or 0, output_tokens=output)
