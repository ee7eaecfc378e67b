"""The Gemini provider: the real google-genai client against a local fake of the Gemini API."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

import pytest
from pydantic import BaseModel

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
from providers.gemini import GeminiProvider
from providers.retry import call_with_retries
from tests.fakes.gemini_api import FakeGemini, running_fake_gemini
from tests.fakes.llm_script import Reply, error

pytestmark = pytest.mark.filterwarnings(
    # google-genai subclasses aiohttp.ClientSession for its sessions, which aiohttp deprecates.
    "ignore:Inheritance class AiohttpClientSession:DeprecationWarning"
)

MODEL = "gemini-2.5-flash"
ASK = [Message("system", "You plan charts."), Message("user", "Plot sales by month")]

MakeGemini = Callable[..., GeminiProvider]


@pytest.fixture
async def fake() -> AsyncIterator[FakeGemini]:
    async with running_fake_gemini() as server:
        yield server


@pytest.fixture
async def make_gemini(fake: FakeGemini) -> AsyncIterator[MakeGemini]:
    """Providers pointed at the fake (override any constructor argument); closed afterwards."""
    made: list[GeminiProvider] = []

    def make(**overrides: Any) -> GeminiProvider:
        arguments: dict[str, Any] = {
            "api_key": fake.api_key,
            "model": MODEL,
            "base_url": fake.url,
            "timeout_s": 5,
        }
        provider = GeminiProvider(**(arguments | overrides))
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


@pytest.fixture
def gemini(make_gemini: MakeGemini) -> GeminiProvider:
    return make_gemini()


async def with_our_retries(
    gemini: GeminiProvider, *, timeout_s: float = 5.0, max_retries: int = 2
) -> Any:
    return await call_with_retries(
        lambda: gemini.generate(ASK, timeout_s=timeout_s),
        provider=gemini.name,
        timeout_s=timeout_s,
        max_retries=max_retries,
        initial_wait_s=0.05,
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# ---- answers -----------------------------------------------------------------------------------


async def test_a_clean_answer_carries_the_text_usage_model_and_latency(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue(Reply(text='{"kind": "bar"}', input_tokens=321, output_tokens=12))

    completion = await gemini.generate(ASK, timeout_s=5)

    assert completion.text == '{"kind": "bar"}'
    assert (completion.provider, completion.model) == ("gemini", MODEL)
    assert completion.usage == Usage(input_tokens=321, output_tokens=12)
    assert completion.latency_ms > 0
    assert completion.parsed is None


async def test_the_call_goes_to_v1beta_generate_content_with_the_key_in_x_goog_api_key(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue("ok")

    await gemini.generate(ASK, timeout_s=5)

    [call] = fake.calls
    assert (call.method, call.path) == ("POST", f"/v1beta/models/{MODEL}:generateContent")
    assert call.api_key == fake.api_key


async def test_system_messages_become_the_system_instruction_and_turns_keep_order_and_roles(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue("ok")
    messages = [
        Message("system", "Be brief."),
        Message("user", "first question"),
        Message("assistant", "first answer"),
        Message("system", "Answer in JSON."),
        Message("user", "second question"),
    ]

    await gemini.generate(messages, timeout_s=5)

    [body] = fake.script.requests
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief.\n\nAnswer in JSON."}]}
    assert body["contents"] == [
        {"role": "user", "parts": [{"text": "first question"}]},
        {"role": "model", "parts": [{"text": "first answer"}]},
        {"role": "user", "parts": [{"text": "second question"}]},
    ]


async def test_temperature_and_max_tokens_reach_the_generation_config_without_json_mode(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue("ok")

    await gemini.generate(ASK, temperature=0.4, max_tokens=512, timeout_s=5)

    assert fake.script.requests[0]["generationConfig"] == {
        "temperature": 0.4,
        "maxOutputTokens": 512,
    }


async def test_a_schema_is_sent_as_response_json_schema_with_the_json_mime_type(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    class Axis(BaseModel):
        column: str
        label: str | None = None

    class ChartPlan(BaseModel):
        kind: Literal["bar", "line"]
        x: Axis
        y: list[Axis]

    schema = ChartPlan.model_json_schema()
    assert "$defs" in schema  # the shape Gemini's older responseSchema field could not take
    fake.script.queue('{"kind": "bar", "x": {"column": "month"}, "y": [{"column": "sales"}]}')

    completion = await gemini.generate(ASK, schema=schema, timeout_s=5)

    config = fake.script.requests[0]["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"] == schema
    assert "responseSchema" not in config
    assert ChartPlan.model_validate_json(completion.text).x.column == "month"


async def test_one_provider_serves_concurrent_calls(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.default = Reply(text="same")

    answers = await asyncio.gather(*(gemini.generate(ASK, timeout_s=5) for _ in range(5)))

    assert [a.text for a in answers] == ["same"] * 5
    assert len(fake.script.requests) == 5


# ---- rate limits, server errors, timeouts -----------------------------------------------------


async def test_a_429_with_retry_after_is_rate_limited_and_carries_the_wait(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue(error(429, retry_after=0.3))

    with pytest.raises(ProviderRateLimited) as caught:
        await gemini.generate(ASK, timeout_s=5)

    assert caught.value.retry_after_s == 0.3
    assert "RESOURCE_EXHAUSTED" in caught.value.detail
    assert len(fake.script.requests) == 1  # the SDK did not retry it on its own


async def test_a_429_takes_its_wait_from_gemini_retry_info_when_no_header_is_sent(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.retry_info_in_body = True
    fake.script.queue(error(429, retry_after=0.3))

    with pytest.raises(ProviderRateLimited) as caught:
        await gemini.generate(ASK, timeout_s=5)

    assert caught.value.retry_after_s == 0.3


async def test_through_our_retries_a_429_then_an_answer_succeeds_after_the_wait(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue(error(429, retry_after=0.3), "done")
    started = time.perf_counter()

    completion = await with_our_retries(gemini)

    assert completion.text == "done"
    assert len(fake.script.requests) == 2
    assert 0.3 <= time.perf_counter() - started < 2.0


async def test_a_500_is_unavailable_and_the_sdk_sends_it_only_once(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue(error(500), "never asked for")

    with pytest.raises(ProviderUnavailable) as caught:
        await gemini.generate(ASK, timeout_s=5)

    assert caught.value.status == 500
    assert "INTERNAL" in caught.value.detail
    assert len(fake.script.requests) == 1


@pytest.mark.parametrize("status", [500, 503])
async def test_through_our_retries_a_server_error_then_an_answer_succeeds(
    fake: FakeGemini, gemini: GeminiProvider, status: int
) -> None:
    fake.script.queue(error(status), "recovered")

    completion = await with_our_retries(gemini)

    assert completion.text == "recovered"
    assert len(fake.script.requests) == 2


async def test_a_slow_answer_past_the_timeout_is_a_provider_timeout(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue(Reply(text="too late", delay_s=1.0))
    started = time.perf_counter()

    with pytest.raises(ProviderTimeout) as caught:
        await gemini.generate(ASK, timeout_s=0.2)

    assert caught.value.timeout_s == 0.2
    assert time.perf_counter() - started < 0.8


async def test_through_our_retries_a_slow_answer_is_retried_and_the_next_one_answers(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue(Reply(text="too late", delay_s=1.0), "in time")

    completion = await with_our_retries(gemini, timeout_s=0.3, max_retries=1)

    assert completion.text == "in time"
    assert len(fake.script.requests) == 2


async def test_an_unreachable_api_is_unavailable_at_once_without_the_sdk_retrying(
    make_gemini: MakeGemini,
) -> None:
    gemini = make_gemini(base_url=f"http://127.0.0.1:{closed_port()}")
    started = time.perf_counter()

    with pytest.raises(ProviderUnavailable) as caught:
        await gemini.generate(ASK, timeout_s=5)

    assert "cannot connect" in caught.value.detail
    # google-genai sleeps 1-10 s and retries a connection error itself unless retry_options is set.
    assert time.perf_counter() - started < 1.0


# ---- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code_name"),
    [
        (400, "INVALID_ARGUMENT"),
        (401, "UNAUTHENTICATED"),
        (403, "PERMISSION_DENIED"),
        (404, "NOT_FOUND"),
    ],
)
async def test_client_errors_are_rejected_and_not_retried(
    fake: FakeGemini, gemini: GeminiProvider, status: int, code_name: str
) -> None:
    fake.script.queue(error(status), "never asked for")

    with pytest.raises(ProviderRejected) as caught:
        await with_our_retries(gemini)

    assert caught.value.status == status
    assert code_name in caught.value.detail
    assert len(fake.script.requests) == 1


async def test_a_wrong_api_key_is_rejected_with_geminis_message(
    fake: FakeGemini, make_gemini: MakeGemini
) -> None:
    gemini = make_gemini(api_key="AIza-not-the-right-key")

    with pytest.raises(ProviderRejected) as caught:
        await gemini.generate(ASK, timeout_s=5)

    assert caught.value.status == 400
    assert "API key not valid" in caught.value.detail


async def test_the_api_key_never_appears_in_an_error_message(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue(Reply(status=403, text=f"API key {fake.api_key} was suspended"))

    with pytest.raises(ProviderRejected) as caught:
        await gemini.generate(ASK, timeout_s=5)

    assert fake.api_key not in str(caught.value)
    assert "was suspended" in caught.value.detail


async def test_messages_without_a_user_turn_are_rejected_before_any_request(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    with pytest.raises(ProviderRejected):
        await gemini.generate([Message("system", "only a system prompt")], timeout_s=5)

    assert fake.calls == []


async def test_a_model_id_the_sdk_refuses_is_rejected_not_a_value_error(
    fake: FakeGemini, make_gemini: MakeGemini
) -> None:
    gemini = make_gemini(model="gemini?key=x")

    with pytest.raises(ProviderRejected) as caught:
        await gemini.generate(ASK, timeout_s=5)

    assert "invalid model" in caught.value.detail
    assert fake.calls == []


# ---- empty answers ----------------------------------------------------------------------------


@pytest.mark.parametrize("finish_reason", ["SAFETY", "MAX_TOKENS", "RECITATION"])
async def test_an_answer_without_text_is_an_empty_answer_naming_the_finish_reason(
    fake: FakeGemini, gemini: GeminiProvider, finish_reason: str
) -> None:
    fake.empty_finish_reason = finish_reason
    fake.script.queue(Reply(text=""))

    with pytest.raises(ProviderEmptyAnswer) as caught:
        await gemini.generate(ASK, timeout_s=5)

    assert f"finish reason {finish_reason}" in caught.value.detail


async def test_a_blocked_prompt_is_an_empty_answer_naming_the_block_reason(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.prompt_block_reason = "PROHIBITED_CONTENT"
    fake.script.queue("never shown")

    with pytest.raises(ProviderEmptyAnswer) as caught:
        await gemini.generate(ASK, timeout_s=5)

    assert "PROHIBITED_CONTENT" in caught.value.detail


async def test_a_whitespace_only_answer_is_an_empty_answer(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.script.queue(" \n ")

    with pytest.raises(ProviderEmptyAnswer):
        await gemini.generate(ASK, timeout_s=5)


async def test_a_budget_spent_on_thinking_is_an_empty_answer_saying_max_tokens_ran_out(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.empty_finish_reason = "MAX_TOKENS"
    fake.script.queue(Reply(text="", output_tokens=2048))

    with pytest.raises(ProviderEmptyAnswer) as caught:
        await gemini.generate(ASK, max_tokens=2048, timeout_s=5)

    assert "max_tokens ran out" in caught.value.detail


async def test_thinking_tokens_count_as_output_tokens(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    fake.thoughts_tokens = 900
    fake.script.queue(Reply(text="ok", input_tokens=100, output_tokens=20))

    completion = await gemini.generate(ASK, timeout_s=5)

    assert completion.usage == Usage(input_tokens=100, output_tokens=920)


# ---- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize("api_key", [None, "", "   "])
def test_a_missing_api_key_is_not_configured_and_names_gemini_api_key(api_key: str | None) -> None:
    settings = Settings(_env_file=None, gemini_api_key=api_key)

    with pytest.raises(ProviderNotConfigured) as caught:
        GeminiProvider.from_settings(settings)

    assert caught.value.setting == "GEMINI_API_KEY"
    assert "GEMINI_API_KEY" in str(caught.value)


async def test_from_settings_uses_the_configured_key_model_and_base_url(fake: FakeGemini) -> None:
    settings = Settings(
        _env_file=None,
        gemini_api_key=fake.api_key,
        gemini_model="gemini-2.5-pro",
        gemini_base_url=fake.url,
    )
    gemini = GeminiProvider.from_settings(settings)
    fake.script.queue("hello")
    try:
        completion = await gemini.generate(ASK, timeout_s=5)
    finally:
        await gemini.aclose()

    assert (completion.text, completion.model) == ("hello", "gemini-2.5-pro")
    assert fake.calls[0].path == "/v1beta/models/gemini-2.5-pro:generateContent"
    assert fake.calls[0].api_key == fake.api_key


# ---- health -------------------------------------------------------------------------------------


async def test_health_is_ok_when_the_model_is_found_and_spends_no_generation(
    fake: FakeGemini, gemini: GeminiProvider
) -> None:
    health = await gemini.health()

    assert (health.provider, health.model, health.ok) == ("gemini", MODEL, True)
    assert [(c.method, c.path) for c in fake.calls] == [("GET", f"/v1beta/models/{MODEL}")]
    assert fake.calls[0].api_key == fake.api_key
    assert fake.script.requests == []


async def test_health_is_not_ok_for_an_unknown_model(make_gemini: MakeGemini) -> None:
    health = await make_gemini(model="gemini-0-imaginary").health()

    assert not health.ok
    assert "404" in health.detail
    assert "not found" in health.detail


async def test_health_is_not_ok_for_a_wrong_key(make_gemini: MakeGemini) -> None:
    health = await make_gemini(api_key="AIza-not-the-right-key").health()

    assert not health.ok
    assert "API key not valid" in health.detail


async def test_health_is_not_ok_when_the_api_cannot_be_reached(make_gemini: MakeGemini) -> None:
    health = await make_gemini(base_url=f"http://127.0.0.1:{closed_port()}").health()

    assert not health.ok
    assert "cannot connect" in health.detail
