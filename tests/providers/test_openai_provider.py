"""The OpenAI-compatible provider, through the real `openai` SDK, against a local fake server."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.settings import Settings
from providers.base import Message, Usage
from providers.errors import (
    ProviderEmptyAnswer,
    ProviderNotConfigured,
    ProviderRateLimited,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from providers.openai_compat import OpenAICompatProvider
from providers.retry import call_with_retries
from tests.fakes.llm_script import Reply, error
from tests.fakes.openai_api import FakeOpenAI, quota_exceeded, running_fake_openai

SCHEMA = {
    "type": "object",
    "properties": {"chart": {"type": "string"}},
    "required": ["chart"],
}
ASK = [Message("system", "You plan charts."), Message("user", "revenue by month")]


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with running_fake_openai() as server:
        yield server


@pytest.fixture
async def provider(fake: FakeOpenAI) -> AsyncIterator[OpenAICompatProvider]:
    llm = OpenAICompatProvider(base_url=fake.url, model="llama3.1", timeout_s=5.0)
    yield llm
    await llm.aclose()


def hosted_provider_at(fake: FakeOpenAI) -> OpenAICompatProvider:
    """A provider configured for api.openai.com whose SDK client is pointed at the fake."""
    llm = OpenAICompatProvider(
        base_url="https://api.openai.com/v1", model="gpt-4o-mini", api_key="sk-test-key-000"
    )
    llm._client.base_url = fake.url  # the only way in: the hosted host is what is under test
    return llm


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


# ---- answers -----------------------------------------------------------------------------------


async def test_a_clean_answer_carries_text_usage_model_and_latency(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue(Reply(text='{"chart": "bar"}', input_tokens=321, output_tokens=12))

    completion = await provider.generate(ASK, timeout_s=5.0)

    assert completion.text == '{"chart": "bar"}'
    assert completion.provider == "openai"
    assert completion.model == "llama3.1"
    assert completion.usage == Usage(input_tokens=321, output_tokens=12)
    assert completion.latency_ms > 0
    assert completion.parsed is None


async def test_the_schema_reaches_the_wire_as_a_json_schema_response_format(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue('{"chart": "line"}')

    await provider.generate(ASK, schema=SCHEMA, timeout_s=5.0)

    assert fake.requests[0]["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": SCHEMA, "strict": False},
    }


async def test_without_a_schema_no_response_format_is_sent(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue("plain words")

    await provider.generate(ASK, timeout_s=5.0)

    assert "response_format" not in fake.requests[0]


async def test_the_system_prompt_and_turns_reach_the_wire_in_order(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue("ok")
    conversation = [
        Message("system", "You plan charts."),
        Message("user", "revenue by month"),
        Message("assistant", '{"chart": "bar"}'),
        Message("user", "as a line instead"),
    ]

    await provider.generate(conversation, temperature=0.2, max_tokens=300, timeout_s=5.0)

    sent = fake.requests[0]
    assert sent["model"] == "llama3.1"
    assert sent["messages"] == [
        {"role": "system", "content": "You plan charts."},
        {"role": "user", "content": "revenue by month"},
        {"role": "assistant", "content": '{"chart": "bar"}'},
        {"role": "user", "content": "as a line instead"},
    ]
    assert sent["temperature"] == 0.2
    assert sent["max_tokens"] == 300  # local servers know only max_tokens
    assert not sent.get("stream")


async def test_hosted_openai_gets_max_completion_tokens_and_the_real_key(
    fake: FakeOpenAI,
) -> None:
    llm = hosted_provider_at(fake)
    fake.script.queue("ok")
    try:
        await llm.generate(ASK, max_tokens=300, timeout_s=5.0)
    finally:
        await llm.aclose()

    assert fake.requests[0]["max_completion_tokens"] == 300
    assert "max_tokens" not in fake.requests[0]
    assert fake.authorizations == ["Bearer sk-test-key-000"]


async def test_missing_usage_from_a_local_server_counts_as_zero_tokens(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.send_usage = False
    fake.script.queue("ok")

    completion = await provider.generate(ASK, timeout_s=5.0)

    assert completion.usage == Usage(0, 0)


async def test_an_empty_answer_is_provider_empty_answer(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue("   ")

    with pytest.raises(ProviderEmptyAnswer, match="finish_reason=stop"):
        await provider.generate(ASK, timeout_s=5.0)


# ---- structured output on servers without it ---------------------------------------------------


async def test_a_server_refusing_json_schema_is_asked_again_without_it_and_that_is_remembered(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.reject_json_schema = True
    fake.script.queue('{"chart": "bar"}', '{"chart": "pie"}')

    first = await provider.generate(ASK, schema=SCHEMA, timeout_s=5.0)
    second = await provider.generate(ASK, schema=SCHEMA, timeout_s=5.0)

    assert (first.text, second.text) == ('{"chart": "bar"}', '{"chart": "pie"}')
    formats = [r.get("response_format") for r in fake.requests]
    assert formats[0] is not None and formats[0]["type"] == "json_schema"
    assert formats[1:] == [None, None]  # the same call again, then never again
    assert fake.requests[1]["messages"] == fake.requests[0]["messages"]


async def test_hosted_openai_refusing_a_schema_is_asked_again_but_keeps_getting_schemas(
    fake: FakeOpenAI,
) -> None:
    llm = hosted_provider_at(fake)
    fake.script.queue(
        Reply(status=400, text="Invalid schema for response_format 'answer': bad 'type'."),
        '{"chart": "bar"}',
        '{"chart": "pie"}',
    )
    try:
        await llm.generate(ASK, schema=SCHEMA, timeout_s=5.0)
        await llm.generate(ASK, schema=SCHEMA, timeout_s=5.0)
    finally:
        await llm.aclose()

    formats = [r.get("response_format") for r in fake.requests]
    assert [f["type"] if f else None for f in formats] == ["json_schema", None, "json_schema"]


async def test_a_400_about_something_else_is_rejected_and_not_asked_again(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue(Reply(status=400, text="'messages' must contain the word 'json'"))

    with pytest.raises(ProviderRejected) as caught:
        await provider.generate(ASK, schema=SCHEMA, timeout_s=5.0)

    assert caught.value.status == 400
    assert len(fake.requests) == 1


# ---- errors and retries ------------------------------------------------------------------------


async def test_a_429_with_retry_after_is_rate_limited_with_the_wait(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue(error(429, retry_after=7))

    with pytest.raises(ProviderRateLimited) as caught:
        await provider.generate(ASK, timeout_s=5.0)

    assert caught.value.retry_after_s == 7.0
    assert "Rate limit reached" in caught.value.detail


async def test_retry_after_ms_is_preferred_to_retry_after(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue(Reply(status=429, headers={"retry-after-ms": "250", "Retry-After": "1"}))

    with pytest.raises(ProviderRateLimited) as caught:
        await provider.generate(ASK, timeout_s=5.0)

    assert caught.value.retry_after_s == pytest.approx(0.25)


async def test_a_429_then_an_answer_succeeds_after_waiting_about_retry_after(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue(error(429, retry_after=0.3), "ok")

    started = time.perf_counter()
    completion = await call_with_retries(
        lambda: provider.generate(ASK, timeout_s=5.0),
        provider="openai",
        timeout_s=5.0,
        max_retries=2,
        initial_wait_s=5.0,  # a fallback wait would be far longer: the 0.3 s came from the header
    )
    waited = time.perf_counter() - started

    assert completion.text == "ok"
    assert len(fake.requests) == 2
    assert 0.3 <= waited < 2.0


async def test_exceeded_quota_is_rejected_not_retried(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue(quota_exceeded(), "never reached")

    with pytest.raises(ProviderRejected) as caught:
        await call_with_retries(
            lambda: provider.generate(ASK, timeout_s=5.0),
            provider="openai",
            timeout_s=5.0,
            max_retries=2,
            initial_wait_s=0.01,
        )

    assert caught.value.status == 429
    assert len(fake.requests) == 1


async def test_a_500_is_unavailable_and_retried(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue(error(500))
    with pytest.raises(ProviderUnavailable) as caught:
        await provider.generate(ASK, timeout_s=5.0)
    assert caught.value.status == 500

    fake.script.queue(error(500), error(503), "ok")
    completion = await call_with_retries(
        lambda: provider.generate(ASK, timeout_s=5.0),
        provider="openai",
        timeout_s=5.0,
        max_retries=2,
        initial_wait_s=0.01,
    )
    assert completion.text == "ok"
    assert len(fake.requests) == 4


@pytest.mark.parametrize("status", [401, 403, 404])
async def test_auth_and_unknown_model_errors_are_rejected_and_not_retried(
    fake: FakeOpenAI, provider: OpenAICompatProvider, status: int
) -> None:
    fake.script.queue(error(status), "never reached")

    with pytest.raises(ProviderRejected) as caught:
        await call_with_retries(
            lambda: provider.generate(ASK, timeout_s=5.0),
            provider="openai",
            timeout_s=5.0,
            max_retries=2,
            initial_wait_s=0.01,
        )

    assert caught.value.status == status
    assert len(fake.requests) == 1


async def test_a_401_without_a_key_says_which_setting_to_set(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue(error(401))

    with pytest.raises(ProviderRejected, match="OPENAI_API_KEY is not set"):
        await provider.generate(ASK, timeout_s=5.0)


async def test_the_api_key_never_appears_in_an_error_message(fake: FakeOpenAI) -> None:
    key = "sk-secret-value-1234567890"
    llm = OpenAICompatProvider(base_url=fake.url, model="llama3.1", api_key=key)
    fake.script.queue(Reply(status=401, text=f"Incorrect API key provided: {key}."))
    try:
        with pytest.raises(ProviderRejected) as caught:
            await llm.generate(ASK, timeout_s=5.0)
    finally:
        await llm.aclose()

    assert key not in str(caught.value)
    assert fake.authorizations == [f"Bearer {key}"]


async def test_a_slow_answer_past_the_timeout_is_a_provider_timeout(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue(Reply(text="late", delay_s=2.0), Reply(text="late", delay_s=2.0))

    started = time.perf_counter()
    with pytest.raises(ProviderTimeout):
        await provider.generate(ASK, timeout_s=0.3)  # the SDK's own timeout, no retry loop
    with pytest.raises(ProviderTimeout):
        await call_with_retries(
            lambda: provider.generate(ASK, timeout_s=0.3),
            provider="openai",
            timeout_s=0.3,
            max_retries=0,
        )

    assert time.perf_counter() - started < 1.5
    assert len(fake.requests) == 2


async def test_the_sdk_does_not_retry_on_its_own(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    fake.script.queue(error(500), error(429, retry_after=0), "never reached")

    with pytest.raises(ProviderUnavailable):
        await provider.generate(ASK, timeout_s=5.0)
    assert len(fake.requests) == 1
    with pytest.raises(ProviderRateLimited):
        await provider.generate(ASK, timeout_s=5.0)
    assert len(fake.requests) == 2


async def test_a_server_that_is_not_there_is_unavailable(fake: FakeOpenAI) -> None:
    await fake.stop()
    llm = OpenAICompatProvider(base_url=fake.url, model="llama3.1")
    try:
        with pytest.raises(ProviderUnavailable, match="cannot reach"):
            await llm.generate(ASK, timeout_s=5.0)
    finally:
        await llm.aclose()


# ---- configuration -----------------------------------------------------------------------------


def test_hosted_openai_without_a_key_is_not_configured_naming_the_variable() -> None:
    with pytest.raises(ProviderNotConfigured) as caught:
        OpenAICompatProvider.from_settings(
            settings(openai_base_url="https://api.openai.com/v1", openai_api_key=None)
        )

    assert caught.value.setting == "OPENAI_API_KEY"
    assert "OPENAI_API_KEY" in str(caught.value)


def test_an_empty_model_is_not_configured_naming_the_variable() -> None:
    with pytest.raises(ProviderNotConfigured) as caught:
        OpenAICompatProvider.from_settings(
            settings(openai_base_url="http://localhost:11434/v1", openai_model="")
        )

    assert caught.value.setting == "OPENAI_MODEL"


@pytest.mark.parametrize(
    ("base_url", "local"),
    [
        ("https://api.openai.com/v1", False),
        ("https://eu.api.openai.com/v1", False),
        ("http://localhost:11434/v1", True),
        ("http://vllm.internal:8000/v1", True),
    ],
)
async def test_is_local_is_true_unless_the_host_is_openai(base_url: str, local: bool) -> None:
    llm = OpenAICompatProvider(base_url=base_url, model="m", api_key="sk-test-key-000")
    assert llm.is_local is local
    await llm.aclose()


async def test_a_local_server_needs_no_key_and_gets_a_placeholder(fake: FakeOpenAI) -> None:
    llm = OpenAICompatProvider.from_settings(
        settings(openai_base_url=fake.url, openai_model="llama3.1", openai_api_key=None)
    )
    fake.script.queue("ok")
    try:
        completion = await llm.generate(ASK, timeout_s=5.0)
    finally:
        await llm.aclose()

    assert llm.is_local
    assert llm.name == "openai"
    assert completion.text == "ok"
    assert fake.authorizations == ["Bearer not-needed"]


# ---- health ------------------------------------------------------------------------------------


async def test_health_is_ok_when_the_server_lists_its_models(
    fake: FakeOpenAI, provider: OpenAICompatProvider
) -> None:
    health = await provider.health()

    assert health.ok
    assert (health.provider, health.model) == ("openai", "llama3.1")
    assert "2 models served" in health.detail
    assert fake.models_calls == 1
    assert fake.requests == []  # no tokens spent


@pytest.mark.parametrize("status", [401, 503])
async def test_health_is_not_ok_when_listing_models_fails(
    fake: FakeOpenAI, provider: OpenAICompatProvider, status: int
) -> None:
    fake.models_status = status

    health = await provider.health()

    assert not health.ok
    assert str(status) in health.detail
    assert fake.models_calls == 1  # the SDK did not retry


async def test_health_is_not_ok_when_the_server_is_down(fake: FakeOpenAI) -> None:
    await fake.stop()
    llm = OpenAICompatProvider(base_url=fake.url, model="llama3.1", timeout_s=2.0)
    try:
        health = await llm.health()
    finally:
        await llm.aclose()

    assert not health.ok
    assert "cannot reach" in health.detail
