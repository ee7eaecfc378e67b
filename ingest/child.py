"""The code that runs inside the ingest child process (see `ingest.jail`).

It limits itself first (address space and CPU time, with `setrlimit`), then runs the ordinary
in-process ingest and reports over a pipe: ("rows", n) as reading goes, then one of
("done", parquet path, profile JSON, peak resident bytes, CPU seconds), ("user_error", class
name, message)
or ("failed", text).
Only plain strings and numbers cross the pipe.
"""

from __future__ import annotations

import re
import resource
from multiprocessing.connection import Connection
from pathlib import Path

from core.errors import UserError
from ingest.limits import IngestLimits
from ingest.load import ingest_file

# Address space may grow by this many times the resident-memory limit: Arrow's and glibc's
# allocators reserve address space they never touch (measured: a 10M-row CSV grows virtual
# memory by 2.3 GB for 1.4 GB resident). Resident memory itself is watched by the parent.
ADDRESS_SPACE_FACTOR = 2
_MB = 1024 * 1024


def run(conn: Connection, path: str, file_name: str, workdir: str, limits: IngestLimits,
        sheet: str | int | None) -> None:  # fmt: skip
    """The child's entry point."""
    try:
        _limit_self(limits)

        def rows_read(rows: int) -> None:
            conn.send(("rows", rows))

        data = ingest_file(
            Path(path), file_name, Path(workdir), limits, sheet=sheet, on_rows=rows_read
        )
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_s = usage.ru_utime + usage.ru_stime
        profile = data.profile.model_dump_json()
        conn.send(("done", str(data.parquet_path), profile, usage.ru_maxrss * 1024, cpu_s))
    except UserError as exc:
        conn.send(("user_error", type(exc).__name__, exc.user_message))
    except BaseException as exc:  # reported to the parent, which logs it
        conn.send(("failed", f"{type(exc).__name__}: {exc}"[:1000]))
    finally:
        conn.close()


def ready() -> None:
    """A child that does nothing: forking one makes the fork server import the ingest code."""


def _limit_self(limits: IngestLimits) -> None:
    mapped = _mapped_bytes()
    address_space = mapped + ADDRESS_SPACE_FACTOR * limits.memory_mb * _MB
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    # Soft limit: SIGXCPU ends the process; the hard limit a second later is the backstop.
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _mapped_bytes() -> int:
    """The address space this process already maps (the preloaded libraries)."""
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmSize:\s+(\d+) kB", status)
    return int(match.group(1)) * 1024 if match else 0
