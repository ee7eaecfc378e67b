"""The fallback chain, built by `make_chain` from settings, with the real provider clients
(openai, google-genai, aioboto3) against the local fakes of their APIs.

Every chain here comes from a `Settings` object, so the settings that wire it up are the ones
under test: OPENAI_BASE_URL, GEMINI_BASE_URL, BEDROCK_ENDPOINT_URL, LLM_TIMEOUT_S and
LLM_MAX_RETRIES.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings
from providers.base import Message, Usage
from providers.chain import ProviderChain, UsageLedger
from providers.errors import (
    AllProvidersFailed,
    ProviderNotConfigured,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from providers.factory import make_chain
from tests.fakes.bedrock_api import FakeBedrock, running_fake_bedrock
from tests.fakes.gemini_api import FakeGemini, running_fake_gemini
from tests.fakes.llm_env import isolate_llm_env
from tests.fakes.llm_script import Reply, error
from tests.fakes.openai_api import FakeOpenAI, running_fake_openai

LOCAL_MODEL = "llama3.1"  # an OpenAI-compatible server of our own: priced at zero
GEMINI_MODEL = "gemini-2.5-flash"  # $0.30 in, $2.50 out per million tokens
CLAUDE = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
ASK = [Message("system", "You plan charts."), Message("user", "revenue by month")]

MakeChain = Callable[[Settings], ProviderChain]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_llm_env(monkeypatch, tmp_path)


@pytest.fixture
async def openai_api() -> AsyncIterator[FakeOpenAI]:
    async with running_fake_openai() as server:
        yield server


@pytest.fixture
async def gemini_api() -> AsyncIterator[FakeGemini]:
    async with running_fake_gemini() as server:
        yield server


@pytest.fixture
async def bedrock_api() -> AsyncIterator[FakeBedrock]:
    async with running_fake_bedrock() as server:
        yield server


@pytest.fixture
async def chain_from() -> AsyncIterator[MakeChain]:
    """chain_from(settings): `make_chain(settings)`, closed at the end of the test."""
    made: list[ProviderChain] = []

    def make(settings: Settings) -> ProviderChain:
        chain = make_chain(settings)
        assert chain is not None
        made.append(chain)
        return chain

    yield make
    for chain in made:
        await chain.aclose()


def settings(
    providers: str,
    *,
    openai: FakeOpenAI | None = None,
    gemini: FakeGemini | None = None,
    **values: Any,
) -> Settings:
    """Settings for the chain `providers` ("openai,gemini"), pointed at the given fakes."""
    wired: dict[str, Any] = {
        "llm_providers": providers,
        "llm_timeout_s": 5.0,
        "llm_max_retries": 0,
        "openai_model": LOCAL_MODEL,
    }
    if openai is not None:
        wired["openai_base_url"] = openai.url
    if gemini is not None:
        wired |= {"gemini_base_url": gemini.url, "gemini_api_key": gemini.api_key}
    return Settings(_env_file=None, **(wired | values))


# ---- falling through ---------------------------------------------------------------------------


async def test_when_the_first_provider_keeps_failing_the_second_answers_and_alone_is_billed(
    openai_api: FakeOpenAI, gemini_api: FakeGemini, chain_from: MakeChain
) -> None:
    openai_api.script.default = error(500)
    gemini_api.script.queue(Reply(text="a bar chart", input_tokens=1000, output_tokens=200))
    chain = chain_from(
        settings("openai,gemini", openai=openai_api, gemini=gemini_api, llm_max_retries=1)
    )
    ledger = UsageLedger()

    completion = await chain.generate(ASK, ledger=ledger)

    assert (completion.text, completion.provider, completion.model) == (
        "a bar chart",
        "gemini",
        GEMINI_MODEL,
    )
    assert len(openai_api.requests) == 2  # the first try and LLM_MAX_RETRIES=1 retry
    assert len(gemini_api.generate_calls) == 1
    assert ledger.calls == 1
    assert ledger.usage == Usage(input_tokens=1000, output_tokens=200)
    assert ledger.cost_usd == pytest.approx((1000 * 0.30 + 200 * 2.50) / 1_000_000)
    assert ledger.models == [f"gemini:{GEMINI_MODEL}"]


async def test_a_local_openai_compatible_server_costs_nothing_and_the_ledger_adds_up_calls(
    openai_api: FakeOpenAI, gemini_api: FakeGemini, chain_from: MakeChain
) -> None:
    openai_api.script.queue(Reply(text="first", input_tokens=300, output_tokens=30), error(503))
    gemini_api.script.queue(Reply(text="second", input_tokens=1000, output_tokens=200))
    chain = chain_from(settings("openai,gemini", openai=openai_api, gemini=gemini_api))
    ledger = UsageLedger()

    first = await chain.generate(ASK, ledger=ledger)
    assert first.provider == "openai"
    assert ledger.cost_usd == 0.0  # priced at zero, not unknown

    second = await chain.generate(ASK, ledger=ledger)
    assert second.provider == "gemini"
    assert ledger.calls == 2
    assert ledger.usage == Usage(input_tokens=1300, output_tokens=230)
    assert ledger.cost_usd == pytest.approx(0.0008)
    assert ledger.models == [f"openai:{LOCAL_MODEL}", f"gemini:{GEMINI_MODEL}"]


async def test_a_model_without_a_known_price_makes_the_cost_unknown(
    gemini_api: FakeGemini, chain_from: MakeChain
) -> None:
    gemini_api.script.queue("ok")
    chain = chain_from(settings("gemini", gemini=gemini_api, gemini_model="gemini-exp-1206"))
    ledger = UsageLedger()

    await chain.generate(ASK, ledger=ledger)

    assert ledger.calls == 1
    assert ledger.cost_usd is None


async def test_a_429_with_retry_after_is_waited_out_on_the_same_provider(
    openai_api: FakeOpenAI, gemini_api: FakeGemini, chain_from: MakeChain
) -> None:
    openai_api.script.queue(error(429, retry_after=0.2), "after the wait")
    chain = chain_from(
        settings("openai,gemini", openai=openai_api, gemini=gemini_api, llm_max_retries=2)
    )

    started = time.perf_counter()
    completion = await chain.generate(ASK)
    waited = time.perf_counter() - started

    assert completion.text == "after the wait"
    assert completion.provider == "openai"
    assert waited >= 0.2
    assert len(openai_api.requests) == 2
    assert gemini_api.calls == []  # no fallback


async def test_a_401_is_not_retried_and_the_chain_moves_on(
    openai_api: FakeOpenAI, gemini_api: FakeGemini, chain_from: MakeChain
) -> None:
    openai_api.script.queue(error(401), "never reached")
    gemini_api.script.queue("from gemini")
    chain = chain_from(
        settings("openai,gemini", openai=openai_api, gemini=gemini_api, llm_max_retries=2)
    )

    completion = await chain.generate(ASK)

    assert completion.provider == "gemini"
    assert len(openai_api.requests) == 1


async def test_a_provider_slower_than_llm_timeout_s_is_given_up_on(
    openai_api: FakeOpenAI, gemini_api: FakeGemini, chain_from: MakeChain
) -> None:
    openai_api.script.default = Reply(text="too late", delay_s=3.0)
    gemini_api.script.queue("in time")
    chain = chain_from(
        settings("openai,gemini", openai=openai_api, gemini=gemini_api, llm_timeout_s=0.3)
    )

    started = time.perf_counter()
    completion = await chain.generate(ASK)

    assert completion.provider == "gemini"
    assert time.perf_counter() - started < 2.0
    assert len(openai_api.requests) == 1


async def test_when_every_provider_fails_all_providers_failed_lists_each_error(
    openai_api: FakeOpenAI, gemini_api: FakeGemini, chain_from: MakeChain
) -> None:
    openai_api.script.default = error(503)
    gemini_api.script.default = error(403)
    chain = chain_from(settings("openai,gemini", openai=openai_api, gemini=gemini_api))
    ledger = UsageLedger()

    with pytest.raises(AllProvidersFailed) as caught:
        await chain.generate(ASK, ledger=ledger)

    errors = caught.value.errors
    assert [(type(e), e.provider) for e in errors] == [
        (ProviderUnavailable, "openai"),
        (ProviderRejected, "gemini"),
    ]
    assert "openai: " in str(caught.value)
    assert "gemini: HTTP 403 PERMISSION_DENIED" in str(caught.value)
    assert ledger.calls == 0


async def test_three_providers_configured_from_the_environment_fall_through_to_the_last(
    monkeypatch: pytest.MonkeyPatch,
    bedrock_api: FakeBedrock,
    gemini_api: FakeGemini,
    openai_api: FakeOpenAI,
    chain_from: MakeChain,
) -> None:
    for name, value in {
        "LLM_PROVIDERS": "bedrock, gemini, openai",
        "LLM_TIMEOUT_S": "4",
        "LLM_MAX_RETRIES": "1",
        "BEDROCK_REGION": bedrock_api.region,
        "BEDROCK_MODEL_ID": CLAUDE,
        "BEDROCK_ENDPOINT_URL": bedrock_api.url,
        "GEMINI_API_KEY": gemini_api.api_key,
        "GEMINI_BASE_URL": gemini_api.url,
        "OPENAI_BASE_URL": openai_api.url,
        "OPENAI_MODEL": LOCAL_MODEL,
    }.items():
        monkeypatch.setenv(name, value)
    bedrock_api.script.default = error(429, retry_after=0)  # ThrottlingException, every time
    gemini_api.script.default = error(404)  # an unknown model: not worth a retry
    openai_api.script.queue(Reply(text="from the last one", input_tokens=50, output_tokens=5))
    chain = chain_from(Settings(_env_file=None))
    ledger = UsageLedger()

    completion = await chain.generate(ASK, ledger=ledger)

    assert chain.names == ["bedrock", "gemini", "openai"]
    assert (chain.timeout_s, chain.max_retries) == (4.0, 1)
    assert (completion.provider, completion.text) == ("openai", "from the last one")
    assert [r["modelId"] for r in bedrock_api.script.requests] == [CLAUDE, CLAUDE]
    assert bedrock_api.rejected == []  # both signed with the AWS chain's credentials
    assert len(gemini_api.generate_calls) == 1
    assert len(openai_api.requests) == 1
    assert ledger.models == [f"openai:{LOCAL_MODEL}"]
    assert ledger.usage == Usage(input_tokens=50, output_tokens=5)


async def test_the_bedrock_answer_is_priced_by_its_base_model(
    bedrock_api: FakeBedrock, chain_from: MakeChain
) -> None:
    bedrock_api.script.queue(Reply(text="ok", input_tokens=1000, output_tokens=100))
    chain = chain_from(
        settings(
            "bedrock",
            bedrock_region=bedrock_api.region,
            bedrock_endpoint_url=bedrock_api.url,
            bedrock_model_id=CLAUDE,
        )
    )
    ledger = UsageLedger()

    completion = await chain.generate(ASK, ledger=ledger)

    assert (completion.provider, completion.model) == ("bedrock", CLAUDE)
    # us.anthropic.claude-3-5-haiku is priced as anthropic.claude-3-5-haiku: $0.80 in, $4 out.
    assert ledger.cost_usd == pytest.approx((1000 * 0.80 + 100 * 4.0) / 1_000_000)


async def test_a_timeout_on_every_try_is_reported_as_a_timeout(
    openai_api: FakeOpenAI, chain_from: MakeChain
) -> None:
    openai_api.script.default = Reply(text="too late", delay_s=3.0)
    chain = chain_from(settings("openai", openai=openai_api, llm_timeout_s=0.2))

    with pytest.raises(AllProvidersFailed) as caught:
        await chain.generate(ASK)

    [failure] = caught.value.errors
    assert isinstance(failure, ProviderTimeout)
    assert failure.timeout_s == 0.2


# ---- configuration -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "   "])
def test_gemini_without_an_api_key_is_not_configured_naming_gemini_api_key(
    key: str | None,
) -> None:
    configured = Settings(_env_file=None, llm_providers="gemini,openai", gemini_api_key=key)

    with pytest.raises(ProviderNotConfigured) as caught:
        make_chain(configured)

    assert caught.value.setting == "GEMINI_API_KEY"
    assert "set GEMINI_API_KEY" in str(caught.value)


def test_without_llm_providers_there_is_no_chain() -> None:
    assert make_chain(Settings(_env_file=None)) is None
    assert make_chain(Settings(_env_file=None, llm_providers="openai"), names=[]) is None


async def test_names_given_to_make_chain_replace_llm_providers(
    openai_api: FakeOpenAI,
) -> None:
    configured = settings("gemini,bedrock", openai=openai_api)  # neither is configured

    chain = make_chain(configured, ["openai"])

    assert chain is not None
    try:
        assert chain.describe() == f"openai:{LOCAL_MODEL}"
        assert chain.local_providers == frozenset({"openai"})
    finally:
        await chain.aclose()
