"""Providers from settings. Each vendor module is imported only when its provider is configured,
so a worker without Bedrock never loads aioboto3."""

from __future__ import annotations

from collections.abc import Sequence

from core.settings import ProviderName, Settings
from providers.base import LLMProvider
from providers.chain import ProviderChain


def make_provider(name: ProviderName, settings: Settings) -> LLMProvider:
    """One provider; raises `ProviderNotConfigured` naming the setting to set."""
    if name == "gemini":
        from providers.gemini import GeminiProvider

        return GeminiProvider.from_settings(settings)
    if name == "bedrock":
        from providers.bedrock import BedrockProvider

        return BedrockProvider.from_settings(settings)
    from providers.openai_compat import OpenAICompatProvider

    return OpenAICompatProvider.from_settings(settings)


def make_chain(
    settings: Settings, names: Sequence[ProviderName] | None = None
) -> ProviderChain | None:
    """The fallback chain of `names` (default: `LLM_PROVIDERS`), or None when it is empty."""
    chosen = list(settings.llm_providers if names is None else names)
    if not chosen:
        return None
    providers = [make_provider(name, settings) for name in chosen]
    return ProviderChain(
        providers=providers,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        local_providers=frozenset(p.name for p in providers if getattr(p, "is_local", False)),
    )
