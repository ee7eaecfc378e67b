"""OpenAI-compatible chat models: hosted OpenAI, or Ollama, vLLM and llama.cpp servers of our own.

All of them speak the Chat Completions API (`POST {base}/chat/completions`), so one client
(the official `openai` SDK, imported only here) serves them all. Local servers need no API key
and are priced at zero by the chain (`is_local`). Structured output goes out as a
`json_schema` response format; a server that refuses it is asked again without it, and
from then on never sent it (the planner's prompt asks for JSON anyway).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import openai
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from openai.types.chat.completion_create_params import ResponseFormat

from core.logs import get_logger
from core.settings import Settings
from providers.base import Completion, Health, JsonSchema, Message, Usage
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

log = get_logger(__name__)

NAME = "openai"
HOSTED_HOST = "api.openai.com"
# The SDK refuses to build a client without a key; local servers ignore whatever we send.
LOCAL_PLACEHOLDER_KEY = "not-needed"
_SCHEMA_REFUSAL_HINTS = ("response_format", "response format", "json_schema")


class OpenAICompatProvider:
    """A Chat Completions model behind `base_url` (hosted OpenAI or a local server).

    Long-lived and shared by concurrent jobs: the SDK client (and its connection pool) is made
    once here and closed by `aclose()`.
    """

    name = NAME

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        """Args:
        base_url: the API root including `/v1`, e.g. `http://localhost:11434/v1` for Ollama.
        model: the model id the server knows (`gpt-4o-mini`, `llama3.1`, ...).
        api_key: required for api.openai.com, optional for local servers.
        timeout_s: the client's default timeout (health checks); `generate` passes its own.
        """
        if not base_url.strip():
            raise ProviderNotConfigured(NAME, "OPENAI_BASE_URL")
        if not model.strip():
            raise ProviderNotConfigured(NAME, "OPENAI_MODEL")
        self.model = model
        self.base_url = base_url
        self.is_local = not _is_hosted_openai(base_url)
        if not api_key and not self.is_local:
            raise ProviderNotConfigured(NAME, "OPENAI_API_KEY", f"required for {HOSTED_HOST}")
        self._api_key = api_key or None
        self._timeout_s = timeout_s
        self._json_schema_ok = True  # set False once the server refuses `json_schema`
        self._client = openai.AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or LOCAL_PLACEHOLDER_KEY,
            max_retries=0,  # providers.retry does the retrying, the same way for every vendor
            timeout=timeout_s,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAICompatProvider:
        """Build from OPENAI_BASE_URL, OPENAI_MODEL, OPENAI_API_KEY and LLM_TIMEOUT_S."""
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return cls(
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            api_key=key,
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
        """One Chat Completions call; with `schema`, a `json_schema` response format."""
        started = time.perf_counter()
        try:
            response = await self._complete(messages, schema, temperature, max_tokens, timeout_s)
        except openai.OpenAIError as exc:
            raise self._to_provider_error(exc, timeout_s) from exc
        latency_ms = (time.perf_counter() - started) * 1000

        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice is not None else ""
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
        """GET /models: cheap, needs no tokens, and proves the URL, the key and the server."""
        try:
            page = await self._client.models.list()
        except openai.OpenAIError as exc:
            error = self._to_provider_error(exc, self._timeout_s)
            return Health(NAME, self.model, ok=False, detail=error.detail)
        served = [m.id for m in page.data]
        detail = f"{len(served)} models served at {self.base_url}"
        # Not a failure: Ollama lists "llama3.1:latest" yet answers to "llama3.1", and gateways
        # often route models they do not list.
        if self.model not in served:
            detail += f"; {self.model} is not among them"
        return Health(NAME, self.model, ok=True, detail=detail)

    async def aclose(self) -> None:
        await self._client.close()

    # ---- internals ---------------------------------------------------------------------------

    async def _complete(
        self,
        messages: list[Message],
        schema: JsonSchema | None,
        temperature: float,
        max_tokens: int,
        timeout_s: float,
    ) -> ChatCompletion:
        if schema is not None and self._json_schema_ok:
            response_format: ResponseFormat = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": schema, "strict": False},
            }
            try:
                return await self._create(
                    messages, temperature, max_tokens, timeout_s, response_format
                )
            except openai.APIStatusError as exc:
                if not _refuses_json_schema(exc):
                    raise
                self._note_json_schema_refused(exc)
        return await self._create(messages, temperature, max_tokens, timeout_s, openai.omit)

    async def _create(
        self,
        messages: list[Message],
        temperature: float,
        max_tokens: int,
        timeout_s: float,
        response_format: ResponseFormat | openai.Omit,
    ) -> ChatCompletion:
        wire: list[ChatCompletionMessageParam] = [_wire_message(m) for m in messages]
        if self.is_local:
            # Ollama and llama.cpp server know only the older `max_tokens`.
            return await self._client.chat.completions.create(
                model=self.model,
                messages=wire,
                temperature=temperature,
                max_tokens=max_tokens,
                response_format=response_format,
                timeout=timeout_s,
            )
        # OpenAI deprecated `max_tokens`, and its reasoning models refuse it.
        return await self._client.chat.completions.create(
            model=self.model,
            messages=wire,
            temperature=temperature,
            max_completion_tokens=max_tokens,
            response_format=response_format,
            timeout=timeout_s,
        )

    def _note_json_schema_refused(self, exc: openai.APIStatusError) -> None:
        """Remember a local server's lack of `json_schema` (logged once). OpenAI itself supports
        it, so its refusal is about this schema: asked again without it, but not remembered."""
        detail = self._scrub(exc.message)[:300]
        if not self.is_local:
            log.warning(
                "openai refused this schema; asking without response_format",
                provider=NAME,
                model=self.model,
                detail=detail,
            )
            return
        if self._json_schema_ok:  # concurrent calls may all learn it; say it once
            self._json_schema_ok = False
            log.warning(
                "llm server refuses json_schema response_format; asking without it from now on",
                provider=NAME,
                model=self.model,
                base_url=self.base_url,
                status=exc.status_code,
                detail=detail,
            )

    def _to_provider_error(self, exc: openai.OpenAIError, timeout_s: float) -> ProviderError:
        """The one place where the SDK's exceptions become ours."""
        if isinstance(exc, openai.APITimeoutError):  # before APIConnectionError, its parent
            return ProviderTimeout(NAME, timeout_s)
        if isinstance(exc, openai.APIConnectionError):
            return ProviderUnavailable(NAME, f"cannot reach {self.base_url}: {exc.message}")
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            detail = self._scrub(exc.message)[:300]
            if status == 429 and exc.code == "insufficient_quota":
                # OpenAI's billing limit comes as a 429 too, but waiting will not lift it.
                return ProviderRejected(NAME, detail, status=status)
            if status == 429:
                return ProviderRateLimited(NAME, detail, retry_after_s=_retry_after_s(exc))
            if status >= 500 or status in (408, 409):  # the SDK itself retries 408 and 409
                return ProviderUnavailable(NAME, detail, status=status)
            if status == 401 and self._api_key is None:
                detail += " (OPENAI_API_KEY is not set)"
            return ProviderRejected(NAME, detail, status=status)
        if isinstance(exc, openai.APIResponseValidationError):  # a 200 we cannot read
            return ProviderUnavailable(NAME, self._scrub(exc.message)[:300], status=exc.status_code)
        return ProviderRejected(NAME, f"{type(exc).__name__}: {self._scrub(str(exc))[:300]}")

    def _scrub(self, text: str) -> str:
        """Servers sometimes echo the key they were sent in error messages."""
        return text.replace(self._api_key, "[redacted]") if self._api_key else text


