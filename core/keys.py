"""Every Redis key Chartroom writes for a workspace, in one place.

Each key starts with `chartroom:{team}:`, so one workspace's data can never be read under another's
id, and everything a workspace left behind can be found (and removed) with one `SCAN` pattern:
`workspace_pattern(team)`. ARQ's own keys (`arq:job:<id>`, `arq:result:<id>`), the worker
heartbeats (`chartroom:worker:<host:pid>`) and the running jobs' beats (`chartroom:jobs:*`,
`core.job_watch`, kept only while a job runs) are the only ones outside this scheme.
"""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def part(text: str) -> str:
    """One key segment: Slack ids and timestamps pass as they are, anything else is tamed."""
    return _UNSAFE.sub("_", text)[:80] or "_"


def workspace_pattern(team_id: str) -> str:
    return f"chartroom:{part(team_id)}:*"


def inflight(team_id: str) -> str:
    """The workspace's jobs queued or running (a sorted set of job ids by admission time)."""
    return f"chartroom:{part(team_id)}:inflight"


def conversation(team_id: str, channel_id: str, conversation_id: str) -> str:
    """A thread (`conversation_id` = its root ts) or a whole DM (`conversation_id` = "dm")."""
    return f"chartroom:{part(team_id)}:thread:{part(channel_id)}:{part(conversation_id)}"


def data(team_id: str, identity: str) -> str:
    """The normalized Parquet bytes of one file version (and sheet)."""
    return f"chartroom:{part(team_id)}:data:{digest(identity)}"


def profile(team_id: str, identity: str) -> str:
    """The `DataProfile` JSON of one file version (and sheet)."""
    return f"chartroom:{part(team_id)}:profile:{digest(identity)}"


def request(team_id: str, request_id: str) -> str:
    """What one job already did in Slack (thread root, placeholder) and who may cancel it."""
    return f"chartroom:{part(team_id)}:req:{part(request_id)}"


def record(team_id: str, request_id: str) -> str:
    """An answer, for the buttons under it."""
    return f"chartroom:{part(team_id)}:record:{part(request_id)}"


def recent_answers(team_id: str) -> str:
    """The workspace's latest answers, newest first (the App Home lists them)."""
    return f"chartroom:{part(team_id)}:recent"


def feedback_votes(team_id: str, request_id: str) -> str:
    return f"chartroom:{part(team_id)}:feedback:{part(request_id)}"


def feedback_totals(team_id: str) -> str:
    return f"chartroom:{part(team_id)}:feedback"


def welcomed(team_id: str, user_id: str) -> str:
    return f"chartroom:{part(team_id)}:welcomed:{part(user_id)}"


def answer_cache(team_id: str, material_digest: str) -> str:
    return f"chartroom:{part(team_id)}:answer:{material_digest}"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]
