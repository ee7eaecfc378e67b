"""An environment in which only the test decides what the LLM providers see."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.bedrock_api import FakeBedrock

# Settings and AWS chain variables that would otherwise reach providers from the host.
HOST_SETTINGS = (
    "LLM_PROVIDERS",
    "LLM_TIMEOUT_S",
    "LLM_MAX_RETRIES",
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_MODEL",
    "GEMINI_API_KEY",
    "GEMINI_MODEL",
    "GEMINI_BASE_URL",
    "BEDROCK_REGION",
    "BEDROCK_MODEL_ID",
    "BEDROCK_ENDPOINT_URL",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
)


def isolate_llm_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing of the host's LLM or AWS set-up leaks in; the fake Bedrock's keys are the AWS
    chain's credentials."""
    for name in HOST_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FakeBedrock.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FakeBedrock.secret_key)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
