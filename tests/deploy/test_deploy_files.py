"""The deployment files say what we promise: least-privilege scopes, a durable queue."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose_config() -> dict[str, Any]:
    done = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    loaded: dict[str, Any] = yaml.safe_load(done.stdout)
    return loaded


def test_compose_file_is_valid_and_runs_redis_durably_without_eviction() -> None:
    services = _compose_config()["services"]
    assert set(services) == {"redis", "bot", "worker"}
    redis_command = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis_command
    assert "--maxmemory-policy noeviction" in redis_command
    assert services["worker"]["command"][-1] == "worker"
    for name in ("bot", "worker"):
        assert services[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0"


def test_manifest_asks_for_the_scopes_it_needs_and_no_more() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(
        [
            "app_mentions:read",
            "chat:write",
            "files:read",
            "files:write",
            "commands",
            "im:history",
            "channels:history",
            "groups:history",
            "assistant:write",  # assistant.threads.setSuggestedPrompts
        ]
    )
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "app_home_opened",
        "assistant_thread_started",
        "message.im",
        "message.channels",  # the asker's replies in threads, without a mention
        "message.groups",  # the same in private channels
    }
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/plot"]


def test_env_example_lists_every_setting() -> None:
    from core.settings import Settings

    documented = (ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert name.upper() in documented, f"{name.upper()} missing from .env.example"
