"""Amazon Bedrock through the Converse API (aioboto3): one code path for every model family.

Converse speaks the same request and response shape for Anthropic Claude, Amazon Nova and Titan,
Meta Llama, Cohere and Mistral; what differs per family (forced tool use for structured output,
whether a `system` field is accepted) lives in `FAMILIES`. Credentials come from the standard AWS
chain (environment, profile, instance role, or a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK),
never from our settings. This is the only module that imports aioboto3 or botocore.
"""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

import aioboto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from core.settings import Settings
from providers.base import (
    Completion,
    Health,
    JsonSchema,
    Message,
    Usage,
    system_text,
    turns,
)
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

NAME: Final = "bedrock"
ANSWER_TOOL: Final = "answer"
CONNECT_TIMEOUT_S: Final = 10.0
READ_TIMEOUT_MARGIN_S: Final = 5.0  # our asyncio timeout should fire before botocore's read timeout
HEALTH_TIMEOUT_S: Final = 15.0

# Cross-region inference profile ids start with a geography: "us.anthropic.claude-…".
GEO_PREFIXES: Final = frozenset({"us", "eu", "apac", "global", "us-gov", "jp", "au", "ca"})
BLOCKED_STOP_REASONS: Final = frozenset({"content_filtered", "guardrail_intervened"})

RATE_LIMIT_CODES: Final = frozenset(
    {"ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException"}
)
UNAVAILABLE_CODES: Final = frozenset(
    {
        "ModelNotReadyException",  # sent as a 429, but it means "still loading": back off
        "ServiceUnavailableException",
        "InternalServerException",
        "ModelErrorException",
        "ModelStreamErrorException",
    }
)
REJECTED_CODES: Final = frozenset(
    {
        "AccessDeniedException",
        "ValidationException",
        "ResourceNotFoundException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
        "MissingAuthenticationTokenException",
    }
)


class Structured(Enum):
    """How a family is asked for JSON matching a schema."""

    FORCED_TOOL = "forced_tool"  # toolChoice {tool: answer}: the answer is the tool's input
    AUTO_TOOL = "auto_tool"  # tools without forced choice: a toolUse block or JSON text comes back
    PROMPT = "prompt"  # no toolConfig: the schema goes into the system prompt


@dataclass(frozen=True)
class Family:
    structured: Structured
    system_field: bool = True  # False: Converse rejects `system`; it is folded into the first turn


# First matching prefix wins (of the model id without its geography prefix). From the Converse
# "supported models and model features" table: forced tool choice is Claude 3+ and Nova only.
FAMILIES: Final[tuple[tuple[str, Family], ...]] = (
    ("anthropic.claude-v2", Family(Structured.PROMPT)),
    ("anthropic.claude-instant", Family(Structured.PROMPT)),
    ("anthropic.claude", Family(Structured.FORCED_TOOL)),
    ("amazon.nova", Family(Structured.FORCED_TOOL)),
    ("amazon.titan", Family(Structured.PROMPT, system_field=False)),
    ("meta.llama", Family(Structured.PROMPT)),
    ("mistral.mistral-large", Family(Structured.AUTO_TOOL)),
    ("mistral.mistral-7b", Family(Structured.PROMPT, system_field=False)),
    ("mistral.mixtral", Family(Structured.PROMPT, system_field=False)),
    ("cohere.command-r", Family(Structured.AUTO_TOOL)),
    ("cohere.command", Family(Structured.PROMPT, system_field=False)),
)
DEFAULT_FAMILY: Final = Family(Structured.PROMPT)  # unknown models: JSON asked for in the prompt


def model_family(model_id: str) -> Family:
    """The family rules for a model id, an inference profile id ("us.anthropic…") or its ARN."""
    base = model_id.rsplit("/", 1)[-1].lower()
    geo, dot, rest = base.partition(".")
    if dot and geo in GEO_PREFIXES:
        base = rest
    for prefix, family in FAMILIES:
        if base.startswith(prefix):
            return family
    return DEFAULT_FAMILY


