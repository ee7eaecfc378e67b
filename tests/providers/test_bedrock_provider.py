"""The Bedrock provider: the real aioboto3 client against a local fake of bedrock-runtime's
Converse API that checks SigV4 signatures the way AWS does."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings
from providers.base import LLMProvider, Message
from providers.bedrock import (
    BedrockProvider,
    Family,
    Structured,
    converse_request,
    model_family,
)
from providers.errors import (
    ProviderEmptyAnswer,
    ProviderNotConfigured,
    ProviderRateLimited,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from providers.retry import call_with_retries
from tests.fakes.bedrock_api import FakeBedrock, running_fake_bedrock
from tests.fakes.llm_env import isolate_llm_env
from tests.fakes.llm_script import Reply, error

CLAUDE = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
TITAN = "amazon.titan-text-premier-v1:0"
MISTRAL_LARGE = "mistral.mistral-large-2407-v1:0"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"chart": {"type": "string"}},
    "required": ["chart"],
}
ASK = [Message("system", "You plan charts."), Message("user", "Revenue by month?")]

MakeProvider = Callable[..., BedrockProvider]


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_llm_env(monkeypatch, tmp_path)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBedrock]:
    async with running_fake_bedrock() as server:
        yield server


@pytest.fixture
async def make_provider(fake: FakeBedrock) -> AsyncIterator[MakeProvider]:
    """Providers built from settings pointing at the fake; all closed at the end of the test."""
    made: list[BedrockProvider] = []

    def make(model_id: str = CLAUDE, **settings: Any) -> BedrockProvider:
        values: dict[str, Any] = {
            "bedrock_region": fake.region,
            "bedrock_endpoint_url": fake.url,
            "bedrock_model_id": model_id,
            "llm_timeout_s": 5.0,
        }
        provider = BedrockProvider.from_settings(Settings(_env_file=None, **(values | settings)))
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


@pytest.fixture
def closed_port_url() -> str:
    """A local URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# ---- answers -------------------------------------------------------------------------------------


