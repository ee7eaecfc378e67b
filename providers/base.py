"""The provider protocol: one `generate()` and one `health()`, the same for every vendor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["system", "user", "assistant"]
JsonSchema = dict[str, Any]


@dataclass(frozen=True)
class Message:
    role: Role
    text: str


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens
        )


@dataclass(frozen=True)
class Completion:
    """One model answer. `parsed` is set when the API itself returned structured output (e.g. a
    Bedrock tool call's input); otherwise callers parse `text`."""

    text: str
    provider: str
    model: str
    usage: Usage = field(default_factory=Usage)
    latency_ms: float = 0.0
    parsed: dict[str, Any] | None = None


@dataclass(frozen=True)
class Health:
    provider: str
    model: str
    ok: bool
    detail: str = ""


class LLMProvider(Protocol):
    """A chat model behind a vendor API.

    `generate` raises only `providers.errors.ProviderError` subclasses. It makes one attempt;
    retries live in `providers.retry` so that every vendor backs off the same way.
    """

    name: str
    model: str

    async def generate(
        self,
        messages: list[Message],
        *,
        schema: JsonSchema | None = None,
        temperature: float = 0.0,
        max_tokens: int = 2048,
        timeout_s: float,
    ) -> Completion:
        """Ask the model. With `schema`, request JSON matching it where the API can enforce it."""
        ...

    async def health(self) -> Health:
        """A configuration check plus the cheapest call the API offers (e.g. list models)."""
        ...

    async def aclose(self) -> None: ...


def system_text(messages: list[Message]) -> str:
    """All system messages joined: most APIs take the system prompt apart from the turns."""
    return "\n\n".join(m.text for m in messages if m.role == "system")


def turns(messages: list[Message]) -> list[Message]:
    """The user/assistant turns, in order, without system messages."""
    return [m for m in messages if m.role != "system"]