def converse_request(
    family: Family,
    messages: list[Message],
    *,
    schema: JsonSchema | None,
    temperature: float,
    max_tokens: int,
) -> dict[str, Any]:
    """The Converse arguments (all but modelId) for `messages`, shaped for the model's family."""
    system = system_text(messages)
    if schema is not None:
        system = "\n\n".join(p for p in (system, _schema_instruction(family, schema)) if p)
    conversation = turns(messages)
    request: dict[str, Any] = {
        "inferenceConfig": {"temperature": temperature, "maxTokens": max_tokens}
    }
    if system and family.system_field:
        request["system"] = [{"text": system}]
    elif system:
        if conversation and conversation[0].role == "user":
            conversation[0] = Message("user", f"{system}\n\n{conversation[0].text}")
        else:
            conversation.insert(0, Message("user", system))
    request["messages"] = _alternating(conversation)
    if schema is not None and family.structured is not Structured.PROMPT:
        forced = family.structured is Structured.FORCED_TOOL
        request["toolConfig"] = {
            "tools": [
                {
                    "toolSpec": {
                        "name": ANSWER_TOOL,
                        "description": "Give your answer as a JSON object matching this schema.",
                        "inputSchema": {"json": schema},
                    }
                }
            ],
            "toolChoice": {"tool": {"name": ANSWER_TOOL}} if forced else {"auto": {}},
        }
    return request


def _schema_instruction(family: Family, schema: JsonSchema) -> str:
    if family.structured is Structured.FORCED_TOOL:
        return ""  # the forced tool call carries the schema
    if family.structured is Structured.AUTO_TOOL:
        return f"Give your answer by calling the `{ANSWER_TOOL}` tool."
    return (
        "Answer with a single JSON object matching this JSON Schema and nothing else "
        "(no prose, no code fences):\n" + json.dumps(schema, separators=(",", ":"))
    )


def _alternating(conversation: list[Message]) -> list[dict[str, Any]]:
    """Converse messages; consecutive turns of one role are merged (some models require
    alternation) and blank turns dropped (Converse rejects blank text blocks)."""
    merged: list[tuple[str, list[str]]] = []
    for message in conversation:
        if not message.text.strip():
            continue
        if merged and merged[-1][0] == message.role:
            merged[-1][1].append(message.text)
        else:
            merged.append((message.role, [message.text]))
    return [{"role": role, "content": [{"text": "\n\n".join(texts)}]} for role, texts in merged]


