"""The deployment files say what we promise: least-privilege scopes, a durable queue."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.metrics import MetricWrapperBase

from core import metrics as core_metrics
from handlers import metrics as handler_metrics
from handlers.oauth import BOT_SCOPES

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
    default = {name for name, service in services.items() if not service.get("profiles")}
    assert default == {"redis", "bot", "worker"}  # Prometheus and Grafana only on request
    redis_command = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis_command
    assert "--maxmemory-policy noeviction" in redis_command
    assert services["worker"]["command"][-1] == "worker"
    for name in ("bot", "worker"):
        assert services[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0"


def test_manifest_asks_for_the_scopes_it_needs_and_no_more() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    # The scopes the OAuth install asks for are the manifest's (handlers/oauth.py).
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "app_home_opened",
        "assistant_thread_started",
        "message.im",
        "message.channels",  # the asker's replies in threads, without a mention
        "message.groups",  # the same in private channels
        "app_uninstalled",  # multi-workspace: forget the workspace
        "tokens_revoked",
    }
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/plot"]


def test_env_example_lists_every_setting() -> None:
    from core.settings import Settings

    documented = (ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert name.upper() in documented, f"{name.upper()} missing from .env.example"


def test_the_grafana_dashboard_charts_only_metrics_chartroom_exports() -> None:
    exported = {
        metric.name
        for module in (core_metrics, handler_metrics)
        for value in vars(module).values()
        if isinstance(value, MetricWrapperBase)
        for metric in value.describe()
    }
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/chartroom.json").read_text())
    used = {
        re.sub(r"_(bucket|count|sum|total)$", "", name)
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"chartroom_[a-z_]+", target["expr"])
    }
    assert used, "the dashboard has queries"
    assert used <= {re.sub(r"_total$", "", name) for name in exported}


def test_the_observability_profile_mounts_the_files_in_deploy() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["observability"]
        for volume in services[name]["volumes"]:
            assert (ROOT / volume.split(":")[0]).exists(), volume
