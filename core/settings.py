"""Chartroom's configuration: one frozen object, read from the environment once, at the edge.

Every setting is an environment variable of the same name in upper case (see `.env.example`).
Nothing below the entry points reads `os.environ`; components get the values they need passed in.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ProviderName = Literal["gemini", "bedrock", "openai"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = Field(
        default=None, description="xapp- token; when set, `python bot.py` runs in Socket Mode."
    )
    slack_api_url: str = "https://slack.com/api/"
    # Multi-workspace install (OAuth v2 through Bolt): with a client id, installations and their
    # bot tokens live in PostgreSQL (`DATABASE_URL`, e.g. postgresql+psycopg://user@host/db) and
    # SLACK_BOT_TOKEN is not used; without one, the app serves the single workspace of that token.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    database_url: SecretStr | None = None
    slack_authorize_url: str = "https://slack.com/oauth/v2/authorize"
    slack_token_rotation: bool = True  # refresh rotating bot tokens before they expire
    oauth_state_ttl_s: int = 600
    http_host: str = "0.0.0.0"  # noqa: S104 - the HTTP mode server must be reachable by Slack.
    http_port: int = 3000

    # Redis / ARQ
    redis_url: str = "redis://127.0.0.1:6379/0"
    queue_name: str = "chartroom:queue"
    event_dedupe_ttl_s: int = 24 * 3600
    job_timeout_s: int = 300
    job_max_tries: int = 2
    worker_max_jobs: int = 4
    # Fairness: jobs one workspace may have queued or running at once (0: no limit). Past it,
    # the person is told privately to ask again; nothing is queued or dropped silently.
    workspace_max_jobs: int = 20
    # Each worker serves its Prometheus metrics on this port (0: off); a second worker on the
    # same host finds it taken and says so in the log.
    worker_metrics_port: int = 9101
    # How often an idle worker asks Redis for new jobs (ARQ's default is 0.5 s, which alone
    # made a job wait 250 ms on average); 20 ms keeps the wait under 50 ms for a cheap query.
    queue_poll_delay_s: float = Field(default=0.02, gt=0, le=5)

    # Conversations
    followups_without_mention: bool = Field(
        default=True,
        description="In a thread Chartroom answered, the asker's replies are follow-ups without "
        "a mention (replies that don't read as a chart request get no answer).",
    )
    thread_ttl_s: int = 7 * 24 * 3600  # how long a thread remembers its file, asker and plans
    # Normalized Parquet up to this size is kept in Redis for follow-ups (workers may run on
    # other machines); bigger files are kept as a Slack file reference and downloaded again.
    thread_data_max_mb: int = 64
    thread_data_ttl_s: int = 24 * 3600
    # An answer's record (plan, code, the drawn numbers, the file reference) behind its buttons.
    record_ttl_s: int = 7 * 24 * 3600
    slack_native_charts: bool = True  # Slack's data visualization block beside the PNG

    # Ingest limits
    max_file_mb: int = 500
    max_rows: int = 10_000_000
    max_columns: int = 500
    # The jailed ingest process: resident memory and CPU time it may use, and how long to wait.
    ingest_memory_mb: int = 2048
    ingest_cpu_s: int = 120
    ingest_timeout_s: float = 180.0
    download_timeout_s: float = 60.0
    workspace_dir: Path = Path(tempfile.gettempdir()) / "chartroom"

    # Sandbox
    sandbox_backend: Literal["docker", "local", "auto"] = Field(
        default="auto",
        description="auto: Docker when the daemon answers, else the local bubblewrap executor.",
    )
    sandbox_policy: bool = True  # the AST policy check before every run
    sandbox_image: str = "chartroom-sandbox:latest"
    sandbox_docker_url: str | None = None  # e.g. unix:///var/run/docker.sock; None: DOCKER_HOST
    sandbox_pool_size: int = 2  # warm containers kept ready per worker (0: cold runs only)
    sandbox_cpus: float = 1.0
    sandbox_pids_limit: int = 64
    # Per-container job folders, bind-mounted read-only into sandbox containers by the Docker
    # daemon: the path must mean the same on the worker and on the Docker host.
    sandbox_jobs_dir: Path = Path(tempfile.gettempdir()) / "chartroom-sandbox"
    sandbox_timeout_s: float = 30.0
    sandbox_cpu_s: int = 30
    sandbox_memory_mb: int = 2048
    sandbox_max_output_mb: int = 20
    # A chart's filters, time buckets and grouping run as a DuckDB query in the worker, so the
    # sandbox gets the small grouped table (plans it cannot express stay on pandas).
    aggregate_in_duckdb: bool = True
    duckdb_memory_mb: int = 1024
    duckdb_threads: int = 2

    # Render
    render_timeout_s: float = 60.0
    render_max_renders: int = 500  # the renderer restarts after this many images
    # ...or when its process tree (Python + Chromium, proportional set size) holds more than this.
    render_max_memory_mb: int = 1024
    html_plotlyjs: Literal["inline", "cdn"] = Field(
        default="inline",
        description="The interactive HTML's plotly.js: inline (works offline, ~4.7 MB per "
        "chart) or cdn (a pinned cdn.plot.ly link, a few KB; needs the network when opened).",
    )
    chart_width_px: int = 1000
    chart_height_px: int = 600
    chart_scale: float = 2.0

    # LLM providers (none configured: the rule-based planner answers)
    llm_providers: Annotated[tuple[ProviderName, ...], NoDecode] = Field(
        default=(), description="Ordered fallback chain, e.g. 'bedrock,gemini'. Empty: rules only."
    )
    llm_timeout_s: float = 30.0  # per call, per attempt
    llm_max_retries: int = 2  # retries per provider on throttling, 5xx and timeouts
    llm_send_sample_rows: bool = True  # false: the prompt carries column stats but no rows at all
    llm_sample_rows: int = 3
    llm_max_prompt_columns: int = 60  # wide files: the best-ranked columns, the rest by name only
    llm_code: bool = True  # let the LLM write Plotly code for asks the compiler cannot express
    llm_code_repairs: int = 2  # tracebacks sent back to the LLM before the compiled plan answers
    llm_safety_review: bool = False  # a second LLM opinion on generated code before it runs
    plan_cache_ttl_s: int = 3600  # answers cached per workspace, question, data and thread state
    gemini_api_key: SecretStr | None = None
    gemini_model: str = "gemini-2.5-flash"
    gemini_base_url: str | None = None  # a proxy or gateway in front of the Gemini API
    bedrock_region: str | None = None  # None: the AWS chain's region (AWS_REGION, profile)
    bedrock_model_id: str = "anthropic.claude-3-5-haiku-20241022-v1:0"
    bedrock_endpoint_url: str | None = None  # a VPC endpoint or gateway for bedrock-runtime
    openai_base_url: str = "https://api.openai.com/v1"  # Ollama: http://localhost:11434/v1
    openai_api_key: SecretStr | None = None  # optional for local servers
    openai_model: str = "gpt-4o-mini"

    # Logging
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "console"

    @field_validator("llm_providers", mode="before")
    @classmethod
    def _split_providers(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(name.strip().lower() for name in value.split(",") if name.strip())
        return value

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * 1024 * 1024

    @property
    def thread_data_max_bytes(self) -> int:
        return self.thread_data_max_mb * 1024 * 1024