def read_answer(response: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """(text, parsed) from a Converse response: an `answer` tool call wins over text."""
    stop_reason = response.get("stopReason")
    if stop_reason in BLOCKED_STOP_REASONS:
        raise ProviderEmptyAnswer(NAME, f"the answer was blocked (stopReason {stop_reason})")
    content = response.get("output", {}).get("message", {}).get("content") or []
    for block in content:
        tool_use = block.get("toolUse")
        if (
            tool_use
            and tool_use.get("name") == ANSWER_TOOL
            and isinstance(tool_use.get("input"), dict)
        ):
            parsed: dict[str, Any] = tool_use["input"]
            return json.dumps(parsed, ensure_ascii=False), parsed
    text = "".join(block["text"] for block in content if "text" in block)
    if not text.strip():
        raise ProviderEmptyAnswer(
            NAME, f"the model answered with no text (stopReason {stop_reason})"
        )
    return text, None


class BedrockProvider:
    """`LLMProvider` for Amazon Bedrock. One long-lived bedrock-runtime client, opened on first
    use and shared by concurrent calls; `aclose()` closes it."""

    name: str = NAME

    def __init__(
        self,
        *,
        model_id: str,
        region: str | None = None,
        endpoint_url: str | None = None,
        read_timeout_s: float = 60.0,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
    ) -> None:
        """`region` None: the AWS chain's region (AWS_DEFAULT_REGION or the profile's; botocore
        ignores AWS_REGION). `read_timeout_s` should exceed every `timeout_s` given to `generate`.
        """
        if not model_id:
            raise ProviderNotConfigured(NAME, "BEDROCK_MODEL_ID")
        self.model = model_id
        self.family = model_family(model_id)
        self.endpoint_url = endpoint_url
        self._read_timeout_s = read_timeout_s
        self._connect_timeout_s = connect_timeout_s
        try:
            self._session = aioboto3.Session()
            chain_region: str | None = region or self._session.region_name
        except BotoCoreError as exc:  # e.g. AWS_PROFILE names a profile that doesn't exist
            raise self._provider_error(exc, timeout_s=read_timeout_s) from exc
        if not chain_region:
            raise ProviderNotConfigured(
                NAME, "BEDROCK_REGION", "or AWS_DEFAULT_REGION, or a region in the AWS profile"
            )
        self.region: str = chain_region
        self._lock = asyncio.Lock()
        self._stack: AsyncExitStack | None = None
        self._client: Any = None  # aiobotocore's BedrockRuntime client (untyped)

    @classmethod
    def from_settings(cls, settings: Settings) -> BedrockProvider:
        return cls(
            model_id=settings.bedrock_model_id,
            region=settings.bedrock_region,
            endpoint_url=settings.bedrock_endpoint_url,
            read_timeout_s=settings.llm_timeout_s + READ_TIMEOUT_MARGIN_S,
            connect_timeout_s=min(CONNECT_TIMEOUT_S, settings.llm_timeout_s),
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
        request = converse_request(
            self.family, messages, schema=schema, temperature=temperature, max_tokens=max_tokens
        )
        response, latency_ms = await self._converse(request, timeout_s=timeout_s)
        text, parsed = read_answer(response)
        usage = response.get("usage", {})
        return Completion(
            text=text,
            provider=NAME,
            model=self.model,
            usage=Usage(int(usage.get("inputTokens", 0)), int(usage.get("outputTokens", 0))),
            latency_ms=latency_ms,
            parsed=parsed,
        )

    async def health(self) -> Health:
        """Region and credentials, then a 1-token converse (bedrock-runtime has no list call)."""
        ping = {"messages": [{"role": "user", "content": [{"text": "ping"}]}]}
        try:
            _, latency_ms = await self._converse(
                {**ping, "inferenceConfig": {"maxTokens": 1}}, timeout_s=HEALTH_TIMEOUT_S
            )
        except ProviderError as exc:
            return Health(NAME, self.model, ok=False, detail=str(exc))
        detail = f"converse answered in {latency_ms:.0f} ms ({self.region})"
        return Health(NAME, self.model, ok=True, detail=detail)

    async def aclose(self) -> None:
        async with self._lock:
            stack, self._stack, self._client = self._stack, None, None
            if stack is not None:
                await stack.aclose()

    async def _converse(
        self, request: dict[str, Any], *, timeout_s: float
    ) -> tuple[dict[str, Any], float]:
        """The Converse response and its latency in ms (not counting opening the client)."""
        try:
            async with asyncio.timeout(timeout_s):
                client = await self._open()
                started = time.perf_counter()
                response: dict[str, Any] = await client.converse(modelId=self.model, **request)
                return response, (time.perf_counter() - started) * 1000
        except (BotoCoreError, ClientError) as exc:
            raise self._provider_error(exc, timeout_s=timeout_s) from exc
        except TimeoutError:
            raise ProviderTimeout(NAME, timeout_s) from None

    async def _open(self) -> Any:
        """The shared client, entered on first use (the lock makes concurrent first calls wait)."""
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                config = Config(
                    retries={
                        "total_max_attempts": 1,
                        "mode": "standard",
                    },  # providers.retry does it
                    connect_timeout=self._connect_timeout_s,
                    read_timeout=self._read_timeout_s,
                )
                stack = AsyncExitStack()
                self._client = await stack.enter_async_context(
                    self._session.client(
                        "bedrock-runtime",
                        region_name=self.region,
                        endpoint_url=self.endpoint_url,
                        config=config,
                    )
                )
                self._stack = stack
            return self._client

    def _provider_error(self, exc: Exception, *, timeout_s: float) -> ProviderError:
        """The one place botocore's exceptions become ours (`timeout_s`: the call's timeout)."""
        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            metadata = exc.response.get("ResponseMetadata", {})
            code = str(error.get("Code", ""))
            status = metadata.get("HTTPStatusCode")
            detail = f"{code or 'error'} (HTTP {status}): {error.get('Message', '')}"
            if code in RATE_LIMIT_CODES or (code not in UNAVAILABLE_CODES and status == 429):
                retry_after = parse_retry_after(metadata.get("HTTPHeaders", {}).get("retry-after"))
                return ProviderRateLimited(NAME, detail, retry_after_s=retry_after)
            if code == "ModelTimeoutException":
                return ProviderTimeout(NAME, timeout_s)
            if code in UNAVAILABLE_CODES or (code not in REJECTED_CODES and (status or 0) >= 500):
                return ProviderUnavailable(NAME, detail, status=status)
            return ProviderRejected(NAME, detail, status=status)
        if isinstance(exc, NoCredentialsError | PartialCredentialsError):
            return ProviderNotConfigured(
                NAME,
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)",
                f"{exc}; an instance or task role also works",
            )
        if isinstance(exc, ProfileNotFound):
            return ProviderNotConfigured(NAME, "AWS_PROFILE", str(exc))
        if isinstance(exc, NoRegionError):
            return ProviderNotConfigured(NAME, "BEDROCK_REGION", str(exc))
        # ConnectTimeoutError is also an EndpointConnectionError: test the timeouts first.
        if isinstance(exc, ConnectTimeoutError):
            return ProviderTimeout(NAME, self._connect_timeout_s)
        if isinstance(exc, ReadTimeoutError):
            return ProviderTimeout(NAME, self._read_timeout_s)
        if isinstance(exc, EndpointConnectionError | HTTPClientError):
            return ProviderUnavailable(NAME, str(exc))
        return ProviderRejected(NAME, f"{type(exc).__name__}: {exc}")  # e.g. ParamValidationError
