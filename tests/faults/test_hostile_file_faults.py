"""Files built to blow up, and the renderer killed, from outside: the real app and a real worker
process. Each file ends in one clear message in its thread; the worker's own memory stays small
(files are parsed in its jailed child) and it charts the next question."""

from __future__ import annotations

import io
import json
import os
import signal
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from tests.faults import report
from tests.faults.checks import assert_one_answer
from tests.faults.harness import harness

pytestmark = pytest.mark.timeout(240)

MB = 1024 * 1024
WORKER_RSS_LIMIT = 2 * 1024 * MB  # the ceiling for a worker on any hostile file


def xlsx_bomb() -> bytes:
    """0.1 MB of workbook whose one sheet unpacks to 64 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * MB))
    return out.getvalue()


def parquet_dictionary_bomb() -> bytes:
    """A few kB: one 2 MB string repeated 2,000 times through its dictionary (3.9 GB decoded)."""
    values = pa.DictionaryArray.from_arrays(
        pa.array([0] * 2000, pa.int32()), pa.array(["x" * (2 * MB)])
    )
    out = io.BytesIO()
    pq.write_table(pa.table({"v": values}), out, compression="zstd")
    return out.getvalue()


def hungry_json() -> bytes:
    """Honest JSON whose rows outgrow the 200 MB the worker's ingest child may use here."""
    return json.dumps([{"id": i, "name": f"n{i}", "v": i / 3} for i in range(400_000)]).encode()


def peak_rss(pid: int) -> int:
    """The process's own peak resident memory (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        ("bomb.xlsx", xlsx_bomb, "unpacks to"),
        ("dictionary.parquet", parquet_dictionary_bomb, "unpacks to"),
        ("records.json", hungry_json, "memory"),
    ],
)
async def test_an_expansion_bomb_ends_in_a_clear_message_and_the_worker_stays_small(
    tmp_path: Path, name: str, make: Callable[[], bytes], said: str
) -> None:
    content = make()
    async with harness(tmp_path, INGEST_MEMORY_MB="200") as h:
        await h.start_app()
        worker = await h.start_worker()
        asked = await h.ask(file=(name, content))
        told = await h.first_word(asked)
        text = await assert_one_answer(h, asked, charted=False)
        assert said in text, text
        assert worker.alive
        rss = peak_rss(worker.process.pid)
        assert rss < WORKER_RSS_LIMIT, f"worker peaked at {rss / MB:.0f} MB"
        await assert_one_answer(h, await h.ask())  # and it serves the next question
    kind = "needs more memory than the ingest child may use" if said == "memory" else "expands"
    report.record(
        f"{name} ({len(content) / 1024:,.0f} kB) {kind}",
        told,
        f"clear message; worker peak RSS {rss / MB:.0f} MB; next question charted",
    )


def renderer_group(worker_pid: int) -> int:
    """The process group of the worker's renderer jail (bwrap leads it)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent = next(line.split()[1] for line in status.splitlines() if line.startswith("PPid"))
        if parent == str(worker_pid) and "bwrap" in cmdline and "render.server" in cmdline:
            return os.getpgid(int(entry.name))
    raise AssertionError("the worker has no renderer process")


async def test_a_killed_renderer_is_replaced_and_the_next_question_is_charted(
    tmp_path: Path,
) -> None:
    async with harness(tmp_path) as h:
        await h.start_app()
        worker = await h.start_worker()
        await assert_one_answer(h, await h.ask())
        os.killpg(renderer_group(worker.process.pid), signal.SIGKILL)
        killed_at = time.monotonic()
        asked = await h.ask()
        await assert_one_answer(h, asked)
        told = time.monotonic() - killed_at
        assert worker.alive
    report.record("renderer SIGKILLed between questions", told, "replaced; charted once")
