"""Estimated cost of a call, from public list prices per million tokens.

Estimates only: prices change, and gateways, discounts and batch tiers differ. Unknown models
cost `None` (logged as unknown), and OpenAI-compatible servers that are not OpenAI's own are
taken to be local and free.
"""

from __future__ import annotations

from providers.base import Usage

# (model id prefix, USD per 1M input tokens, USD per 1M output tokens); longest prefix wins.
_PRICES: list[tuple[str, float, float]] = [
    ("gemini-2.5-pro", 1.25, 10.0),
    ("gemini-2.5-flash-lite", 0.10, 0.40),
    ("gemini-2.5-flash", 0.30, 2.50),
    ("gemini-2.0-flash", 0.10, 0.40),
    ("anthropic.claude-opus", 15.0, 75.0),
    ("anthropic.claude-sonnet", 3.0, 15.0),
    ("anthropic.claude-3-5-sonnet", 3.0, 15.0),
    ("anthropic.claude-3-7-sonnet", 3.0, 15.0),
    ("anthropic.claude-haiku-4", 1.0, 5.0),
    ("anthropic.claude-3-5-haiku", 0.80, 4.0),
    ("anthropic.claude-3-haiku", 0.25, 1.25),
    ("amazon.nova-micro", 0.035, 0.14),
    ("amazon.nova-lite", 0.06, 0.24),
    ("amazon.nova-pro", 0.80, 3.20),
    ("amazon.titan-text-express", 0.20, 0.60),
    ("amazon.titan-text-lite", 0.15, 0.20),
    ("meta.llama3-1-8b", 0.22, 0.22),
    ("meta.llama3-1-70b", 0.72, 0.72),
    ("meta.llama3-3-70b", 0.72, 0.72),
    ("mistral.mistral-large", 2.0, 6.0),
    ("mistral.mistral-small", 0.10, 0.30),
    ("cohere.command-r-plus", 3.0, 15.0),
    ("cohere.command-r", 0.50, 1.50),
    ("gpt-4.1-mini", 0.40, 1.60),
    ("gpt-4.1", 2.0, 8.0),
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4o", 2.50, 10.0),
]


def _bedrock_base_id(model: str) -> str:
    """'us.anthropic.claude-…' (a cross-region inference profile) → 'anthropic.claude-…'."""
    head, _, rest = model.partition(".")
    return rest if head in ("us", "eu", "apac", "global") and rest else model


def estimate_cost_usd(
    provider: str, model: str, usage: Usage, *, local: bool = False
) -> float | None:
    """USD for `usage` on `model`, or None when the price is unknown."""
    if local:
        return 0.0
    base = _bedrock_base_id(model) if provider == "bedrock" else model
    matches = [p for p in _PRICES if base.startswith(p[0])]
    if not matches:
        return None
    _, per_m_in, per_m_out = max(matches, key=lambda p: len(p[0]))
    return (usage.input_tokens * per_m_in + usage.output_tokens * per_m_out) / 1_000_000
