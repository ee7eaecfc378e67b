"""A local fake of an OpenAI-compatible server (the Chat Completions API) for the real `openai` SDK.

It answers `POST /v1/chat/completions` from a `Script` (one reply per call, the request
recorded) in OpenAI's exact response shape, errors in OpenAI's `{"error": {...}}` shape with the
reply's headers (Retry-After), and `GET /v1/models` for health checks. With `reject_json_schema`
it behaves like a local server without structured output: any request carrying a `json_schema`
response format gets a 400, is recorded, and does not use up a reply.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.llm_script import Reply, Script
from tests.fakes.local_server import serve_locally

QUOTA_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, read the docs: "
    "https://platform.openai.com/docs/guides/error-codes/api-errors."
)
JSON_SCHEMA_REFUSAL = "response_format type 'json_schema' is not supported by this server"

# status → (error type, error code, default message), as OpenAI sends them.
_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("invalid_request_error", "unsupported_country_region_territory", "Forbidden."),
    404: ("invalid_request_error", "model_not_found", "The model does not exist."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests."),
    500: ("server_error", None, "The server had an error while processing your request."),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}


def quota_exceeded() -> Reply:
    """OpenAI's billing limit: a 429 that waiting does not lift (code `insufficient_quota`)."""
    return Reply(status=429, text=QUOTA_MESSAGE)


@dataclass
class FakeOpenAI:
    script: Script = field(default_factory=Script)
    models: list[str] = field(default_factory=lambda: ["gpt-4o-mini", "llama3.1:latest"])
    models_status: int = 200  # an error status makes GET /models fail
    models_calls: int = 0
    reject_json_schema: bool = False
    send_usage: bool = True  # False: like some local servers, no `usage` in answers
    authorizations: list[str | None] = field(default_factory=list)  # per chat request
    url: str = ""  # the base URL to give the SDK (ends in /v1)
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        self._runner, base = await serve_locally(app)
        self.url = f"{base}/v1"

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every chat request body received, in order."""
        return self.script.requests

    # ---- wire format ---------------------------------------------------------------------------

    async def _chat(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        self.authorizations.append(request.headers.get("Authorization"))
        response_format = body.get("response_format") or {}
        if self.reject_json_schema and response_format.get("type") == "json_schema":
            self.script.requests.append(body)
            return _error(400, JSON_SCHEMA_REFUSAL, {}, param="response_format")
        reply = self.script.next(body)
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        if reply.status >= 400:
            return _error(reply.status, reply.text, reply.headers)
        content = json.dumps(reply.structured) if reply.structured is not None else reply.text
        answer: dict[str, Any] = {
            "id": f"chatcmpl-fake{next(self._ids):06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", ""),
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": content,
                        "refusal": None,
                        "annotations": [],
                    },
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "service_tier": "default",
            "system_fingerprint": "fp_fake",
        }
        if self.send_usage:
            answer["usage"] = {
                "prompt_tokens": reply.input_tokens,
                "completion_tokens": reply.output_tokens,
                "total_tokens": reply.input_tokens + reply.output_tokens,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
            }
        return web.json_response(answer, headers=_request_id(reply.headers))

    async def _models(self, request: web.Request) -> web.Response:
        self.models_calls += 1
        if self.models_status >= 400:
            return _error(self.models_status, "", {})
        created = int(time.time())
        data = [
            {"id": m, "object": "model", "created": created, "owned_by": "system"}
            for m in self.models
        ]
        return web.json_response({"object": "list", "data": data})


def _error(
    status: int, message: str, headers: dict[str, str], *, param: str | None = None
) -> web.Response:
    kind, code, default = _ERRORS.get(status, ("api_error", None, f"HTTP {status}"))
    if status == 429 and message == QUOTA_MESSAGE:
        kind = code = "insufficient_quota"
    body = {"error": {"message": message or default, "type": kind, "param": param, "code": code}}
    return web.json_response(body, status=status, headers=_request_id(headers))


def _request_id(headers: dict[str, str]) -> dict[str, str]:
    return {"x-request-id": f"req_fake{time.monotonic_ns()}", **headers}


@asynccontextmanager
async def running_fake_openai() -> AsyncIterator[FakeOpenAI]:
    """A started fake on a free local port; `fake.url` is the base URL for the SDK."""
    fake = FakeOpenAI()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