async def test_a_clean_answer_carries_text_usage_model_and_latency(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(Reply(text="a bar chart", input_tokens=321, output_tokens=12, delay_s=0.05))

    provider: LLMProvider = make_provider()  # mypy checks BedrockProvider meets the protocol

    completion = await provider.generate(ASK, timeout_s=5)

    assert completion.text == "a bar chart"
    assert completion.provider == "bedrock"
    assert completion.model == CLAUDE
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (321, 12)
    assert 50 <= completion.latency_ms < 2000
    assert completion.parsed is None
    # The inference profile id travelled URL-encoded (':' as %3A) and arrived intact.
    assert fake.script.requests[0]["modelId"] == CLAUDE


async def test_the_system_prompt_and_turns_reach_the_wire_in_converse_shape(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue("ok")
    messages = [
        Message("system", "You plan charts."),
        Message("user", "Revenue by month?"),
        Message("assistant", "Which year?"),
        Message("user", "2024."),
        Message("user", "Bars, please."),
        Message("system", "Answer in English."),
    ]

    await make_provider().generate(messages, temperature=0.2, max_tokens=300, timeout_s=5)

    sent = fake.script.requests[0]
    assert sent["system"] == [{"text": "You plan charts.\n\nAnswer in English."}]
    assert sent["messages"] == [
        {"role": "user", "content": [{"text": "Revenue by month?"}]},
        {"role": "assistant", "content": [{"text": "Which year?"}]},
        {"role": "user", "content": [{"text": "2024.\n\nBars, please."}]},
    ]
    assert sent["inferenceConfig"] == {"temperature": 0.2, "maxTokens": 300}
    assert "toolConfig" not in sent


async def test_a_schema_reaches_claude_as_a_forced_answer_tool_and_its_input_is_parsed(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(Reply(structured={"chart": "bar"}))

    completion = await make_provider().generate(ASK, schema=SCHEMA, timeout_s=5)

    assert completion.parsed == {"chart": "bar"}
    assert completion.text == '{"chart": "bar"}'
    tool_config = fake.script.requests[0]["toolConfig"]
    assert tool_config["toolChoice"] == {"tool": {"name": "answer"}}
    [tool] = tool_config["tools"]
    assert tool["toolSpec"]["name"] == "answer"
    assert tool["toolSpec"]["inputSchema"] == {"json": SCHEMA}


async def test_titan_gets_the_system_prompt_folded_into_the_first_turn_and_the_schema_as_text(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue('{"chart": "line"}')

    completion = await make_provider(TITAN).generate(ASK, schema=SCHEMA, timeout_s=5)

    assert completion.text == '{"chart": "line"}'
    assert completion.parsed is None  # callers parse the text
    sent = fake.script.requests[0]
    assert "system" not in sent
    assert "toolConfig" not in sent
    [first] = sent["messages"]
    text = first["content"][0]["text"]
    assert text.startswith("You plan charts.\n\n")
    assert '"required":["chart"]' in text
    assert text.endswith("Revenue by month?")


async def test_mistral_large_gets_the_tool_with_auto_choice_and_may_answer_in_text(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(Reply(structured={"chart": "pie"}), '{"chart": "area"}')
    provider = make_provider(MISTRAL_LARGE)

    by_tool = await provider.generate(ASK, schema=SCHEMA, timeout_s=5)
    by_text = await provider.generate(ASK, schema=SCHEMA, timeout_s=5)

    assert by_tool.parsed == {"chart": "pie"}
    assert (by_text.text, by_text.parsed) == ('{"chart": "area"}', None)
    assert fake.script.requests[0]["toolConfig"]["toolChoice"] == {"auto": {}}
    assert "answer" in fake.script.requests[0]["system"][0]["text"]


@pytest.mark.parametrize(
    ("model_id", "structured", "system_field"),
    [
        ("anthropic.claude-3-5-haiku-20241022-v1:0", Structured.FORCED_TOOL, True),
        ("us.anthropic.claude-sonnet-4-20250514-v1:0", Structured.FORCED_TOOL, True),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", Structured.FORCED_TOOL, True),
        ("anthropic.claude-v2:1", Structured.PROMPT, True),
        ("eu.amazon.nova-pro-v1:0", Structured.FORCED_TOOL, True),
        ("apac.amazon.nova-lite-v1:0", Structured.FORCED_TOOL, True),
        ("amazon.titan-text-express-v1", Structured.PROMPT, False),
        ("us.meta.llama3-1-70b-instruct-v1:0", Structured.PROMPT, True),
        ("mistral.mistral-large-2402-v1:0", Structured.AUTO_TOOL, True),
        ("mistral.mixtral-8x7b-instruct-v0:1", Structured.PROMPT, False),
        ("cohere.command-r-plus-v1:0", Structured.AUTO_TOOL, True),
        ("cohere.command-text-v14", Structured.PROMPT, False),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-micro-v1:0",
            Structured.FORCED_TOOL,
            True,
        ),
        ("some-vendor.brand-new-model-v1:0", Structured.PROMPT, True),
    ],
)
def test_the_family_rules_decide_structured_output_and_the_system_field(
    model_id: str, structured: Structured, system_field: bool
) -> None:
    assert model_family(model_id) == Family(structured, system_field=system_field)


def test_a_titan_conversation_that_opens_with_the_assistant_gets_a_user_turn_for_the_system() -> (
    None
):
    messages = [Message("system", "Be terse."), Message("assistant", "Hi."), Message("user", "Go")]

    request = converse_request(
        model_family(TITAN), messages, schema=None, temperature=0.0, max_tokens=10
    )

    assert [m["role"] for m in request["messages"]] == ["user", "assistant", "user"]
    assert request["messages"][0]["content"] == [{"text": "Be terse."}]


# ---- errors and retries --------------------------------------------------------------------------


async def test_a_429_with_retry_after_is_rate_limited_with_retry_after_s(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(error(429, retry_after=0.3))

    with pytest.raises(ProviderRateLimited) as caught:
        await make_provider().generate(ASK, timeout_s=5)

    assert caught.value.retry_after_s == pytest.approx(0.3)
    assert "ThrottlingException" in str(caught.value)


async def test_throttling_then_an_answer_succeeds_after_waiting_about_retry_after(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(error(429, retry_after=0.3), "finally")
    provider = make_provider()

    started = time.perf_counter()
    completion = await call_with_retries(
        lambda: provider.generate(ASK, timeout_s=5), provider="bedrock", timeout_s=5, max_retries=2
    )

    assert completion.text == "finally"
    assert 0.3 <= time.perf_counter() - started < 1.5
    assert len(fake.script.requests) == 2


@pytest.mark.parametrize("code", ["ServiceQuotaExceededException", "ThrottlingException"])
async def test_quota_and_throttling_codes_are_rate_limits(
    fake: FakeBedrock, make_provider: MakeProvider, code: str
) -> None:
    fake.script.queue(Reply(status=429, headers={"x-amzn-ErrorType": code}))

    with pytest.raises(ProviderRateLimited) as caught:
        await make_provider().generate(ASK, timeout_s=5)

    assert caught.value.retry_after_s is None


async def test_a_500_is_unavailable_and_retried(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(error(500))
    provider = make_provider()
    with pytest.raises(ProviderUnavailable) as caught:
        await provider.generate(ASK, timeout_s=5)
    assert caught.value.status == 500

    fake.script.queue(error(503), "recovered")
    completion = await call_with_retries(
        lambda: provider.generate(ASK, timeout_s=5),
        provider="bedrock",
        timeout_s=5,
        max_retries=2,
        initial_wait_s=0.01,
    )
    assert completion.text == "recovered"


async def test_a_model_that_is_not_ready_yet_is_unavailable_not_rate_limited(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(Reply(status=429, headers={"x-amzn-ErrorType": "ModelNotReadyException"}))

    with pytest.raises(ProviderUnavailable):
        await make_provider().generate(ASK, timeout_s=5)


async def test_the_sdks_own_retries_are_off(fake: FakeBedrock, make_provider: MakeProvider) -> None:
    fake.script.queue(error(500), error(429))
    provider = make_provider()

    with pytest.raises(ProviderUnavailable):
        await provider.generate(ASK, timeout_s=5)
    with pytest.raises(ProviderRateLimited):
        await provider.generate(ASK, timeout_s=5)

    assert len(fake.script.requests) == 2


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "ValidationException"),
        (401, "UnrecognizedClientException"),
        (403, "AccessDeniedException"),
        (404, "ResourceNotFoundException"),
    ],
)
async def test_client_errors_are_rejected_and_not_retried(
    fake: FakeBedrock, make_provider: MakeProvider, status: int, code: str
) -> None:
    fake.script.queue(error(status), "never reached")
    provider = make_provider()

    with pytest.raises(ProviderRejected) as caught:
        await call_with_retries(
            lambda: provider.generate(ASK, timeout_s=5),
            provider="bedrock",
            timeout_s=5,
            max_retries=2,
        )

    assert caught.value.status == status
    assert code in str(caught.value)
    assert len(fake.script.requests) == 1


async def test_a_slow_answer_past_the_timeout_is_a_provider_timeout(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(Reply(text="too late", delay_s=2.0))

    started = time.perf_counter()
    with pytest.raises(ProviderTimeout) as caught:
        await make_provider().generate(ASK, timeout_s=0.3)

    assert caught.value.timeout_s == 0.3
    assert time.perf_counter() - started < 1.5


async def test_botocores_read_timeout_is_a_provider_timeout(fake: FakeBedrock) -> None:
    fake.script.queue(Reply(text="too late", delay_s=2.0))
    provider = BedrockProvider(
        model_id=CLAUDE, region=fake.region, endpoint_url=fake.url, read_timeout_s=0.3
    )
    try:
        with pytest.raises(ProviderTimeout) as caught:
            await provider.generate(ASK, timeout_s=5)
    finally:
        await provider.aclose()

    assert caught.value.timeout_s == 0.3
    assert len(fake.script.requests) == 1  # and botocore did not retry it


async def test_a_model_timeout_is_a_provider_timeout(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(error(408))

    with pytest.raises(ProviderTimeout):
        await make_provider().generate(ASK, timeout_s=5)


async def test_an_unreachable_endpoint_is_unavailable(
    make_provider: MakeProvider, closed_port_url: str
) -> None:
    provider = make_provider(bedrock_endpoint_url=closed_port_url)

    with pytest.raises(ProviderUnavailable):
        await provider.generate(ASK, timeout_s=5)


@pytest.mark.parametrize("text", ["", "  \n "])
async def test_an_empty_answer_is_provider_empty_answer(
    fake: FakeBedrock, make_provider: MakeProvider, text: str
) -> None:
    fake.script.queue(Reply(text=text))

    with pytest.raises(ProviderEmptyAnswer):
        await make_provider().generate(ASK, timeout_s=5)


@pytest.mark.parametrize("stop_reason", ["guardrail_intervened", "content_filtered"])
async def test_a_blocked_answer_is_provider_empty_answer(
    fake: FakeBedrock, make_provider: MakeProvider, stop_reason: str
) -> None:
    fake.stop_reason = stop_reason
    fake.script.queue("Sorry, the model cannot answer this question.")

    with pytest.raises(ProviderEmptyAnswer, match=stop_reason):
        await make_provider().generate(ASK, timeout_s=5)


# ---- configuration and credentials ---------------------------------------------------------------


async def test_without_a_region_anywhere_it_is_not_configured_naming_bedrock_region() -> None:
    with pytest.raises(ProviderNotConfigured) as caught:
        BedrockProvider.from_settings(Settings(_env_file=None, bedrock_region=None))

    assert caught.value.setting == "BEDROCK_REGION"
    assert "BEDROCK_REGION" in str(caught.value)


async def test_without_bedrock_region_the_aws_chains_region_is_used(
    monkeypatch: pytest.MonkeyPatch, fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", fake.region)  # botocore ignores AWS_REGION
    fake.script.queue("from the chain's region")

    provider = make_provider(bedrock_region=None)

    assert provider.region == fake.region
    assert (await provider.generate(ASK, timeout_s=5)).text == "from the chain's region"


async def test_an_aws_profile_that_does_not_exist_is_not_configured_naming_aws_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "chartroom-nowhere")

    with pytest.raises(ProviderNotConfigured) as caught:
        BedrockProvider.from_settings(Settings(_env_file=None, bedrock_region=None))

    assert caught.value.setting == "AWS_PROFILE"
    assert "chartroom-nowhere" in str(caught.value)


async def test_without_credentials_it_is_not_configured_naming_the_aws_variables(
    monkeypatch: pytest.MonkeyPatch, fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")

    with pytest.raises(ProviderNotConfigured) as caught:
        await make_provider().generate(ASK, timeout_s=5)

    assert "AWS_ACCESS_KEY_ID" in caught.value.setting
    assert "AWS_PROFILE" in caught.value.setting
    assert fake.script.requests == []
    assert fake.rejected == []  # nothing unsigned was sent


async def test_a_wrong_secret_fails_the_signature_check_and_the_right_one_passes(
    monkeypatch: pytest.MonkeyPatch, fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.default = Reply(text="signed correctly")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    wrong = make_provider()
    with pytest.raises(ProviderRejected) as caught:
        await wrong.generate(ASK, timeout_s=5)
    assert caught.value.status == 403
    assert "InvalidSignatureException" in str(caught.value)
    assert "not-the-secret" not in str(caught.value)

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FakeBedrock.secret_key)
    right = make_provider()
    assert (await right.generate(ASK, schema=SCHEMA, timeout_s=5)).text == "signed correctly"

    assert fake.rejected == ["InvalidSignatureException"]
    assert len(fake.script.requests) == 1


async def test_an_unknown_access_key_is_rejected(
    monkeypatch: pytest.MonkeyPatch, fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDSOMEONEELSE00001")

    with pytest.raises(ProviderRejected, match="UnrecognizedClientException"):
        await make_provider().generate(ASK, timeout_s=5)


# ---- health and lifecycle ------------------------------------------------------------------------


async def test_health_is_ok_after_a_one_token_converse(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(Reply(text="p", output_tokens=1))

    health = await make_provider().health()

    assert (health.provider, health.model, health.ok) == ("bedrock", CLAUDE, True)
    assert fake.region in health.detail
    assert fake.script.requests[0]["inferenceConfig"] == {"maxTokens": 1}


async def test_health_is_not_ok_when_access_is_denied(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.queue(error(403))

    health = await make_provider().health()

    assert not health.ok
    assert "AccessDeniedException" in health.detail


async def test_health_is_not_ok_without_credentials(
    monkeypatch: pytest.MonkeyPatch, make_provider: MakeProvider
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")

    health = await make_provider().health()

    assert not health.ok
    assert "AWS_ACCESS_KEY_ID" in health.detail


async def test_one_client_serves_concurrent_calls_and_reopens_after_aclose(
    fake: FakeBedrock, make_provider: MakeProvider
) -> None:
    fake.script.default = Reply(text="same client", delay_s=0.05)
    provider = make_provider()

    answers = await asyncio.gather(*(provider.generate(ASK, timeout_s=5) for _ in range(5)))
    await provider.aclose()
    again = await provider.generate(ASK, timeout_s=5)

    assert {a.text for a in answers} == {again.text} == {"same client"}
    assert len(fake.script.requests) == 6