def _is_hosted_openai(base_url: str) -> bool:
    host = (urlsplit(base_url).hostname or "").lower()
    # eu.api.openai.com and friends are OpenAI's data-residency endpoints.
    return host == HOSTED_HOST or host.endswith("." + HOSTED_HOST)


def _wire_message(message: Message) -> ChatCompletionMessageParam:
    if message.role == "system":
        return {"role": "system", "content": message.text}
    if message.role == "assistant":
        return {"role": "assistant", "content": message.text}
    return {"role": "user", "content": message.text}


def _refuses_json_schema(exc: openai.APIStatusError) -> bool:
    """A 400 (422 from FastAPI-based servers) complaining about the response format."""
    if exc.status_code not in (400, 422):
        return False
    said = f"{exc.message} {exc.body}".lower()
    return any(hint in said for hint in _SCHEMA_REFUSAL_HINTS)


def _retry_after_s(exc: openai.APIStatusError) -> float | None:
    """OpenAI sends `retry-after-ms` (more precise) beside or instead of `Retry-After`."""
    headers = exc.response.headers
    millis = parse_retry_after(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    return parse_retry_after(headers.get("retry-after"))


def _usage(response: ChatCompletion) -> Usage:
    # Some local servers send no usage at all, or only part of it; the SDK does not validate.
    usage: Any = response.usage
    return Usage(
        input_tokens=int(getattr(usage, "prompt_tokens", None) or 0),
        output_tokens=int(getattr(usage, "completion_tokens", None) or 0),
    )


def _why_empty(response: ChatCompletion) -> str:
    if not response.choices:
        return "the answer had no choices"
    choice = response.choices[0]
    if choice.message.refusal:
        return f"the model refused: {choice.message.refusal[:300]}"
    if choice.message.tool_calls:
        return "the model answered with a tool call instead of text"
    return f"the answer had no text (finish_reason={choice.finish_reason})"
