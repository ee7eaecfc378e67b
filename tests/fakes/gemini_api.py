"""A local fake of the Gemini API (generativelanguage.googleapis.com) for the real google-genai
client, which reaches it through `HttpOptions.base_url`.

It serves what `providers.gemini` calls: POST /{version}/models/{model}:generateContent, answering
from a `Script` in Gemini's JSON shape, and GET /{version}/models/{model}. Errors use Google's
shape, {"error": {"code", "message", "status"}}; a 429 can carry its wait the way Gemini does, as
a google.rpc.RetryInfo detail in the body, instead of a Retry-After header. Every request is
recorded with the API key it carried.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.llm_script import Reply, Script
from tests.fakes.local_server import serve_locally

API_KEY = "fake-gemini-key"
VERSIONS = ("v1", "v1beta")  # the versions the real API serves

# HTTP status → google.rpc.Code name and the message Google sends with it.
_STATUS: dict[int, tuple[str, str]] = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: (
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
        "cookie or other valid authentication credential.",
    ),
    403: (
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without "
        "established identity). Please use API Key or other form of API consumer identity to "
        "call this API.",
    ),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: (
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
    ),
    500: (
        "INTERNAL",
        "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
    ),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
    504: ("DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
}


@dataclass
class Call:
    method: str
    path: str  # e.g. /v1beta/models/gemini-2.5-flash:generateContent
    api_key: str | None  # the x-goog-api-key header
    body: dict[str, Any] | None


@dataclass
class FakeGemini:
    script: Script = field(default_factory=Script)
    api_key: str = API_KEY  # requests with another key get Gemini's 400 API_KEY_INVALID
    models: set[str] = field(default_factory=lambda: {"gemini-2.5-flash", "gemini-2.5-pro"})
    empty_finish_reason: str = "SAFETY"  # the finishReason of a Reply whose text is ""
    prompt_block_reason: str | None = None  # set: every answer is a blocked prompt, no candidates
    retry_info_in_body: bool = False  # a 429's Retry-After goes in the body, as Gemini sends it
    thoughts_tokens: int = 0  # thinking tokens reported beside a text answer's output tokens
    calls: list[Call] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{version}/models/{model}:generateContent", self._generate)
        app.router.add_get("/{version}/models/{model}", self._get_model)
        self._runner, self.url = await serve_locally(app)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def generate_calls(self) -> list[Call]:
        return [c for c in self.calls if c.path.endswith(":generateContent")]

    # ---- wire format ---------------------------------------------------------------------------

    async def _generate(self, request: web.Request) -> web.Response:
        body = await request.json()
        refused = self._record(request, body)
        if refused is not None:
            return refused
        reply = self.script.next(body)
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        if reply.status >= 400:
            return self._error_reply(reply)
        return web.json_response(
            self._answer(reply, request.match_info["model"]), headers=reply.headers
        )

    async def _get_model(self, request: web.Request) -> web.Response:
        refused = self._record(request, None)
        if refused is not None:
            return refused
        version, model = request.match_info["version"], request.match_info["model"]
        if model not in self.models:
            return _error(
                404,
                f"models/{model} is not found for API version {version}, or is not supported "
                "for generateContent. Call ListModels to see the list of available models and "
                "their supported methods.",
            )
        return web.json_response(
            {
                "name": f"models/{model}",
                "version": "001",
                "displayName": model.replace("-", " ").title(),
                "description": "A fake Gemini model.",
                "inputTokenLimit": 1048576,
                "outputTokenLimit": 65536,
                "supportedGenerationMethods": [
                    "generateContent",
                    "countTokens",
                    "createCachedContent",
                    "batchGenerateContent",
                ],
                "temperature": 1,
                "topP": 0.95,
                "topK": 64,
                "maxTemperature": 2,
                "thinking": True,
            }
        )

    def _record(self, request: web.Request, body: dict[str, Any] | None) -> web.Response | None:
        """Record the call; Gemini's answer to a wrong key when the key is not ours."""
        key = request.headers.get("x-goog-api-key")
        self.calls.append(Call(request.method, request.path, key, body))
        if request.match_info["version"] not in VERSIONS:
            return web.Response(status=404, text="Not Found")  # Google's bare HTML 404
        if key != self.api_key:
            return _error(
                400,
                "API key not valid. Please pass a valid API key.",
                details=[
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                        "metadata": {"service": "generativelanguage.googleapis.com"},
                    }
                ],
            )
        return None

    def _answer(self, reply: Reply, model: str) -> dict[str, Any]:
        usage: dict[str, Any] = {
            "promptTokenCount": reply.input_tokens,
            "totalTokenCount": reply.input_tokens,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": reply.input_tokens}],
        }
        answer: dict[str, Any] = {
            "usageMetadata": usage,
            "modelVersion": model,
            "responseId": f"fake-response-{next(self._ids)}",
        }
        if self.prompt_block_reason is not None:
            answer["promptFeedback"] = {"blockReason": self.prompt_block_reason}
            return answer
        candidate: dict[str, Any] = {"index": 0}
        if reply.text:
            candidate["content"] = {"parts": [{"text": reply.text}], "role": "model"}
            candidate["finishReason"] = "STOP"
            usage["candidatesTokenCount"] = reply.output_tokens
            usage["totalTokenCount"] += reply.output_tokens
            if self.thoughts_tokens:
                usage["thoughtsTokenCount"] = self.thoughts_tokens
                usage["totalTokenCount"] += self.thoughts_tokens
        elif self.empty_finish_reason == "SAFETY":
            # A blocked answer: no content at all, and the rating that blocked it.
            candidate["finishReason"] = "SAFETY"
            candidate["safetyRatings"] = [
                {
                    "category": "HARM_CATEGORY_DANGEROUS_CONTENT",
                    "probability": "HIGH",
                    "blocked": True,
                }
            ]
        else:
            # e.g. MAX_TOKENS: a thinking model spent the whole budget on thoughts.
            candidate["content"] = {"role": "model"}
            candidate["finishReason"] = self.empty_finish_reason
            usage["thoughtsTokenCount"] = reply.output_tokens
            usage["totalTokenCount"] += reply.output_tokens
        answer["candidates"] = [candidate]
        return answer

    def _error_reply(self, reply: Reply) -> web.Response:
        headers = dict(reply.headers)
        details: list[dict[str, Any]] = []
        retry_after = headers.get("Retry-After")
        if reply.status == 429 and self.retry_info_in_body and retry_after is not None:
            del headers["Retry-After"]
            details.append(
                {
                    "@type": "type.googleapis.com/google.rpc.RetryInfo",
                    "retryDelay": f"{retry_after}s",
                }
            )
        return _error(reply.status, reply.text or None, details=details, headers=headers)


def _error(
    status: int,
    message: str | None = None,
    *,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    name, default_message = _STATUS.get(status, ("UNKNOWN", "Unknown error."))
    error: dict[str, Any] = {"code": status, "message": message or default_message, "status": name}
    if details:
        error["details"] = details
    return web.json_response({"error": error}, status=status, headers=headers)


@contextlib.asynccontextmanager
async def running_fake_gemini(script: Script | None = None) -> AsyncIterator[FakeGemini]:
    """A started fake Gemini API on a free local port: `fake.url` is the client's base_url."""
    fake = FakeGemini(script=script or Script())
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
