"""A local fake of Amazon Bedrock Runtime's Converse API that checks SigV4 signatures.

The real aioboto3 client reaches it through `endpoint_url`. It serves
`POST /model/{modelId}/converse` with Bedrock's response shape, answers errors the way
bedrock-runtime does (an `x-amzn-ErrorType` header naming the exception, a `{"message": ...}`
body) so botocore raises a `ClientError` with the right code, and verifies every request's
signature with botocore's own signer, as AWS would, before it consults the script.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.fakes.llm_script import Reply, Script
from tests.fakes.local_server import serve_locally

# The exception bedrock-runtime names for each status the script can ask for.
ERROR_TYPES: dict[int, str] = {
    400: "ValidationException",
    401: "UnrecognizedClientException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    408: "ModelTimeoutException",
    424: "ModelErrorException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
}
# Real responses carry a namespace after the code; botocore keeps the part before the colon.
ERROR_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.bedrock/"

_AUTH = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request, SignedHeaders=(?P<signed>[^,]+), "
    r"Signature=(?P<sig>[0-9a-f]+)"
)


@dataclass
class FakeBedrock:
    access_key: str = "AKIDFAKEBEDROCK0001"
    secret_key: str = "fake-bedrock-secret-key"
    region: str = "us-east-1"
    script: Script = field(default_factory=Script)
    stop_reason: str | None = None  # overrides "end_turn"/"tool_use", e.g. "guardrail_intervened"
    rejected: list[str] = field(default_factory=list)  # error codes of requests refused by auth
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/model/{model_id}/converse", self._converse)
        self._runner, self.url = await serve_locally(app)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- wire format ---------------------------------------------------------------------------

    async def _converse(self, request: web.Request) -> web.Response:
        body = await request.read()
        refusal = self._check_signature(request, body)
        if refusal is not None:
            code, message = refusal
            self.rejected.append(code)
            return _error(403, code, message)
        payload = json.loads(body or b"{}")
        reply = self.script.next({"modelId": request.match_info["model_id"], **payload})
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        if reply.status >= 400:
            return _error(reply.status, ERROR_TYPES.get(reply.status, "Unknown"), reply.text, reply)
        return _json(self._answer(reply, with_tools="toolConfig" in payload), reply.headers)

    def _answer(self, reply: Reply, *, with_tools: bool) -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        stop_reason = "end_turn"
        if reply.structured is not None and with_tools:
            tool_use = {"toolUseId": f"tooluse_{uuid.uuid4().hex[:22]}", "name": "answer"}
            content.append({"toolUse": {**tool_use, "input": reply.structured}})
            stop_reason = "tool_use"
        elif reply.structured is not None:
            content.append({"text": json.dumps(reply.structured)})
        elif reply.text:
            content.append({"text": reply.text})
        return {
            "output": {"message": {"role": "assistant", "content": content}},
            "stopReason": self.stop_reason or stop_reason,
            "usage": {
                "inputTokens": reply.input_tokens,
                "outputTokens": reply.output_tokens,
                "totalTokens": reply.input_tokens + reply.output_tokens,
            },
            "metrics": {"latencyMs": int(reply.delay_s * 1000) + 1},
        }

    def _check_signature(self, request: web.Request, body: bytes) -> tuple[str, str] | None:
        """Recompute the SigV4 signature over what arrived; an error (code, message) if wrong."""
        found = _AUTH.fullmatch(request.headers.get("Authorization", ""))
        amz_date = request.headers.get("X-Amz-Date", "")
        if found is None or not amz_date:
            return "MissingAuthenticationTokenException", "Missing Authentication Token"
        if found["key"] != self.access_key:
            return (
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        if found["region"] != self.region or found["service"] != "bedrock":
            return (
                "InvalidSignatureException",
                f"Credential should be scoped to a valid region and service 'bedrock', "
                f"not '{found['region']}/{found['service']}'.",
            )
        signed = found["signed"].split(";")
        # Only the headers the client signed: aiohttp adds others (Accept-Encoding) afterwards.
        headers = {name: request.headers.get(name, "") for name in signed}
        # The raw path: botocore signs '%3A' in a model id as '%253A', so it must not be decoded.
        url = f"http://{request.host}{request.raw_path}"
        aws_request = AWSRequest(method=request.method, url=url, headers=headers, data=body)
        aws_request.context["timestamp"] = amz_date
        signer = SigV4Auth(Credentials(self.access_key, self.secret_key), "bedrock", self.region)
        canonical = signer.canonical_request(aws_request)
        expected = signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)
        if not hmac.compare_digest(str(expected), found["sig"]):
            return (
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method.",
            )
        return None


def _error(status: int, code: str, message: str, reply: Reply | None = None) -> web.Response:
    headers = {"x-amzn-ErrorType": f"{code}:{ERROR_NAMESPACE}", **(reply.headers if reply else {})}
    return _json({"message": message or f"fake bedrock: {code}"}, headers, status=status)


def _json(body: dict[str, Any], headers: dict[str, str], *, status: int = 200) -> web.Response:
    headers = {"x-amzn-RequestId": str(uuid.uuid4()), "Date": _http_date(), **headers}
    return web.json_response(body, status=status, headers=headers)


def _http_date() -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())


@asynccontextmanager
async def running_fake_bedrock(**kwargs: Any) -> AsyncIterator[FakeBedrock]:
    """A started fake on a free local port; `fake.url` is the `endpoint_url` to give the client."""
    fake = FakeBedrock(**kwargs)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
